import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "docs",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The PostgreSQL adapter's README snippet needs a server: the same real ones its tests start.
    globalSetup: ["../packages/adapters/postgres/test/global-setup.ts"]
  }
})
