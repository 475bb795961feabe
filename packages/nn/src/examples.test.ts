import * as tensor from "@phlox/tensor";
import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";

// Every TSDoc @example with a `// →` check runs and its value holds (NumPyro's doctests); the others (models
// that need data) are documentation.
runDocExamples({
  srcDir: new URL("./", import.meta.url),
  scope: [tensor, api],
  examples: "checked",
  compare: "equal",
  atLeast: 20,
});
