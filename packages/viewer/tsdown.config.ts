import { defineConfig } from "tsdown";

export default defineConfig([
  {
    // The server and CLI, every emitted file in dist/lib/.
    entry: { "lib/index": "src/index.ts", "lib/cli": "src/cli.ts" },
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    platform: "node",
    target: "node22",
    fixedExtension: false,
    outputOptions: { chunkFileNames: "lib/[name]-[hash].js" },
    // The core is bundled (tree-shaken to the convention tables and the conformance check, whose
    // registry data is generated into it); published dependencies such as ajv stay imports.
    deps: { alwaysBundle: [/^@otel-agents\//] },
  },
  {
    // The page: plain TypeScript modules bundled into one script, served by the viewer (no CDN).
    entry: { app: "src/page/main.ts" },
    outDir: "dist/page",
    format: ["esm"],
    dts: false,
    sourcemap: true,
    clean: true,
    platform: "browser",
    target: "es2022",
    fixedExtension: false,
    tsconfig: "src/page/tsconfig.json",
    deps: { alwaysBundle: [/^@otel-agents\//] },
    copy: [
      // No `to`: into outDir, wherever a caller (the browser test) points it.
      { from: "src/page/index.html" },
      { from: "src/page/style.css" },
    ],
  },
]);
