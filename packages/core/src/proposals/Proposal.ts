/**
 * A proposal (居民提案) as the commands load it: where it lies in the district
 * tree and its state, which is the last entry of its log of changes.
 *
 * @since 0.3.0
 */
import { Effect } from "effect"
import * as Db from "../Db.js"
import { CoreCode, NotFound } from "../Errors.js"

/**
 * The scope path of the community a path lies in (district, street and
 * community: the first three levels). A proposal about a grid follows the grid
 * if re-districting moves it, and so belongs to the grid's community of the day.
 *
 * @since 0.3.0
 */
export const communityPathOf = (path: string): string => `${path.split("/").slice(0, 3).join("/")}/`

/**
 * A proposal's place and state.
 *
 * @since 0.3.0
 */
export interface LoadedProposal {
  readonly id: string
  readonly scopePath: string
  readonly state: string
  /** The number of the last entry of its log: the next change is `seq + 1`. */
  readonly seq: number
}

/**
 * Loads a proposal with its state, or fails with `NotFound`.
 *
 * @since 0.3.0
 */
export const loadProposal = (district: string, id: string) =>
  Effect.gen(function* () {
    const row = yield* Db.use((db) =>
      db
        .selectFrom("proposals_proposal as p")
        .innerJoin("proposals_change as c", (j) =>
          j.onRef("c.district_code", "=", "p.district_code").onRef("c.proposal_id", "=", "p.id")
        )
        .select(["p.id", "p.scope_path", "c.seq", "c.to_state"])
        .where("p.district_code", "=", district)
        .where("p.id", "=", id)
        .orderBy("c.seq", "desc")
        .limit(1)
        .executeTakeFirst()
    )
    if (row === undefined) return yield* new NotFound({ code: CoreCode.NotFound, entity: "proposal", id })
    return {
      id: String(row.id),
      scopePath: String(row.scope_path),
      state: String(row.to_state),
      seq: Number(row.seq)
    } satisfies LoadedProposal
  })

/**
 * The states a proposal may go to from `state`, as the transitions table says.
 *
 * @since 0.3.0
 */
export const nextStates = (state: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("proposals_transition")
        .select("to_state")
        .where("from_state", "=", state)
        .orderBy("to_state")
        .execute()
    ),
    (rows) => rows.map((r) => String(r.to_state))
  )
