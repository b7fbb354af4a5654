/**
 * The tree of party organisations (PartyOrganisation): working committees
 * (党工委) lead general branches (党总支) and branches (党支部); the case counts
 * 12, 2 and 72. Each sits at the district, a street or a community, under a
 * parent whose kind may lead it and whose place holds its own. A branch under
 * a branch, a parent below its child, and a move that would make an
 * organisation its own ancestor are refused. An organisation is dissolved on a
 * date once nothing is left in it (members, organisations it leads, cells,
 * a seat in a grand party committee); it stays in the tree with that date.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { sql } from "kysely"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import { IsoDate, todayInChina } from "../registry/Places.js"
import {
  dissolvedProblems,
  heldOrganisation,
  notAfter,
  type OrganisationRow,
  organisationRow,
  organisationTree,
  Seat,
  seatPath,
  subtree,
  within
} from "./lookups.js"
import { byCodePoint } from "./order.js"
import { readable } from "./readable.js"
import { PartyCode, problem, refuseAny, refused } from "./Refused.js"
import { allowedParents, OrganisationKind, organisationKindLabels } from "./Vocabulary.js"

const Name = Schema.NonEmptyTrimmedString

/** The problems of placing an organisation of `kind` at `path` under `parent`. */
const parentProblems = (kind: OrganisationKind, path: string, parent: OrganisationRow): ReadonlyArray<Problem> => [
  ...(allowedParents[kind].includes(parent.kind)
    ? []
    : [
        problem("parent", PartyCode.WrongParentKind, {
          "zh-CN": `${organisationKindLabels[kind]["zh-CN"]}不能设在${organisationKindLabels[parent.kind]["zh-CN"]}之下`,
          en: `A ${organisationKindLabels[kind].en.toLowerCase()} cannot be led by a ${organisationKindLabels[
            parent.kind
          ].en.toLowerCase()}`
        })
      ]),
  ...(within(path, parent.scope_path)
    ? []
    : [
        problem("parent", PartyCode.OutsideParentScope, {
          "zh-CN": `上级组织 ${parent.name} 所在地不包含本组织所在地`,
          en: `The parent ${parent.name} does not sit above this organisation's place`
        })
      ])
]

/**
 * Registers a party organisation at the district, a street or a community,
 * under a parent whose kind may lead it and whose place holds its own.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.registerOrganisation({ district: "230503", name: "博爱社区党支部", kind: "branch", at: "230503001001", parent }),
 *   secretary
 * )
 * ```
 * @since 0.3.0
 */
export const registerOrganisation = command({
  input: Schema.Struct({
    district: DistrictCode,
    name: Name,
    kind: OrganisationKind,
    /** The street or community it sits at; the district when absent. */
    at: Schema.optional(Seat),
    parent: Schema.optional(Schema.UUID),
    establishedOn: Schema.optional(IsoDate)
  }),
  load: (input) =>
    Effect.all({
      path: seatPath(input.district, input.at),
      parent: input.parent === undefined ? Effect.succeed(undefined) : organisationRow(input.district, input.parent)
    }),
  target: (input, loaded) => ({ district: input.district, scopePath: loaded.path }),
  run: (input, { path, parent: loaded }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const parent = loaded === undefined ? undefined : yield* heldOrganisation(input.district, loaded.id)
      const taken = yield* Db.use((db) =>
        db
          .selectFrom("party_organisation")
          .select("id")
          .where("district_code", "=", input.district)
          .where("scope_path", "=", path)
          .where("name", "=", input.name)
          .executeTakeFirst()
      )
      yield* refuseAny([
        ...(parent === undefined
          ? []
          : [...parentProblems(input.kind, path, parent), ...dissolvedProblems("parent", parent)]),
        ...(taken === undefined
          ? []
          : [
              problem("name", PartyCode.OrganisationNameTaken, {
                "zh-CN": `此处已有名为 ${input.name} 的党组织`,
                en: `There is already a party organisation named ${input.name} here`
              })
            ]),
        ...(input.establishedOn === undefined ? [] : notAfter("establishedOn", input.establishedOn, today))
      ])
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("party_organisation")
          .values({
            district_code: input.district,
            id,
            name: input.name,
            kind: input.kind,
            parent_id: parent?.id ?? null,
            established_on: input.establishedOn ?? null,
            scope_path: path
          })
          .execute()
      )
      yield* Events.append({
        type: "party.organisation-registered",
        district: input.district,
        scopePath: path,
        subject: id,
        payload: { name: input.name, kind: input.kind, parent: parent?.id ?? null }
      })
      return { id }
    })
})

/**
 * Puts an organisation under another parent, or under none the district
 * records; a parent it leads, at any depth, is refused.
 *
 * @since 0.3.0
 */
export const moveOrganisation = command({
  input: Schema.Struct({
    district: DistrictCode,
    organisation: Schema.UUID,
    /** The new parent, or `null` for one the district does not record. */
    parent: Schema.NullOr(Schema.UUID)
  }),
  load: (input) => organisationRow(input.district, input.organisation),
  target: (input, organisation) => ({ district: input.district, scopePath: organisation.scope_path }),
  run: (input, organisation) =>
    Effect.gen(function* () {
      const parent = input.parent === null ? undefined : yield* heldOrganisation(input.district, input.parent)
      yield* refuseAny(dissolvedProblems("organisation", organisation), organisation.id)
      if (parent !== undefined) {
        const led = subtree(yield* organisationTree(input.district), organisation.id)
        yield* refuseAny(
          [
            ...parentProblems(organisation.kind, organisation.scope_path, parent),
            ...dissolvedProblems("parent", parent),
            ...(led.has(parent.id)
              ? [
                  problem("parent", PartyCode.OrganisationCycle, {
                    "zh-CN": `${parent.name} 是 ${organisation.name} 本身或其下级，不能作其上级`,
                    en: `${parent.name} is ${organisation.name} or led by it, so it cannot lead it`
                  })
                ]
              : [])
          ],
          organisation.id
        )
      }
      const to = parent?.id ?? null
      // Moving to where it already is changes nothing and says nothing.
      if (to === organisation.parent_id) return
      yield* Db.use((db) =>
        db
          .updateTable("party_organisation")
          .set({ parent_id: to })
          .where("district_code", "=", input.district)
          .where("id", "=", organisation.id)
          .execute()
      )
      yield* Events.append({
        type: "party.organisation-moved",
        district: input.district,
        scopePath: organisation.scope_path,
        subject: organisation.id,
        payload: { from: organisation.parent_id, to }
      })
    })
})

/**
 * Dissolves an organisation (撤销) on a date. It must be empty first: every
 * member transferred, every organisation it leads moved or dissolved, every
 * grid party cell of a branch moved to another branch, and a member unit's
 * organisation out of its grand party committee. A refusal lists each of them.
 * The organisation stays in the tree with the date, so its past meetings and
 * members' past attachments still name it.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.dissolveOrganisation({ district: "230503", organisation: branch, dissolvedOn: "2020-12-31" }),
 *   secretary
 * )
 * ```
 * @since 0.3.0
 */
export const dissolveOrganisation = command({
  input: Schema.Struct({ district: DistrictCode, organisation: Schema.UUID, dissolvedOn: Schema.optional(IsoDate) }),
  load: (input) => organisationRow(input.district, input.organisation),
  target: (input, organisation) => ({ district: input.district, scopePath: organisation.scope_path }),
  run: (input, loaded) =>
    Effect.gen(function* () {
      // Held before counting, so nothing joins it or is put under it while it is dissolved.
      const organisation = yield* heldOrganisation(input.district, loaded.id)
      if (organisation.dissolved_on !== null) {
        return yield* refused(
          PartyCode.OrganisationDissolved,
          {
            "zh-CN": `${organisation.name} 已于 ${organisation.dissolved_on} 撤销`,
            en: `${organisation.name} was dissolved on ${organisation.dissolved_on}`
          },
          organisation.id
        )
      }
      const today = yield* todayInChina
      const dissolvedOn = input.dissolvedOn ?? today
      const visible = yield* readable("dissolveOrganisation")
      const members = yield* Db.use((db) =>
        db
          .selectFrom("party_member as m")
          .leftJoin("registry_person as p", (j) =>
            j.onRef("p.district_code", "=", "m.district_code").onRef("p.id", "=", "m.person_id")
          )
          .select(["m.id", sql<string | null>`case when ${visible("p")} then p.name end`.as("name")])
          .where("m.district_code", "=", input.district)
          .where("m.organisation_id", "=", organisation.id)
          .orderBy("m.id")
          .execute()
      )
      const led = yield* Db.use((db) =>
        db
          .selectFrom("party_organisation")
          .select(["id", "name"])
          .where("district_code", "=", input.district)
          .where("parent_id", "=", organisation.id)
          .where("dissolved_on", "is", null)
          .orderBy("name")
          .execute()
      )
      const cells = yield* Db.use((db) =>
        db
          .selectFrom("party_cell")
          .select(["id", "name"])
          .where("district_code", "=", input.district)
          .where("organisation_id", "=", organisation.id)
          .orderBy("name")
          .execute()
      )
      const seats = yield* Db.use((db) =>
        db
          .selectFrom("party_committee_unit as u")
          .innerJoin("party_committee as c", (j) =>
            j.onRef("c.district_code", "=", "u.district_code").onRef("c.id", "=", "u.committee_id")
          )
          .select(["u.id", "c.name"])
          .where("u.district_code", "=", input.district)
          .where("u.organisation_id", "=", organisation.id)
          .where("u.left_on", "is", null)
          .execute()
      )
      yield* refuseAny(
        [
          ...members.map((m) => {
            const who = m.name === null ? String(m.id) : String(m.name)
            return problem("organisation", PartyCode.OrganisationHasMembers, {
              "zh-CN": `党员 ${who} 仍隶属 ${organisation.name}：请先转接其组织关系`,
              en: `Member ${who} is still attached to ${organisation.name}: transfer them first`
            })
          }),
          ...led.map((o) =>
            problem("organisation", PartyCode.OrganisationHasChildren, {
              "zh-CN": `${organisation.name} 仍领导 ${String(o.name)}：请先调整或撤销该组织`,
              en: `${organisation.name} still leads ${String(o.name)}: move or dissolve it first`
            })
          ),
          ...cells.map((c) =>
            problem("organisation", PartyCode.OrganisationHasCells, {
              "zh-CN": `${String(c.name)} 仍属于 ${organisation.name}：请先将其划归其他党支部`,
              en: `${String(c.name)} still belongs to ${organisation.name}: move it to another branch first`
            })
          ),
          ...seats.map((u) =>
            problem("organisation", PartyCode.OrganisationInCommittee, {
              "zh-CN": `${organisation.name} 仍在社区大党委 ${String(u.name)} 之中：请先退出`,
              en: `${organisation.name} is still in the grand party committee ${String(u.name)}: it leaves first`
            })
          ),
          ...(organisation.established_on !== null && dissolvedOn < organisation.established_on
            ? [
                problem("dissolvedOn", PartyCode.EndBeforeStart, {
                  "zh-CN": `撤销日期 ${dissolvedOn} 早于成立日期 ${organisation.established_on}`,
                  en: `The date dissolved, ${dissolvedOn}, is before it was established on ${organisation.established_on}`
                })
              ]
            : []),
          ...notAfter("dissolvedOn", dissolvedOn, today)
        ],
        organisation.id
      )
      yield* Db.use((db) =>
        db
          .updateTable("party_organisation")
          .set({ dissolved_on: dissolvedOn })
          .where("district_code", "=", input.district)
          .where("id", "=", organisation.id)
          .execute()
      )
      yield* Events.append({
        type: "party.organisation-dissolved",
        district: input.district,
        scopePath: organisation.scope_path,
        subject: organisation.id,
        payload: { name: organisation.name, kind: organisation.kind, dissolvedOn }
      })
    })
})

/**
 * A party organisation as {@link organisations} lists it.
 *
 * @since 0.3.0
 */
export interface OrganisationEntry {
  readonly id: string
  readonly name: string
  readonly kind: OrganisationKind
  readonly parent: string | null
  /** The scope path of the district, street or community it sits at. */
  readonly scopePath: string
  readonly establishedOn: string | null
  /** The date it was dissolved; it stays in the tree, leading nothing. */
  readonly dissolvedOn: string | null
}

/**
 * The district's party organisations, parents before the organisations they
 * lead. The tree is the district's public structure, so every role in the
 * district reads it whole.
 *
 * @example
 * ```ts
 * const tree = await kernel.exec(Party.queries.organisations({ district: "230503" }), actor)
 * ```
 * @since 0.3.0
 */
export const organisations = query({
  input: Schema.Struct({ district: DistrictCode }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const rows = yield* Db.use((db) =>
        db
          .selectFrom("party_organisation")
          .select(["id", "name", "kind", "parent_id", "scope_path", "established_on", "dissolved_on"])
          .where("district_code", "=", input.district)
          .execute()
      )
      const entries = rows
        .map((r): OrganisationEntry => ({
          id: String(r.id),
          name: String(r.name),
          kind: r.kind as OrganisationKind,
          parent: r.parent_id === null ? null : String(r.parent_id),
          scopePath: String(r.scope_path),
          establishedOn: r.established_on === null ? null : String(r.established_on),
          dissolvedOn: r.dissolved_on === null ? null : String(r.dissolved_on)
        }))
        .sort((a, b) => byCodePoint(a.scopePath, b.scopePath) || byCodePoint(a.name, b.name) || byCodePoint(a.id, b.id))
      // Depth first from the roots, so a host can draw the tree by reading the list once.
      const children = new Map<string | null, Array<OrganisationEntry>>()
      const ids = new Set(entries.map((e) => e.id))
      for (const entry of entries) {
        const key = entry.parent !== null && ids.has(entry.parent) ? entry.parent : null
        const list = children.get(key) ?? []
        list.push(entry)
        children.set(key, list)
      }
      const ordered: Array<OrganisationEntry> = []
      const visit = (parent: string | null) => {
        for (const child of children.get(parent) ?? []) {
          ordered.push(child)
          visit(child.id)
        }
      }
      visit(null)
      return ordered
    })
})
