/**
 * Raising a proposal (居民提案制: "大家的事情由大家商量着办"). Staff raise it on
 * behalf of its authors, one or more residents of the community it concerns;
 * it may name a grid or a compound of that community. It starts `raised`, the
 * first entry of its log.
 *
 * @since 0.3.0
 */
import { Effect, Schema } from "effect"
import { CurrentActor } from "../Actor.js"
import { now } from "../Calendar.js"
import { DistrictCode } from "../Core.js"
import * as Db from "../Db.js"
import { CoreCode, InvalidInput, NotFound, type Problem } from "../Errors.js"
import * as Events from "../Events.js"
import * as Ids from "../Ids.js"
import { command } from "../Plugin.js"
import * as Problems from "../Problems.js"
import { CommunityCode, communityByCode, GridCode, gridByCode } from "../registry/Places.js"
import { upperBound } from "../Scope.js"
import { ProposalsCode, refused } from "./Refused.js"
import { RAISED } from "./States.js"

const Trimmed = (max: number) => Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(max))

/**
 * What a proposal is about, in the community's own words (环境卫生, 停车, 供暖…):
 * the district keeps its own list.
 *
 * @since 0.3.0
 */
export const ProposalCategory = Trimmed(50)

const placeNotInCommunity = (subject: string, community: string) =>
  refused(ProposalsCode.PlaceNotInCommunity, subject, {
    "zh-CN": `${subject} 不在社区 ${community} 内`,
    en: `${subject} is not in community ${community}`
  })

/** The community, and the grid or compound the proposal names, by their codes and name. */
const placeOf = (input: { district: string; community: string; grid?: string; compound?: string }) =>
  Effect.gen(function* () {
    const community = yield* communityByCode(input.district, input.community)
    const grid = input.grid === undefined ? undefined : yield* gridByCode(input.district, input.grid)
    const compound =
      input.compound === undefined
        ? undefined
        : yield* Effect.flatMap(
            Db.use((db) =>
              db
                .selectFrom("registry_compound")
                .select("id")
                .where("district_code", "=", input.district)
                .where("name", "=", input.compound!)
                .executeTakeFirst()
            ),
            (row) =>
              row === undefined
                ? Effect.fail(new NotFound({ code: CoreCode.NotFound, entity: "compound", id: input.compound! }))
                : Effect.succeed(String(row.id))
          )
    return { community, grid, compound, scopePath: grid?.scope_path ?? community.scope_path }
  })

/** A compound lies in a community when one of its buildings does (a compound may straddle two). */
const compoundIn = (district: string, compound: string, communityPath: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("registry_building")
        .select("id")
        .where("district_code", "=", district)
        .where("compound_id", "=", compound)
        .where("scope_path", ">=", communityPath)
        .where("scope_path", "<", upperBound(communityPath))
        .limit(1)
        .executeTakeFirst()
    ),
    (row) => row !== undefined
  )

/** Every author who is not a living resident of the community, as a problem at their place in the list. */
const authorProblems = (district: string, authors: ReadonlyArray<string>, communityPath: string) =>
  Effect.map(
    Db.use((db) =>
      db
        .selectFrom("registry_person")
        .select(["id", "scope_path"])
        .where("district_code", "=", district)
        .where("id", "in", authors)
        .where("household_id", "is not", null)
        .where("died_on", "is", null)
        .execute()
    ),
    (rows) => {
      const residents = new Set(rows.filter((r) => String(r.scope_path).startsWith(communityPath)).map((r) => r.id))
      return authors.flatMap((author, i): ReadonlyArray<Problem> =>
        residents.has(author)
          ? []
          : [
              {
                path: `authors[${i}]`,
                code: ProposalsCode.AuthorNotResident,
                "zh-CN": "不是本社区的居民",
                en: "is not a resident of the community"
              }
            ]
      )
    }
  )

/**
 * Raises a proposal for its authors. Authors who are not living residents of
 * the community are each listed as a problem, and nothing is written; a grid
 * or compound outside the community is refused (`PROPOSALS.PLACE_NOT_IN_COMMUNITY`).
 *
 * @since 0.3.0
 */
export const raiseProposal = command({
  input: Schema.Struct({
    district: DistrictCode,
    community: CommunityCode,
    grid: Schema.optional(GridCode),
    /** A compound by its name, when the proposal concerns one. */
    compound: Schema.optional(Trimmed(100)),
    title: Trimmed(200),
    text: Trimmed(5000),
    category: ProposalCategory,
    /** The residents who raise it, by id; a resident named twice counts once. */
    authors: Schema.NonEmptyArray(Schema.UUID).pipe(Schema.maxItems(50))
  }).pipe(
    Schema.filter((input) => input.grid === undefined || input.compound === undefined),
    Problems.explain({
      code: ProposalsCode.GridOrCompound,
      "zh-CN": "提案可涉及一个网格或一个小区，不能同时填写两者",
      en: "A proposal concerns a grid or a compound, not both"
    })
  ),
  load: placeOf,
  target: (input, place) => ({ district: input.district, scopePath: place.scopePath }),
  run: (input, place) =>
    Effect.gen(function* () {
      const communityPath = place.community.scope_path
      if (
        place.grid !== undefined &&
        (place.grid.community_id !== place.community.id || place.grid.retired_on !== null)
      ) {
        return yield* placeNotInCommunity(place.grid.code, input.community)
      }
      if (place.compound !== undefined && !(yield* compoundIn(input.district, place.compound, communityPath))) {
        return yield* placeNotInCommunity(input.compound!, input.community)
      }
      const authors = [...new Set(input.authors)]
      const problems = yield* authorProblems(input.district, input.authors, communityPath)
      if (problems.length > 0) {
        return yield* new InvalidInput({ code: CoreCode.InvalidInput, command: "proposals.raiseProposal", problems })
      }
      const id = yield* Ids.next
      const actor = yield* CurrentActor
      const at = yield* now
      yield* Db.use((db) =>
        db
          .insertInto("proposals_proposal")
          .values({
            district_code: input.district,
            id,
            title: input.title,
            text: input.text,
            category: input.category,
            grid_id: place.grid?.id ?? null,
            compound_id: place.compound ?? null,
            scope_path: place.scopePath,
            raised_by: actor.id,
            raised_at: at
          })
          .execute()
      )
      yield* Db.use((db) =>
        db
          .insertInto("proposals_author")
          .values(
            authors.map((resident) => ({ district_code: input.district, proposal_id: id, resident_id: resident }))
          )
          .execute()
      )
      yield* Db.use((db) =>
        db
          .insertInto("proposals_change")
          .values({
            district_code: input.district,
            proposal_id: id,
            seq: 1,
            from_state: null,
            to_state: RAISED,
            reason: null,
            changed_by: actor.id,
            changed_at: at
          })
          .execute()
      )
      yield* Events.append({
        type: "proposals.raised",
        district: input.district,
        scopePath: place.scopePath,
        subject: id,
        payload: {
          title: input.title,
          category: input.category,
          community: input.community,
          ...(input.grid === undefined ? {} : { grid: input.grid }),
          ...(input.compound === undefined ? {} : { compound: input.compound }),
          authors,
          state: RAISED
        }
      })
      return { id, state: RAISED }
    })
})
