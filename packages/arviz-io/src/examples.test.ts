import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";

// Every TSDoc @example of the public sources (src/*.ts) with a `// → value` comment runs (it may use `await`)
// and gives that value (NumPyro's doctests). Examples without an arrow (file-system ones such as
// writeNetCDF) are documentation only.
runDocExamples({
  srcDir: new URL("./", import.meta.url),
  scope: [api],
  recursive: false,
  examples: "checked",
  compare: "equal",
  atLeast: 16,
});
