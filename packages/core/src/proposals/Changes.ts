/**
 * Changing a proposal's state: one entry appended to its log, with the reason,
 * and one event carrying it. The states and the transitions between them are
 * data (`States`): a change they do not allow is refused, and so is a change
 * without a reason.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { CurrentActor } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import * as Events from "../Events.js"
import { command } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { loadProposal, nextStates } from "./Proposal.js"
import { ProposalsCode, TransitionNotAllowed } from "./Refused.js"
import { ProposalState } from "./States.js"

/**
 * Why a state changes (the meeting's conclusion, the answer from above): any
 * text but blank, kept in the log and the event.
 *
 * @since 0.3.0
 */
export const StateChangeReason = Schema.String.pipe(
  Schema.maxLength(2000),
  Schema.filter((s) => s.trim().length > 0),
  Problems.explain({
    code: ProposalsCode.Reason,
    "zh-CN": "变更提案状态须说明理由",
    en: "A change of a proposal's state needs a reason"
  })
)

/**
 * Moves a proposal to another state, with a reason. A change the states do
 * not allow fails with `TransitionNotAllowed`, naming both states and those
 * allowed; nothing is written.
 *
 * @since 0.3.0
 */
export const changeState = command({
  input: Schema.Struct({
    district: DistrictCode,
    proposal: Schema.UUID,
    to: ProposalState,
    reason: StateChangeReason
  }),
  load: (input) => loadProposal(input.district, input.proposal),
  target: (input, proposal) => ({ district: input.district, scopePath: proposal.scopePath }),
  run: (input, proposal) =>
    Effect.gen(function* () {
      const allowed = yield* nextStates(proposal.state)
      if (!allowed.includes(input.to)) {
        return yield* new TransitionNotAllowed({
          code: ProposalsCode.TransitionNotAllowed,
          proposal: proposal.id,
          from: proposal.state,
          to: input.to,
          allowed
        })
      }
      const seq = proposal.seq + 1
      const reason = input.reason.trim()
      const actor = yield* CurrentActor
      const at = yield* now
      // Two changes from the same state at once both take this number: the key lets only one commit.
      yield* Db.use((db) =>
        db
          .insertInto("proposals_change")
          .values({
            district_code: input.district,
            proposal_id: proposal.id,
            seq,
            from_state: proposal.state,
            to_state: input.to,
            reason,
            changed_by: actor.id,
            changed_at: at
          })
          .execute()
      )
      yield* Events.append({
        type: "proposals.state-changed",
        district: input.district,
        scopePath: proposal.scopePath,
        subject: proposal.id,
        payload: { from: proposal.state, to: input.to, reason, seq }
      })
      return { state: input.to, seq }
    })
})
