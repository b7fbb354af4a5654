/**
 * A proposal's states and the changes between them, as data: two reference
 * tables, seeded with core's states by the module's migration. A plugin adds
 * its own (a hearing, a deputies' surgery) with {@link extendProposalStates} in its own
 * migrations, without touching core; the kernel reads the tables whenever a
 * state changes, so what the tables do not allow is refused.
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import type { Migration } from "../Migration.js"
import * as Problems from "../Problems.js"
import { ProposalsCode } from "./Refused.js"

/**
 * A state's code: lower-case letters, digits and `_`.
 *
 * @since 0.3.0
 */
export const ProposalState = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]{0,39}$/),
  Problems.explain({
    code: ProposalsCode.State,
    "zh-CN": "状态代码应以小写字母开头，由小写字母、数字或 _ 组成",
    en: "A state is lower-case letters, digits and _, starting with a letter"
  })
)

/** @since 0.3.0 */
export type ProposalState = typeof ProposalState.Type

/** The state every proposal starts in. @since 0.3.0 */
export const RAISED = "raised"

/**
 * Core's states: raised (提出), under deliberation (议事协商), settled (办结),
 * submitted upward to the party committees and governments above (提交上级),
 * adopted as a public-benefit project (确定为利民实事), withdrawn (撤回) and
 * rejected (不予采纳).
 *
 * @since 0.3.0
 */
export const proposalStates = [
  RAISED,
  "under_deliberation",
  "settled",
  "submitted_upward",
  "adopted",
  "withdrawn",
  "rejected"
] as const

/** A change a state allows: from one state to another. @since 0.3.0 */
export type ProposalTransition = readonly [from: string, to: string]

/**
 * Core's transitions. Deputies may settle a matter at once, without a
 * meeting; only what went upward can be adopted there; a proposal can be
 * withdrawn or rejected until it is decided. Settled, adopted, withdrawn and
 * rejected lead nowhere: a proposal there is closed.
 *
 * @since 0.3.0
 */
export const proposalTransitions: ReadonlyArray<ProposalTransition> = [
  [RAISED, "under_deliberation"],
  [RAISED, "settled"],
  [RAISED, "withdrawn"],
  [RAISED, "rejected"],
  ["under_deliberation", "settled"],
  ["under_deliberation", "submitted_upward"],
  ["under_deliberation", "withdrawn"],
  ["under_deliberation", "rejected"],
  ["submitted_upward", "adopted"],
  ["submitted_upward", "rejected"]
]

/**
 * States and transitions a plugin adds. A transition may join the plugin's
 * states to core's or to each other, or core's states in a way core does not.
 *
 * @since 0.3.0
 */
export interface ProposalStateExtension {
  readonly states?: ReadonlyArray<string>
  readonly transitions: ReadonlyArray<ProposalTransition>
}

/**
 * A migration that adds states and transitions to the proposals' tables, for a
 * plugin's own `migrations` (so it is applied once, recorded under the plugin,
 * and checked like any of its migrations). `owner` is recorded on each row.
 *
 * @example
 * ```ts
 * const hearing = definePlugin({
 *   name: "hearing",
 *   version: "1.0.0",
 *   migrations: [
 *     extendProposalStates("0001_hearing_states", "hearing", {
 *       states: ["in_hearing"],
 *       transitions: [["under_deliberation", "in_hearing"], ["in_hearing", "settled"]]
 *     })
 *   ]
 * })
 * ```
 * @since 0.3.0
 */
export const extendProposalStates = (name: string, owner: string, extension: ProposalStateExtension): Migration => ({
  name,
  up: ({ db }) => [
    ...((extension.states ?? []).length === 0
      ? []
      : [db.insertInto("proposals_state").values((extension.states ?? []).map((state) => ({ state, owner })))]),
    ...(extension.transitions.length === 0
      ? []
      : [
          db
            .insertInto("proposals_transition")
            .values(extension.transitions.map(([from, to]) => ({ from_state: from, to_state: to, owner })))
        ])
  ]
})
