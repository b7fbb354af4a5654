import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "cli",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The import tests run on PostgreSQL too: the same real servers the adapter's tests start.
    globalSetup: ["../adapters/postgres/test/global-setup.ts"]
  }
})
