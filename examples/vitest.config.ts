import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@phlox/source"] },
  ssr: { resolve: { conditions: ["@phlox/source"] } },
  test: { name: "examples", include: ["src/**/*.test.ts"], testTimeout: 120_000 },
});
