import { defineProject } from "vitest/config";

// The shipping tests: publish every package to a local Verdaccio, install what the README imports into a
// fresh npm project, run the README example in Node, and build it with esbuild, Vite, Rollup and webpack for
// headless Chromium. They read the packages' dist/, so `pnpm build` must have run (CI builds first).
export default defineProject({
  test: { name: "ship", testTimeout: 300_000, hookTimeout: 900_000, include: ["*.test.ts"] },
});
