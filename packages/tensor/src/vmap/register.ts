/** Fills the batching-rule table with the rules of every built-in primitive (once). */
import { registerControlRules } from "./rules-control.js";
import { registerElementwiseRules } from "./rules-elementwise.js";
import { registerIndexingRules } from "./rules-indexing.js";
import { registerLinalgRules } from "./rules-linalg.js";
import { registerRandomRules } from "./rules-random.js";
import { registerStructuralRules } from "./rules-structural.js";

let done = false;

/** Registers the built-in batching rules; later calls do nothing. */
export function registerBuiltinBatchingRules(): void {
  if (done) return;
  done = true;
  registerElementwiseRules();
  registerStructuralRules();
  registerIndexingRules();
  registerLinalgRules();
  registerRandomRules();
  registerControlRules();
}
