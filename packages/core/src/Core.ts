/**
 * The kernel's own tables and commands: the event log and its positions, the
 * job ledger, districts, and the role grants `kernel.actorFor` reads. Written with
 * the same plugin API as everything else; the kernel always runs it first.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { CurrentActor, ScopeLevel } from "./Actor.js"
import { now } from "./Calendar.js"
import * as Db from "./Db.js"
import { CoreCode, NotFound } from "./Errors.js"
import * as Events from "./Events.js"
import * as Ids from "./Ids.js"
import type { Migration } from "./Migration.js"
import { command, definePlugin, query } from "./Plugin.js"
import * as Problems from "./Problems.js"

/**
 * A GB/T 2260 district code: six digits (Lingdong: `230503`).
 *
 * @since 0.1.0
 */
export const DistrictCode = Schema.String.pipe(
  Schema.pattern(/^\d{6}$/),
  Problems.explain({
    code: "CORE.DISTRICT_CODE",
    "zh-CN": "区划代码应为 6 位数字（GB/T 2260）",
    en: "A district code is 6 digits (GB/T 2260)"
  })
)

/**
 * A scope path: codes of the district tree, each followed by `/`.
 *
 * @since 0.1.0
 */
export const ScopePath = Schema.String.pipe(
  Schema.pattern(/^(\d{6}\/)([^/]+\/)*$/),
  Problems.explain({
    code: "CORE.SCOPE_PATH",
    "zh-CN": "范围路径应以区划代码开头，每级以 / 结尾",
    en: "A scope path starts with the district code and ends each level with /"
  })
)

const kernelTables: Migration = {
  name: "0001_kernel",
  up: ({ db, types }) => [
    db.schema
      .createTable("registry_district")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("registered_at", types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("registry_district_pk", ["district_code"]),
    db.schema
      .createTable("core_event_position")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("position", types.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint("core_event_position_pk", ["district_code"]),
    db.schema
      .createTable("core_event")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("position", types.bigint, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("scope_path", types.scopePath)
      .addColumn("subject", "text")
      .addColumn("payload", types.json, (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("cause", "text", (c) => c.notNull())
      .addColumn("correlation", types.id, (c) => c.notNull())
      .addColumn("occurred_at", types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("core_event_pk", ["district_code", "position"])
      .addUniqueConstraint("core_event_id_key", ["district_code", "id"]),
    db.schema
      .createTable("core_job_run")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("job", "text", (c) => c.notNull())
      .addColumn("at", types.timestamp, (c) => c.notNull())
      .addColumn("started_at", types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("core_job_run_pk", ["district_code", "job", "at"]),
    db.schema
      .createTable("core_role_grant")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("level", "text", (c) => c.notNull())
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addColumn("granted_by", "text", (c) => c.notNull())
      .addColumn("granted_at", types.timestamp, (c) => c.notNull())
      .addColumn("revoked_at", types.timestamp)
      .addPrimaryKeyConstraint("core_role_grant_pk", ["district_code", "id"])
      .addForeignKeyConstraint("core_role_grant_district_fk", ["district_code"], "registry_district", [
        "district_code"
      ]),
    db.schema.createIndex("core_role_grant_user_idx").on("core_role_grant").columns(["user_id"])
  ]
}

// One row: the fingerprint of the key ID and phone numbers are sealed with (never the key).
const keyTable: Migration = {
  name: "0002_key",
  up: ({ db, types }) => [
    db.schema
      .createTable("core_key")
      .addColumn("fingerprint", "text", (c) => c.notNull().primaryKey())
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("cipher", "text", (c) => c.notNull())
      .addColumn("stored_at", types.timestamp, (c) => c.notNull())
  ]
}

const districtTarget = (district: string) => ({ district, scopePath: `${district}/` })

const registerDistrict = command({
  input: Schema.Struct({ code: DistrictCode, name: Schema.NonEmptyTrimmedString }),
  target: (input) => districtTarget(input.code),
  run: (input) =>
    Effect.gen(function* () {
      const existing = yield* Db.use((db) =>
        db.selectFrom("registry_district").select("name").where("district_code", "=", input.code).executeTakeFirst()
      )
      // Registering a district again with the same name changes nothing and says nothing.
      if (existing?.name === input.name) return { code: input.code, name: input.name }
      const registeredAt = yield* now
      yield* Db.use((db) =>
        db
          .insertInto("registry_district")
          .values({ district_code: input.code, name: input.name, registered_at: registeredAt })
          .onConflict((oc) => oc.column("district_code").doUpdateSet({ name: input.name }))
          .execute()
      )
      yield* Events.append({
        type: existing ? "core.district-renamed" : "core.district-registered",
        district: input.code,
        scopePath: `${input.code}/`,
        payload: { name: input.name }
      })
      return { code: input.code, name: input.name }
    })
})

const grantRole = command({
  input: Schema.Struct({
    district: DistrictCode,
    userId: Schema.NonEmptyTrimmedString,
    role: Schema.NonEmptyTrimmedString,
    level: ScopeLevel,
    scopePath: ScopePath
  }),
  target: (input) => ({ district: input.district, scopePath: input.scopePath }),
  run: (input) =>
    Effect.gen(function* () {
      const id = yield* Ids.next
      const actor = yield* CurrentActor
      const grantedAt = yield* now
      yield* Db.use((db) =>
        db
          .insertInto("core_role_grant")
          .values({
            district_code: input.district,
            id,
            user_id: input.userId,
            role: input.role,
            level: input.level,
            scope_path: input.scopePath,
            granted_by: actor.id,
            granted_at: grantedAt
          })
          .execute()
      )
      yield* Events.append({
        type: "core.role-granted",
        district: input.district,
        scopePath: input.scopePath,
        subject: id,
        payload: { userId: input.userId, role: input.role, level: input.level }
      })
      return { id }
    })
})

const revokeRole = command({
  input: Schema.Struct({ district: DistrictCode, grantId: Schema.UUID }),
  load: (input) =>
    Effect.gen(function* () {
      const row = yield* Db.use((db) =>
        db
          .selectFrom("core_role_grant")
          .select(["scope_path", "revoked_at"])
          .where("district_code", "=", input.district)
          .where("id", "=", input.grantId)
          .executeTakeFirst()
      )
      if (row === undefined) {
        return yield* new NotFound({ code: CoreCode.NotFound, entity: "role grant", id: input.grantId })
      }
      return row as { scope_path: string }
    }),
  target: (input, grant) => ({ district: input.district, scopePath: grant.scope_path }),
  run: (input, grant) =>
    Effect.gen(function* () {
      const revokedAt = yield* now
      yield* Db.use((db) =>
        db
          .updateTable("core_role_grant")
          .set({ revoked_at: revokedAt })
          .where("district_code", "=", input.district)
          .where("id", "=", input.grantId)
          .where("revoked_at", "is", null)
          .execute()
      )
      yield* Events.append({
        type: "core.role-revoked",
        district: input.district,
        scopePath: grant.scope_path,
        subject: input.grantId
      })
    })
})

const districts = query({
  input: Schema.Struct({}),
  // Every district at once: no role covers that, so only the system actor may list them.
  target: () => ({ district: "*", scopePath: "*" }),
  run: () =>
    Db.use((db) =>
      db.selectFrom("registry_district").select(["district_code as code", "name"]).orderBy("district_code").execute()
    ).pipe(Effect.map((rows) => rows as ReadonlyArray<{ code: string; name: string }>))
})

/**
 * The kernel's own module. Its commands are run like any plugin's:
 * `kernel.exec(Core.commands.registerDistrict({ code: "230503", name: "岭东区" }), Actor.system("cli"))`.
 *
 * @since 0.1.0
 */
export const Core = definePlugin({
  name: "core",
  version: "0.1.0",
  migrations: [kernelTables, keyTable],
  referenceTables: ["core_key"],
  commands: { registerDistrict, grantRole, revokeRole },
  queries: { districts },
  policies: {
    grantRole: ["district_admin", "street_admin", "community_admin"],
    revokeRole: ["district_admin", "street_admin", "community_admin"]
  },
  labels: {
    "core.district-registered": { "zh-CN": "登记行政区", en: "District registered" },
    "core.district-renamed": { "zh-CN": "行政区更名", en: "District renamed" },
    "core.role-granted": { "zh-CN": "授予角色", en: "Role granted" },
    "core.role-revoked": { "zh-CN": "撤销角色", en: "Role revoked" }
  }
})

/**
 * The table-name prefixes core's modules own.
 *
 * @since 0.1.0
 */
export const corePrefixes: ReadonlyArray<string> = [
  "core_",
  "registry_",
  "party_",
  "stamps_",
  "services_",
  "proposals_"
]
