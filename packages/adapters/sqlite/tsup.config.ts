import { defineConfig } from "tsup"

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  // import.meta.url in the CommonJS build too: the checkpoint thread finds the driver from this module.
  shims: true,
  target: "node20"
})
