/**
 * The service desk in 2020 (菜单式服务, 首问负责制, 限时办结制, 责任追究制): residents
 * ask for services on the menu, from a grid worker on a visit or at their
 * community's window; the worker who receives a request owns it and most finish
 * it within its time limit, some a day late, some hand it up with a reason, and
 * some let it lapse. The district's scheduler runs the sweep (`kernel.tick`) at
 * 17:30 every working day: a request whose deadline lapsed leaves a record
 * against whoever held it and climbs grid -> community -> street -> the
 * district command centre, where each morning the desk of that level looks at
 * what arrived overnight and takes it, or does not. Days off are the PRC's
 * (the Spring Festival break extended to 2 February, eight days at National
 * Day), so no deadline ends on one. Every figure returned is read back from the
 * service desk's queries.
 */
import {
  type Actor,
  type CommandRequest,
  type Kernel,
  type PopulationRow,
  Registry,
  type ServiceLevel,
  type ServiceMenuItem,
  type ServiceRequestRecord,
  type ServicesFigures,
  Services,
  type ServicesReport
} from "@shequ/core"
import { Effect } from "effect"
import { makeRng, mix, type Rng, weighted } from "./generator/random.js"
import { localDate, replay, setClock, shanghai, workingDaysBetween, YEAR } from "./replay.js"
import { pathCodes, staffIds } from "./staff.js"

/** The random stream of the services stage. */
const STREAM = 13

/** Requests a year per 1,000 residents of a grid. */
const PER_THOUSAND = 25
/** The share of requests made at the community's window rather than to the grid worker. */
const AT_WINDOW = 0.3
/** The chance the desk of a level takes a request that arrived there unowned. */
const TAKES: Readonly<Record<Exclude<ServiceLevel, "grid">, number>> = { community: 0.75, street: 0.6, district: 1 }
/** When the district's scheduler runs the sweep on a working day. */
const SWEEP_AT = "17:30"

/** What becomes of a request at a level, once someone owns it there. */
type Fate = "on_time" | "late" | "escalate" | "neglect"

const receivedFate = weighted<Fate>([
  ["on_time", 82],
  ["late", 5],
  ["escalate", 5],
  ["neglect", 8]
])
// A dispute is the matter a grid most often hands to the community ("大事不出社区").
const disputeFate = weighted<Fate>([
  ["on_time", 70],
  ["late", 5],
  ["escalate", 17],
  ["neglect", 8]
])
const takenFate = weighted<Fate>([
  ["on_time", 88],
  ["late", 5],
  ["escalate", 2],
  ["neglect", 5]
])

/** The service the district adds to the five every menu has: the case's home elderly care. */
const ELDERLY_CARE = {
  code: "home_elderly_care",
  label: { "zh-CN": "居家养老服务", en: "Home elderly care" },
  workingDays: { grid: 2, community: 3, street: 5, district: 7 },
  roles: ["grid_leader", "grid_worker", "community_worker", "community_admin", "street_admin", "district_admin"]
} as const

/** What residents ask for, by service: how often, and in their words. */
const ASKS: ReadonlyArray<readonly [service: string, weight: number, summaries: ReadonlyArray<string>]> = [
  ["social_assistance", 28, ["申请最低生活保障", "申请临时救助", "咨询特困人员供养", "申请冬季取暖补贴"]],
  ["social_security", 22, ["城乡居民养老保险参保", "养老金领取资格认证", "医疗保险参保缴费", "社会保障卡补办"]],
  ["employment", 14, ["办理失业登记", "申请公益性岗位", "就业困难人员认定", "咨询创业担保贷款"]],
  ["health", 14, ["预约老年人健康体检", "签约家庭医生", "咨询慢性病用药", "申请残疾人康复服务"]],
  ["public_security", 10, ["楼道堆放杂物有消防隐患", "邻里噪音纠纷", "楼上漏水引发邻里矛盾", "小区停车纠纷"]],
  [ELDERLY_CARE.code, 12, ["为独居老人订餐", "上门助浴", "上门理发", "爱心门铃报修"]]
]
const drawAsk = weighted(ASKS.map((ask) => [ask, ask[1]] as const))

const RESOLUTIONS: Readonly<Record<string, string>> = {
  social_assistance: "已受理并完成入户核查，材料报街道审批",
  social_security: "已办理完毕并告知居民",
  employment: "已登记并推荐岗位",
  health: "已预约并通知居民",
  public_security: "已现场调解，双方达成一致",
  [ELDERLY_CARE.code]: "已安排服务并回访"
}

/** The desk's figures at one level for the year, summed over the grids. */
export interface LevelFigures extends ServicesFigures {
  readonly level: ServiceLevel
  /** Requests that were received at this level or climbed to it in the year. */
  readonly reached: number
}

/** What the service desk did in the year, read back from its queries. */
export interface ServicesResult {
  readonly seconds: number
  readonly commands: number
  readonly sweeps: number
  readonly menu: ReadonlyArray<ServiceMenuItem>
  readonly report: ServicesReport
  readonly byLevel: ReadonlyArray<LevelFigures>
  /** A request that climbed to the district command centre, with everything that happened to it. */
  readonly climbed: ServiceRequestRecord | null
  /** What the desk refused, as a console meets it. */
  readonly refusals: ReadonlyArray<{ readonly what: string; readonly error: unknown }>
}

const LEVELS: ReadonlyArray<ServiceLevel> = ["grid", "community", "street", "district"]

/** Sums the report's rows by level; a level's `reached` is what was received there and what climbed from below. */
export const byLevel = (report: ServicesReport): ReadonlyArray<LevelFigures> => {
  const sum = (level: ServiceLevel, key: keyof ServicesFigures) =>
    report.rows.filter((r) => r.level === level).reduce((n, r) => n + r[key], 0)
  return LEVELS.map((level, i) => ({
    level,
    received: sum(level, "received"),
    reached: sum(level, "received") + (i === 0 ? 0 : sum(LEVELS[i - 1]!, "escalated")),
    open: sum(level, "open"),
    doneOnTime: sum(level, "doneOnTime"),
    doneLate: sum(level, "doneLate"),
    overdue: sum(level, "overdue"),
    escalated: sum(level, "escalated")
  }))
}

/** A time of day between two times `HH:MM` (the first included, the second not). */
const timeBetween = (rng: Rng, from: string, to: string): string => {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))
  const m = minutes(from) + rng.int(0, minutes(to) - minutes(from) - 1)
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`
}

const failureOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.match(effect, {
    onSuccess: () => new Error("the kernel accepted what it should have refused") as unknown,
    onFailure: (error) => error as unknown
  })

/** Runs the services stage. */
export const runServices = async (
  kernel: Kernel,
  options: { readonly seed: number },
  places: { readonly district: string; readonly grids: ReadonlyArray<PopulationRow> }
): Promise<ServicesResult> => {
  const started = performance.now()
  const rng = makeRng(mix(options.seed, STREAM))
  const { district } = places
  const actors = new Map<string, Actor.Actor>()
  const actorOf = async (id: string) => {
    const found = actors.get(id) ?? (await kernel.actorFor(id))
    actors.set(id, found)
    return found
  }
  const office = await actorOf(staffIds.districtOffice)
  const centre = await actorOf(staffIds.commandCentre)
  for (const grid of places.grids) {
    const { street, community } = pathCodes(grid.scopePath)
    await actorOf(staffIds.gridWorker(grid.code))
    await actorOf(staffIds.window(community))
    await actorOf(staffIds.streetDesk(street))
  }
  const deskOf = (level: ServiceLevel, gridPath: string): Actor.Actor => {
    const { street, community, grid } = pathCodes(gridPath)
    const id =
      level === "grid"
        ? staffIds.gridWorker(grid)
        : level === "community"
          ? staffIds.window(community)
          : level === "street"
            ? staffIds.streetDesk(street)
            : staffIds.commandCentre
    return actors.get(id)!
  }
  const pathOf = new Map(places.grids.map((g) => [g.code, g.scopePath]))

  let commands = 0
  const run = <A, E>(request: CommandRequest<A, E>, actor: Actor.Actor) =>
    Effect.tap(kernel.run(request, actor), () => {
      commands++
    })

  // Deadlines of December's requests end in 2021: the desk plans on the working days of both years.
  const workingDays = workingDaysBetween(YEAR.from, "2021-03-31")
  const dayIndex = new Map(workingDays.map((d, i) => [d, i]))
  const year = workingDays.filter((d) => d <= YEAR.to)

  // The agenda: what each worker will do, by working day, run in time order.
  const agenda = new Map<string, Array<{ at: number; order: number; act: Effect.Effect<void, unknown> }>>()
  let order = 0
  const schedule = (day: string, time: string, act: Effect.Effect<void, unknown>) => {
    if (day > YEAR.to) return
    const list = agenda.get(day) ?? []
    list.push({ at: shanghai(day, time).getTime(), order: order++, act })
    agenda.set(day, list)
  }

  /** Plans what the owner of a request does with it at its level until its deadline, by its fate. */
  const follow = (
    request: string,
    level: ServiceLevel,
    owner: Actor.Actor,
    service: string,
    deadline: Date,
    now: Date,
    fate: Fate
  ) => {
    const today = localDate(now)
    const last = localDate(deadline)
    const nowTime = new Date(now.getTime() + 8 * 3600_000 + 30 * 60_000).toISOString().slice(11, 16)
    const complete = run(
      Services.commands.complete({ district, request, resolution: RESOLUTIONS[service] ?? "已办结" }),
      owner
    )
    if (fate === "on_time") {
      const days = workingDays.slice(dayIndex.get(today)!, dayIndex.get(last)! + 1)
      const day = days[rng.int(0, days.length - 1)]!
      if (day !== today) schedule(day, timeBetween(rng, "09:00", "17:00"), Effect.asVoid(complete))
      else if (nowTime < "17:00") schedule(day, timeBetween(rng, nowTime, "17:01"), Effect.asVoid(complete))
      else schedule(days[1] ?? day, timeBetween(rng, "09:00", "17:00"), Effect.asVoid(complete))
    } else if (fate === "late") {
      // Done the next working day, after the deadline and before the evening's sweep catches it.
      schedule(workingDays[dayIndex.get(last)! + 1]!, timeBetween(rng, "08:30", "17:00"), Effect.asVoid(complete))
    } else if (fate === "escalate" && level !== "district") {
      schedule(
        workingDays[dayIndex.get(today)! + 1]!,
        timeBetween(rng, "10:00", "12:00"),
        Effect.asVoid(
          run(
            Services.commands.escalate({
              district,
              request,
              reason: service === "public_security" ? "纠纷涉及多方，需上级协调" : "本级无法办理，需上级协调"
            }),
            owner
          )
        )
      )
    }
  }

  const rosters = new Map<string, ReadonlyArray<string>>()
  const refusals: Array<{ what: string; error: unknown }> = []
  let sweeps = 0
  const decided = new Set<string>()

  const program = Effect.gen(function* () {
    yield* setClock(shanghai("2019-12-20", "10:00"))
    yield* run(Services.commands.defineService({ district, ...ELDERLY_CARE, roles: [...ELDERLY_CARE.roles] }), office)
    for (const grid of places.grids) {
      const roster = yield* kernel.run(Registry.queries.roster({ district, grid: grid.code }), centre)
      // Adults come to the desk; a child's matter is brought by a parent.
      rosters.set(
        grid.code,
        roster.filter((r) => r.birthDate !== null && r.birthDate < "2002-01-01").map((r) => r.id)
      )
    }
    const perDay = new Map(places.grids.map((g) => [g.code, (PER_THOUSAND * g.residents) / 1000 / year.length]))
    for (const day of year) {
      // At opening time each desk above the grid looks at what climbed to it and nobody owns yet.
      yield* setClock(shanghai(day, "08:30"))
      for (const level of ["community", "street", "district"] as const) {
        const waiting = yield* kernel.run(Services.queries.requests({ district, level, limit: 1000 }), centre)
        for (const request of waiting) {
          const key = `${request.id}|${level}`
          if (request.owner !== null || decided.has(key)) continue
          decided.add(key)
          if (!rng.chance(TAKES[level])) continue
          const desk = deskOf(level, pathOf.get(request.grid)!)
          const time = timeBetween(rng, "09:00", "12:00")
          const fate = takenFate(rng)
          schedule(
            day,
            time,
            Effect.gen(function* () {
              yield* run(Services.commands.take({ district, request: request.id }), desk)
              follow(request.id, level, desk, request.service, request.deadline, shanghai(day, time), fate)
            })
          )
        }
      }
      // Residents come to the grid worker or the window through the day.
      for (const grid of places.grids) {
        const rate = perDay.get(grid.code)!
        const residents = rosters.get(grid.code)!
        for (let n = Math.floor(rate) + (rng.chance(rate % 1) ? 1 : 0); n > 0 && residents.length > 0; n--) {
          const [service, , summaries] = drawAsk(rng)
          const level: ServiceLevel = rng.chance(AT_WINDOW) ? "community" : "grid"
          const desk = deskOf(level, grid.scopePath)
          const time = timeBetween(rng, "08:30", "16:30")
          const fate = (service === "public_security" ? disputeFate : receivedFate)(rng)
          const input = {
            district,
            resident: residents[rng.int(0, residents.length - 1)]!,
            service,
            level,
            summary: summaries[rng.int(0, summaries.length - 1)]!
          }
          schedule(
            day,
            time,
            Effect.gen(function* () {
              const received = yield* run(Services.commands.receive(input), desk)
              follow(received.id, level, desk, service, received.deadline, shanghai(day, time), fate)
              if (refusals.length === 0 && level === "grid") {
                // The first inquiry's worker owns it: the window cannot close what the grid worker took on.
                const window = deskOf("community", grid.scopePath)
                refusals.push({
                  what: `${window.id} completes a request ${desk.id} received`,
                  error: yield* failureOf(
                    kernel.run(
                      Services.commands.complete({ district, request: received.id, resolution: "已办结" }),
                      window
                    )
                  )
                })
                refusals.push({
                  what: "a resident asks the grid worker for a passport",
                  error: yield* failureOf(
                    kernel.run(Services.commands.receive({ ...input, service: "passport", summary: "办理护照" }), desk)
                  )
                })
              }
            })
          )
        }
      }
      const list = agenda.get(day) ?? []
      while (list.length > 0) {
        list.sort((a, b) => a.at - b.at || a.order - b.order)
        const next = list.shift()!
        yield* setClock(new Date(next.at))
        yield* next.act
      }
      agenda.delete(day)
      const sweep = shanghai(day, SWEEP_AT)
      yield* setClock(sweep)
      yield* kernel.runTick(sweep)
      sweeps++
    }

    yield* setClock(shanghai(YEAR.to, "20:00"))
    const report = yield* kernel.run(Services.queries.report({ district, from: YEAR.from, to: YEAR.to }), centre)
    const menu = yield* kernel.run(Services.queries.menu({ district }), centre)
    // The first request received in a grid that the command centre settled, or still holds.
    let climbed: ServiceRequestRecord | null = null
    for (const status of ["done", "open"] as const) {
      const atCentre = yield* kernel.run(
        Services.queries.requests({ district, status, level: "district", limit: 1000 }),
        centre
      )
      for (const summary of atCentre) {
        if (climbed !== null) break
        const record = yield* kernel.run(Services.queries.request({ district, id: summary.id }), centre)
        if (record.received.level === "grid") climbed = record
      }
    }
    return { report, menu, climbed }
  })
  const { report, menu, climbed } = await replay(program)
  return {
    seconds: (performance.now() - started) / 1000,
    commands,
    sweeps,
    menu,
    report,
    byLevel: byLevel(report),
    climbed,
    refusals
  }
}
