import { existsSync } from "node:fs";
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
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".vitest-report.json" },
  },
});
