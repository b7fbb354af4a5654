import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const snippets = join(root, "docs", ".snippets")

/** Every README a user reads first: the project's and each package's. */
const readmes = ["README.md", "packages/core/README.md", "packages/adapters/sqlite/README.md"]

const blocks = (file: string) =>
  [...readFileSync(join(root, file), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

describe("every TypeScript snippet in a README runs as written", () => {
  mkdirSync(snippets, { recursive: true })
  for (const readme of readmes) {
    blocks(readme).forEach((code, i) => {
      it(`${readme}, snippet ${i + 1}`, async () => {
        const file = join(
          snippets,
          `${relative(root, dirname(join(root, readme))).replaceAll("/", "-") || "root"}-${i + 1}.ts`
        )
        writeFileSync(file, code)
        // A snippet that throws or exits non-zero rejects here, with its stderr in the message.
        await expect(
          promisify(execFile)(process.execPath, ["--import", "tsx", file], {
            cwd: join(root, "docs"),
            env: { ...process.env }
          })
        ).resolves.toHaveProperty("stdout")
      })
    })
  }
})
