import { defineConfig } from "tsup"

export default defineConfig({
  entry: { index: "src/index.ts", main: "src/main.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts" } },
  clean: true,
  sourcemap: true,
  target: "node20",
  // The `shequ` bin is dist/main.js; a hashbang is valid at the top of any module.
  banner: { js: "#!/usr/bin/env node" }
})
