import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@phlox/source"] },
  ssr: { resolve: { conditions: ["@phlox/source"] } },
  // Explicit timeouts: tests must pass on a busy 2-core machine (vitest's 5 s default flaked there).
  test: { name: "nn", testTimeout: 60_000, hookTimeout: 60_000, include: ["src/**/*.test.ts"] },
});
