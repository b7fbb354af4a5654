/**
 * A small plugin that proves the plugin API in the conformance suite: counters
 * scoped to a grid, a handler that keeps a tally of every increment, a bulk
 * import of readings, a sweep job, and a reference table of counter kinds.
 */
import { Effect, Schema } from "effect"
import { CurrentActor } from "../Actor.js"
import { DistrictCode, ScopePath } from "../Core.js"
import * as Db from "../Db.js"
import { NotFound, CoreCode } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import type { Migration } from "../Migration.js"
import { command, definePlugin, importer, job, query } from "../Plugin.js"

const counterTables: Migration = {
  name: "0001_counter",
  up: ({ db, types }) => [
    db.schema
      .createTable("counter_kind")
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("label", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("counter_kind_pk", ["code"]),
    db.schema
      .createTable("counter_counter")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull().references("counter_kind.code"))
      .addColumn("scope_path", types.scopePath, (c) => c.notNull())
      .addColumn("value", types.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint("counter_counter_pk", ["district_code", "id"])
      .addUniqueConstraint("counter_counter_name_key", ["district_code", "name"]),
    db.schema
      .createTable("counter_tally")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("counter_id", types.id, (c) => c.notNull())
      .addColumn("by", "integer", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("counter_tally_pk", ["district_code", "id"])
      .addForeignKeyConstraint("counter_tally_counter_fk", ["district_code", "counter_id"], "counter_counter", [
        "district_code",
        "id"
      ]),
    db.schema
      .createTable("counter_reading")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("counter", "text", (c) => c.notNull())
      .addColumn("value", "integer", (c) => c.notNull())
      .addColumn("note", "text")
      .addColumn("taken_at", types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("counter_reading_pk", ["district_code", "id"]),
    db.schema
      .createTable("counter_sweep")
      .addColumn("district_code", types.districtCode, (c) => c.notNull())
      .addColumn("id", types.id, (c) => c.notNull())
      .addColumn("at", types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("counter_sweep_pk", ["district_code", "id"]),
    db.insertInto("counter_kind").values([
      { code: "visits", label: "入户走访 / home visits" },
      { code: "requests", label: "办事 / requests" }
    ])
  ]
}

const Name = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(40))

interface CounterRow {
  readonly id: string
  readonly scope_path: string
  readonly value: number | string
}

const findCounter = (district: string, name: string) =>
  Effect.gen(function* () {
    const row = (yield* Db.use((db) =>
      db
        .selectFrom("counter_counter")
        .select(["id", "scope_path", "value"])
        .where("district_code", "=", district)
        .where("name", "=", name)
        .executeTakeFirst()
    )) as CounterRow | undefined
    if (row === undefined) return yield* new NotFound({ code: CoreCode.NotFound, entity: "counter", id: name })
    return row
  })

const create = command({
  input: Schema.Struct({
    district: DistrictCode,
    name: Name,
    kind: Schema.Literal("visits", "requests"),
    scopePath: ScopePath
  }),
  target: (input) => ({ district: input.district, scopePath: input.scopePath }),
  run: (input) =>
    Effect.gen(function* () {
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("counter_counter")
          .values({
            district_code: input.district,
            id,
            name: input.name,
            kind: input.kind,
            scope_path: input.scopePath,
            value: 0
          })
          .execute()
      )
      yield* Events.append({
        type: "counter.created",
        district: input.district,
        scopePath: input.scopePath,
        subject: id
      })
      return { id }
    })
})

const increment = command({
  input: Schema.Struct({
    district: DistrictCode,
    name: Name,
    by: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 100)), { default: () => 1 }),
    /** Makes the tally handler fail, to prove that a handler's failure rolls the command back. */
    poison: Schema.optionalWith(Schema.Boolean, { default: () => false })
  }),
  load: (input) => findCounter(input.district, input.name),
  target: (input, counter) => ({ district: input.district, scopePath: counter.scope_path }),
  run: (input, counter) =>
    Effect.gen(function* () {
      const row = yield* Db.use((db) =>
        db
          .updateTable("counter_counter")
          .set((eb) => ({ value: eb("value", "+", input.by) }))
          .where("district_code", "=", input.district)
          .where("id", "=", counter.id)
          .returning("value")
          .executeTakeFirstOrThrow()
      )
      yield* Events.append({
        type: "counter.incremented",
        district: input.district,
        scopePath: counter.scope_path,
        subject: counter.id,
        payload: { by: input.by, poison: input.poison }
      })
      return { value: Number(row.value) }
    })
})

/** Writes, then fails: nothing it wrote may remain. */
const incrementThenFail = command({
  input: Schema.Struct({ district: DistrictCode, name: Name }),
  load: (input) => findCounter(input.district, input.name),
  target: (input, counter) => ({ district: input.district, scopePath: counter.scope_path }),
  run: (input, counter) =>
    Effect.gen(function* () {
      yield* Db.use((db) =>
        db
          .updateTable("counter_counter")
          .set((eb) => ({ value: eb("value", "+", 1) }))
          .where("district_code", "=", input.district)
          .where("id", "=", counter.id)
          .execute()
      )
      yield* Events.append({
        type: "counter.incremented",
        district: input.district,
        subject: counter.id,
        payload: { by: 1 }
      })
      return yield* new NotFound({ code: CoreCode.NotFound, entity: "counter budget", id: input.name })
    })
})

const get = query({
  input: Schema.Struct({ district: DistrictCode, name: Name }),
  target: (input) => ({ district: input.district, scopePath: `${input.district}/` }),
  run: (input) =>
    Effect.gen(function* () {
      const counter = yield* findCounter(input.district, input.name)
      const tallies = yield* Db.use((db) =>
        db
          .selectFrom("counter_tally")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("district_code", "=", input.district)
          .where("counter_id", "=", counter.id)
          .executeTakeFirstOrThrow()
      )
      return { id: counter.id, value: Number(counter.value), tallies: Number(tallies.n) }
    })
})

const Reading = Schema.Struct({
  counter: Name,
  value: Schema.Int,
  note: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  takenAt: Schema.Date
})

const readings = importer({
  meta: Schema.Struct({ district: DistrictCode }),
  row: Reading,
  target: (meta) => ({ district: meta.district, scopePath: `${meta.district}/` }),
  table: "counter_reading",
  columns: ["district_code", "id", "counter", "value", "note", "taken_at"],
  toRow: (row, meta, id) => [meta.district, id, row.counter, row.value, row.note, row.takenAt],
  event: "counter.readings-imported"
})

const sweep = job({
  run: ({ at, district }) =>
    Effect.gen(function* () {
      const id = yield* Ids.next
      yield* Db.use((db) => db.insertInto("counter_sweep").values({ district_code: district, id, at }).execute())
      yield* Events.append({ type: "counter.swept", district, payload: { at: at.toISOString() } })
    })
})

/**
 * The counter plugin of the conformance suite.
 */
export const counter = definePlugin({
  name: "counter",
  version: "1.0.0",
  migrations: [counterTables],
  referenceTables: ["counter_kind"],
  commands: { create, increment, incrementThenFail },
  queries: { get },
  imports: { readings },
  jobs: { sweep },
  on: {
    "counter.incremented": (event) =>
      Effect.gen(function* () {
        if (event.payload["poison"] === true)
          return yield* Effect.fail(new Error("the tally refuses poisoned increments"))
        const actor = yield* CurrentActor
        const id = yield* Ids.next
        yield* Db.use((db) =>
          db
            .insertInto("counter_tally")
            .values({
              district_code: event.district,
              id,
              counter_id: event.subject,
              by: Number(event.payload["by"]),
              actor: actor.id
            })
            .execute()
        )
      })
  },
  policies: {
    create: ["community_worker"],
    increment: ["grid_worker", "community_worker"],
    incrementThenFail: ["grid_worker"],
    get: ["*"],
    readings: ["community_worker"]
  },
  labels: {
    "counter.created": { "zh-CN": "新建计数器", en: "Counter created" },
    "counter.incremented": { "zh-CN": "计数增加", en: "Counter incremented" }
  }
})

/**
 * A plugin added to a database after `counter`: it must migrate alone. Its
 * handler reacts to `counter` events and appends its own, which `echo` answers;
 * with `loop` on, the answer comes back and the kernel must refuse the cycle.
 */
export const audit = definePlugin({
  name: "audit",
  version: "1.0.0",
  requires: ["counter"],
  migrations: [
    {
      name: "0001_audit",
      up: ({ db, types }) => [
        db.schema
          .createTable("audit_note")
          .addColumn("district_code", types.districtCode, (c) => c.notNull())
          .addColumn("id", types.id, (c) => c.notNull())
          .addColumn("text", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("audit_note_pk", ["district_code", "id"])
      ]
    }
  ],
  on: {
    "counter.created": (event) =>
      Effect.gen(function* () {
        const id = yield* Ids.next
        yield* Db.use((db) =>
          db
            .insertInto("audit_note")
            .values({ district_code: event.district, id, text: `created ${event.subject}` })
            .execute()
        )
        yield* Events.append({ type: "audit.noted", district: event.district, subject: id })
      })
  }
})

/** Answers `audit.noted` with `counter.created`, closing a loop of handlers. */
export const echo = definePlugin({
  name: "echo",
  version: "1.0.0",
  requires: ["audit"],
  on: {
    "audit.noted": (event) =>
      Events.append({ type: "counter.created", district: event.district, subject: event.subject ?? "" })
  }
})

/** A plugin whose table breaks the distribution rules: it must be refused at start. */
export const lawless = definePlugin({
  name: "lawless",
  version: "1.0.0",
  migrations: [
    {
      name: "0001_lawless",
      up: ({ db, types }) => [
        db.schema
          .createTable("lawless_thing")
          .addColumn("id", types.id, (c) => c.primaryKey())
          .addColumn("name", "text")
      ]
    }
  ]
})
