import { defineConfig } from "tsdown";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: "node",
  // .js/.d.ts for ESM, as package.json exports (platform node would default to .mjs).
  fixedExtension: false,
  target: "es2022",
});
