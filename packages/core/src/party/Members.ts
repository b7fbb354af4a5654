/**
 * Party members: a person of the registry (a resident, or someone recorded
 * with `registerPerson`, such as a unit's staff who live elsewhere) with the
 * date they joined the party, how they are attached (working in a member unit,
 * living here, or in the pocket) and their organisation, and the community
 * that keeps their record. A member in the pocket is attached to no
 * organisation; one working in a member unit is attached to the unit's.
 * How a member is attached changes over time (组织关系转接): each change is
 * dated, and the attachments are kept as history, so "who belonged to this
 * branch on 10 April" has an answer.
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
import type { Problem } from "../Errors.js"
import {
  dissolvedProblems,
  heldOrganisation,
  holdRow,
  memberRow,
  notAfter,
  notFound,
  type OrganisationRow,
  organisationRow
} from "./lookups.js"
import { readable } from "./readable.js"
import { PartyCode, problem, refuseAny } from "./Refused.js"
import { MemberKind } from "./Vocabulary.js"

/** The problems of attaching a member of `kind` to `organisation` (none: `undefined`). */
const attachmentProblems = (kind: MemberKind, organisation: OrganisationRow | undefined): ReadonlyArray<Problem> => [
  ...(kind === "pocket" && organisation !== undefined
    ? [
        problem("organisation", PartyCode.PocketAttached, {
          "zh-CN": "口袋党员不隶属任何党组织",
          en: "A member in the pocket is attached to no organisation"
        })
      ]
    : []),
  ...(kind === "in_unit" && organisation === undefined
    ? [
        problem("organisation", PartyCode.OrganisationRequired, {
          "zh-CN": "在职党员应隶属其单位的党组织",
          en: "A member working in a member unit is attached to the unit's organisation"
        })
      ]
    : []),
  ...(organisation === undefined ? [] : dissolvedProblems("organisation", organisation))
]

/**
 * Registers a person as a party member, kept by a community: how they are
 * attached, their organisation (none when in the pocket, the unit's when
 * working in a member unit), the date they joined the party, and the date
 * their attachment began (the date they joined the party when not given).
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
    joinedPartyOn: IsoDate,
    /** When they were attached as now (to their organisation, or in the pocket); the date they joined the party when absent. */
    attachedOn: Schema.optional(IsoDate)
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
  run: (input, { community, organisation: loaded }) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const organisation = loaded === undefined ? undefined : yield* heldOrganisation(input.district, loaded.id)
      const attachedOn = input.attachedOn ?? input.joinedPartyOn
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
        ...attachmentProblems(input.kind, organisation),
        ...notAfter("joinedPartyOn", input.joinedPartyOn, today),
        ...(attachedOn < input.joinedPartyOn
          ? [
              problem("attachedOn", PartyCode.AttachedBeforeJoining, {
                "zh-CN": `${attachedOn} 早于入党日期 ${input.joinedPartyOn}`,
                en: `${attachedOn} is before the member joined the party on ${input.joinedPartyOn}`
              })
            ]
          : []),
        ...(input.attachedOn === undefined ? [] : notAfter("attachedOn", input.attachedOn, today))
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
      yield* Db.use((db) =>
        db
          .insertInto("party_member_attachment")
          .values({
            district_code: input.district,
            member_id: id,
            valid_from: attachedOn,
            kind: input.kind,
            organisation_id: organisation?.id ?? null
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
          joinedPartyOn: input.joinedPartyOn,
          attachedOn
        }
      })
      return { id }
    })
})

/**
 * Transfers a member (组织关系转接) on a date: to another organisation, to
 * none (a member who left their unit's organisation and is now in the pocket),
 * or to another kind of attachment (a cadre who retired and lives here). The
 * attachment in force ends that day and the new one begins; one dated the day
 * the attachment in force began replaces it. A transfer that changes nothing
 * says nothing.
 *
 * @example
 * ```ts
 * await kernel.exec(
 *   Party.commands.transferMember({ district: "230503", member, kind: "resident", organisation: branch, transferredOn: "2020-09-01" }),
 *   secretary
 * )
 * ```
 * @since 0.3.0
 */
export const transferMember = command({
  input: Schema.Struct({
    district: DistrictCode,
    member: Schema.UUID,
    /** How they are attached from now on; as now when absent. */
    kind: Schema.optional(MemberKind),
    /** Their organisation from now on, `null` for none; as now when absent. */
    organisation: Schema.optional(Schema.NullOr(Schema.UUID)),
    transferredOn: Schema.optional(IsoDate)
  }),
  load: (input) => memberRow(input.district, input.member),
  target: (input, member) => ({ district: input.district, scopePath: member.scope_path }),
  run: (input, member) =>
    Effect.gen(function* () {
      const today = yield* todayInChina
      const transferredOn = input.transferredOn ?? today
      yield* holdRow("party_member", input.district, member.id)
      const to = input.organisation === undefined ? member.organisation_id : input.organisation
      const kind = input.kind ?? member.kind
      const organisation = to === null ? undefined : yield* heldOrganisation(input.district, to)
      const current = yield* Db.use((db) =>
        db
          .selectFrom("party_member_attachment")
          .select(["valid_from"])
          .where("district_code", "=", input.district)
          .where("member_id", "=", member.id)
          .where("valid_to", "is", null)
          .executeTakeFirstOrThrow()
      )
      const since = String(current.valid_from)
      yield* refuseAny(
        [
          ...attachmentProblems(kind, organisation),
          ...(transferredOn < since
            ? [
                problem("transferredOn", PartyCode.DateBeforeHistory, {
                  "zh-CN": `转接日期 ${transferredOn} 早于现组织关系的开始日期 ${since}`,
                  en: `The transfer on ${transferredOn} is before the attachment in force began on ${since}`
                })
              ]
            : []),
          ...notAfter("transferredOn", transferredOn, today)
        ],
        member.id
      )
      if (kind === member.kind && to === member.organisation_id) return
      const attachment = { kind, organisation_id: to }
      yield* transferredOn === since
        ? Db.use((db) =>
            db
              .updateTable("party_member_attachment")
              .set(attachment)
              .where("district_code", "=", input.district)
              .where("member_id", "=", member.id)
              .where("valid_from", "=", since)
              .execute()
          )
        : Effect.zipRight(
            Db.use((db) =>
              db
                .updateTable("party_member_attachment")
                .set({ valid_to: transferredOn })
                .where("district_code", "=", input.district)
                .where("member_id", "=", member.id)
                .where("valid_to", "is", null)
                .execute()
            ),
            Db.use((db) =>
              db
                .insertInto("party_member_attachment")
                .values({
                  district_code: input.district,
                  member_id: member.id,
                  valid_from: transferredOn,
                  ...attachment
                })
                .execute()
            )
          )
      yield* Db.use((db) =>
        db
          .updateTable("party_member")
          .set(attachment)
          .where("district_code", "=", input.district)
          .where("id", "=", member.id)
          .execute()
      )
      yield* Events.append({
        type: "party.member-transferred",
        district: input.district,
        scopePath: member.scope_path,
        subject: member.id,
        payload: {
          from: { kind: member.kind, organisation: member.organisation_id },
          to: { kind, organisation: to },
          transferredOn
        }
      })
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
