/**
 * A writer process of the conformance suite: opens the storage another process
 * described (`StorageSpec`), runs one task, and reports each stage as a JSON line
 * on stdout so the parent can check results or kill it at a chosen stage.
 */
import { pathToFileURL } from "node:url"
import type { Storage, StorageSpec } from "../Storage.js"
import { type Task, run, setUp } from "./tasks.js"

interface Job {
  readonly spec: StorageSpec
  readonly task: Task
}

const say = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`)

const main = async () => {
  const job = JSON.parse(process.argv[2] ?? "{}") as Job
  const module = job.spec.module.startsWith("/") ? pathToFileURL(job.spec.module).href : job.spec.module
  const adapter = (await import(module)) as { storage: (options: unknown) => Storage }
  const kernel = await setUp(adapter.storage(job.spec.options))
  say({ stage: "ready" })
  const result = await run(kernel, job.task, (stage, detail) => say({ stage, ...detail }))
  say({ stage: "done", result })
  await kernel.close()
}

main().catch((error: unknown) => {
  say({
    stage: "error",
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    code: (error as { code?: unknown })?.code
  })
  process.exit(1)
})
