/**
 * Supports (附议): a resident of the proposal's community backs it, once. Staff
 * record it on the resident's behalf, within their own scope over that
 * resident; the count is what deliberation weighs.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { CurrentActor } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import * as Events from "../Events.js"
import { command } from "../Plugin.js"
import { communityPathOf, loadProposal, nextStates } from "./Proposal.js"
import { ProposalsCode, refused } from "./Refused.js"

/** A living resident of the district (not someone recorded without a household). */
const residentOf = (district: string, id: string) =>
  Effect.flatMap(
    Db.use((db) =>
      db
        .selectFrom("registry_person")
        .select("scope_path")
        .where("district_code", "=", district)
        .where("id", "=", id)
        .where("household_id", "is not", null)
        .where("died_on", "is", null)
        .executeTakeFirst()
    ),
    (row) =>
      row === undefined
        ? Effect.fail(new NotFound({ code: CoreCode.NotFound, entity: "resident", id }))
        : Effect.succeed({ id, scopePath: String(row.scope_path) })
  )

/** How many residents support a proposal. */
const supportCount = (district: string, proposal: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("proposals_support")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("district_code", "=", district)
        .where("proposal_id", "=", proposal)
        .executeTakeFirstOrThrow()
    ),
    (row) => Number(row.n)
  )

/**
 * Records a resident's support and returns the new count. A second support
 * by the same resident is refused (`PROPOSALS.ALREADY_SUPPORTED`), as is one
 * from outside the community or for a closed proposal.
 *
 * @since 0.3.0
 */
export const support = command({
  input: Schema.Struct({ district: DistrictCode, proposal: Schema.UUID, resident: Schema.UUID }),
  load: (input) =>
    Effect.all({
      proposal: loadProposal(input.district, input.proposal),
      resident: residentOf(input.district, input.resident)
    }),
  // Acting for a resident: the worker's scope must cover the resident (or temporary access to them).
  target: (input, { resident }) => ({ district: input.district, scopePath: resident.scopePath, resident: resident.id }),
  run: (input, { proposal, resident }) =>
    Effect.gen(function* () {
      const community = communityPathOf(proposal.scopePath)
      if (!resident.scopePath.startsWith(community)) {
        return yield* refused(ProposalsCode.NotInCommunity, resident.id, {
          "zh-CN": "只有提案所在社区的居民可以附议",
          en: "Only residents of the proposal's community can support it"
        })
      }
      if ((yield* nextStates(proposal.state)).length === 0) {
        return yield* refused(ProposalsCode.Closed, proposal.id, {
          "zh-CN": `提案已是 ${proposal.state} 状态，不再接受附议`,
          en: `The proposal is ${proposal.state} and takes no more supports`
        })
      }
      const actor = yield* CurrentActor
      const at = yield* now
      // The key refuses a second support; doing nothing on it makes that a refusal, not a storage error.
      const inserted = yield* Db.use((db) =>
        db
          .insertInto("proposals_support")
          .values({
            district_code: input.district,
            proposal_id: proposal.id,
            resident_id: resident.id,
            recorded_by: actor.id,
            supported_at: at
          })
          .onConflict((oc) => oc.columns(["district_code", "proposal_id", "resident_id"]).doNothing())
          .executeTakeFirst()
      )
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        return yield* refused(ProposalsCode.AlreadySupported, resident.id, {
          "zh-CN": "该居民已附议过此提案",
          en: "This resident already supports the proposal"
        })
      }
      const supports = yield* supportCount(input.district, proposal.id)
      yield* Events.append({
        type: "proposals.supported",
        district: input.district,
        scopePath: proposal.scopePath,
        subject: proposal.id,
        payload: { resident: resident.id, supports }
      })
      return { supports }
    })
})
