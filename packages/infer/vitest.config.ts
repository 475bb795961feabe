import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@phlox/source"] },
  ssr: { resolve: { conditions: ["@phlox/source"] } },
  // isolate: false: the test files share one module graph per worker instead of re-importing the packages for each
  // file (about half the CPU of this project's run); no file here mocks modules or leaves global state behind.
  // Explicit timeouts: tests must pass on a busy 2-core machine (vitest's 5 s default flaked there).
  test: {
    name: "infer",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: ["src/**/*.test.ts"],
    isolate: false,
  },
});
