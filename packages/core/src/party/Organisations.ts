/**
 * The tree of party organisations (PartyOrganisation): working committees
 * (党工委) lead general branches (党总支) and branches (党支部); the case counts
 * 12, 2 and 72. Each sits at the district, a street or a community, under a
 * parent whose kind may lead it and whose place holds its own. A branch under
 * a branch, a parent below its child, and a move that would make an
 * organisation its own ancestor are refused.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import type { Problem } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import { IsoDate, todayInChina } from "../registry/Places.js"
import {
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
import { PartyCode, problem, refuseAny } from "./Refused.js"
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
  run: (input, { path, parent }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
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
        ...(parent === undefined ? [] : parentProblems(input.kind, path, parent)),
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
      const parent = input.parent === null ? undefined : yield* organisationRow(input.district, input.parent)
      if (parent !== undefined) {
        const led = subtree(yield* organisationTree(input.district), organisation.id)
        yield* refuseAny(
          [
            ...parentProblems(organisation.kind, organisation.scope_path, parent),
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
          .select(["id", "name", "kind", "parent_id", "scope_path", "established_on"])
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
          establishedOn: r.established_on === null ? null : String(r.established_on)
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
