/**
 * What the party module's commands read before they act: its own records by
 * id, and the registry's places and people, read only, for their existence and
 * their scope paths.
 */
import { Effect, Schema } from "effect"
import { sql } from "kysely"
import { scopePath } from "../Actor.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound, type Problem } from "../Errors.js"
import * as Problems from "../Problems.js"
import { communityByCode, CommunityCode, StreetCode, streetByCode } from "../registry/Places.js"
import { PartyCode, problem } from "./Refused.js"
import type { MemberKind, OrganisationKind } from "./Vocabulary.js"

export const notFound = (entity: string, id: string) => new NotFound({ code: CoreCode.NotFound, entity, id })

/** Whether `path` lies at or under `place`. */
export const within = (path: string, place: string): boolean => path.startsWith(place)

/** The deepest place that holds every path: what a committee over several communities answers to. */
export const commonPath = (paths: ReadonlyArray<string>): string => {
  const split = paths.map((p) => p.split("/").filter((s) => s !== ""))
  const first = split[0] ?? []
  let depth = 0
  while (depth < first.length && split.every((s) => s[depth] === first[depth])) depth++
  return first
    .slice(0, depth)
    .map((s) => `${s}/`)
    .join("")
}

/** A date after today is refused: the module records what has happened. */
export const notAfter = (path: string, date: string, today: string): ReadonlyArray<Problem> =>
  date > today
    ? [
        problem(path, PartyCode.DateInFuture, {
          "zh-CN": `日期 ${date} 晚于今天（${today}）`,
          en: `The date ${date} is after today (${today})`
        })
      ]
    : []

export interface OrganisationRow {
  readonly id: string
  readonly name: string
  readonly kind: OrganisationKind
  readonly parent_id: string | null
  readonly scope_path: string
  readonly established_on: string | null
  readonly dissolved_on: string | null
}

const organisationColumns = ["id", "name", "kind", "parent_id", "scope_path", "established_on", "dissolved_on"] as const

const asOrganisation = (row: Record<(typeof organisationColumns)[number], unknown>): OrganisationRow => ({
  id: String(row.id),
  name: String(row.name),
  kind: row.kind as OrganisationKind,
  parent_id: row.parent_id === null ? null : String(row.parent_id),
  scope_path: String(row.scope_path),
  established_on: row.established_on === null ? null : String(row.established_on),
  dissolved_on: row.dissolved_on === null ? null : String(row.dissolved_on)
})

export const organisationRow = (district: string, id: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("party_organisation")
        .select(organisationColumns)
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    ),
    (row) => (row === undefined ? Effect.fail(notFound("party organisation", id)) : Effect.succeed(asOrganisation(row)))
  )

/**
 * An organisation something is about to join or be led by, held until commit
 * and read again under the hold, so that it cannot be dissolved in between
 * (`dissolveOrganisation` holds it too before it counts what it leads).
 */
export const heldOrganisation = (district: string, id: string) =>
  Effect.zipRight(holdRow("party_organisation", district, id), organisationRow(district, id))

/** The problem of joining, or being led by, a dissolved organisation. */
export const dissolvedProblems = (path: string, organisation: OrganisationRow): ReadonlyArray<Problem> =>
  organisation.dissolved_on === null
    ? []
    : [
        problem(path, PartyCode.OrganisationDissolved, {
          "zh-CN": `${organisation.name} 已于 ${organisation.dissolved_on} 撤销`,
          en: `${organisation.name} was dissolved on ${organisation.dissolved_on}`
        })
      ]

/** Every organisation of the district: the tree is small (the case has 86), and rules over it read it whole. */
export const organisationTree = (district: string) =>
  Effect.map(
    Db.use((db) =>
      db.selectFrom("party_organisation").select(organisationColumns).where("district_code", "=", district).execute()
    ),
    (rows) => rows.map(asOrganisation)
  )

/** The organisation and every organisation under it, at any depth. */
export const subtree = (tree: ReadonlyArray<OrganisationRow>, root: string): ReadonlySet<string> => {
  const children = new Map<string, Array<string>>()
  for (const row of tree) {
    if (row.parent_id === null) continue
    const list = children.get(row.parent_id) ?? []
    list.push(row.id)
    children.set(row.parent_id, list)
  }
  const found = new Set<string>([root])
  const queue = [root]
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const child of children.get(next) ?? []) {
      if (!found.has(child)) {
        found.add(child)
        queue.push(child)
      }
    }
  }
  return found
}

export interface MemberRow {
  readonly id: string
  readonly person_id: string
  readonly kind: MemberKind
  readonly organisation_id: string | null
  readonly community_id: string
  readonly joined_party_on: string
  readonly scope_path: string
}

export const memberRow = (district: string, id: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("party_member")
        .select(["id", "person_id", "kind", "organisation_id", "community_id", "joined_party_on", "scope_path"])
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined
        ? Effect.fail(notFound("party member", id))
        : Effect.succeed({ ...(row as MemberRow), joined_party_on: String(row.joined_party_on) })
  )

export interface CommunityRow {
  readonly id: string
  readonly code: string
  readonly name: string
  readonly scope_path: string
}

export const communityById = (district: string, id: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("registry_community")
        .select(["id", "code", "name", "scope_path"])
        .where("district_code", "=", district)
        .where("id", "=", id)
        .executeTakeFirst()
    ),
    (row) => (row === undefined ? Effect.fail(notFound("community", id)) : Effect.succeed(row as CommunityRow))
  )

export interface HouseholdRow {
  readonly id: string
  readonly number: string | null
  readonly dissolved_on: string | null
  readonly scope_path: string
}

/** Households of the district by id; those not found are simply absent from the map. */
export const households = (district: string, ids: ReadonlyArray<string>) =>
  ids.length === 0
    ? Effect.succeed(new Map<string, HouseholdRow>())
    : Effect.map(
        Db.use((db) =>
          db
            .selectFrom("registry_household")
            .select(["id", "number", "dissolved_on", "scope_path"])
            .where("district_code", "=", district)
            .where("id", "in", [...new Set(ids)])
            .execute()
        ),
        (rows) => new Map((rows as ReadonlyArray<HouseholdRow>).map((r) => [String(r.id), r]))
      )

/**
 * Where an organisation or a scheme sits: a street's 9-digit or a community's
 * 12-digit code; the district when absent.
 */
export const Seat = Schema.Union(StreetCode, CommunityCode).pipe(
  Problems.explain({
    code: "PARTY.SEAT",
    "zh-CN": "所在地应为街道的 9 位代码或社区的 12 位代码",
    en: "A place is a street's 9-digit or a community's 12-digit code"
  })
)

/** The scope path of a seat. */
export const seatPath = (district: string, at: string | undefined) =>
  at === undefined
    ? Effect.succeed(scopePath(district))
    : at.length === 9
      ? Effect.map(streetByCode(district, at), (street) => street.scope_path)
      : Effect.map(communityByCode(district, at), (community) => community.scope_path)

export interface CellRow {
  readonly id: string
  readonly grid_id: string
  readonly organisation_id: string
  readonly name: string
  readonly scope_path: string
}

/** The party cell of a grid, by the grid's code. */
export const cellOfGrid = (district: string, grid: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("party_cell as pc")
        .innerJoin("registry_grid as g", (j) =>
          j.onRef("g.district_code", "=", "pc.district_code").onRef("g.id", "=", "pc.grid_id")
        )
        .select(["pc.id", "pc.grid_id", "pc.organisation_id", "pc.name", "pc.scope_path"])
        .where("pc.district_code", "=", district)
        .where("g.code", "=", grid)
        .executeTakeFirst()
    ),
    (row) => (row === undefined ? Effect.fail(notFound("party cell of grid", grid)) : Effect.succeed(row as CellRow))
  )

/** A query's input with a period of dates (`from`, `to`, both included), which may not end before it starts. */
export const orderedPeriod = <A extends { readonly from: string; readonly to: string }, I>(
  schema: Schema.Schema<A, I, never>
) =>
  schema.pipe(
    Schema.filter((input) => input.from <= input.to),
    Problems.explain({
      code: PartyCode.PeriodReversed,
      "zh-CN": "时段的结束日期不能早于开始日期",
      en: "A period cannot end before it starts"
    })
  )

/**
 * Holds a row until commit, so that two commands checking the same rule on it
 * (a cell's number of central households, a member's open check-in, an
 * organisation being dissolved while someone joins it) take
 * turns: PostgreSQL runs writes at READ COMMITTED, where both would otherwise
 * count the same rows; SQLite's writers already run one at a time. An update
 * that changes nothing is the row lock both engines understand.
 */
export const holdRow = (
  table: "party_cell" | "party_member" | "party_organisation" | "party_star_scheme",
  district: string,
  id: string
) =>
  Db.use(
    (db) =>
      db
        .updateTable(table)
        .set({ scope_path: sql.ref("scope_path") })
        .where("district_code", "=", district)
        .where("id", "=", id)
        .execute(),
    `hold ${table}`
  )
