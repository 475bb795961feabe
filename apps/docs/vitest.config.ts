import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@phlox/source"] },
  ssr: { resolve: { conditions: ["@phlox/source"] } },
  test: { name: "docs", include: ["test/**/*.test.ts"], testTimeout: 240_000, hookTimeout: 240_000 },
});
