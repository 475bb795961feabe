/**
 * One posterior with parallel chains (worker threads), for the slow ones:
 * `npx tsx --conditions=@phlox/source bench/src/posteriordb/run-one.ts diamonds-diamonds`.
 */
import { checkPosterior, formatElement } from "./check.js";

const name = process.argv[2] ?? "diamonds-diamonds";
const r = await checkPosterior(name, { chainMethod: "parallel" });
console.log(
  `${name}: ${r.elements.length} elements, ${r.failed} failed, ${r.divergences} divergences, max R-hat ${r.maxRhat.toFixed(4)}, min bulk ESS ${r.minEssBulk.toFixed(0)}, ${r.seconds.toFixed(1)} s`,
);
for (const e of r.elements.filter((x) => !x.ok)) {
  console.log(`  ${formatElement(e)}`);
}
