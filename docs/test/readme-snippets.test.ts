import { execFile } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import pg from "pg"
import { afterAll, describe, expect, inject, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const snippets = join(root, "docs", ".snippets")

/** Every README a user reads first: the project's and each package's. */
const readmes = [
  "README.md",
  "packages/core/README.md",
  "packages/adapters/sqlite/README.md",
  "packages/adapters/postgres/README.md",
  "packages/cli/README.md"
]

const blocks = (file: string) =>
  [...readFileSync(join(root, file), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

// A database of its own on the first server of the run, for snippets that read DATABASE_URL.
const server = (inject("postgres" as never) as ReadonlyArray<{ url: string }>)[0]!.url
const database = `docs_${randomBytes(6).toString("hex")}`
const admin = async <A>(work: (client: pg.Client) => Promise<A>) => {
  const client = new pg.Client(server)
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
const databaseUrl = () => {
  const url = new URL(server)
  url.pathname = `/${database}`
  return url.toString()
}

describe("every TypeScript snippet in a README runs as written", () => {
  mkdirSync(snippets, { recursive: true })
  let created = false
  afterAll(async () => {
    if (created) await admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`))
  })
  for (const readme of readmes) {
    blocks(readme).forEach((code, i) => {
      it(`${readme}, snippet ${i + 1}`, async () => {
        if (!created && code.includes("DATABASE_URL")) {
          await admin((client) => client.query(`CREATE DATABASE "${database}"`))
          created = true
        }
        const name = relative(root, dirname(join(root, readme))).replaceAll("/", "-") || "root"
        const file = join(snippets, `${name}-${i + 1}.ts`)
        writeFileSync(file, code)
        // A snippet that throws or exits non-zero rejects here, with its stderr in the message.
        await expect(
          promisify(execFile)(process.execPath, ["--import", "tsx", file], {
            cwd: join(root, "docs"),
            env: { ...process.env, DATABASE_URL: databaseUrl() }
          })
        ).resolves.toHaveProperty("stdout")
      })
    })
  }
})
