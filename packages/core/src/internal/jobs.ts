import { Effect } from "effect"
import * as ActorModule from "../Actor.js"
import * as Calendar from "../Calendar.js"
import * as Db from "../Db.js"
import type { RunError, TickReport } from "../Kernel.js"
import { type Env, readOnly, unitOfWork } from "./unit.js"

/**
 * Runs every job for every district for time `at`. Each job claims its
 * `(district, job, at)` row in its own transaction first: a second tick for the
 * same time, even one running at once, finds it claimed and does nothing.
 */
export const runTick = (env: Env, at: Date): Effect.Effect<TickReport, RunError> =>
  Effect.gen(function* () {
    const system = ActorModule.system("tick")
    const districts = yield* readOnly(
      env,
      system,
      Db.use((db) => db.selectFrom("registry_district").select("district_code").orderBy("district_code").execute())
    )
    const ran: Array<{ district: string; job: string }> = []
    const skipped: Array<{ district: string; job: string }> = []
    for (const { district_code: district } of districts as ReadonlyArray<{ district_code: string }>) {
      for (const job of env.registry.jobs) {
        const acted = yield* unitOfWork(
          env,
          system,
          job.action,
          Effect.gen(function* () {
            const startedAt = yield* Calendar.now
            const claimed = yield* Db.use((db) =>
              db
                .insertInto("core_job_run")
                .values({ district_code: district, job: job.action, at, started_at: startedAt })
                .onConflict((oc) => oc.columns(["district_code", "job", "at"]).doNothing())
                .executeTakeFirst()
            )
            if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return false
            yield* job.def.run({ at, district })
            return true
          })
        )
        ;(acted ? ran : skipped).push({ district, job: job.action })
      }
    }
    return { at, ran, skipped }
  })
