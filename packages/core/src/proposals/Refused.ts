/**
 * The proposals' refusals, by stable code, each with its reason in both
 * languages; nothing is written when one is raised. Like every error, they
 * carry ids, never an ID or phone number.
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import { Text } from "../Errors.js"

/**
 * The module's stable codes. Those marked "problem" are codes of the problems
 * an `InvalidInput` lists; the others are codes of {@link ProposalRefused} and
 * {@link TransitionNotAllowed}.
 *
 * @since 0.3.0
 */
export const ProposalsCode = {
  /** The resident already supports the proposal. */
  AlreadySupported: "PROPOSALS.ALREADY_SUPPORTED",
  /** The states do not allow a change from the proposal's state to the one asked. */
  TransitionNotAllowed: "PROPOSALS.TRANSITION_NOT_ALLOWED",
  /** The supporter is not a resident of the proposal's community. */
  NotInCommunity: "PROPOSALS.NOT_IN_COMMUNITY",
  /** The proposal is in a state that leads nowhere (settled, adopted, withdrawn, rejected): it takes no supports. */
  Closed: "PROPOSALS.CLOSED",
  /** The grid or compound named is not (or no longer) in the proposal's community. */
  PlaceNotInCommunity: "PROPOSALS.PLACE_NOT_IN_COMMUNITY",
  /** Problem: an author is not a resident of the community. */
  AuthorNotResident: "PROPOSALS.AUTHOR_NOT_RESIDENT",
  /** Problem: a state change without a reason. */
  Reason: "PROPOSALS.REASON",
  /** Problem: both a grid and a compound named. */
  GridOrCompound: "PROPOSALS.GRID_OR_COMPOUND",
  /** Problem: a malformed state code. */
  State: "PROPOSALS.STATE"
} as const

/**
 * A command broke a rule of proposals; nothing was written.
 *
 * @since 0.3.0
 */
export class ProposalRefused extends Schema.TaggedError<ProposalRefused>()("ProposalRefused", {
  code: Schema.Literal(
    ProposalsCode.AlreadySupported,
    ProposalsCode.NotInCommunity,
    ProposalsCode.Closed,
    ProposalsCode.PlaceNotInCommunity
  ),
  /** The record the rule was checked on: a proposal, a resident, a grid's code or a compound's name. */
  subject: Schema.String,
  reason: Text
}) {
  get text(): Text {
    return this.reason
  }
  override get message() {
    return `${this.reason.en} / ${this.reason["zh-CN"]}`
  }
}

/**
 * The states do not allow this change: it names the proposal's state, the
 * state asked for, and the states it may go to instead (none for a closed
 * proposal). Nothing was written.
 *
 * @since 0.3.0
 */
export class TransitionNotAllowed extends Schema.TaggedError<TransitionNotAllowed>()("TransitionNotAllowed", {
  code: Schema.Literal(ProposalsCode.TransitionNotAllowed),
  proposal: Schema.String,
  from: Schema.String,
  to: Schema.String,
  allowed: Schema.Array(Schema.String)
}) {
  get text(): Text {
    const none = this.allowed.length === 0
    return {
      "zh-CN": `提案状态不能由 ${this.from} 变为 ${this.to}${none ? "：该状态已是终态" : `，只能变为：${this.allowed.join("、")}`}`,
      en: `A proposal cannot go from ${this.from} to ${this.to}${none ? ": that state is final" : `; it may go to: ${this.allowed.join(", ")}`}`
    }
  }
  override get message() {
    return `${this.text.en} / ${this.text["zh-CN"]}`
  }
}

/** @since 0.3.0 */
export const refused = (code: ProposalRefused["code"], subject: string, reason: Text): ProposalRefused =>
  new ProposalRefused({ code, subject, reason })
