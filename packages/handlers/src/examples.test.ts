import * as distributions from "@phlox/distributions";
import * as tensor from "@phlox/tensor";
import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";

// Every `@example` in the TSDoc of src/**/*.ts runs and its `expr; // → value` lines hold. Examples see every
// export of this package, @phlox/tensor and @phlox/distributions.
runDocExamples({
  srcDir: new URL("./", import.meta.url),
  scope: [tensor, distributions, api],
  compare: "equal",
});
