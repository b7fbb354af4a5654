/**
 * Replaying 2020 under the kernel's clock. The kernel stamps what happens with
 * its clock, never with a time the caller gives (a service request is received
 * "now", its deadline counted from then; a stamp is decided "today"), and its
 * clock is Effect's `Clock` service. So the scenario replays the case's year
 * as the service desk's own tests do: it runs the commands with `kernel.run`
 * under a clock it moves to each moment before the commands of that moment.
 * The tests use `TestClock`, which on every move waits for forked fibers to
 * settle (a few milliseconds each time); a year of moments needs a clock that
 * only keeps the time, so the replay provides its own. Working days come from
 * the kernel's calendar and the PRC holidays it ships (2020: the Spring
 * Festival break extended to 2 February, eight days at National Day).
 */
import { Calendar } from "@shequ/core"
import { Cause, Clock, Duration, Effect, Exit, Option } from "effect"

/** The year the scenario replays, and the period its reports cover. */
export const YEAR = { from: "2020-01-01", to: "2020-12-31" } as const

/** An instant given as a date and a time of day in Asia/Shanghai: `shanghai("2020-10-09", "17:30")`. */
export const shanghai = (date: string, time = "00:00"): Date => new Date(`${date}T${time}:00+08:00`)

const DAY_MS = 86_400_000

/** The dates from `from` to `to`, both included, `YYYY-MM-DD`. */
export const datesBetween = (from: string, to: string): ReadonlyArray<string> => {
  const dates: Array<string> = []
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    dates.push(new Date(t).toISOString().slice(0, 10))
  }
  return dates
}

const calendar = Calendar.make()

/** The kernel's calendar: the local date of an instant, and the deadline of N working days from it. */
export const localDate = calendar.localDate

/** Whether a date is a working day in the kernel's calendar (the PRC's holidays and 调休 working weekends). */
export const isWorkingDay = (date: string): boolean => Effect.runSync(calendar.isWorkingDay(date))

/** The working days from `from` to `to`, both included. */
export const workingDaysBetween = (from: string, to: string): ReadonlyArray<string> =>
  datesBetween(from, to).filter(isWorkingDay)

/** A clock that keeps the moment the replay has reached; time moves only when the replay moves it. */
class ReplayClock implements Clock.Clock {
  readonly [Clock.ClockTypeId]: Clock.ClockTypeId = Clock.ClockTypeId
  private millis = 0
  unsafeCurrentTimeMillis(): number {
    return this.millis
  }
  readonly currentTimeMillis = Effect.sync(() => this.millis)
  unsafeCurrentTimeNanos(): bigint {
    return BigInt(this.millis) * 1_000_000n
  }
  readonly currentTimeNanos = Effect.sync(() => this.unsafeCurrentTimeNanos())
  // Nothing the kernel runs waits; if something did, its time would pass at once.
  sleep(duration: Duration.Duration): Effect.Effect<void> {
    return Effect.sync(() => {
      this.millis += Duration.toMillis(duration)
    })
  }
  moveTo(instant: Date): void {
    // A replay that went back in time would stamp history out of order: a bug in the scenario.
    if (instant.getTime() < this.millis) {
      throw new Error(`the replay went back from ${new Date(this.millis).toISOString()} to ${instant.toISOString()}`)
    }
    this.millis = instant.getTime()
  }
}

/** Moves the kernel's clock to `instant`; only inside {@link replay}, and never back. */
export const setClock = (instant: Date): Effect.Effect<void> =>
  Clock.clockWith((clock) =>
    clock instanceof ReplayClock
      ? Effect.sync(() => clock.moveTo(instant))
      : Effect.dieMessage("setClock runs inside a replay")
  )

/**
 * Runs a replay: `program` runs with the kernel's clock under `setClock`'s
 * control. Rejects with the failure value itself (a refusal's code and text
 * intact), as `kernel.exec` does.
 */
export const replay = <A, E>(program: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromiseExit(Effect.withClock(program, new ReplayClock())).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value
    const failure = Cause.failureOption(exit.cause)
    throw Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
  })
