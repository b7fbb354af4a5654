/**
 * Star rating of members (星级党员评定) for 2020. The organisation department
 * defines the district's scheme as the case's districts run it: four items of
 * 10 points each (study, organisational life, service to residents,
 * discipline), weighted 2, 3, 3 and 2 to a score of 100, and the score each
 * star needs (60 for one star to 95 for five). At the end of December each
 * community's secretary scores the members of the branches that recorded
 * their meetings, each point with its evidence: the lectures they attended,
 * the share of their meetings they attended, the hours of service the
 * community's board of pledges shows for them, and their absences without
 * leave. The stars by organisation are the kernel's `stars` query's.
 */
import {
  type Actor,
  type CommandRequest,
  type Kernel,
  type OrganisationEntry,
  Party,
  type StarRating
} from "@shequ/core"
import { Effect } from "effect"
import type { MeetingsResult } from "./meetings.js"
import { replay, setClock, shanghai, YEAR } from "./replay.js"
import { staffIds } from "./staff.js"

/** The district's scheme for 2020. */
export const SCHEME = {
  name: "2020年度星级党员评定",
  from: YEAR.from,
  to: YEAR.to,
  items: [
    { code: "study", name: "学习教育", maxPoints: 10, weight: 2 },
    { code: "organisational_life", name: "组织生活", maxPoints: 10, weight: 3 },
    { code: "service", name: "服务群众", maxPoints: 10, weight: 3 },
    { code: "discipline", name: "遵规守纪", maxPoints: 10, weight: 2 }
  ],
  thresholds: [60, 70, 80, 90, 95] as [number, number, number, number, number]
} as const

/** The day the secretaries score their members. */
const SCORED_ON = "2020-12-28"

/** How many members of an organisation earned each number of stars, from 0 to 5, and their mean score. */
export interface StarsByOrganisation {
  readonly organisation: string
  readonly name: string
  readonly rated: number
  /** `stars[n]` members earned n stars. */
  readonly stars: readonly [number, number, number, number, number, number]
  readonly meanScore: number
}

/** What the star rating stage did; the figures are the kernel's. */
export interface StarsResult {
  readonly seconds: number
  readonly commands: number
  readonly scheme: string
  readonly byOrganisation: ReadonlyArray<StarsByOrganisation>
  /** The best rated members, with their points and evidence. */
  readonly best: ReadonlyArray<StarRating>
}

/** The scheme's ratings, as the kernel's `stars` query gives them, counted by the members' organisations. */
export const readStars = (
  kernel: Kernel,
  district: string,
  scheme: string,
  reader: Actor.Actor
): Effect.Effect<{ byOrganisation: ReadonlyArray<StarsByOrganisation>; best: ReadonlyArray<StarRating> }, unknown> =>
  Effect.gen(function* () {
    const { ratings } = yield* kernel.run(Party.queries.stars({ district, scheme }), reader)
    const tree = yield* kernel.run(Party.queries.organisations({ district }), reader)
    const names = new Map(tree.map((o: OrganisationEntry) => [o.id, o.name]))
    const groups = new Map<string, Array<StarRating>>()
    for (const rating of ratings) {
      const key = rating.organisation ?? ""
      groups.set(key, [...(groups.get(key) ?? []), rating])
    }
    // In the tree's order, so the report reads like the organisation's own list.
    const order = new Map(tree.map((o, i) => [o.id, i]))
    const byOrganisation = [...groups]
      .sort(([a], [b]) => (order.get(a) ?? tree.length) - (order.get(b) ?? tree.length))
      .map(([organisation, members]): StarsByOrganisation => {
        const earned = (n: number) => members.filter((m) => m.stars === n).length
        return {
          organisation,
          name: names.get(organisation) ?? "",
          rated: members.length,
          stars: [earned(0), earned(1), earned(2), earned(3), earned(4), earned(5)],
          meanScore: Math.round((members.reduce((sum, m) => sum + m.score, 0) / members.length) * 10) / 10
        }
      })
    return { byOrganisation, best: ratings.slice(0, 3) }
  })

/** Half points, from 0 to 10. */
const points = (value: number): number => Math.min(10, Math.max(0, Math.round(value * 2) / 2))

/** Runs the star rating stage over the members whose meetings the meetings stage recorded. */
export const runStars = async (
  kernel: Kernel,
  places: { readonly district: string },
  meetings: MeetingsResult
): Promise<StarsResult> => {
  const started = performance.now()
  const { district } = places
  const office = await kernel.actorFor(staffIds.districtOffice)
  let commands = 0
  const run = <A, E>(request: CommandRequest<A, E>, actor: Actor.Actor) =>
    Effect.tap(kernel.run(request, actor), () => {
      commands++
    })
  const secretaries = new Map<string, Actor.Actor>()
  for (const { community } of meetings.branches) {
    secretaries.set(community, await kernel.actorFor(staffIds.secretary(community)))
  }

  const program = Effect.gen(function* () {
    yield* setClock(shanghai("2020-01-06", "10:00"))
    const { id: scheme } = yield* run(Party.commands.defineStarScheme({ district, ...SCHEME }), office)
    yield* setClock(shanghai(SCORED_ON, "15:00"))
    for (const branch of meetings.branches) {
      const secretary = secretaries.get(branch.community)!
      // The hours each member served, as the community's public board shows them at the end of the year.
      const board = yield* kernel.run(
        Party.queries.pledges({ district, community: branch.community, on: YEAR.to }),
        secretary
      )
      const hours = new Map(board.map((entry) => [entry.member, entry.hours]))
      const members = yield* kernel.run(
        Party.queries.roll({ district, organisation: branch.id, kind: "branch_members", on: SCORED_ON }),
        secretary
      )
      for (const { member } of members) {
        const attended = meetings.byMember.get(member) ?? { expected: 0, present: 0, absent: 0, lectures: 0 }
        const served = hours.get(member) ?? 0
        const scores: ReadonlyArray<readonly [item: string, points: number, evidence: string]> = [
          ["study", points(2 + 2 * attended.lectures), `2020年参加党课 ${attended.lectures} 次`],
          [
            "organisational_life",
            attended.expected === 0 ? 0 : points((10 * attended.present) / attended.expected),
            `2020年应参加三会一课 ${attended.expected} 次，出席 ${attended.present} 次`
          ],
          ["service", points(5 + served / 2), `党员报到后服务群众 ${served} 小时`],
          ["discipline", points(10 - 2 * attended.absent), `无故缺席组织生活 ${attended.absent} 次`]
        ]
        for (const [item, value, evidence] of scores) {
          yield* run(
            Party.commands.enterScore({ district, scheme, member, item, points: value, evidence, on: SCORED_ON }),
            secretary
          )
        }
      }
    }
    yield* setClock(shanghai(YEAR.to, "20:00"))
    return { scheme, ...(yield* readStars(kernel, district, scheme, office)) }
  })
  const { scheme, byOrganisation, best } = await replay(program)
  return {
    seconds: (performance.now() - started) / 1000,
    commands,
    scheme,
    byOrganisation,
    best
  }
}
