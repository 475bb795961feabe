/**
 * plotTrace + plotRank (4 chains × 1000 draws × 100 variables) of this checkout against another version of
 * the package's source, alternating in one process so both see the same machine load. Prints CPU medians
 * of 7 runs each (after warm-ups) and checks that both write the same SVG. Run from the repository root:
 *   mkdir -p packages/plots/node_modules/.before
 *   git archive <commit> packages/plots/src | tar -x -C packages/plots/node_modules/.before
 *   node --conditions=@phlox/source --import tsx packages/plots/bench/before-after.ts \
 *     packages/plots/node_modules/.before/packages/plots/src/index.ts
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as current from "../src/index.js";

type Plots = Pick<typeof current, "plotTrace" | "plotRank">;

let state = 12345;
const uniform = (): number => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
// raw draws for both (each version converts them with its own InferenceData class)
const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());

const posterior: Record<string, { data: Float64Array; shape: number[] }> = {};
for (let v = 0; v < 100; v++) {
  const data = new Float64Array(4000);
  const phi = (0.8 * v) / 100;
  for (let c = 0; c < 4; c++) {
    let x = normal();
    for (let i = 0; i < 1000; i++) {
      x = phi * x + Math.sqrt(1 - phi * phi) * normal();
      data[c * 1000 + i] = x + v;
    }
  }
  posterior[`x${v}`] = { data, shape: [4, 1000] };
}

const otherPath = process.argv[2];
if (otherPath === undefined) throw new Error("usage: before-after.ts <path to the other src/index.ts>");
const other = (await import(pathToFileURL(resolve(otherPath)).href)) as Plots;

const both = (p: Plots): string =>
  p.plotTrace(posterior, { output: "string" }) + p.plotRank(posterior, { output: "string" });
const same = both(other) === both(current);

const cpu = (p: Plots): number => {
  const c0 = process.cpuUsage();
  both(p);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
for (let w = 0; w < 2; w++) {
  cpu(other);
  cpu(current);
}
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < 7; r++) {
  a.push(cpu(other));
  b.push(cpu(current));
}
const med = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1]!;
console.log(`plotTrace + plotRank, 4 chains x 1000 draws x 100 variables (CPU, median of 7)`);
console.log(`  other:   ${med(a).toFixed(0)} ms`);
console.log(`  current: ${med(b).toFixed(0)} ms  (${(med(a) / med(b)).toFixed(2)}x)`);
console.log(`  identical SVG: ${same}`);
