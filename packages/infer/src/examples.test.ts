import * as distributions from "@phlox/distributions";
import * as handlers from "@phlox/handlers";
import * as tensor from "@phlox/tensor";
import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";

// Every `@example` in the TSDoc of src/**/*.ts runs and its `expr; // → value` lines hold. Examples see every
// export of this package, @phlox/tensor, @phlox/distributions and @phlox/handlers.
runDocExamples({
  srcDir: new URL("./", import.meta.url),
  scope: [tensor, distributions, handlers, api],
  compare: "equal",
});
