/**
 * Party members: a person of the registry (a resident, or someone recorded
 * with `registerPerson`, such as a unit's staff who live elsewhere) with the
 * date they joined the party, how they are attached (working in a member unit,
 * living here, or in the pocket) and their organisation, and the community
 * that keeps their record. A member in the pocket is attached to no
 * organisation; one working in a member unit is attached to the unit's.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command, query } from "../Plugin.js"
import { communityByCode, CommunityCode, IsoDate, todayInChina } from "../registry/Places.js"
import { notAfter, notFound, organisationRow } from "./lookups.js"
import { readable } from "./readable.js"
import { PartyCode, problem, refuseAny } from "./Refused.js"
import { MemberKind } from "./Vocabulary.js"

/**
 * Registers a person as a party member, kept by a community: how they are
 * attached, their organisation (none when in the pocket, the unit's when
 * working in a member unit) and the date they joined the party.
 *
 * @since 0.3.0
 */
export const registerMember = command({
  input: Schema.Struct({
    district: DistrictCode,
    person: Schema.UUID,
    kind: MemberKind,
    organisation: Schema.optional(Schema.UUID),
    /** The community that keeps the member's record. */
    community: CommunityCode,
    joinedPartyOn: IsoDate
  }),
  load: (input) =>
    Effect.gen(function* () {
      const person = yield* Db.use((db) =>
        db
          .selectFrom("registry_person")
          .select("id")
          .where("district_code", "=", input.district)
          .where("id", "=", input.person)
          .executeTakeFirst()
      )
      if (person === undefined) return yield* notFound("person", input.person)
      return {
        community: yield* communityByCode(input.district, input.community),
        organisation:
          input.organisation === undefined ? undefined : yield* organisationRow(input.district, input.organisation)
      }
    }),
  target: (input, { community }) => ({ district: input.district, scopePath: community.scope_path }),
  run: (input, { community, organisation }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const existing = yield* Db.use((db) =>
        db
          .selectFrom("party_member")
          .select("id")
          .where("district_code", "=", input.district)
          .where("person_id", "=", input.person)
          .executeTakeFirst()
      )
      yield* refuseAny([
        ...(existing === undefined
          ? []
          : [
              problem("person", PartyCode.AlreadyMember, {
                "zh-CN": "此人已登记为党员",
                en: "This person is already registered as a party member"
              })
            ]),
        ...(input.kind === "pocket" && organisation !== undefined
          ? [
              problem("organisation", PartyCode.PocketAttached, {
                "zh-CN": "口袋党员不隶属任何党组织",
                en: "A member in the pocket is attached to no organisation"
              })
            ]
          : []),
        ...(input.kind === "in_unit" && organisation === undefined
          ? [
              problem("organisation", PartyCode.OrganisationRequired, {
                "zh-CN": "在职党员应隶属其单位的党组织",
                en: "A member working in a member unit is attached to the unit's organisation"
              })
            ]
          : []),
        ...notAfter("joinedPartyOn", input.joinedPartyOn, today)
      ])
      const id = yield* Ids.next
      yield* Db.use((db) =>
        db
          .insertInto("party_member")
          .values({
            district_code: input.district,
            id,
            person_id: input.person,
            kind: input.kind,
            organisation_id: organisation?.id ?? null,
            community_id: community.id,
            joined_party_on: input.joinedPartyOn,
            scope_path: community.scope_path
          })
          .execute()
      )
      yield* Events.append({
        type: "party.member-registered",
        district: input.district,
        scopePath: community.scope_path,
        subject: id,
        payload: {
          person: input.person,
          kind: input.kind,
          organisation: organisation?.id ?? null,
          community: community.code,
          joinedPartyOn: input.joinedPartyOn
        }
      })
      return { id }
    })
})

/**
 * A member as {@link members} lists them.
 *
 * @since 0.3.0
 */
export interface MemberEntry {
  readonly id: string
  readonly person: string
  /**
   * The person's name, or `null` when their own record lies outside the
   * reader's scope (people who do not live in the district are recorded at the
   * district's level, and a resident may live in another grid).
   */
  readonly name: string | null
  readonly kind: MemberKind
  readonly organisation: string | null
  readonly community: string
  readonly joinedPartyOn: string
}

/**
 * The members whose records communities in the reader's scope keep: of one
 * community, or attached to one organisation, when asked.
 *
 * @since 0.3.0
 */
export const members = query({
  input: Schema.Struct({
    district: DistrictCode,
    community: Schema.optional(CommunityCode),
    organisation: Schema.optional(Schema.UUID)
  }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const visible = yield* readable("members")
      const rows = yield* Db.use((db) =>
        db
          .selectFrom("party_member as m")
          .innerJoin("registry_community as c", (j) =>
            j.onRef("c.district_code", "=", "m.district_code").onRef("c.id", "=", "m.community_id")
          )
          .leftJoin("registry_person as p", (j) =>
            j.onRef("p.district_code", "=", "m.district_code").onRef("p.id", "=", "m.person_id")
          )
          .select(["m.id", "m.person_id", "p.name", "m.kind", "m.organisation_id", "c.code", "m.joined_party_on"])
          .where("m.district_code", "=", input.district)
          .where(visible("m"))
          .$if(input.community !== undefined, (q) => q.where("c.code", "=", input.community!))
          .$if(input.organisation !== undefined, (q) => q.where("m.organisation_id", "=", input.organisation!))
          .orderBy("c.code")
          .orderBy("m.joined_party_on")
          .orderBy("m.id")
          .execute()
      )
      return rows.map((r): MemberEntry => ({
        id: String(r.id),
        person: String(r.person_id),
        name: r.name === null ? null : String(r.name),
        kind: r.kind as MemberKind,
        organisation: r.organisation_id === null ? null : String(r.organisation_id),
        community: String(r.code),
        joinedPartyOn: String(r.joined_party_on)
      }))
    })
})
