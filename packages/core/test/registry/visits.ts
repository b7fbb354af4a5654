/**
 * A test plugin with a table scoped by resident (an elder's home visits), so the
 * scope property test covers a plugin's data as well as the registry's: the
 * plugin never names a scope, and must still see only what its reader may.
 */
import { Effect, Schema } from "effect"
import { DistrictCode } from "../../src/Core.js"
import * as Db from "../../src/Db.js"
import { CoreCode, NotFound } from "../../src/Errors.js"
import * as Ids from "../../src/Ids.js"
import type { Migration } from "../../src/Migration.js"
import { command, definePlugin, query } from "../../src/Plugin.js"

const visitTable: Migration = {
  name: "0001_visit",
  up: ({ db, types }) => [
    db.schema
      .createTable("testvisits_visit")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("person_id", types.id, (c) => c.notNull())
      .addColumn("note", "text", (c) => c.notNull())
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addPrimaryKeyConstraint("testvisits_visit_pk", ["district_code", "id"])
      .addForeignKeyConstraint("testvisits_visit_person_fk", ["district_code", "person_id"], "registry_person", [
        "district_code",
        "id"
      ])
  ]
}

const record = command({
  input: Schema.Struct({ district: DistrictCode, resident: Schema.UUID, note: Schema.String }),
  load: (input) =>
    Effect.flatMap(
      Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select("scope_path")
          .where("district_code", "=", input.district)
          .where("id", "=", input.resident)
          .executeTakeFirst()
      ),
      (row) =>
        row === undefined
          ? Effect.fail(new NotFound({ code: CoreCode.NotFound, entity: "resident", id: input.resident }))
          : Effect.succeed(String(row.scope_path))
    ),
  target: (input, path) => ({ district: input.district, scopePath: path }),
  run: (input, path) =>
    Effect.gen(function* () {
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("testvisits_visit")
          .values({ district_code: input.district, id, person_id: input.resident, note: input.note, scope_path: path })
          .execute()
      )
      return { id }
    })
})

// Reads the whole district's visits and names no scope: the kernel must add it.
const list = query({
  input: Schema.Struct({ district: DistrictCode }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.map(
      Db.use((db) =>
        db
          .selectFrom("testvisits_visit")
          .select(["id", "person_id", "note"])
          .where("district_code", "=", input.district)
          .orderBy("id")
          .execute()
      ),
      (rows) => rows.map((r) => ({ id: String(r.id), resident: String(r.person_id), note: String(r.note) }))
    )
})

/** The visits test plugin: assistants may not list visits, everyone else within their scope. */
export const visits = definePlugin({
  name: "testvisits",
  version: "1.0.0",
  migrations: [visitTable],
  scopedTables: { testvisits_visit: { by: "resident", column: "person_id" } },
  commands: { record },
  queries: { list },
  policies: {
    record: ["district_admin"],
    list: ["grid_worker", "community_worker", "community_admin", "street_admin", "district_admin"]
  }
})
