import { createHash } from "node:crypto"
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable
} from "kysely"
import * as Distribution from "../Distribution.js"
import { CoreCode, KernelConfigError, type Text } from "../Errors.js"
import { columnTypes, type Migration, type Statement } from "../Migration.js"
import type { Dialect, Storage, StorageTx } from "../Storage.js"
import type { PluginRegistry } from "./registry.js"

/** The one ledger of applied migrations, for core and every plugin. */
export const LEDGER = "shequ_migration"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const compileOnly = (dialect: Dialect): Kysely<any> =>
  new Kysely({
    dialect:
      dialect === "postgres"
        ? {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new PostgresIntrospector(db),
            createQueryCompiler: () => new PostgresQueryCompiler()
          }
        : {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new SqliteIntrospector(db),
            createQueryCompiler: () => new SqliteQueryCompiler()
          }
  })

const isRaw = (statement: Statement): statement is RawBuilder<unknown> =>
  "isRawBuilder" in statement && (statement as RawBuilder<unknown>).isRawBuilder

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const compile = (statement: Statement, db: Kysely<any>) =>
  isRaw(statement) ? statement.compile(db) : (statement as Compilable).compile()

/**
 * The checksum of a migration: SHA-256 of its SQL compiled for this dialect,
 * without the adapter's schema name, so one migration has one checksum wherever
 * a host puts its tables.
 */
export const checksum = (migration: Migration, dialect: Dialect): string => {
  const db = compileOnly(dialect)
  const statements = migration.up({ db, dialect, types: columnTypes(dialect) })
  const hash = createHash("sha256")
  for (const statement of statements) {
    const compiled = compile(statement, db)
    hash.update(compiled.sql)
    hash.update(JSON.stringify(compiled.parameters))
    hash.update("\n;\n")
  }
  return hash.digest("hex")
}

interface Pending {
  readonly owner: string
  readonly migration: Migration
  readonly checksum: string
}

const fail = (code: KernelConfigError["code"], subjects: ReadonlyArray<string>, problems: ReadonlyArray<Text>) =>
  new KernelConfigError({ code, subjects, problems })

const ensureLedger = async (tx: StorageTx) => {
  await tx.db.schema
    .createTable(LEDGER)
    .ifNotExists()
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("checksum", "text", (c) => c.notNull())
    .addColumn("applied_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint(`${LEDGER}_pk`, ["owner", "name"])
    .execute()
}

/** Table names each owner may create, checked against what its migrations made. */
const strayTables = (
  owner: string,
  created: ReadonlyArray<string>,
  prefixes: ReadonlyArray<string>
): ReadonlyArray<Text> =>
  created
    .filter((t) => !prefixes.some((p) => t.startsWith(p)))
    .map((t) => ({
      "zh-CN": `${owner} 的迁移建立了表 ${t}，表名应以 ${prefixes.join(" 或 ")} 开头`,
      en: `A migration of ${owner} created table ${t}; its tables are named ${prefixes.join(" or ")}…`
    }))

/**
 * The migrations not yet in the ledger, in the order they apply. An applied
 * migration whose checksum changed is refused: the database no longer matches
 * what the code says it ran.
 */
const pendingOf = async (
  storage: Storage,
  tx: StorageTx,
  registry: PluginRegistry,
  hasLedger: boolean
): Promise<ReadonlyArray<Pending>> => {
  const rows = (
    hasLedger ? await tx.db.selectFrom(LEDGER).select(["owner", "name", "checksum"]).execute() : []
  ) as ReadonlyArray<{ owner: string; name: string; checksum: string }>
  const applied = new Map(rows.map((r) => [`${r.owner}/${r.name}`, r.checksum]))
  const changed: Array<string> = []
  const pending: Array<Pending> = []
  for (const owner of registry.owners) {
    for (const migration of owner.spec.migrations ?? []) {
      const id = `${owner.name}/${migration.name}`
      const sum = checksum(migration, storage.dialect)
      const was = applied.get(id)
      if (was === undefined) pending.push({ owner: owner.name, migration, checksum: sum })
      else if (was !== sum) changed.push(id)
    }
  }
  if (changed.length > 0) {
    throw fail(
      CoreCode.MigrationChanged,
      changed,
      changed.map((id) => ({
        "zh-CN": `已执行的迁移 ${id} 已被修改（校验和不同）；请新增迁移而非修改旧迁移`,
        en: `Applied migration ${id} has changed (checksum differs); add a new migration instead`
      }))
    )
  }
  return pending
}

/**
 * A pending migration and the SQL it would run here, schema-qualified: what
 * `shequ migrate --dry-run` prints for a host that applies DDL itself.
 */
export interface PlannedMigration {
  readonly id: string
  readonly statements: ReadonlyArray<{ readonly sql: string; readonly parameters: ReadonlyArray<unknown> }>
}

/** The pending migrations and their SQL, read in a read-only transaction; nothing is applied. */
export const plan = async (storage: Storage, registry: PluginRegistry): Promise<ReadonlyArray<PlannedMigration>> => {
  const tx = await storage.begin("read")
  try {
    const hasLedger = (await storage.catalog(tx)).some((t) => t.name === LEDGER)
    const pending = await pendingOf(storage, tx, registry, hasLedger)
    const types = columnTypes(storage.dialect)
    return pending.map(({ owner, migration }) => ({
      id: `${owner}/${migration.name}`,
      statements: migration.up({ db: tx.db, dialect: storage.dialect, types }).map((statement) => {
        const compiled = compile(statement, tx.db)
        return { sql: compiled.sql, parameters: compiled.parameters }
      })
    }))
  } finally {
    await tx.rollback()
  }
}

/**
 * Applies what is pending, in one transaction under the migration lock: core's
 * migrations first, then each plugin's in requirement order. An applied
 * migration whose checksum changed, a table outside its owner's prefix, or a
 * table that breaks the distribution rules refuses the start and applies nothing.
 */
export const migrate = async (storage: Storage, registry: PluginRegistry): Promise<ReadonlyArray<string>> => {
  const tx = await storage.begin("migrate")
  try {
    // A host that forbids DDL at start-up (`verify`) gets no ledger created behind its back.
    const hasLedger = (await storage.catalog(tx)).some((t) => t.name === LEDGER)
    if (!hasLedger && storage.migrate === "auto") await ensureLedger(tx)
    const pending = await pendingOf(storage, tx, registry, hasLedger)
    if (pending.length > 0 && storage.migrate === "verify") {
      throw fail(
        CoreCode.MigrationsPending,
        pending.map((p) => `${p.owner}/${p.migration.name}`),
        [
          {
            "zh-CN": `数据库缺少迁移：${pending.map((p) => `${p.owner}/${p.migration.name}`).join("、")}；请先运行 shequ migrate`,
            en: `The database lacks migrations: ${pending.map((p) => `${p.owner}/${p.migration.name}`).join(", ")}; run shequ migrate first`
          }
        ]
      )
    }
    const problems: Array<Text> = []
    const subjects: Array<string> = []
    let known = new Set((await storage.catalog(tx)).map((t) => t.name))
    for (const owner of registry.owners) {
      const mine = pending.filter((p) => p.owner === owner.name)
      if (mine.length === 0) continue
      for (const { migration, checksum: sum } of mine) {
        const types = columnTypes(storage.dialect)
        for (const statement of migration.up({ db: tx.db, dialect: storage.dialect, types })) {
          await tx.db.executeQuery(compile(statement, tx.db))
        }
        await tx.db
          .insertInto(LEDGER)
          .values({ owner: owner.name, name: migration.name, checksum: sum, applied_at: new Date().toISOString() })
          .execute()
      }
      const now = (await storage.catalog(tx)).map((t) => t.name)
      const stray = strayTables(
        owner.name,
        now.filter((t) => !known.has(t)),
        registry.prefixes.get(owner.name) ?? []
      )
      if (stray.length > 0) {
        problems.push(...stray)
        subjects.push(owner.name)
      }
      known = new Set(now)
    }
    if (problems.length > 0) throw fail(CoreCode.PluginInvalid, subjects, problems)

    const tables = (await storage.catalog(tx)).filter((t) => ownedBy(registry, t.name) || t.name === LEDGER)
    const roles = Distribution.roles(tables, registry.referenceTables, new Set([LEDGER]))
    const violations = Distribution.check(roles)
    if (violations.length > 0) {
      throw fail(CoreCode.DistributionRule, [...new Set(violations.map((v) => v.table))], violations)
    }
    if (storage.afterMigrate) await storage.afterMigrate(tx, roles)
    await tx.commit()
    return pending.map((p) => `${p.owner}/${p.migration.name}`)
  } catch (error) {
    await tx.rollback()
    throw error
  }
}

const ownedBy = (registry: PluginRegistry, table: string) =>
  [...registry.prefixes.values()].some((prefixes) => prefixes.some((p) => table.startsWith(p)))
