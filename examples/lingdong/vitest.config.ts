import { defineProject } from "vitest/config"

export default defineProject({
  test: { name: "example-lingdong", testTimeout: 120_000 }
})
