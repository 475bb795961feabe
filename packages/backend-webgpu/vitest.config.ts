import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@phlox/source"] },
  ssr: { resolve: { conditions: ["@phlox/source"] } },
  test: {
    name: "backend-webgpu",
    include: ["src/**/*.test.ts"],
    // Every test here compiles WGSL or drives a (software) GPU through hundreds of dispatches; on a busy 2-core
    // machine that exceeds vitest's 5 s default. Tests must not depend on an idle machine (issue 22, item 9).
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
