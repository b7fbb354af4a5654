/**
 * Home visits (入户走访): grid workers knock on doors to learn who lives where,
 * the first thing the case had to fix ("底数不清"). A small plugin that shows the
 * plugin API end to end: its own table, a command scoped to a grid, a query, a
 * policy, and labels.
 */
import { Actor, Db, DistrictCode, Events, Ids, Problems, ScopePath, command, definePlugin, query } from "@shequ/core"
import { Effect, Schema } from "effect"

/** Why a worker visited. */
export const Purpose = Schema.Literal("base-data", "elderly-check", "service-request")

const record = command({
  input: Schema.Struct({
    district: DistrictCode,
    grid: ScopePath,
    household: Schema.String.pipe(
      Schema.minLength(1),
      Schema.maxLength(80),
      Problems.explain({
        code: "VISITS.HOUSEHOLD",
        "zh-CN": "请填写户（1 至 80 个字）",
        en: "Name the household (1 to 80 characters)"
      })
    ),
    purpose: Purpose,
    visitedAt: Schema.Date,
    note: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(500)), { nullable: true })
  }),
  target: (input) => ({ district: input.district, scopePath: input.grid }),
  run: (input) =>
    Effect.gen(function* () {
      const id = yield* Ids.next
      const worker = yield* Actor.CurrentActor
      yield* Db.use((db) =>
        db
          .insertInto("visits_visit")
          .values({
            district_code: input.district,
            id,
            scope_path: input.grid,
            household: input.household,
            purpose: input.purpose,
            worker: worker.id,
            visited_at: input.visitedAt,
            note: input.note ?? null
          })
          .execute()
      )
      yield* Events.append({
        type: "visits.recorded",
        district: input.district,
        scopePath: input.grid,
        subject: id,
        payload: { purpose: input.purpose }
      })
      return { id }
    })
})

const byCommunity = query({
  input: Schema.Struct({ district: DistrictCode }),
  target: (input) => ({ district: input.district, scopePath: `${input.district}/` }),
  run: (input) =>
    Db.use((db) =>
      db
        .selectFrom("visits_visit")
        // A community's scope path is its first 30 characters: "230503/" + 9-digit street + 12-digit community.
        .select((eb) => [
          eb.fn<string>("substr", ["scope_path", eb.val(1), eb.val(30)]).as("community"),
          eb.fn.countAll().as("visits")
        ])
        .where("district_code", "=", input.district)
        .groupBy("community")
        .orderBy("community")
        .execute()
    )
})

const recent = query({
  input: Schema.Struct({ district: DistrictCode, limit: Schema.Int.pipe(Schema.between(1, 100)) }),
  target: (input) => ({ district: input.district, scopePath: `${input.district}/` }),
  run: (input) =>
    Db.use((db) =>
      db
        .selectFrom("visits_visit")
        .select(["id", "scope_path", "household", "purpose", "worker", "visited_at"])
        .where("district_code", "=", input.district)
        .orderBy("id", "desc")
        .limit(input.limit)
        .execute()
    ).pipe(
      Effect.map((rows) =>
        rows.map((row) => ({
          id: String(row["id"]),
          grid: String(row["scope_path"]),
          household: String(row["household"]),
          purpose: String(row["purpose"]),
          worker: String(row["worker"]),
          visitedAt: new Date(row["visited_at"] as string | Date)
        }))
      )
    )
})

/** The home-visits plugin. */
export const visits = definePlugin({
  name: "visits",
  version: "0.1.0",
  migrations: [
    {
      name: "0001_visit",
      up: ({ db, types }) => [
        db.schema
          .createTable("visits_visit")
          .addColumn("district_code", types.districtCode, (c) => c.notNull())
          .addColumn("id", types.id, (c) => c.notNull())
          .addColumn("scope_path", types.scopePath, (c) => c.notNull())
          .addColumn("household", "text", (c) => c.notNull())
          .addColumn("purpose", "text", (c) => c.notNull())
          .addColumn("worker", "text", (c) => c.notNull())
          .addColumn("visited_at", types.timestamp, (c) => c.notNull())
          .addColumn("note", "text")
          .addPrimaryKeyConstraint("visits_visit_pk", ["district_code", "id"]),
        db.schema.createIndex("visits_visit_scope_idx").on("visits_visit").columns(["district_code", "scope_path"])
      ]
    }
  ],
  commands: { record },
  queries: { byCommunity, recent },
  policies: {
    record: ["grid_worker"],
    byCommunity: ["community_worker", "district_admin"],
    recent: ["community_worker", "district_admin"]
  },
  labels: {
    "visits.recorded": { "zh-CN": "入户走访", en: "Home visit recorded" },
    "base-data": { "zh-CN": "核实基础信息", en: "Checking base data" },
    "elderly-check": { "zh-CN": "探访老人", en: "Checking on an elder" },
    "service-request": { "zh-CN": "代办服务", en: "Taking a service request" }
  }
})
