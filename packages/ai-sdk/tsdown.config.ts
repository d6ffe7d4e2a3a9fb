import { defineConfig } from "tsdown";

export default defineConfig({
  entry: { index: "src/index.ts", v6: "src/v6/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: "node",
  target: "es2022",
  // Keep the `.js` / `.d.ts` names package.json exports point at (platform "node" defaults to `.mjs`).
  fixedExtension: false,
});
