import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@phlox/source"] },
  ssr: { resolve: { conditions: ["@phlox/source"] } },
  test: { name: "bench", include: ["src/**/*.test.ts"], testTimeout: 300_000 },
});
