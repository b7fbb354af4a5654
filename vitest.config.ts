import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
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
