import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    // Most of the suite waits on PostgreSQL servers and SQLite files, not on
    // this process: two workers keep a 2-core machine busy where vitest's
    // default (one fewer than the cores) would run one file at a time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      "packages/core",
      "packages/cli",
      "packages/adapters/*",
      "packages/plugins/*/vitest.config.ts",
      "examples/*",
      "docs"
    ]
  }
})
