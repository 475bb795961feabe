import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@phlox/source"] },
  ssr: { resolve: { conditions: ["@phlox/source"] } },
  test: { name: "distributed", include: ["src/**/*.test.ts"] },
});
