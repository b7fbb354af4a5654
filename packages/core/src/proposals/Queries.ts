/**
 * What the proposals answer: one proposal with its authors, support count and
 * history, and a community's proposals by state. The kernel limits every read
 * to the reader's scope: a proposal about another grid or community is simply
 * not there.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import type { ExpressionBuilder, Kysely } from "kysely"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"
import { query } from "../Plugin.js"
import { CommunityCode, communityByCode } from "../registry/Places.js"
import { upperBound } from "../Scope.js"
import { communityPathOf } from "./Proposal.js"
import { ProposalState } from "./States.js"

// The proposal's state is the last entry of its log; its supports are counted, never stored.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stateOf = (eb: ExpressionBuilder<any, any>) =>
  eb
    .selectFrom("proposals_change as c")
    .select("c.to_state")
    .whereRef("c.district_code", "=", "p.district_code")
    .whereRef("c.proposal_id", "=", "p.id")
    .orderBy("c.seq", "desc")
    .limit(1)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const supportsOf = (eb: ExpressionBuilder<any, any>) =>
  eb
    .selectFrom("proposals_support as s")
    .select((s) => s.fn.countAll().as("n"))
    .whereRef("s.district_code", "=", "p.district_code")
    .whereRef("s.proposal_id", "=", "p.id")

/**
 * A proposal as a community's list shows it.
 *
 * @since 0.3.0
 */
export interface ProposalSummary {
  readonly id: string
  readonly title: string
  readonly category: string
  /** The community's code, from where the proposal lies today. */
  readonly community: string
  readonly grid: string | null
  readonly compound: string | null
  readonly state: string
  readonly supports: number
  readonly raisedAt: Date
}

/**
 * One change of state in a proposal's log; the first is the raise, from no
 * state and without a reason.
 *
 * @since 0.3.0
 */
export interface ProposalStateChange {
  readonly seq: number
  readonly from: string | null
  readonly to: string
  readonly reason: string | null
  readonly by: string
  readonly at: Date
}

/**
 * A proposal with its text, authors, support count and history.
 *
 * @since 0.3.0
 */
export interface ProposalRecord extends ProposalSummary {
  readonly text: string
  readonly raisedBy: string
  /** The authors by id, with their names where the reader may see them. */
  readonly authors: ReadonlyArray<{ readonly id: string; readonly name: string | null }>
  readonly history: ReadonlyArray<ProposalStateChange>
}

const summaryOf = (row: Record<string, unknown>): ProposalSummary => ({
  id: String(row["id"]),
  title: String(row["title"]),
  category: String(row["category"]),
  community: communityPathOf(String(row["scope_path"])).split("/")[2]!,
  grid: row["grid"] === null ? null : String(row["grid"]),
  compound: row["compound"] === null ? null : String(row["compound"]),
  state: String(row["state"]),
  supports: Number(row["supports"]),
  raisedAt: new Date(row["raised_at"] as string | Date)
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const selectProposals = (db: Kysely<any>, district: string) =>
  db
    .selectFrom("proposals_proposal as p")
    .leftJoin("registry_grid as g", (j) =>
      j.onRef("g.district_code", "=", "p.district_code").onRef("g.id", "=", "p.grid_id")
    )
    .leftJoin("registry_compound as k", (j) =>
      j.onRef("k.district_code", "=", "p.district_code").onRef("k.id", "=", "p.compound_id")
    )
    .select((eb) => [
      "p.id",
      "p.title",
      "p.text",
      "p.category",
      "p.scope_path",
      "p.raised_by",
      "p.raised_at",
      "g.code as grid",
      "k.name as compound",
      stateOf(eb).as("state"),
      supportsOf(eb).as("supports")
    ])
    .where("p.district_code", "=", district)

/**
 * A proposal with its authors, support count and history of states.
 *
 * @example
 * ```ts
 * const p = await kernel.exec(Proposals.queries.proposal({ district: "230503", id }), actor)
 * p.state // "under_deliberation"
 * p.history.map((c) => `${c.from ?? "-"} -> ${c.to}: ${c.reason ?? ""}`)
 * ```
 * @since 0.3.0
 */
export const proposal = query({
  input: Schema.Struct({ district: DistrictCode, id: Schema.UUID }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const row = yield* Db.use((db) =>
        selectProposals(db, input.district).where("p.id", "=", input.id).executeTakeFirst()
      )
      if (row === undefined) return yield* new NotFound({ code: CoreCode.NotFound, entity: "proposal", id: input.id })
      const authors = yield* Db.use((db) =>
        db
          .selectFrom("proposals_author as a")
          .leftJoin("registry_person as r", (j) =>
            j.onRef("r.district_code", "=", "a.district_code").onRef("r.id", "=", "a.resident_id")
          )
          .select(["a.resident_id", "r.name"])
          .where("a.district_code", "=", input.district)
          .where("a.proposal_id", "=", input.id)
          .orderBy("a.resident_id")
          .execute()
      )
      const history = yield* Db.use((db) =>
        db
          .selectFrom("proposals_change")
          .select(["seq", "from_state", "to_state", "reason", "changed_by", "changed_at"])
          .where("district_code", "=", input.district)
          .where("proposal_id", "=", input.id)
          .orderBy("seq")
          .execute()
      )
      return {
        ...summaryOf(row),
        text: String(row.text),
        raisedBy: String(row.raised_by),
        authors: authors.map((a) => ({ id: String(a.resident_id), name: a.name === null ? null : String(a.name) })),
        history: history.map((c): ProposalStateChange => ({
          seq: Number(c.seq),
          from: c.from_state === null ? null : String(c.from_state),
          to: String(c.to_state),
          reason: c.reason === null ? null : String(c.reason),
          by: String(c.changed_by),
          at: new Date(c.changed_at)
        }))
      } satisfies ProposalRecord
    })
})

/**
 * The proposals of a community, or only those in one state, oldest first.
 *
 * @example
 * ```ts
 * const upward = await kernel.exec(
 *   Proposals.queries.proposalsOf({ district: "230503", community: "230503002001", state: "submitted_upward" }),
 *   actor
 * )
 * ```
 * @since 0.3.0
 */
export const proposalsOf = query({
  input: Schema.Struct({ district: DistrictCode, community: CommunityCode, state: Schema.optional(ProposalState) }),
  target: (input) => ({ district: input.district }),
  run: (input) =>
    Effect.gen(function* () {
      const community = yield* communityByCode(input.district, input.community)
      const path = community.scope_path
      const rows = yield* Db.use((db) =>
        selectProposals(db, input.district)
          .where("p.scope_path", ">=", path)
          .where("p.scope_path", "<", upperBound(path))
          .$if(input.state !== undefined, (q) => q.where((eb) => eb(stateOf(eb), "=", input.state!)))
          .orderBy("p.raised_at")
          .orderBy("p.id")
          .execute()
      )
      return rows.map((row) => summaryOf(row))
    })
})
