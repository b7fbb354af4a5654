/**
 * What the registry answers: a grid's roster, a resident with masked numbers
 * (whole only for roles allowed, each such read audited), a look-up by document
 * number, and the counts the district needs. Every read is limited by the
 * kernel to the actor's scope; a resident outside it is simply not found.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import { CurrentActor, scopePath } from "../Actor.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, Forbidden, NotFound } from "../Errors.js"
import * as Events from "../Events.js"
import { query } from "../Plugin.js"
import * as Policy from "../Policy.js"
import { DocumentType, normalise } from "./IdentityDocument.js"
import * as Keys from "./Keys.js"
import { maskIdNumber, maskPhone } from "./Mask.js"
import { GridCode, IsoDate } from "./Places.js"
import { restrictedTags } from "./Tags.js"

const acrossDistrict = (district: string) => ({ district })

/** A resident as a roster lists them. @since 0.2.0 */
export interface RosterEntry {
  readonly id: string
  readonly name: string
  readonly sex: string | null
  readonly birthDate: string | null
  readonly relation: string | null
  /** The household's number in the ledger. */
  readonly household: string | null
  /** The household's id, for commands that name it. */
  readonly householdId: string | null
  readonly building: string
  readonly unit: string
  readonly flat: string
}

/**
 * The residents of a grid: today's, or, with `on`, those who lived in it on
 * that date (where they lived then, through the grid's building history).
 * Like every read, limited to what the reader may see today: a resident who
 * has since moved to a grid outside the reader's scope is not listed.
 *
 * @since 0.2.0
 */
export const roster = query({
  input: Schema.Struct({ district: DistrictCode, grid: GridCode, on: Schema.optional(IsoDate) }),
  target: (input) => acrossDistrict(input.district),
  run: (input) =>
    Effect.map(
      input.on === undefined
        ? currentRoster(input.district, input.grid)
        : pastRoster(input.district, input.grid, input.on),
      (rows): ReadonlyArray<RosterEntry> =>
        rows.map((r) => ({
          id: String(r.id),
          name: String(r.name),
          sex: r.sex as string | null,
          birthDate: r.birth_date as string | null,
          relation: r.relation as string | null,
          household: r.number as string | null,
          householdId: r.household_id === null ? null : String(r.household_id),
          building: String(r.building),
          unit: String(r.unit),
          flat: String(r.flat)
        }))
    )
})

const currentRoster = (district: string, grid: string) =>
  Db.use((db) =>
    db
      .selectFrom("registry_grid as g")
      .innerJoin("registry_person as p", (j) =>
        j
          .onRef("p.district_code", "=", "g.district_code")
          .on((eb) => eb.and([eb("p.scope_path", "=", eb.ref("g.scope_path"))]))
      )
      .innerJoin("registry_household as h", (j) =>
        j.onRef("h.district_code", "=", "p.district_code").onRef("h.id", "=", "p.household_id")
      )
      .innerJoin("registry_dwelling as d", (j) =>
        j.onRef("d.district_code", "=", "h.district_code").onRef("d.id", "=", "h.dwelling_id")
      )
      .innerJoin("registry_building as b", (j) =>
        j.onRef("b.district_code", "=", "d.district_code").onRef("b.id", "=", "d.building_id")
      )
      .select([
        "p.id",
        "p.name",
        "p.sex",
        "p.birth_date",
        "p.relation",
        "h.number",
        "h.id as household_id",
        "b.name as building",
        "d.unit",
        "d.flat"
      ])
      .where("g.district_code", "=", district)
      .where("g.code", "=", grid)
      .orderBy("b.name")
      .orderBy("d.unit")
      .orderBy("d.flat")
      .orderBy("p.relation")
      .orderBy("p.id")
      .execute()
  )

// A date falls in a history row when valid_from <= on < valid_to (an open row has no valid_to). The grid's
// dwellings on that date are a subquery, so every engine reads the residences of those dwellings by index,
// whatever it knows of the tables: joined from the grid down, SQLite without statistics reads every
// residence of the district instead (about 25 times slower for a system reader at the case's scale).
const pastRoster = (district: string, grid: string, on: string) =>
  Db.use((db) =>
    db
      .selectFrom("registry_residence as r")
      .innerJoin("registry_person as p", (j) =>
        j.onRef("p.district_code", "=", "r.district_code").onRef("p.id", "=", "r.person_id")
      )
      .innerJoin("registry_dwelling as d", (j) =>
        j.onRef("d.district_code", "=", "r.district_code").onRef("d.id", "=", "r.dwelling_id")
      )
      .innerJoin("registry_building as b", (j) =>
        j.onRef("b.district_code", "=", "d.district_code").onRef("b.id", "=", "d.building_id")
      )
      .leftJoin("registry_household as h", (j) =>
        j.onRef("h.district_code", "=", "r.district_code").onRef("h.id", "=", "r.household_id")
      )
      .select([
        "p.id",
        "p.name",
        "p.sex",
        "p.birth_date",
        "r.relation",
        "h.number",
        "h.id as household_id",
        "b.name as building",
        "d.unit",
        "d.flat"
      ])
      .where("r.district_code", "=", district)
      .where("r.valid_from", "<=", on)
      .where((eb) => eb.or([eb("r.valid_to", "is", null), eb("r.valid_to", ">", on)]))
      .where(
        "r.dwelling_id",
        "in",
        db
          .selectFrom("registry_dwelling as gd")
          .select("gd.id")
          .where("gd.district_code", "=", district)
          .where(
            "gd.building_id",
            "in",
            db
              .selectFrom("registry_grid as g")
              .innerJoin("registry_building_grid as bg", (j) =>
                j.onRef("bg.district_code", "=", "g.district_code").onRef("bg.grid_id", "=", "g.id")
              )
              .select("bg.building_id")
              .where("g.district_code", "=", district)
              .where("g.code", "=", grid)
              .where("bg.valid_from", "<=", on)
              .where((eb) => eb.or([eb("bg.valid_to", "is", null), eb("bg.valid_to", ">", on)]))
          )
      )
      .orderBy("b.name")
      .orderBy("d.unit")
      .orderBy("d.flat")
      .orderBy("r.relation")
      .orderBy("p.id")
      .execute()
  )

/**
 * The code of the grid a resident lived in on a date: where they lived then
 * (`registry_residence`) and the grid their building belonged to then
 * (`registry_building_grid`). `null` when they did not live in the district on
 * that date, or lived in a grid the reader may not see.
 *
 * @since 0.2.0
 */
export const gridOf = query({
  input: Schema.Struct({ district: DistrictCode, resident: Schema.UUID, on: IsoDate }),
  target: (input) => acrossDistrict(input.district),
  run: (input) =>
    Effect.gen(function* () {
      const person = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select("id")
          .where("district_code", "=", input.district)
          .where("id", "=", input.resident)
          .executeTakeFirst()
      )
      if (person === undefined) {
        return yield* new NotFound({ code: CoreCode.NotFound, entity: "resident", id: input.resident })
      }
      const row = yield* Db.use((db) =>
        db
          .selectFrom("registry_residence as r")
          .innerJoin("registry_dwelling as d", (j) =>
            j.onRef("d.district_code", "=", "r.district_code").onRef("d.id", "=", "r.dwelling_id")
          )
          .innerJoin("registry_building_grid as bg", (j) =>
            j
              .onRef("bg.district_code", "=", "d.district_code")
              .onRef("bg.building_id", "=", "d.building_id")
              .on("bg.valid_from", "<=", input.on)
              .on((eb) => eb.or([eb("bg.valid_to", "is", null), eb("bg.valid_to", ">", input.on)]))
          )
          .innerJoin("registry_grid as g", (j) =>
            j.onRef("g.district_code", "=", "bg.district_code").onRef("g.id", "=", "bg.grid_id")
          )
          .select("g.code")
          .where("r.district_code", "=", input.district)
          .where("r.person_id", "=", input.resident)
          .where("r.valid_from", "<=", input.on)
          .where((eb) => eb.or([eb("r.valid_to", "is", null), eb("r.valid_to", ">", input.on)]))
          .orderBy("r.valid_from", "desc")
          .executeTakeFirst()
      )
      return row === undefined ? null : String(row.code)
    })
})

/** A resident's record as `resident` returns it. @since 0.2.0 */
export interface ResidentRecord {
  readonly id: string
  readonly name: string
  readonly documentType: string
  /** Masked (`230503***********X`) unless asked whole by a role allowed to. */
  readonly documentNumber: string | null
  readonly phone: string | null
  readonly birthDate: string | null
  readonly sex: string | null
  readonly hukou: string | null
  readonly household: string | null
  readonly relation: string | null
  readonly scopePath: string
  readonly tags: ReadonlyArray<{
    readonly tag: string
    readonly startedOn: string
    readonly on: "resident" | "household"
  }>
}

export const resident = query({
  input: Schema.Struct({
    district: DistrictCode,
    id: Schema.UUID,
    /** Show the document and phone numbers whole: needs `registry.unmask`, and is audited. */
    unmask: Schema.optionalWith(Schema.Boolean, { default: () => false })
  }),
  target: (input) => acrossDistrict(input.district),
  run: (input) =>
    Effect.gen(function* () {
      const row = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .selectAll()
          .where("district_code", "=", input.district)
          .where("id", "=", input.id)
          .executeTakeFirst()
      )
      if (row === undefined) return yield* new NotFound({ code: CoreCode.NotFound, entity: "resident", id: input.id })
      const path = String(row.scope_path)
      if (input.unmask && !(yield* Policy.permits("registry.unmask", { district: input.district, scopePath: path }))) {
        const actor = yield* CurrentActor
        return yield* new Forbidden({
          code: CoreCode.Forbidden,
          action: "registry.unmask",
          actor: actor.id,
          scopePath: path,
          rule: "permissions.unmask"
        })
      }
      const keys = yield* Keys.secrets
      const open = (cipher: unknown, mask: (value: string) => string) =>
        Effect.map(typeof cipher === "string" ? keys.decrypt(cipher) : Effect.succeed(undefined), (value) =>
          value === undefined ? null : input.unmask ? value : mask(value)
        )
      const documentNumber = yield* open(row.document_cipher, maskIdNumber)
      const phone = yield* open(row.phone_cipher, maskPhone)
      const restricted = yield* restrictedTags(input.district)
      const mayReadRestricted = yield* Policy.permits("registry.readRestricted", {
        district: input.district,
        scopePath: path
      })
      const personTags = yield* Db.use((db) =>
        db
          .selectFrom("registry_resident_tag")
          .select(["tag", "started_on"])
          .where("district_code", "=", input.district)
          .where("person_id", "=", input.id)
          .where("ended_on", "is", null)
          .execute()
      )
      const householdTags =
        row.household_id === null
          ? []
          : yield* Db.use((db) =>
              db
                .selectFrom("registry_household_tag")
                .select(["tag", "started_on"])
                .where("district_code", "=", input.district)
                .where("household_id", "=", row.household_id)
                .where("ended_on", "is", null)
                .execute()
            )
      const all = [
        ...personTags.map((t) => ({ tag: String(t.tag), startedOn: String(t.started_on), on: "resident" as const })),
        ...householdTags.map((t) => ({ tag: String(t.tag), startedOn: String(t.started_on), on: "household" as const }))
      ]
      const shownRestricted = all.filter((t) => restricted.has(t.tag))
      if (mayReadRestricted && shownRestricted.length > 0) {
        yield* Events.append({
          type: "registry.restricted-tag-read",
          district: input.district,
          scopePath: path,
          subject: input.id,
          payload: { tags: shownRestricted.map((t) => t.tag) }
        })
      }
      if (input.unmask) {
        yield* Events.append({
          type: "registry.numbers-unmasked",
          district: input.district,
          scopePath: path,
          subject: input.id,
          payload: { fields: ["document", "phone"].filter((f) => (f === "document" ? documentNumber : phone) !== null) }
        })
      }
      const household =
        row.household_id === null
          ? undefined
          : yield* Db.use((db) =>
              db
                .selectFrom("registry_household")
                .select("number")
                .where("district_code", "=", input.district)
                .where("id", "=", row.household_id)
                .executeTakeFirst()
            )
      return {
        id: input.id,
        name: String(row.name),
        documentType: String(row.document_type),
        documentNumber,
        phone,
        birthDate: row.birth_date as string | null,
        sex: row.sex as string | null,
        hukou: row.hukou as string | null,
        household: (household?.number as string | null | undefined) ?? null,
        relation: row.relation as string | null,
        scopePath: path,
        tags: all.filter((t) => mayReadRestricted || !restricted.has(t.tag))
      } satisfies ResidentRecord
    })
})

export const findByDocument = query({
  input: Schema.Struct({
    district: DistrictCode,
    type: Schema.optionalWith(DocumentType, { default: () => "resident_id_card" as const }),
    number: Schema.String
  }),
  target: (input) => acrossDistrict(input.district),
  run: (input) =>
    Effect.gen(function* () {
      const keys = yield* Keys.secrets
      const hash = Keys.documentHash(keys, input.type, normalise(input.number))
      const row = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select(["id", "name", "scope_path"])
          .where("district_code", "=", input.district)
          .where("document_hash", "=", hash)
          .executeTakeFirst()
      )
      return row === undefined
        ? null
        : { id: String(row.id), name: String(row.name), scopePath: String(row.scope_path) }
    })
})

/** Households and residents of one street, community or grid. @since 0.2.0 */
export interface PopulationRow {
  readonly code: string
  readonly name: string
  readonly scopePath: string
  readonly households: number
  readonly residents: number
}

const levels = {
  street: "registry_street",
  community: "registry_community",
  grid: "registry_grid"
} as const

export const population = query({
  input: Schema.Struct({
    district: DistrictCode,
    by: Schema.optionalWith(Schema.Literal("street", "community", "grid"), { default: () => "community" as const })
  }),
  target: (input) => acrossDistrict(input.district),
  run: (input) =>
    Effect.gen(function* () {
      const actor = yield* CurrentActor
      const grants =
        actor.kind === "system" ? undefined : (yield* Policy.Policy).grantsFor(actor, "registry.population")
      // Streets and communities lie above the grids the scope filter works on: one is
      // listed when the reader sees some of it, that is when it lies in or around a grant.
      const seen = (path: string) =>
        grants === undefined || grants.some((g) => path.startsWith(g.scopePath) || g.scopePath.startsWith(path))
      const places = (yield* Db.use((db) =>
        db
          .selectFrom(levels[input.by])
          .select(["code", "name", "scope_path"])
          .where("district_code", "=", input.district)
          .orderBy("scope_path")
          .execute()
      )).filter((place) => seen(String(place.scope_path)))
      const counts = (table: "registry_person" | "registry_household", path: string) =>
        Db.use((db) =>
          db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("district_code", "=", input.district)
            .where("scope_path", ">=", path)
            .where("scope_path", "<", `${path}~`)
            .$if(table === "registry_person", (q) =>
              q.where("household_id", "is not", null).where("died_on", "is", null)
            )
            .$if(table === "registry_household", (q) => q.where("dissolved_on", "is", null))
            .executeTakeFirstOrThrow()
        )
      return yield* Effect.forEach(places, (place) =>
        Effect.gen(function* () {
          const path = String(place.scope_path)
          const households = yield* counts("registry_household", path)
          const residents = yield* counts("registry_person", path)
          return {
            code: String(place.code),
            name: String(place.name),
            scopePath: path,
            households: Number(households.n),
            residents: Number(residents.n)
          } satisfies PopulationRow
        })
      )
    })
})

export const tagsByGrid = query({
  input: Schema.Struct({ district: DistrictCode }),
  target: (input) => acrossDistrict(input.district),
  run: (input) =>
    Effect.gen(function* () {
      const restricted = yield* restrictedTags(input.district)
      const count = (table: "registry_resident_tag" | "registry_household_tag") =>
        Db.use((db) =>
          db
            .selectFrom(`${table} as t`)
            .innerJoin("registry_grid as g", (j) =>
              j.onRef("g.district_code", "=", "t.district_code").onRef("g.scope_path", "=", "t.scope_path")
            )
            .select(["g.code", "t.tag", (eb) => eb.fn.countAll<number>().as("n")])
            .where("t.district_code", "=", input.district)
            .where("t.ended_on", "is", null)
            .groupBy(["g.code", "t.tag"])
            .execute()
        )
      const rows = [...(yield* count("registry_resident_tag")), ...(yield* count("registry_household_tag"))]
      const mayReadRestricted = yield* Policy.permits("registry.readRestricted", {
        district: input.district,
        scopePath: scopePath(input.district)
      })
      return rows
        .filter((r) => mayReadRestricted || !restricted.has(String(r.tag)))
        .map((r) => ({ grid: String(r.code), tag: String(r.tag), count: Number(r.n) }))
        .sort((a, b) => a.grid.localeCompare(b.grid) || a.tag.localeCompare(b.tag))
    })
})

export const gridsOutsideRange = query({
  input: Schema.Struct({ district: DistrictCode }),
  target: (input) => acrossDistrict(input.district),
  run: (input) =>
    Effect.gen(function* () {
      const district = yield* Db.use((db) =>
        db
          .selectFrom("registry_district")
          .select(["grid_households_min", "grid_households_max"])
          .where("district_code", "=", input.district)
          .executeTakeFirst()
      )
      const min = district?.grid_households_min as number | null | undefined
      const max = district?.grid_households_max as number | null | undefined
      if (min == null || max == null) return { min: null, max: null, grids: [] }
      const rows = yield* Db.use((db) =>
        db
          .selectFrom("registry_grid as g")
          .leftJoin("registry_household as h", (j) =>
            j
              .onRef("h.district_code", "=", "g.district_code")
              .onRef("h.scope_path", "=", "g.scope_path")
              .on("h.dissolved_on", "is", null)
          )
          .select(["g.code", "g.name", "g.scope_path", (eb) => eb.fn.count<number>("h.id").as("n")])
          .where("g.district_code", "=", input.district)
          .where("g.retired_on", "is", null)
          .groupBy(["g.code", "g.name", "g.scope_path"])
          .orderBy("g.scope_path")
          .execute()
      )
      return {
        min,
        max,
        grids: rows
          .map((r) => ({
            code: String(r.code),
            name: String(r.name),
            scopePath: String(r.scope_path),
            households: Number(r.n)
          }))
          .filter((g) => g.households < min || g.households > max)
      }
    })
})
