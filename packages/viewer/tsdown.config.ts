import { defineConfig } from "tsdown";

export default defineConfig([
  {
    // The server and CLI. Every emitted file lives in dist/lib/ so that the conformance code bundled
    // from @otel-agents/testing finds its registry data at ../semconv/ (copied below), as it does in
    // the testing package itself.
    entry: { "lib/index": "src/index.ts", "lib/cli": "src/cli.ts" },
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    platform: "node",
    target: "node22",
    fixedExtension: false,
    outputOptions: { chunkFileNames: "lib/[name]-[hash].js" },
    // Private workspace code is bundled (tree-shaken to the semconv names and the conformance check);
    // published dependencies stay imports.
    deps: { alwaysBundle: [/^@otel-agents\//] },
    copy: [
      { from: "../testing/semconv/*.json", to: "dist/semconv" },
      { from: "../testing/semconv/PROVENANCE.md", to: "dist/semconv" },
    ],
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
