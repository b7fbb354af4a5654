/**
 * The work the conformance suite gives to writers: run in child processes where
 * the engine lets several processes share a database, in one process otherwise.
 */
import * as Actor from "../Actor.js"
import { Core } from "../Core.js"
import { makeKernel, type Kernel } from "../Kernel.js"
import type { Storage } from "../Storage.js"
import { counter } from "./counter.js"

/** The district every conformance test works in: Lingdong. */
export const DISTRICT = "230503"
/** A grid of Lingdong, as a scope path. */
export const GRID = "230503/230503001/230503001001/230503001001-01/"

const system = Actor.system("conformance")

export type Task =
  | { readonly kind: "migrate" }
  | { readonly kind: "increment"; readonly times: number }
  | { readonly kind: "create-events"; readonly count: number; readonly prefix: string }
  | { readonly kind: "import"; readonly rows: number }

/** Opens a kernel with the counter plugin and makes sure the district and counter `shared` exist. */
export const setUp = async (storage: Storage): Promise<Kernel> => {
  const kernel = await makeKernel({ storage, plugins: [counter] })
  await kernel.exec(Core.commands.registerDistrict({ code: DISTRICT, name: "岭东区" }), system)
  return kernel
}

/** Progress a task reports: a writer's stage, so a test can kill it there. */
export type Report = (stage: string, detail?: Record<string, unknown>) => void

async function* readings(rows: number, report: Report) {
  const takenAt = new Date("2020-06-01T08:00:00Z")
  for (let i = 0; i < rows; i++) {
    if (i % 1000 === 0) {
      report("writing", { rows: i })
      // Yield to the event loop so the parent's kill lands while rows are being written.
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    yield { counter: "shared", value: i, note: `reading ${i}`, takenAt: takenAt.toISOString() }
  }
  // Every row is written; the batch event, its handlers and the commit follow.
  report("written", { rows })
  await new Promise((resolve) => setTimeout(resolve, 2))
}

/** Runs one task on an open kernel. */
export const run = async (kernel: Kernel, task: Task, report: Report): Promise<unknown> => {
  switch (task.kind) {
    case "migrate":
      return kernel.applied
    case "increment": {
      let value = 0
      for (let i = 0; i < task.times; i++) {
        value = (await kernel.exec(counter.commands.increment({ district: DISTRICT, name: "shared" }), system)).value
      }
      return value
    }
    case "create-events": {
      for (let i = 0; i < task.count; i++) {
        await kernel.exec(
          counter.commands.create({ district: DISTRICT, name: `${task.prefix}-${i}`, kind: "visits", scopePath: GRID }),
          system
        )
      }
      return task.count
    }
    case "import": {
      report("started")
      const result = await kernel.import(
        counter.imports.readings({ district: DISTRICT }, readings(task.rows, report)),
        system
      )
      report("committed", { written: result.written })
      return result.written
    }
  }
}
