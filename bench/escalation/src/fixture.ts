/**
 * The service requests the bench seeds, made from a seed alone: the same
 * options give the same rows, on either engine.
 *
 * Each row is what `Services.commands.receive` writes (and, for a done
 * request, what `complete` then changes): the request with the service's time
 * limits, the receiving worker as owner, its deadline counted by the kernel's
 * own calendar, and `due_at` equal to the deadline while it is open; one
 * `services_ownership` row of kind `received`; the `services.request-received`
 * event and, when done, `services.request-completed`. The requests are one of:
 *
 * - due at sweep r (r = 1…R): open, at the level where it was received, its
 *   deadline the end of the r-th sweep day, so that the sweep run the night
 *   after finds exactly these `overdue` requests newly overdue;
 * - open and due later: received in the days before the last sweep, with a
 *   deadline after it;
 * - done on time: received during the year before the first sweep day.
 *
 * Which row is which is a seeded shuffle, so the rows one sweep finds are
 * spread through the whole table (and its primary key), none next to another
 * by design.
 */
import { Calendar, defaultServiceMenu, type WorkingDays } from "@shequ/core"
import { Effect } from "effect"

export const DISTRICT = "230503"

/** A resident the desk may serve, with the grid they live in and the workers who receive there. */
export interface Home {
  readonly residentId: string
  readonly gridId: string
  readonly scopePath: string
  readonly gridWorker: string
  readonly communityWorker: string
}

/** One sweep: when it runs, and the deadline that lapsed just before. */
export interface Sweep {
  readonly at: Date
  readonly lapsed: Date
}

/** A request as seeded. */
export interface SeededRequest {
  readonly id: string
  readonly home: Home
  readonly service: string
  readonly days: WorkingDays
  readonly summary: string
  readonly level: "grid" | "community"
  readonly receivedAt: number
  readonly receivedBy: string
  readonly deadline: number
  /** When it was done, or `null` while it is open. */
  readonly doneAt: number | null
  readonly resolution: string
  readonly ownershipId: string
  readonly receivedEvent: { readonly id: string; readonly correlation: string }
  readonly completedEvent: { readonly id: string; readonly correlation: string }
}

/** A row for the bare driver: text, integers and null, timestamps as ISO-8601 text. */
export type Row = ReadonlyArray<string | number | null>

const DAY_MS = 24 * 60 * 60 * 1000
const HOUR_MS = 60 * 60 * 1000

/** The first day the sweeps are run for: a week without holidays. */
const FIRST_SWEEP_DAY = "2025-11-17"
/** Requests received at the grid, on a grid worker's visit; the rest at the community window. */
const GRID_SHARE = 0.7
/** The share of all requests that are open and due after the last sweep. */
const OPEN_LATER_SHARE = 0.04

const summaries: Readonly<Record<string, ReadonlyArray<string>>> = {
  employment: ["失业登记", "申请公益性岗位", "就业困难人员认定", "灵活就业社保补贴申请"],
  social_security: ["城乡居民养老保险参保", "医保关系转移", "养老金资格认证", "社保卡补办"],
  social_assistance: ["申请临时救助", "低保年审材料", "特困供养申请", "残疾人两项补贴申请"],
  public_security: ["楼道堆放杂物存在消防隐患", "小区周边夜间噪声扰民", "电动车楼内充电", "邻里纠纷调解"],
  health: ["家庭医生签约", "老年人体检预约", "慢病随访", "疫苗接种咨询"]
}
const resolution = "已按规定办结，并电话回访居民"

const mix = (value: number): number => {
  let a = value | 0
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b)
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35)
  return (a ^ (a >>> 16)) >>> 0
}

/** mulberry32: a small, fast generator of floats in [0, 1) from a 32-bit seed. */
const generator = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const hex = (value: number, width: number) => value.toString(16).padStart(width, "0")

/**
 * A UUIDv7 for the instant `ms`, as `Ids.uuidv7` makes it then. The random
 * bits hold `kind` and `index`, so two ids of one run never collide.
 */
const uuidv7 = (ms: number, kind: number, index: number, random: () => number): string => {
  const time = hex(ms, 12)
  const a = Math.floor(random() * 0x1000)
  const b = 0x8000 | (kind << 10) | Math.floor(random() * 0x400)
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(a, 3)}-${hex(b, 4)}-${hex(index >>> 0, 8)}${hex(Math.floor(random() * 0x10000), 4)}`
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
/** An instant of a local date in Asia/Shanghai (UTC+8, no daylight saving since 1991). */
const localTime = (date: string, hours: number) => Date.parse(`${date}T00:00:00+08:00`) + hours * HOUR_MS

export const iso = (ms: number): string => new Date(ms).toISOString()

/** What the fixture holds, by kind of request. */
export interface FixtureCounts {
  readonly requests: number
  /** Requests newly overdue at each sweep. */
  readonly overdue: number
  readonly openLater: number
  readonly done: number
}

export interface Fixture {
  readonly counts: FixtureCounts
  readonly sweeps: ReadonlyArray<Sweep>
  /** The i-th request in table order. */
  request(i: number): SeededRequest
}

/**
 * The most sweeps that each find a fresh slice and nothing else: a request
 * escalated at the first sweep comes due again at its new level after that
 * level's time limit (five working days at the community with the default
 * menu), so later sweeps would find it too.
 */
export const maxRounds = (): number =>
  Math.min(...defaultServiceMenu.map((item) => Math.min(item.workingDays.community, item.workingDays.street)))

/** Checks the options; returns the counts, or why they do not fit. */
export const countsFor = (requests: number, share: number, rounds: number): FixtureCounts | string => {
  const overdue = Math.round(requests * share)
  if (overdue < 1) return `--overdue-share ${share} of ${requests} requests is less than one request per sweep`
  const openLater = Math.round(requests * OPEN_LATER_SHARE)
  const done = requests - rounds * overdue - openLater
  if (done < 0) {
    return `${rounds} sweeps of ${overdue} overdue requests and ${openLater} open ones (${OPEN_LATER_SHARE * 100}%) do not fit in ${requests} requests`
  }
  return { requests, overdue, openLater, done }
}

export const makeFixture = (options: {
  readonly counts: FixtureCounts
  readonly rounds: number
  readonly seed: number
  readonly homes: ReadonlyArray<Home>
}): Fixture => {
  const { counts, rounds, seed, homes } = options
  const calendar = Calendar.make()
  const workingDay = (date: string) => Effect.runSync(calendar.isWorkingDay(date))
  const deadlines = new Map<string, number>()
  const deadlineOf = (ms: number, days: number) => {
    const key = `${calendar.localDate(new Date(ms))}|${days}`
    let deadline = deadlines.get(key)
    if (deadline === undefined) {
      deadline = Effect.runSync(calendar.deadline(new Date(ms), days)).getTime()
      deadlines.set(key, deadline)
    }
    return deadline
  }
  const workingDaysBetween = (from: string, to: string) => {
    const days: Array<string> = []
    for (let date = from; date <= to; date = addDays(date, 1)) if (workingDay(date)) days.push(date)
    return days
  }

  // The sweep days: consecutive working days; each sweep runs at 00:30 the night after.
  const sweepDays: Array<string> = []
  for (let date = FIRST_SWEEP_DAY; sweepDays.length < rounds; date = addDays(date, 1)) {
    if (workingDay(date)) sweepDays.push(date)
  }
  const sweeps: Array<Sweep> = sweepDays.map((date) => ({
    lapsed: new Date(localTime(addDays(date, 1), 0) - 1),
    at: new Date(localTime(addDays(date, 1), 0.5))
  }))
  const lastAt = sweeps.at(-1)!.at.getTime()

  const services = defaultServiceMenu.map((item) => ({ code: item.code, days: item.workingDays }))
  // Every service on the default menu has the same time limits, so one set of receipt days serves all.
  const limits = services[0]!.days
  if (services.some((s) => s.days.grid !== limits.grid || s.days.community !== limits.community)) {
    throw new Error("the bench expects the default menu's services to share their time limits")
  }
  const receiptDays = (level: "grid" | "community", keep: (deadline: number) => boolean, from: string, to: string) => {
    const days = workingDaysBetween(from, to).filter((date) => keep(deadlineOf(localTime(date, 9), limits[level])))
    if (days.length === 0) throw new Error(`no receipt day at the ${level} fits between ${from} and ${to}`)
    return days
  }
  const levels = ["grid", "community"] as const
  const dueAt = sweeps.map((sweep) =>
    Object.fromEntries(
      levels.map((level) => [
        level,
        receiptDays(level, (d) => d === sweep.lapsed.getTime(), addDays(sweepDays[0]!, -30), sweepDays.at(-1)!)
      ])
    )
  )
  const later = Object.fromEntries(
    levels.map((level) => [
      level,
      receiptDays(level, (d) => d > lastAt, addDays(sweepDays.at(-1)!, -30), sweepDays.at(-1)!)
    ])
  )
  const history = workingDaysBetween(addDays(sweepDays[0]!, -380), addDays(sweepDays[0]!, -20))

  // What each row is, in table order: 0 done, r = 1…R due at sweep r, R + 1 open and due later.
  const kinds = new Uint8Array(counts.requests)
  let at = 0
  for (let r = 1; r <= rounds; r++) kinds.fill(r, at, (at += counts.overdue))
  kinds.fill(rounds + 1, at, (at += counts.openLater))
  const shuffle = generator(mix(seed ^ 0x5eed))
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1))
    const kind = kinds[i]!
    kinds[i] = kinds[j]!
    kinds[j] = kind
  }

  const request = (i: number): SeededRequest => {
    const random = generator(mix(seed ^ mix(i + 0x9e3779b9)))
    const pick = <A>(list: ReadonlyArray<A>): A => list[Math.floor(random() * list.length)]!
    const home = pick(homes)
    const service = pick(services)
    const level = random() < GRID_SHARE ? "grid" : "community"
    const kind = kinds[i]!
    const day = kind === 0 ? pick(history) : pick(kind <= rounds ? dueAt[kind - 1]![level]! : later[level]!)
    // Office hours, 08:30 to 17:30.
    const receivedAt = Math.floor(localTime(day, 8.5 + random() * 9))
    const deadline = deadlineOf(receivedAt, service.days[level])
    const doneAt = kind === 0 ? receivedAt + Math.max(60_000, Math.floor(random() * (deadline - receivedAt))) : null
    const receivedBy = level === "grid" ? home.gridWorker : home.communityWorker
    return {
      id: uuidv7(receivedAt, 0, i, random),
      home,
      service: service.code,
      days: service.days,
      summary: pick(summaries[service.code] ?? ["居民诉求"]),
      level,
      receivedAt,
      receivedBy,
      deadline,
      doneAt,
      resolution,
      ownershipId: uuidv7(receivedAt, 1, i, random),
      receivedEvent: { id: uuidv7(receivedAt, 2, i, random), correlation: uuidv7(receivedAt, 3, i, random) },
      completedEvent: {
        id: uuidv7(doneAt ?? receivedAt, 4, i, random),
        correlation: uuidv7(doneAt ?? receivedAt, 5, i, random)
      }
    }
  }

  return { counts, sweeps, request }
}

/** `services_request`'s columns, as `receive` fills them. */
export const requestColumns = [
  "district_code",
  "id",
  "resident_id",
  "grid_id",
  "scope_path",
  "service",
  "summary",
  "received_level",
  "received_at",
  "received_by",
  "grid_days",
  "community_days",
  "street_days",
  "district_days",
  "status",
  "level",
  "owner",
  "deadline_at",
  "due_at",
  "done_at",
  "done_by",
  "resolution"
] as const

export const requestRow = (r: SeededRequest): Row => {
  const done = r.doneAt !== null
  return [
    DISTRICT,
    r.id,
    r.home.residentId,
    r.home.gridId,
    r.home.scopePath,
    r.service,
    r.summary,
    r.level,
    iso(r.receivedAt),
    r.receivedBy,
    r.days.grid,
    r.days.community,
    r.days.street,
    r.days.district,
    done ? "done" : "open",
    r.level,
    r.receivedBy,
    iso(r.deadline),
    // `complete` clears it: a done request is never due.
    done ? null : iso(r.deadline),
    done ? iso(r.doneAt) : null,
    done ? r.receivedBy : null,
    done ? r.resolution : null
  ]
}

/** `services_ownership`'s columns, as `recordOwner` fills them for a receipt. */
export const ownershipColumns = [
  "district_code",
  "id",
  "request_id",
  "grid_id",
  "scope_path",
  "level",
  "owner",
  "since",
  "kind",
  "previous_owner",
  "reason"
] as const

export const ownershipRow = (r: SeededRequest): Row => [
  DISTRICT,
  r.ownershipId,
  r.id,
  r.home.gridId,
  r.home.scopePath,
  r.level,
  r.receivedBy,
  iso(r.receivedAt),
  "received",
  null,
  null
]

/** `core_event`'s columns, as the kernel persists an event. */
export const eventColumns = [
  "district_code",
  "position",
  "id",
  "type",
  "scope_path",
  "subject",
  "payload",
  "actor",
  "cause",
  "correlation",
  "occurred_at"
] as const

/** The event `receive` appends, at `position` in the district's log. */
export const receivedEventRow = (r: SeededRequest, position: number): Row => [
  DISTRICT,
  position,
  r.receivedEvent.id,
  "services.request-received",
  r.home.scopePath,
  r.id,
  JSON.stringify({
    resident: r.home.residentId,
    service: r.service,
    level: r.level,
    owner: r.receivedBy,
    deadline: iso(r.deadline)
  }),
  r.receivedBy,
  "services.receive",
  r.receivedEvent.correlation,
  iso(r.receivedAt)
]

/** The event `complete` appends for a request done on time. */
export const completedEventRow = (r: SeededRequest, position: number): Row => [
  DISTRICT,
  position,
  r.completedEvent.id,
  "services.request-completed",
  r.home.scopePath,
  r.id,
  JSON.stringify({ level: r.level, owner: r.receivedBy, late: false }),
  r.receivedBy,
  "services.complete",
  r.completedEvent.correlation,
  iso(r.doneAt!)
]

/**
 * The events of all requests in the order they happened, as the district's
 * log holds them, numbered on from `after`.
 */
export function* eventRows(fixture: Fixture, after: number): Generator<Row> {
  const n = fixture.counts.requests
  // An event is 2i (received) or 2i + 1 (completed); sorted by time, ties by request.
  const times = new Float64Array(2 * n)
  let events = 0
  for (let i = 0; i < n; i++) {
    const r = fixture.request(i)
    times[2 * i] = r.receivedAt
    times[2 * i + 1] = r.doneAt ?? Number.NaN
    events += r.doneAt === null ? 1 : 2
  }
  const order = new Uint32Array(events)
  let at = 0
  for (let e = 0; e < 2 * n; e++) if (!Number.isNaN(times[e]!)) order[at++] = e
  order.sort((a, b) => times[a]! - times[b]! || a - b)
  let position = after
  for (const e of order) {
    const r = fixture.request(e >>> 1)
    yield (e & 1) === 0 ? receivedEventRow(r, ++position) : completedEventRow(r, ++position)
  }
}
