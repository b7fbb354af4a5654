import type { Storage, StorageTx, TableRole, TxMode } from "@shequ/core"
import { sql } from "kysely"
import pg from "pg"
import { afterAll, describe, expect, it } from "vitest"
import { isRetryable, postgresStorage, storage as storageFromSpec } from "../src/index.js"
import { dropSchemas, freshSchema, servers } from "./servers.js"

const within = async <A>(storage: Storage, mode: TxMode, work: (tx: StorageTx) => Promise<A>): Promise<A> => {
  const tx = await storage.begin(mode)
  try {
    const result = await work(tx)
    await tx.commit()
    return result
  } catch (error) {
    await tx.rollback()
    throw error
  }
}

const failure = async (promise: Promise<unknown>): Promise<Error & { code?: string }> => {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error("expected a rejection")
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A `note` table keyed like every shequ table: district first. */
const createNotes = (tx: StorageTx) =>
  tx.db.schema
    .createTable("note")
    .addColumn("district_code", "text", (c) => c.notNull())
    .addColumn("id", "integer", (c) => c.notNull())
    .addColumn("body", "text")
    .addColumn("created", "text", (c) => c.notNull().defaultTo("seed"))
    .addPrimaryKeyConstraint("note_pk", ["district_code", "id"])
    .execute()

const noteRows = (from: number, to: number, body: (id: number) => string) => {
  const rows: Array<[string, number, string]> = []
  for (let id = from; id < to; id++) rows.push(["110101", id, body(id)])
  return rows
}

const notes = async (storage: Storage) =>
  within(storage, "read", (tx) =>
    tx.db.selectFrom("note").select(["id", "body", "created"]).orderBy("id").execute()
  ) as Promise<Array<{ id: number; body: string | null; created: string }>>

describe.each([...servers()])("$name", ({ url }) => {
  const schemas: Array<string> = []
  const opened: Array<Storage> = []
  const open = (options: { schema?: string; citus?: boolean; migrate?: "auto" | "verify" } = {}) => {
    const schema = options.schema ?? freshSchema()
    schemas.push(schema)
    const storage = postgresStorage({ connectionString: url, ...options, schema })
    opened.push(storage)
    return storage
  }
  const withNotes = async (schema?: string) => {
    const storage = open(schema === undefined ? {} : { schema })
    await within(storage, "migrate", createNotes)
    return storage
  }

  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()))
    await dropSchemas(url, schemas)
  })

  it("describes itself as a shared, schema-qualified engine with COPY", () => {
    const storage = open({ migrate: "verify" })
    expect(storage.engine).toBe("postgres")
    expect(storage.dialect).toBe("postgres")
    expect(storage.capabilities).toEqual({ copy: true, sharedAcrossProcesses: true, schemas: true })
    expect(storage.migrate).toBe("verify")
    expect(open().migrate).toBe("auto")
  })

  it("keeps a committed write and leaves nothing of a rolled-back one", async () => {
    const storage = await withNotes()
    const committed = await storage.begin("write")
    await committed.db.insertInto("note").values({ district_code: "110101", id: 1, body: "kept" }).execute()
    await committed.commit()
    const rolledBack = await storage.begin("write")
    await rolledBack.db.insertInto("note").values({ district_code: "110101", id: 2, body: "dropped" }).execute()
    await rolledBack.rollback()

    expect(await notes(storage)).toEqual([{ id: 1, body: "kept", created: "seed" }])
  })

  it("refuses statements once a transaction has ended, and a second rollback does nothing", async () => {
    const storage = await withNotes()
    const tx = await storage.begin("write")
    await tx.commit()
    const ended = "This transaction has already ended"
    await expect(tx.db.selectFrom("note").selectAll().execute()).rejects.toThrow(ended)
    await expect(tx.bulkInsert({ table: "note", columns: ["id"], rows: [] })).rejects.toThrow(ended)
    await expect(tx.commit()).rejects.toThrow(ended)
    await tx.rollback()
  })

  it("rejects a commit the server refuses, and a rollback after it does not throw", async () => {
    const storage = open()
    await within(storage, "migrate", (tx) =>
      tx.db.schema
        .createTable("deferred")
        .addColumn("id", "integer")
        .addUniqueConstraint("deferred_id", ["id"], (c) => c.deferrable().initiallyDeferred())
        .execute()
    )
    const tx = await storage.begin("write")
    try {
      await tx.db
        .insertInto("deferred")
        .values([{ id: 1 }, { id: 1 }])
        .execute()
      const refused = await failure(tx.commit())
      expect(refused.code).toBe("23505")
    } finally {
      await tx.rollback()
    }
    const rows = await within(storage, "read", (reader) => reader.db.selectFrom("deferred").selectAll().execute())
    expect(rows).toEqual([])
  })

  it("reads a stable snapshot and refuses to write in a read transaction", async () => {
    const storage = await withNotes()
    const reader = await storage.begin("read")
    try {
      const count = () =>
        reader.db
          .selectFrom("note")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      expect(await count()).toEqual({ n: 0 })
      await within(storage, "write", (tx) =>
        tx.db.insertInto("note").values({ district_code: "110101", id: 1, body: "later" }).execute()
      )
      expect(await count()).toEqual({ n: 0 })

      const refused = await failure(
        reader.db.insertInto("note").values({ district_code: "110101", id: 2, body: "no" }).execute()
      )
      expect(refused.code).toBe("25006")
    } finally {
      await reader.rollback()
    }
  })

  it("gives back bigint as a number, numeric as a string, date as a day, JSON as values", async () => {
    const storage = open()
    const row = await within(storage, "migrate", async (tx) => {
      await tx.db.schema
        .createTable("sample")
        .addColumn("big", "bigint")
        .addColumn("amount", "numeric(20, 2)")
        .addColumn("day", "date")
        .addColumn("at", "timestamptz")
        .addColumn("flag", "boolean")
        .addColumn("doc", "jsonb")
        .addColumn("list", "jsonb")
        .execute()
      await tx.db
        .insertInto("sample")
        .values({
          big: 9007199254740991,
          amount: "12345678901234567.89",
          day: "2020-03-01",
          at: new Date("2020-03-01T08:30:00.123Z"),
          flag: true,
          doc: { name: "张三", tags: ["独居", "高龄"] },
          list: [1, "two", null]
        })
        .execute()
      return tx.db.selectFrom("sample").selectAll().executeTakeFirstOrThrow()
    })
    expect(row).toEqual({
      big: 9007199254740991,
      amount: "12345678901234567.89",
      day: "2020-03-01",
      at: new Date("2020-03-01T08:30:00.123Z"),
      flag: true,
      doc: { name: "张三", tags: ["独居", "高龄"] },
      list: [1, "two", null]
    })
  })

  it("runs two migrations of one schema one after the other, and another schema's alongside", async () => {
    const schema = freshSchema()
    const first = open({ schema })
    const second = open({ schema })
    const order: Array<string> = []

    const a = await first.begin("migrate")
    const waiting = second.begin("migrate").then((tx) => {
      order.push("second has the lock")
      return tx
    })
    const elsewhere = open()
    await within(elsewhere, "migrate", async () => {
      order.push("another schema migrated")
    })
    await sleep(300)
    await createNotes(a)
    order.push("first commits")
    await a.commit()

    const b = await waiting
    const tables = await second.catalog(b)
    await b.commit()
    expect(order).toEqual(["another schema migrated", "first commits", "second has the lock"])
    expect(tables.map((table) => table.name)).toEqual(["note"])
  })

  it("creates the schema once when several processes migrate a new database at the same time", async () => {
    const schema = freshSchema()
    const storages = [open({ schema }), open({ schema }), open({ schema })]
    await Promise.all(storages.map((storage) => within(storage, "migrate", async () => {})))
    const found = await within(storages[0]!, "read", (tx) =>
      sql<{ n: number }>`SELECT count(*) AS n FROM pg_catalog.pg_namespace WHERE nspname = ${schema}`.execute(tx.db)
    )
    expect(found.rows).toEqual([{ n: 1 }])
  })

  describe("bulkInsert", () => {
    it("COPYs 10,000 rows and fails the whole transaction on a conflict", async () => {
      const storage = await withNotes()
      const written = await within(storage, "write", (tx) =>
        tx.bulkInsert({
          table: "note",
          columns: ["district_code", "id", "body"],
          rows: noteRows(0, 10_000, (id) => `note ${id}`)
        })
      )
      expect(written).toBe(10_000)
      const rows = await notes(storage)
      expect(rows).toHaveLength(10_000)
      expect(rows[9_999]).toEqual({ id: 9_999, body: "note 9999", created: "seed" })

      const tx = await storage.begin("write")
      const conflict = await failure(
        tx.bulkInsert({
          table: "note",
          columns: ["district_code", "id", "body"],
          rows: noteRows(10_000, 10_010, String).concat(noteRows(5, 6, String)),
          onConflict: { kind: "error" }
        })
      )
      expect(conflict.code).toBe("23505")
      expect(isRetryable(conflict)).toBe(false)
      const commit = await failure(tx.commit())
      expect(commit.code).toBe("25P02")
      await tx.rollback()
      expect(await notes(storage)).toHaveLength(10_000)
    })

    it("skips rows whose key is taken, keeping the first of duplicates", async () => {
      const storage = await withNotes()
      await within(storage, "write", (tx) =>
        tx.bulkInsert({
          table: "note",
          columns: ["district_code", "id", "body"],
          rows: noteRows(0, 5_000, () => "old")
        })
      )
      const incoming = noteRows(0, 10_000, () => "new").concat(noteRows(7_000, 7_100, () => "duplicate"))
      const written = await within(storage, "write", (tx) =>
        tx.bulkInsert({
          table: "note",
          columns: ["district_code", "id", "body"],
          rows: incoming,
          onConflict: { kind: "ignore", key: ["district_code", "id"] }
        })
      )
      expect(written).toBe(5_000)
      const rows = await notes(storage)
      expect(rows).toHaveLength(10_000)
      expect(rows.filter((row) => row.body === "old")).toHaveLength(5_000)
      expect(rows.filter((row) => row.body === "new")).toHaveLength(5_000)
      expect(rows[7_050]).toEqual({ id: 7_050, body: "new", created: "seed" })
    })

    it("updates the listed columns of rows whose key is taken, the last duplicate winning", async () => {
      const storage = await withNotes()
      await within(storage, "write", (tx) =>
        tx.bulkInsert({
          table: "note",
          columns: ["district_code", "id", "body", "created"],
          rows: noteRows(0, 5_000, () => "old").map((row) => [...row, "first import"])
        })
      )
      const incoming = noteRows(0, 10_000, () => "new")
        .concat(noteRows(9_000, 9_100, () => "newer"))
        .map((row) => [...row, "second import"])
      const written = await within(storage, "write", (tx) =>
        tx.bulkInsert({
          table: "note",
          columns: ["district_code", "id", "body", "created"],
          rows: incoming,
          onConflict: { kind: "update", key: ["district_code", "id"], set: ["body"] }
        })
      )
      expect(written).toBe(10_000)
      const rows = await notes(storage)
      expect(rows).toHaveLength(10_000)
      expect(rows[10]).toEqual({ id: 10, body: "new", created: "first import" })
      expect(rows[6_000]).toEqual({ id: 6_000, body: "new", created: "second import" })
      expect(rows[9_050]).toEqual({ id: 9_050, body: "newer", created: "second import" })
    })

    it("streams an async source, and a failing source aborts the COPY but not the connection", async () => {
      const storage = await withNotes()
      async function* generated(fail: boolean) {
        for (let id = 0; id < 20_000; id++) {
          if (fail && id === 15_000) throw new Error("the source broke")
          yield ["110101", id, `async ${id}`]
        }
      }
      for (const onConflict of [undefined, { kind: "ignore", key: ["district_code", "id"] }] as const) {
        const tx = await storage.begin("write")
        const broken = await failure(
          tx.bulkInsert({ table: "note", columns: ["district_code", "id", "body"], rows: generated(true), onConflict })
        )
        expect(broken.message).toBe("the source broke")
        await tx.rollback()
      }
      const written = await within(storage, "write", (tx) =>
        tx.bulkInsert({ table: "note", columns: ["district_code", "id", "body"], rows: generated(false) })
      )
      expect(written).toBe(20_000)
      expect(await notes(storage)).toHaveLength(20_000)
    })

    it("round-trips awkward values through COPY", async () => {
      const storage = open()
      await within(storage, "migrate", (tx) =>
        tx.db.schema
          .createTable("awkward")
          .addColumn("n", "integer", (c) => c.primaryKey())
          .addColumn("text", "text")
          .addColumn("doc", "jsonb")
          .addColumn("flag", "boolean")
          .addColumn("at", "timestamptz")
          .addColumn("day", "date")
          .addColumn("big", "bigint")
          .addColumn("ratio", "float8")
          .addColumn("bytes", "bytea")
          .execute()
      )
      const strings = [
        "tab\there",
        "line\nbreak",
        "carriage\rreturn\r\n",
        "back\\slash",
        "\\N",
        "\\.",
        "\\",
        "\\\\N\\t",
        "",
        " leading and trailing ",
        "quotes ' \" `",
        "中文：社区治理",
        "emoji 👩‍👩‍👧 🏘️",
        "\u2028\u2029\u00a0"
      ]
      const rows: Array<ReadonlyArray<unknown>> = strings.map((text, n) => [
        n,
        text,
        { text, list: [text, n, true, null], nested: { "key\twith\ntab": text } },
        n % 2 === 0,
        new Date(Date.UTC(2020, 2, 1 + n, 8, 30, 0, n)),
        new Date(Date.UTC(2020, 2, 1 + n)),
        2 ** 53 - 1 - n,
        n / 3,
        Buffer.from(text)
      ])
      rows.push([100, null, null, null, null, null, null, null, null])
      rows.push([101, "array doc", [strings[0], { a: strings[3] }], false, null, null, -1, -0.5, Buffer.alloc(0)])

      const written = await within(storage, "write", (tx) =>
        tx.bulkInsert({
          table: "awkward",
          columns: ["n", "text", "doc", "flag", "at", "day", "big", "ratio", "bytes"],
          rows
        })
      )
      expect(written).toBe(rows.length)

      const back = await within(storage, "read", (tx) => tx.db.selectFrom("awkward").selectAll().orderBy("n").execute())
      expect(back).toEqual(
        rows.map(([n, text, doc, flag, at, day, big, ratio, bytes]) => ({
          n,
          text,
          doc,
          flag,
          at,
          day: day instanceof Date ? day.toISOString().slice(0, 10) : null,
          big,
          ratio,
          bytes
        }))
      )
    })
  })

  it("reads keys from the catalogue in key order, not column order", async () => {
    const storage = open()
    const tables = await within(storage, "migrate", async (tx) => {
      await tx.db.schema
        .createTable("tag")
        .addColumn("code", "text", (c) => c.primaryKey())
        .addColumn("label", "text", (c) => c.notNull())
        .execute()
      await tx.db.schema
        .createTable("household")
        .addColumn("id", "uuid")
        .addColumn("district_code", "char(6)")
        .addPrimaryKeyConstraint("household_pk", ["district_code", "id"])
        .execute()
      await tx.db.schema
        .createTable("resident")
        .addColumn("id", "uuid")
        .addColumn("household_id", "uuid")
        .addColumn("a", "text")
        .addColumn("b", "text")
        .addColumn("name", "varchar(40)")
        .addColumn("tag", "text", (c) => c.references("tag.code"))
        .addColumn("district_code", "char(6)")
        .addPrimaryKeyConstraint("resident_pk", ["district_code", "id"])
        .addUniqueConstraint("resident_b_a", ["district_code", "b", "a"])
        .addForeignKeyConstraint("resident_household", ["district_code", "household_id"], "household", [
          "district_code",
          "id"
        ])
        .execute()
      await tx.db.schema
        .createIndex("resident_name")
        .unique()
        .on("resident")
        .columns(["district_code", "name"])
        .execute()
      await tx.db.schema
        .createIndex("resident_lower_name")
        .unique()
        .on("resident")
        .expression(sql`lower(name)`)
        .execute()
      await tx.db.schema
        .createTable("counter")
        .addColumn("serial_id", "serial")
        .addColumn("identity_id", "integer", (c) => c.generatedAlwaysAsIdentity())
        .execute()
      return storage.catalog(tx)
    })

    const column = (name: string, type: string, nullable: boolean, sequence = false) => ({
      name,
      type,
      nullable,
      sequence
    })
    expect(tables).toEqual([
      {
        name: "counter",
        columns: [column("serial_id", "integer", false, true), column("identity_id", "integer", false, true)],
        primaryKey: [],
        uniqueKeys: [],
        foreignKeys: []
      },
      {
        name: "household",
        columns: [column("id", "uuid", false), column("district_code", "character(6)", false)],
        primaryKey: ["district_code", "id"],
        uniqueKeys: [],
        foreignKeys: []
      },
      {
        name: "resident",
        columns: [
          column("id", "uuid", false),
          column("household_id", "uuid", true),
          column("a", "text", true),
          column("b", "text", true),
          column("name", "character varying(40)", true),
          column("tag", "text", true),
          column("district_code", "character(6)", false)
        ],
        primaryKey: ["district_code", "id"],
        uniqueKeys: [
          ["district_code", "b", "a"],
          ["district_code", "name"]
        ],
        foreignKeys: [
          { columns: ["district_code", "household_id"], table: "household", references: ["district_code", "id"] },
          { columns: ["tag"], table: "tag", references: ["code"] }
        ]
      },
      {
        name: "tag",
        columns: [column("code", "text", false), column("label", "text", false)],
        primaryKey: ["code"],
        uniqueKeys: [],
        foreignKeys: []
      }
    ])
  })

  it("distributes the tables on Citus after a migration, once, parents first", async () => {
    const schema = freshSchema()
    const storage = open({ schema, citus: true })
    const stub = freshSchema()
    schemas.push(stub)
    const migrate = () =>
      within(storage, "migrate", async (tx) => {
        // A stand-in for Citus's catalogue and functions, found through search_path
        // as the real ones are found in pg_catalog.
        await sql`SET LOCAL search_path = ${sql.id(stub)}`.execute(tx.db)
        await sql
          .raw(
            `
          CREATE SCHEMA IF NOT EXISTS "${stub}";
          CREATE TABLE IF NOT EXISTS "${stub}".pg_dist_partition (logicalrelid regclass, colocate_with text, n serial);
          CREATE OR REPLACE FUNCTION "${stub}".create_reference_table(t regclass) RETURNS void
            LANGUAGE sql AS $$ INSERT INTO "${stub}".pg_dist_partition (logicalrelid) VALUES (t) $$;
          CREATE OR REPLACE FUNCTION "${stub}".create_distributed_table(t regclass, column_name text, colocate_with text)
            RETURNS void LANGUAGE sql AS $$ INSERT INTO "${stub}".pg_dist_partition VALUES (t, colocate_with) $$;
        `
          )
          .execute(tx.db)
        for (const name of ["tag", "visit", "resident", "ledger"]) {
          await tx.db.schema.createTable(name).ifNotExists().addColumn("id", "text").execute()
        }
        const table = (name: string, parents: ReadonlyArray<string> = []) => ({
          name,
          columns: [],
          primaryKey: [],
          uniqueKeys: [],
          foreignKeys: parents.map((parent) => ({
            columns: ["district_code"],
            table: parent,
            references: ["district_code"]
          }))
        })
        const roles: ReadonlyArray<TableRole> = [
          { table: table("visit", ["resident", "tag"]), kind: "district" },
          { table: table("resident"), kind: "district" },
          { table: table("ledger"), kind: "ledger" },
          { table: table("tag"), kind: "reference" }
        ]
        await storage.afterMigrate!(tx, roles)
      })
    await migrate()
    await migrate()

    const distributed = await within(storage, "read", (tx) =>
      sql<{ relation: string; colocate_with: string | null }>`
        SELECT n.nspname || '.' || c.relname AS relation, d.colocate_with
        FROM ${sql.table(`${stub}.pg_dist_partition`)} d
        JOIN pg_catalog.pg_class c ON c.oid = d.logicalrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        ORDER BY d.n
      `.execute(tx.db)
    )
    expect(distributed.rows).toEqual([
      { relation: `${schema}.tag`, colocate_with: null },
      { relation: `${schema}.resident`, colocate_with: "default" },
      { relation: `${schema}.visit`, colocate_with: `"${schema}"."resident"` }
    ])
  })

  it("refuses to distribute on a server without Citus, saying so", async () => {
    const storage = open({ citus: true })
    await expect(
      within(storage, "migrate", async (tx) => {
        await createNotes(tx)
        await storage.afterMigrate!(tx, [
          { table: { name: "note", columns: [], primaryKey: [], uniqueKeys: [], foreignKeys: [] }, kind: "district" }
        ])
      })
    ).rejects.toThrow(/no Citus/)
  })

  it("does nothing after a migration without Citus", async () => {
    const storage = open()
    await within(storage, "migrate", async (tx) => {
      await createNotes(tx)
      const roles: ReadonlyArray<TableRole> = [
        {
          table: { name: "note", columns: [], primaryKey: [], uniqueKeys: [], foreignKeys: [] },
          kind: "district"
        }
      ]
      await storage.afterMigrate!(tx, roles)
    })
  })

  it("says which failures are worth a retry", async () => {
    const storage = await withNotes()
    await within(storage, "write", (tx) =>
      tx.db.insertInto("note").values({ district_code: "110101", id: 1, body: "locked" }).execute()
    )
    const holder = await storage.begin("write")
    try {
      await holder.db.selectFrom("note").selectAll().forUpdate().execute()
      const locked = await failure(
        within(storage, "write", (tx) => tx.db.selectFrom("note").selectAll().forUpdate().noWait().execute())
      )
      expect(locked.code).toBe("55P03")
      expect(isRetryable(locked)).toBe(true)
      expect(storage.isRetryable(locked)).toBe(true)
    } finally {
      await holder.rollback()
    }

    const duplicate = await failure(
      within(storage, "write", (tx) =>
        tx.db.insertInto("note").values({ district_code: "110101", id: 1, body: "again" }).execute()
      )
    )
    expect(duplicate.code).toBe("23505")
    expect(isRetryable(duplicate)).toBe(false)
  })

  it("survives a server that ends the connection mid-transaction", async () => {
    const storage = await withNotes()
    const tx = await storage.begin("write")
    const { pid } = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx.db)).rows[0]!
    await within(storage, "write", (other) => sql`SELECT pg_terminate_backend(${pid})`.execute(other.db))
    await sleep(100)
    const lost = await failure(tx.db.insertInto("note").values({ district_code: "110101", id: 1, body: "x" }).execute())
    expect(isRetryable(lost)).toBe(true)
    await tx.rollback()

    await within(storage, "write", (again) =>
      again.db.insertInto("note").values({ district_code: "110101", id: 2, body: "after" }).execute()
    )
    expect(await notes(storage)).toEqual([{ id: 2, body: "after", created: "seed" }])
  })

  it("reopens from its spec in another process's way, and ends only its own pool", async () => {
    const schema = freshSchema()
    const storage = await withNotes(schema)
    await within(storage, "write", (tx) =>
      tx.db.insertInto("note").values({ district_code: "110101", id: 1, body: "shared" }).execute()
    )
    expect(storage.spec).toEqual({
      module: "@shequ/adapter-postgres",
      options: { connectionString: url, schema, migrate: "auto" }
    })
    const reopened = storageFromSpec(storage.spec!.options)
    expect(await notes(reopened)).toEqual([{ id: 1, body: "shared", created: "seed" }])
    await reopened.close()
    await expect(reopened.begin("read")).rejects.toThrow()

    const hostPool = new pg.Pool({ connectionString: url, max: 2 })
    try {
      const hosted = postgresStorage({ pool: hostPool, schema })
      expect(hosted.spec).toBeUndefined()
      expect(await notes(hosted)).toEqual([{ id: 1, body: "shared", created: "seed" }])
      await hosted.close()
      expect((await hostPool.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }])
      expect(hostPool.totalCount).toBeGreaterThan(0)
      expect(hostPool.idleCount).toBe(hostPool.totalCount)
    } finally {
      await hostPool.end()
    }
  })

  it("refuses options that name no database or two", () => {
    const hostPool = new pg.Pool({ connectionString: url })
    expect(() => postgresStorage({})).toThrow(TypeError)
    expect(() => postgresStorage({ connectionString: url, pool: hostPool })).toThrow(TypeError)
    expect(() => postgresStorage({ pool: hostPool, max: 5 })).toThrow(TypeError)
    return hostPool.end()
  })

  it("puts a table that raw SQL names without its schema in the storage's schema, not in public", async () => {
    const schema = freshSchema()
    const storage = open({ schema })
    await within(storage, "migrate", (tx) => sql`CREATE TABLE unqualified_note (id text)`.execute(tx.db))
    const found = await within(storage, "read", (tx) =>
      sql<{ nspname: string }>`
        SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = 'unqualified_note'
      `.execute(tx.db)
    )
    expect(found.rows).toEqual([{ nspname: schema }])
  })

  it("never creates anything in public", async () => {
    const client = new pg.Client(url)
    await client.connect()
    try {
      const { rows } = await client.query(
        `SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public'`
      )
      expect(rows).toEqual([])
    } finally {
      await client.end()
    }
  })
})
