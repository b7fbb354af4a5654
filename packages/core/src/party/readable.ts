/**
 * The reader's scope over rows the kernel does not filter itself. Rows in a
 * grid are declared in the module's `scopedTables`, and the kernel limits every
 * read of them; rows at a community or above (members, their star scores) are
 * not tied to a grid, so a query limits them here, by the same rule: a row is
 * seen by a reader whose grant for the query covers its scope path.
 */
import { Effect } from "effect"
import { type RawBuilder, type SqlBool, sql } from "kysely"
import { CurrentActor } from "../Actor.js"
import { Policy } from "../Policy.js"
import { upperBound } from "../Scope.js"

/** A condition on a table alias's `district_code` and `scope_path` that holds for the rows `party.<action>` may show. */
export const readable = (action: string) =>
  Effect.gen(function* () {
    const actor = yield* CurrentActor
    const grants = (yield* Policy).grantsFor(actor, `party.${action}`)
    return (alias: string): RawBuilder<SqlBool> => {
      // The system actor reads everything; its reads are audited like anyone's acts.
      if (actor.kind === "system") return sql<SqlBool>`1 = 1`
      const column = (name: string) => sql.ref(`${alias}.${name}`)
      const ranges = grants.map(
        (g) =>
          sql<SqlBool>`(${column("district_code")} = ${g.district} and ${column("scope_path")} >= ${g.scopePath} and ${column(
            "scope_path"
          )} < ${upperBound(g.scopePath)})`
      )
      return ranges.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${sql.join(ranges, sql` or `)})`
    }
  })
