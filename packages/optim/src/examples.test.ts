import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";

// Every `@example` in the TSDoc of src/*.ts runs and its `expr; // → value` lines hold.
runDocExamples({ srcDir: new URL("./", import.meta.url), scope: [api], recursive: false, compare: "equal" });
