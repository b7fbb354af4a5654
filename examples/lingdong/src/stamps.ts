/**
 * The whitelist in 2020 (社区减负增效): the district publishes its whitelist of
 * 8 stamp items, 4 plaques and the work communities take on from departments
 * (`lingdongWhitelist`), in force from 1 July 2019; through 2020 departments
 * keep asking communities for the old 90 items, for plaques of their own and
 * for work, and each community's window puts every request through the
 * whitelist on its day. The 8 are stamped; the other 82 are refused, and every
 * refusal is counted by item and department, so the one department that falls
 * back on an old certificate, asking for it a little more each month, shows as
 * a count rising month by month (防止反弹).
 * Eight communities moved into new offices in 2020 and hang their 4 plaques
 * again. Every figure returned comes from `Stamps.queries.report`.
 */
import {
  type Actor,
  type CommandRequest,
  type Kernel,
  lingdongWhitelist,
  type PopulationRow,
  type StampFigures,
  StampRefused,
  type StampRequestKind,
  Stamps
} from "@shequ/core"
import { Effect } from "effect"
import { makeRng, mix, type Rng } from "./generator/random.js"
import { replay, setClock, shanghai, workingDaysBetween, YEAR } from "./replay.js"
import { type Asked, CREEPING_ITEM, CUT_ITEMS, KEPT_ITEMS, PLAQUES_ASKED, WORK_ASKED } from "./stampItems.js"
import { staffIds } from "./staff.js"

/** The random stream of the stamps stage. */
const STREAM = 12

/** The whitelist is published on 20 June 2019, in force from 1 July. */
const PUBLISHED_AT = shanghai("2019-06-20", "10:00")
const EFFECTIVE_ON = "2019-07-01"

/** Requests a year per 1,000 residents of a community: old items, plaques, work. */
const PER_THOUSAND = { item: 20, plaque: 0.4, work: 2.5 } as const
/** How often an item asked for is one of the 82 cut, the year after the cut. */
const CUT_SHARE = 0.3
/** The cut items departments bring now and then; the creeping one comes on its own schedule. */
const STRAY_ITEMS = CUT_ITEMS.filter((i) => i.code !== CREEPING_ITEM)
/** Communities that moved into new offices in 2020 (the case: 8 of 11), hanging their 4 plaques again. */
const MOVED_OFFICES = 8

/** What the whitelist did in the year, read from `Stamps.queries.report`. */
export interface StampsResult {
  readonly seconds: number
  readonly commands: number
  readonly version: { readonly number: number; readonly effectiveOn: string; readonly title: string }
  /** The whitelist's lists, by their size. */
  readonly listed: { readonly items: number; readonly plaques: number; readonly work: number }
  /** The report's lines for 2020. */
  readonly lines: ReadonlyArray<StampFigures>
  /** The first refusal of each kind, as the window saw it. */
  readonly examples: ReadonlyArray<StampRefused>
}

/** Draws one of `asked` by weight. */
const drawFrom = (rng: Rng, asked: ReadonlyArray<Asked>): Asked => {
  let r = rng.next() * asked.reduce((sum, a) => sum + a.weight, 0)
  for (const a of asked) {
    r -= a.weight
    if (r < 0) return a
  }
  return asked[asked.length - 1]!
}

/** A time of a working day, 08:30 to 16:29. */
const officeHours = (rng: Rng): string => {
  const minutes = 8 * 60 + 30 + rng.int(0, 8 * 60 - 1)
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`
}

/** Runs the stamps stage. */
export const runStamps = async (
  kernel: Kernel,
  options: { readonly seed: number },
  places: { readonly district: string; readonly communities: ReadonlyArray<PopulationRow> }
): Promise<StampsResult> => {
  const started = performance.now()
  const rng = makeRng(mix(options.seed, STREAM))
  const { district } = places
  const office = await kernel.actorFor(staffIds.districtOffice)
  const windows = new Map<string, Actor.Actor>()
  for (const community of places.communities) {
    windows.set(community.code, await kernel.actorFor(staffIds.window(community.code)))
  }
  let commands = 0
  const examples = new Map<StampRequestKind, StampRefused>()
  // A refusal is the whitelist at work, not a failure of the replay: it is counted, and the first of each kind kept.
  const decide = <A, E>(request: CommandRequest<A, E>, community: string) =>
    kernel.run(request, windows.get(community)!).pipe(
      Effect.asVoid,
      Effect.catchIf(
        (error) => error instanceof StampRefused,
        (error) =>
          Effect.sync(() => {
            const refused = error as StampRefused
            if (!examples.has(refused.kind)) examples.set(refused.kind, refused)
          })
      ),
      Effect.ensuring(
        Effect.sync(() => {
          commands++
        })
      )
    )

  const program = Effect.gen(function* () {
    yield* setClock(PUBLISHED_AT)
    yield* kernel.run(
      Stamps.commands.publishWhitelist({ district, effectiveOn: EFFECTIVE_ON, ...lingdongWhitelist }),
      office
    )
    commands++
    const days = workingDaysBetween(YEAR.from, YEAR.to)
    // The case: the new offices were ready by the end of May.
    const movingDays = days.filter((d) => d >= "2020-04-01" && d <= "2020-05-29")
    const moved = new Map(
      places.communities
        .slice(0, Math.round((MOVED_OFFICES * places.communities.length) / 11))
        .map((c) => [c.code, movingDays[rng.int(0, movingDays.length - 1)]!])
    )
    // The department that falls back on a cut certificate asks for it a little more each month: in month m,
    // m times across the case's 11 communities (in proportion in a smaller district), at random days and windows.
    const creeping = new Map<string, Array<PopulationRow>>()
    const creepingItem = CUT_ITEMS.find((i) => i.code === CREEPING_ITEM)!
    for (let month = 1; month <= 12; month++) {
      const inMonth = days.filter((d) => Number(d.slice(5, 7)) === month)
      for (let n = Math.round((month * places.communities.length) / 11); n > 0; n--) {
        const day = inMonth[rng.int(0, inMonth.length - 1)]!
        creeping.set(day, [
          ...(creeping.get(day) ?? []),
          places.communities[rng.int(0, places.communities.length - 1)]!
        ])
      }
    }
    for (const day of days) {
      const requests: Array<{ time: string; community: string; request: CommandRequest<unknown, unknown> }> = []
      for (const community of places.communities) {
        const per = (kind: keyof typeof PER_THOUSAND) => (PER_THOUSAND[kind] * community.residents) / 1000 / days.length
        const arrivals = (rate: number) => Math.floor(rate) + (rng.chance(rate - Math.floor(rate)) ? 1 : 0)
        const ask = { district, community: community.code }
        for (let n = arrivals(per("item")); n > 0; n--) {
          const item = drawFrom(rng, rng.chance(CUT_SHARE) ? STRAY_ITEMS : KEPT_ITEMS)
          requests.push({
            time: officeHours(rng),
            community: community.code,
            request: Stamps.commands.stamp({ ...ask, item: item.code, department: item.department, requestedOn: day })
          })
        }
        for (let n = arrivals(per("plaque")); n > 0; n--) {
          const plaque = drawFrom(rng, PLAQUES_ASKED)
          requests.push({
            time: officeHours(rng),
            community: community.code,
            request: Stamps.commands.hangPlaque({
              ...ask,
              plaque: plaque.code,
              department: plaque.department,
              requestedOn: day
            })
          })
        }
        for (let n = arrivals(per("work")); n > 0; n--) {
          const work = drawFrom(rng, WORK_ASKED)
          requests.push({
            time: officeHours(rng),
            community: community.code,
            request: Stamps.commands.acceptWork({
              ...ask,
              work: work.code,
              department: work.department,
              requestedOn: day
            })
          })
        }
        if (moved.get(community.code) === day) {
          for (const plaque of lingdongWhitelist.plaques) {
            requests.push({
              time: "09:00",
              community: community.code,
              request: Stamps.commands.hangPlaque({
                ...ask,
                plaque: plaque.code,
                department: "区民政局",
                requestedOn: day
              })
            })
          }
        }
      }
      for (const community of creeping.get(day) ?? []) {
        requests.push({
          time: officeHours(rng),
          community: community.code,
          request: Stamps.commands.stamp({
            district,
            community: community.code,
            item: creepingItem.code,
            department: creepingItem.department,
            requestedOn: day
          })
        })
      }
      requests.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
      for (const { time, community, request } of requests) {
        yield* setClock(shanghai(day, time))
        yield* decide(request, community)
      }
    }
    yield* setClock(shanghai(YEAR.to, "20:00"))
    const whitelist = yield* kernel.run(Stamps.queries.whitelist({ district, on: YEAR.to }), office)
    const lines = yield* kernel.run(Stamps.queries.report({ district, from: YEAR.from, to: YEAR.to }), office)
    return { whitelist, lines }
  })
  const { whitelist, lines } = await replay(program)
  return {
    seconds: (performance.now() - started) / 1000,
    commands,
    version: {
      number: whitelist?.version ?? 0,
      effectiveOn: whitelist?.effectiveOn ?? "",
      title: whitelist?.title ?? ""
    },
    listed: {
      items: whitelist?.items.length ?? 0,
      plaques: whitelist?.plaques.length ?? 0,
      work: whitelist?.work.length ?? 0
    },
    lines,
    examples: [...examples.values()]
  }
}

/** A tally of the report's lines by a key. */
export interface Tally {
  readonly key: string
  readonly granted: number
  readonly refused: number
}

/** Sums the report's lines by `key`, largest refused first (then granted, then key). */
export const tally = (
  lines: ReadonlyArray<StampFigures>,
  key: (line: StampFigures) => string
): ReadonlyArray<Tally> => {
  const sums = new Map<string, { key: string; granted: number; refused: number }>()
  for (const line of lines) {
    const k = key(line)
    const sum = sums.get(k) ?? { key: k, granted: 0, refused: 0 }
    sum.granted += line.granted
    sum.refused += line.refused
    sums.set(k, sum)
  }
  return [...sums.values()].sort(
    (a, b) => b.refused - a.refused || b.granted - a.granted || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  )
}
