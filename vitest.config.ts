import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// One vitest run over every workspace package, so CI gets a single JSON report.
export default defineConfig({
  test: {
    projects: [
      "packages/*",
      "examples/vitest.config.ts",
      "bench/vitest.config.ts",
      "tests/ship/vitest.config.ts",
      "apps/docs/vitest.config.ts",
    ].filter((p) => !p.includes(".ts") || existsSync(p)),
    // vitest's default is one worker per core less one: a single worker on a 2-core CI machine, which left a core
    // idle while files imported or waited on Chromium, Redis, worker threads and child processes. Two workers there
    // overlap that waiting; larger machines keep the default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".vitest-report.json" },
  },
});
