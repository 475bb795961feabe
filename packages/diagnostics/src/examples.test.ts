import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";

// Every TSDoc @example of the public sources (src/*.ts) runs and its `// → value` comment holds (NumPyro's
// doctests).
runDocExamples({
  srcDir: new URL("./", import.meta.url),
  scope: [api],
  recursive: false,
  compare: "equal",
  atLeast: 26,
});
