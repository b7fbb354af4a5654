export { Proposals } from "./Proposals.js"
export { ProposalRefused, ProposalsCode, TransitionNotAllowed } from "./Refused.js"
export {
  extendProposalStates,
  ProposalState,
  proposalStates,
  proposalTransitions,
  type ProposalStateExtension,
  type ProposalTransition
} from "./States.js"
export { ProposalCategory } from "./Raise.js"
export { StateChangeReason } from "./Changes.js"
export type { ProposalRecord, ProposalSummary, ProposalStateChange } from "./Queries.js"
