import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";
import * as model from "./model.js";
import * as png from "./png.js";

// Every `@example` in the TSDoc of src/**/*.ts runs and its `expr; // → value` lines hold. Examples see every
// export of this package's three entries.
runDocExamples({
  srcDir: new URL("./", import.meta.url),
  scope: [api, model, png],
  compare: "equal",
});
