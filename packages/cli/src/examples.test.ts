import * as arvizIo from "@phlox/arviz-io";
import { runDocExamples } from "@phlox/test-utils";
import * as api from "./index.js";

// Every TSDoc @example with a `// → value` check runs and its check holds; the others (reading files, starting
// servers) are documentation.
runDocExamples({
  srcDir: new URL("./", import.meta.url),
  scope: [arvizIo, api],
  recursive: false,
  examples: "checked",
  compare: "equal",
  atLeast: 8,
});
