import * as tensor from "@phlox/tensor";
import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";

// Every `@example` in the TSDoc of src/**/*.ts runs and its `expr; // → value` lines hold (numbers to 12
// significant digits). Examples see every export of this package and of @phlox/tensor.
runDocExamples({ srcDir: new URL("./", import.meta.url), scope: [tensor, api] });
