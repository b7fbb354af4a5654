import { defineConfig } from "tsup"

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "testing/index": "src/testing/index.ts",
    "testing/worker": "src/testing/worker.ts"
  },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" } },
  clean: true,
  sourcemap: true,
  shims: true,
  target: "node20",
  external: ["vitest"]
})
