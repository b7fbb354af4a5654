/**
 * Moves of people, with dates: moving out of the district, moving to another
 * dwelling of the district (a whole household or one person), deaths, and
 * households splitting and merging. Moving in and births are
 * `registerResident` (`reason: "birth"`, `document: { type: "none" }` for a
 * newborn without a card yet).
 *
 * Where someone lives now is on their person row (`household_id`,
 * `building_id`, `relation`); where they lived, and when, is
 * `registry_residence`: every move closes the open row on its date (`valid_to`,
 * the first day they no longer lived there) and opens the next. Someone who
 * moved out or died has no household and no building; their record keeps the
 * scope path of the grid they left, so the grid that knew them still finds
 * them. A household keeps exactly one head: a move that takes the head away
 * from members who stay names the new head, or is refused.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command } from "../Plugin.js"
import { Address, buildingAt, insertHousehold, Relation } from "./People.js"
import { dwellingId, IsoDate } from "./Places.js"
import { refused } from "./Refused.js"
import * as Rescope from "./Rescope.js"
import { type Kin, relationToNewHead } from "./Succession.js"
import { HEAD_OF_HOUSEHOLD } from "./Vocabulary.js"

const Name = Schema.NonEmptyTrimmedString

/**
 * Codes of the refusals of moves.
 *
 * @since 0.2.0
 */
export const MoveCode = {
  NotResident: "REGISTRY.NOT_RESIDENT",
  NotMember: "REGISTRY.NOT_MEMBER",
  HeadLeaves: "REGISTRY.HEAD_LEAVES",
  SecondHead: "REGISTRY.SECOND_HEAD",
  OneHead: "REGISTRY.ONE_HEAD",
  HouseholdEmpty: "REGISTRY.HOUSEHOLD_EMPTY",
  HouseholdGone: "REGISTRY.HOUSEHOLD_GONE",
  HouseholdNumberTaken: "REGISTRY.HOUSEHOLD_NUMBER_TAKEN",
  SameDwelling: "REGISTRY.SAME_DWELLING",
  SameHousehold: "REGISTRY.SAME_HOUSEHOLD",
  RelationMissing: "REGISTRY.RELATION_MISSING",
  RelationToNewHead: "REGISTRY.RELATION_TO_NEW_HEAD",
  DateBeforeResidence: "REGISTRY.DATE_BEFORE_RESIDENCE"
} as const

/**
 * Why a residence row was opened: the first move in, a birth, or one of the
 * moves of this module.
 *
 * @since 0.2.0
 */
export type ResidenceReason =
  "moved_in" | "birth" | "relocated" | "head_changed" | "household_split" | "households_merged"

/** A current resident: their person row and their open residence row. @since 0.2.0 */
export interface Member {
  readonly id: string
  readonly household_id: string
  readonly relation: string
  readonly sex: "male" | "female" | null
  readonly birth_date: string | null
  readonly building_id: string
  readonly scope_path: string
  readonly dwelling_id: string
  readonly valid_from: string
}

/** A household that has not been dissolved. @since 0.2.0 */
export interface Household {
  readonly id: string
  readonly number: string | null
  readonly dwelling_id: string
  readonly formed_on: string | null
  readonly scope_path: string
}

const members = (district: string, by: { readonly household: string } | { readonly resident: string }) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("registry_person as p")
        .innerJoin("registry_residence as r", (j) =>
          j
            .onRef("r.district_code", "=", "p.district_code")
            .onRef("r.person_id", "=", "p.id")
            .on("r.valid_to", "is", null)
        )
        .select([
          "p.id",
          "p.household_id",
          "p.relation",
          "p.sex",
          "p.birth_date",
          "p.building_id",
          "p.scope_path",
          "r.dwelling_id",
          "r.valid_from"
        ])
        .where("p.district_code", "=", district)
        .where("p.died_on", "is", null)
        .where("p.household_id", "is not", null)
        .$if("household" in by, (q) => q.where("p.household_id", "=", (by as { household: string }).household))
        .$if("resident" in by, (q) => q.where("p.id", "=", (by as { resident: string }).resident))
        .orderBy("p.id")
        .execute()
    ),
    (rows) => rows as ReadonlyArray<Member>
  )

const notResident = (id: string) =>
  refused(
    MoveCode.NotResident,
    { "zh-CN": "此人不是本区现住居民", en: "This person does not live in the district now" },
    id
  )

/** A current resident, or a refusal. */
const residentNow = (district: string, id: string) =>
  Effect.flatMap(members(district, { resident: id }), (rows) =>
    rows.length === 0 ? Effect.fail(notResident(id)) : Effect.succeed(rows[0]!)
  )

/** A household that has not been dissolved, or a refusal. */
const householdNow = (district: string, by: { readonly id: string } | { readonly number: string }) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("registry_household")
        .select(["id", "number", "dwelling_id", "formed_on", "scope_path"])
        .where("district_code", "=", district)
        .where("dissolved_on", "is", null)
        .$if("id" in by, (q) => q.where("id", "=", (by as { id: string }).id))
        .$if("number" in by, (q) => q.where("number", "=", (by as { number: string }).number))
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined || row.dwelling_id === null
        ? Effect.fail(
            refused(
              MoveCode.HouseholdGone,
              { "zh-CN": "没有这一户，或该户已注销", en: "There is no such household, or it was dissolved" },
              "id" in by ? by.id : by.number
            )
          )
        : Effect.succeed(row as Household)
  )

/** The building and grid path of a dwelling. */
const dwellingPlace = (district: string, dwelling: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("registry_dwelling as d")
        .innerJoin("registry_building as b", (j) =>
          j.onRef("b.district_code", "=", "d.district_code").onRef("b.id", "=", "d.building_id")
        )
        .select(["b.id", "b.scope_path"])
        .where("d.district_code", "=", district)
        .where("d.id", "=", dwelling)
        .executeTakeFirstOrThrow()
    ),
    (row) => ({ building: String(row.id), scope_path: String(row.scope_path) })
  )

/** A move dated before someone's current residence began is refused: history stays in order. */
const checkDate = (on: string, people: ReadonlyArray<Member>) => {
  const late = people.find((m) => on < m.valid_from)
  return late === undefined
    ? Effect.void
    : Effect.fail(
        refused(
          MoveCode.DateBeforeResidence,
          {
            "zh-CN": `日期 ${on} 早于此人入住现住址的日期 ${late.valid_from}`,
            en: `The date ${on} is before this person began living where they live now (${late.valid_from})`
          },
          late.id
        )
      )
}

/**
 * The common ancestor of two scope paths: a move between two grids is
 * authorised over a node covering both, so a grid worker cannot move someone
 * into (or out of) another worker's grid on their own.
 */
const commonPath = (a: string, b: string): string => {
  const x = a.split("/")
  const y = b.split("/")
  const out: Array<string> = []
  for (let i = 0; i < Math.min(x.length, y.length) && x[i] === y[i] && x[i] !== ""; i++) out.push(x[i]!)
  return out.map((code) => `${code}/`).join("")
}

const close = (district: string, people: ReadonlyArray<string>, on: string) =>
  people.length === 0
    ? Effect.void
    : Db.use((db) =>
        db
          .updateTable("registry_residence")
          .set({ valid_to: on })
          .where("district_code", "=", district)
          .where("person_id", "in", people)
          .where("valid_to", "is", null)
          .execute()
      )

interface Opening {
  readonly person: string
  readonly household: string
  readonly dwelling: string
  readonly relation: string
  readonly path: string
}

/** Opens residence rows and points the people at where they now live. */
const open = (district: string, rows: ReadonlyArray<Opening>, building: string, on: string, reason: ResidenceReason) =>
  Effect.gen(function* () {
    for (const row of rows) {
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("registry_residence")
          .values({
            district_code: district,
            id,
            person_id: row.person,
            household_id: row.household,
            dwelling_id: row.dwelling,
            relation: row.relation,
            valid_from: on,
            reason,
            scope_path: row.path
          })
          .execute()
      )
      yield* Db.use((db) =>
        db
          .updateTable("registry_person")
          .set({ household_id: row.household, relation: row.relation, building_id: building, scope_path: row.path })
          .where("district_code", "=", district)
          .where("id", "=", row.person)
          .execute()
      )
    }
  })

/**
 * What happens to a household some of whose members leave it: dissolved when
 * nobody stays, a new head when the head leaves (named by the caller, one of
 * those who stay), unchanged otherwise.
 */
const succession = (district: string, household: string, leaving: ReadonlySet<string>, heads: NewHead, on: string) =>
  Effect.gen(function* () {
    const { newHead } = heads
    const current = yield* members(district, { household })
    const staying = current.filter((m) => !leaving.has(m.id))
    const headLeaves = current.some((m) => leaving.has(m.id) && m.relation === HEAD_OF_HOUSEHOLD)
    if (staying.length === 0) {
      if (newHead !== undefined) return yield* notMember(newHead)
      yield* Db.use((db) =>
        db
          .updateTable("registry_household")
          .set({ dissolved_on: on })
          .where("district_code", "=", district)
          .where("id", "=", household)
          .execute()
      )
      return { dissolved: true, newHead: undefined }
    }
    if (!headLeaves) {
      if (heads.relations !== undefined && heads.relations.length > 0) {
        return yield* refused(
          MoveCode.RelationToNewHead,
          {
            "zh-CN": "户主没有离开，成员与户主的关系不变",
            en: "The head stays: members' relations to the head do not change"
          },
          household
        )
      }
      if (newHead === undefined) return { dissolved: false, newHead: undefined }
      return yield* refused(
        MoveCode.SecondHead,
        { "zh-CN": "户主没有离开，不能另立户主", en: "The head stays: there cannot be a new head" },
        newHead
      )
    }
    if (newHead === undefined) {
      return yield* refused(
        MoveCode.HeadLeaves,
        {
          "zh-CN": "户主离开而该户还有成员：请指定新户主",
          en: "The head leaves and others stay: name the new head"
        },
        household
      )
    }
    const heir = staying.find((m) => m.id === newHead)
    if (heir === undefined) return yield* notMember(newHead)
    const relations = yield* relationsToNewHead(household, heir, staying, heads.relations ?? [])
    const changed = staying.filter((m) => relations.get(m.id) !== m.relation)
    yield* checkDate(on, changed)
    yield* close(
      district,
      changed.map((m) => m.id),
      on
    )
    yield* open(
      district,
      changed.map((m) => ({
        person: m.id,
        household,
        dwelling: m.dwelling_id,
        relation: relations.get(m.id)!,
        path: m.scope_path
      })),
      heir.building_id,
      on,
      "head_changed"
    )
    return { dissolved: false, newHead: heir.id }
  })

/**
 * Everyone's relation to the heir: the heir is the head, the others' relations
 * as given or, where not given, derived from their relations to the old head.
 * Those that cannot be derived and were not given are refused together.
 */
const relationsToNewHead = (
  household: string,
  heir: Member,
  staying: ReadonlyArray<Member>,
  given: ReadonlyArray<{ readonly resident: string; readonly relation: string }>
) =>
  Effect.gen(function* () {
    const others = new Set(staying.filter((m) => m.id !== heir.id).map((m) => m.id))
    const stray = given.find((g) => !others.has(g.resident))
    if (stray !== undefined) return yield* notMember(stray.resident)
    const named = new Map(given.map((g) => [g.resident, g.relation]))
    const kin = (m: Member): Kin => ({ relation: m.relation, sex: m.sex, birthDate: m.birth_date })
    const relations = new Map<string, string>([[heir.id, HEAD_OF_HOUSEHOLD]])
    const unknown: Array<string> = []
    for (const m of staying) {
      if (m.id === heir.id) continue
      const relation = named.get(m.id) ?? relationToNewHead(kin(heir), kin(m))
      if (relation === undefined) unknown.push(m.id)
      else relations.set(m.id, relation)
    }
    if (unknown.length > 0) {
      return yield* refused(
        MoveCode.RelationToNewHead,
        {
          "zh-CN": `无法由原关系推定以下成员与新户主的关系，请写明：${unknown.join("、")}`,
          en: `These members' relations to the new head cannot be told from their relations to the old head; give them: ${unknown.join(", ")}`
        },
        household
      )
    }
    return relations
  })

const notMember = (id: string) =>
  refused(
    MoveCode.NotMember,
    { "zh-CN": "此人不是该户的现有成员", en: "This person is not a current member of the household" },
    id
  )

/** People who leave the district, alive or not: no household, no building, the last path kept. */
const leave = (district: string, people: ReadonlyArray<string>, on: string, died: boolean) =>
  Effect.gen(function* () {
    yield* close(district, people, on)
    yield* Db.use((db) =>
      db
        .updateTable("registry_person")
        .set({ household_id: null, building_id: null, relation: null, ...(died ? { died_on: on } : {}) })
        .where("district_code", "=", district)
        .where("id", "in", people)
        .execute()
    )
  })

/**
 * Who heads a household its head leaves: `newHead`, one of those who stay;
 * and, for those whose relation to the new head the register cannot derive
 * from their relation to the old one (or should record otherwise), their
 * relation to the new head.
 */
const NewHead = {
  newHead: Schema.optional(Schema.UUID),
  relations: Schema.optional(Schema.Array(Schema.Struct({ resident: Schema.UUID, relation: Relation })))
}

type NewHead = {
  readonly newHead?: string | undefined
  readonly relations?: ReadonlyArray<{ readonly resident: string; readonly relation: string }> | undefined
}

const Leaving = Schema.Union(
  Schema.Struct({ district: DistrictCode, resident: Schema.UUID, on: IsoDate, ...NewHead }),
  Schema.Struct({ district: DistrictCode, household: Schema.UUID, on: IsoDate })
)

/**
 * Someone, or a whole household, moves out of the district on `on`. Their
 * residence ends; their record stays, in the grid they left.
 *
 * @since 0.2.0
 */
export const moveOut = command({
  input: Leaving,
  load: (input) =>
    "resident" in input
      ? Effect.map(residentNow(input.district, input.resident), (m) => [m] as ReadonlyArray<Member>)
      : Effect.flatMap(householdNow(input.district, { id: input.household }), () =>
          members(input.district, { household: input.household })
        ),
  target: (input, people) => ({
    district: input.district,
    scopePath: people[0]?.scope_path ?? `${input.district}/`,
    // One resident moving out is an act on that resident, which temporary access to them allows.
    ...("resident" in input ? { resident: input.resident } : {})
  }),
  run: (input, people) =>
    Effect.gen(function* () {
      yield* checkDate(input.on, people)
      const household = "household" in input ? input.household : people[0]!.household_id
      const ids = people.map((m) => m.id)
      const after = yield* succession(
        input.district,
        household,
        new Set(ids),
        "resident" in input ? input : {},
        input.on
      )
      yield* leave(input.district, ids, input.on, false)
      yield* Events.append({
        type: "registry.moved-out",
        district: input.district,
        scopePath: people[0]?.scope_path ?? `${input.district}/`,
        subject: "resident" in input ? input.resident : household,
        payload: { residents: ids, household, on: input.on, dissolved: after.dissolved, newHead: after.newHead ?? null }
      })
      return { residents: ids, household, dissolved: after.dissolved }
    })
})

/**
 * A resident died on `on`: their residence ends, and a head who leaves others
 * behind is succeeded by `newHead`.
 *
 * @since 0.2.0
 */
export const registerDeath = command({
  input: Schema.Struct({
    district: DistrictCode,
    resident: Schema.UUID,
    on: IsoDate,
    ...NewHead
  }),
  load: (input) => residentNow(input.district, input.resident),
  target: (input, person) => ({ district: input.district, scopePath: person.scope_path, resident: input.resident }),
  run: (input, person) =>
    Effect.gen(function* () {
      yield* checkDate(input.on, [person])
      const after = yield* succession(input.district, person.household_id, new Set([person.id]), input, input.on)
      yield* leave(input.district, [person.id], input.on, true)
      yield* Events.append({
        type: "registry.death-registered",
        district: input.district,
        scopePath: person.scope_path,
        subject: person.id,
        payload: {
          household: person.household_id,
          on: input.on,
          dissolved: after.dissolved,
          newHead: after.newHead ?? null
        }
      })
      return { dissolved: after.dissolved }
    })
})

/** Where a relocation goes: a dwelling, and the household the person joins or forms there. */
const Relocation = Schema.Union(
  Schema.Struct({ district: DistrictCode, household: Schema.UUID, to: Address, on: IsoDate }),
  Schema.Struct({
    district: DistrictCode,
    resident: Schema.UUID,
    to: Address,
    /** The number of the household the person forms there, as its head. */
    newHousehold: Schema.optional(Name),
    on: IsoDate,
    ...NewHead
  }),
  Schema.Struct({
    district: DistrictCode,
    resident: Schema.UUID,
    /** An existing household the person joins, where it lives, with their relation to its head. */
    join: Schema.Struct({ household: Name, relation: Relation }),
    on: IsoDate,
    ...NewHead
  })
)

/**
 * A household, or one person, moves to another dwelling of the district,
 * perhaps in another grid: residences are closed and opened on `on`, and the
 * scope path of every scoped row of theirs (plugins' rows too) follows. One
 * person either forms a new household at `to`, as its head, or joins an
 * existing one.
 *
 * @since 0.2.0
 */
export const relocate = command({
  input: Relocation,
  load: (input) =>
    Effect.gen(function* () {
      const people =
        "household" in input
          ? yield* Effect.zipRight(
              householdNow(input.district, { id: input.household }),
              members(input.district, { household: input.household })
            )
          : [yield* residentNow(input.district, input.resident)]
      const joining =
        "join" in input ? yield* householdNow(input.district, { number: input.join.household }) : undefined
      const dwelling =
        joining !== undefined
          ? { id: joining.dwelling_id, ...(yield* dwellingPlace(input.district, joining.dwelling_id)) }
          : yield* Effect.gen(function* () {
              const to = (input as { to: typeof Address.Type }).to
              const building = yield* buildingAt(input.district, to.compound, to.building)
              return { id: "", building: building.id, scope_path: building.scope_path, address: to }
            })
      return { people, joining, dwelling }
    }),
  target: (input, loaded) => ({
    district: input.district,
    scopePath: commonPath(loaded.people[0]?.scope_path ?? `${input.district}/`, loaded.dwelling.scope_path)
  }),
  run: (input, { people, joining, dwelling: place }) =>
    Effect.gen(function* () {
      if (people.length === 0) return yield* notResident("household" in input ? input.household : "")
      yield* checkDate(input.on, people)
      const dwelling =
        "address" in place
          ? yield* dwellingId(
              input.district,
              { id: place.building, scope_path: place.scope_path },
              place.address.unit,
              place.address.flat
            )
          : place.id
      const ids = people.map((m) => m.id)
      const from = people[0]!.household_id
      if ("household" in input) {
        if (people.every((m) => m.dwelling_id === dwelling)) {
          return yield* refused(
            MoveCode.SameDwelling,
            { "zh-CN": "该户已住在这套房屋", en: "The household already lives in this dwelling" },
            input.household
          )
        }
        yield* Db.use((db) =>
          db
            .updateTable("registry_household")
            .set({ dwelling_id: dwelling, scope_path: place.scope_path })
            .where("district_code", "=", input.district)
            .where("id", "=", input.household)
            .execute()
        )
        yield* close(input.district, ids, input.on)
        yield* open(
          input.district,
          people.map((m) => ({
            person: m.id,
            household: input.household,
            dwelling,
            relation: m.relation,
            path: place.scope_path
          })),
          place.building,
          input.on,
          "relocated"
        )
        yield* Rescope.rescope(input.district, { households: [input.household] })
        yield* Events.append({
          type: "registry.relocated",
          district: input.district,
          scopePath: place.scope_path,
          subject: input.household,
          payload: { residents: ids, household: input.household, dwelling, on: input.on }
        })
        return { residents: ids, household: input.household, dwelling }
      }
      const person = people[0]!
      let household: string
      let relation: string
      if ("join" in input && joining !== undefined) {
        if (joining.id === from) {
          return yield* refused(
            MoveCode.SameHousehold,
            { "zh-CN": "此人已是该户成员", en: "This person already belongs to this household" },
            person.id
          )
        }
        if (input.join.relation === HEAD_OF_HOUSEHOLD) {
          return yield* refused(
            MoveCode.SecondHead,
            { "zh-CN": "该户已有户主", en: "The household already has a head" },
            joining.id
          )
        }
        household = joining.id
        relation = input.join.relation
      } else {
        if (person.dwelling_id === dwelling) {
          return yield* refused(
            MoveCode.SameDwelling,
            {
              "zh-CN": "此人已住在这套房屋：在同一套房屋另立户请用分户",
              en: "This person already lives in this dwelling: use splitHousehold to form a household there"
            },
            person.id
          )
        }
        const number = "newHousehold" in input ? input.newHousehold : undefined
        household = yield* formHousehold(input.district, number, dwelling, place.scope_path, input.on)
        relation = HEAD_OF_HOUSEHOLD
      }
      yield* succession(input.district, from, new Set([person.id]), input, input.on)
      yield* close(input.district, [person.id], input.on)
      yield* open(
        input.district,
        [{ person: person.id, household, dwelling, relation, path: place.scope_path }],
        place.building,
        input.on,
        "relocated"
      )
      yield* Rescope.rescope(input.district, { residents: [person.id] })
      yield* Events.append({
        type: "registry.relocated",
        district: input.district,
        scopePath: place.scope_path,
        subject: person.id,
        payload: { residents: [person.id], from, household, dwelling, on: input.on }
      })
      return { residents: [person.id], household, dwelling }
    })
})

/** A new household in a dwelling; its number, when given, is unique in the district. */
const formHousehold = (district: string, number: string | undefined, dwelling: string, path: string, on: string) =>
  Effect.gen(function* () {
    if (number !== undefined) {
      const taken = yield* Db.use((db) =>
        db
          .selectFrom("registry_household")
          .select("id")
          .where("district_code", "=", district)
          .where("number", "=", number)
          .executeTakeFirst()
      )
      if (taken !== undefined) {
        return yield* refused(
          MoveCode.HouseholdNumberTaken,
          { "zh-CN": `户号 ${number} 已被使用`, en: `Household number ${number} is taken` },
          String(taken.id)
        )
      }
    }
    return yield* insertHousehold(district, number, dwelling, path, on)
  })

const Members = Schema.NonEmptyArray(Schema.Struct({ resident: Schema.UUID, relation: Relation }))

/**
 * Some members of a household form a new household (分户) in the same
 * dwelling, one of them its head; each gives their relation to the new head.
 * A head who leaves names the new head of those who stay.
 *
 * @since 0.2.0
 */
export const splitHousehold = command({
  input: Schema.Struct({
    district: DistrictCode,
    household: Schema.UUID,
    members: Members,
    /** The new household's number. */
    number: Schema.optional(Name),
    on: IsoDate,
    ...NewHead
  }),
  load: (input) => householdNow(input.district, { id: input.household }),
  target: (input, household) => ({ district: input.district, scopePath: household.scope_path }),
  run: (input, household) =>
    Effect.gen(function* () {
      const current = yield* members(input.district, { household: household.id })
      const byId = new Map(current.map((m) => [m.id, m]))
      const moving: Array<Member> = []
      for (const m of input.members) {
        const member = byId.get(m.resident)
        if (member === undefined) return yield* notMember(m.resident)
        moving.push(member)
      }
      const heads = input.members.filter((m) => m.relation === HEAD_OF_HOUSEHOLD).length
      if (heads !== 1 || new Set(input.members.map((m) => m.resident)).size !== input.members.length) {
        return yield* refused(
          MoveCode.OneHead,
          {
            "zh-CN": "新户应有且只有一名户主，每人只列一次",
            en: "The new household has exactly one head, and each member is listed once"
          },
          household.id
        )
      }
      if (moving.length === current.length) {
        return yield* refused(
          MoveCode.HouseholdEmpty,
          {
            "zh-CN": "分户后原户不能没有成员",
            en: "A split leaves someone in the old household"
          },
          household.id
        )
      }
      yield* checkDate(input.on, moving)
      const id = yield* formHousehold(
        input.district,
        input.number,
        household.dwelling_id,
        household.scope_path,
        input.on
      )
      const ids = moving.map((m) => m.id)
      const after = yield* succession(input.district, household.id, new Set(ids), input, input.on)
      yield* close(input.district, ids, input.on)
      yield* open(
        input.district,
        input.members.map((m) => ({
          person: m.resident,
          household: id,
          dwelling: household.dwelling_id,
          relation: m.relation,
          path: byId.get(m.resident)!.scope_path
        })),
        moving[0]!.building_id,
        input.on,
        "household_split"
      )
      yield* Events.append({
        type: "registry.household-split",
        district: input.district,
        scopePath: household.scope_path,
        subject: household.id,
        payload: { household: id, residents: ids, on: input.on, newHead: after.newHead ?? null }
      })
      return { household: id, residents: ids }
    })
})

/**
 * One household joins another (合户): its members move into the receiving
 * household's dwelling, each with their relation to its head, and the
 * household they leave is dissolved.
 *
 * @since 0.2.0
 */
export const mergeHouseholds = command({
  input: Schema.Struct({
    district: DistrictCode,
    into: Schema.UUID,
    from: Schema.UUID,
    members: Members,
    on: IsoDate
  }),
  load: (input) =>
    Effect.all({
      into: householdNow(input.district, { id: input.into }),
      from: householdNow(input.district, { id: input.from })
    }),
  target: (input, { into, from }) => ({
    district: input.district,
    scopePath: commonPath(into.scope_path, from.scope_path)
  }),
  run: (input, { into, from }) =>
    Effect.gen(function* () {
      if (into.id === from.id) {
        return yield* refused(
          MoveCode.SameHousehold,
          { "zh-CN": "不能与本户合户", en: "A household cannot merge with itself" },
          into.id
        )
      }
      const moving = yield* members(input.district, { household: from.id })
      const given = new Map(input.members.map((m) => [m.resident, m.relation]))
      for (const m of input.members) {
        if (!moving.some((x) => x.id === m.resident)) return yield* notMember(m.resident)
        if (m.relation === HEAD_OF_HOUSEHOLD) {
          return yield* refused(
            MoveCode.SecondHead,
            { "zh-CN": "合入的户已有户主", en: "The receiving household already has a head" },
            m.resident
          )
        }
      }
      const missing = moving.find((m) => !given.has(m.id))
      if (missing !== undefined) {
        return yield* refused(
          MoveCode.RelationMissing,
          {
            "zh-CN": "并入的每名成员都应写明与新户主的关系",
            en: "Every member who joins gives their relation to the receiving head"
          },
          missing.id
        )
      }
      yield* checkDate(input.on, moving)
      const place = yield* dwellingPlace(input.district, into.dwelling_id)
      const ids = moving.map((m) => m.id)
      yield* close(input.district, ids, input.on)
      yield* open(
        input.district,
        moving.map((m) => ({
          person: m.id,
          household: into.id,
          dwelling: into.dwelling_id,
          relation: given.get(m.id)!,
          path: place.scope_path
        })),
        place.building,
        input.on,
        "households_merged"
      )
      yield* Db.use((db) =>
        db
          .updateTable("registry_household")
          .set({ dissolved_on: input.on })
          .where("district_code", "=", input.district)
          .where("id", "=", from.id)
          .execute()
      )
      yield* Rescope.rescope(input.district, { residents: ids })
      yield* Events.append({
        type: "registry.households-merged",
        district: input.district,
        scopePath: into.scope_path,
        subject: into.id,
        payload: { into: into.id, from: from.id, residents: ids, on: input.on }
      })
      return { household: into.id, residents: ids }
    })
})
