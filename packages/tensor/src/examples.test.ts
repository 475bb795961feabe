import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";
import * as testing from "./testing/index.js";

// Every `@example` of the TSDoc in src/**/*.ts (src/jit excluded) that has `expr; // → value` lines runs and
// gives those values (numbers to 12 significant digits). Examples see every export of the package and of
// @phlox/tensor/testing.
runDocExamples({
  srcDir: new URL("./", import.meta.url),
  scope: [api, testing],
  skipDirs: ["jit"],
  examples: "checked",
  atLeast: 101,
});
