/**
 * All 16 posteriordb posteriors: NUTS 4 × (1000 warmup + 1000 draws), every reference element checked.
 * Prints one row per posterior and the failing elements. Run: `pnpm --filter @phlox/bench posteriordb [names…]`.
 */
import { checkPosterior, formatElement } from "./check.js";
import { POSTERIORS } from "./models.js";

const only = process.argv.slice(2);
const names = only.length ? only : [...POSTERIORS];
const rows: string[] = [];
let allOk = true;
const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  `${"posterior".padEnd(52)} ${pad("elems", 5)} ${pad("fail", 4)} ${pad("div", 5)} ${pad("maxRhat", 8)} ${pad("minESS", 7)} ${pad("ESS/s", 8)} ${pad("secs", 7)}`,
);
for (const name of names) {
  try {
    const r = await checkPosterior(name);
    const row = `${name.padEnd(52)} ${pad(r.elements.length, 5)} ${pad(r.failed, 4)} ${pad(r.divergences, 5)} ${pad(r.maxRhat.toFixed(4), 8)} ${pad(r.minEssBulk.toFixed(0), 7)} ${pad((r.minEssBulk / r.seconds).toFixed(0), 8)} ${pad(r.seconds.toFixed(2), 7)}`;
    console.log(row);
    rows.push(row);
    for (const e of r.elements.filter((x) => !x.ok).slice(0, 6)) {
      console.log(`    ${formatElement(e)}`);
    }
    if (r.failed > 0 && !(name.endsWith("_centered") && r.divergences > 0)) allOk = false;
  } catch (err) {
    allOk = false;
    console.log(`${name.padEnd(52)} ERROR ${(err as Error).message.split("\n")[0]}`);
  }
}
process.exitCode = allOk ? 0 : 1;
