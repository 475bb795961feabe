/**
 * Benchmark: per-gradient µs of compiled model densities (posteriordb sizes) against hand-written JavaScript,
 * measured in the same run, interleaved. Run from the repository root:
 *   node --conditions=@phlox/source --import tsx packages/backend-js/bench/models.bench.ts [filter]
 * Prints the median over 7 interleaved rounds of the least time per call among 3 blocks, and the ratio
 * compiled / hand-written, and the largest relative difference of value and
 * gradient between the two; asserts nothing.
 */
import { compileValueAndGrad } from "../src/potential.js";
import {
  type DensityCase,
  garch,
  gpRegression,
  linearRegression,
  logisticRegression,
  normalMixture,
} from "../src/testing/densities.js";

type Fn = (z: Float64Array, g: Float64Array) => number;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Least µs per call over `blocks` blocks of about `ms` milliseconds each (robust on a busy machine). */
function time(fn: Fn, z: Float64Array, g: Float64Array, ms: number, blocks: number): number {
  let sink = 0;
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += fn(z, g);
    if (performance.now() - t0 > ms / 4) break;
    calls *= 2;
  }
  const per: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      z[0] = (z[0] as number) + 1e-13;
      sink += fn(z, g);
    }
    per.push(((performance.now() - t0) * 1000) / calls);
  }
  if (sink === 42) console.log("");
  return Math.min(...per);
}

/** Runs `fn` for about `ms` milliseconds (lets V8 optimise long generated code first). */
function warm(fn: Fn, z: Float64Array, g: Float64Array, ms: number): void {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) for (let i = 0; i < 20; i++) fn(z, g);
}

const cases: (() => DensityCase)[] = [
  () => linearRegression(1330, 9),
  () => logisticRegression(3020, 6, false),
  () => logisticRegression(10000, 10, true),
  () => gpRegression(11),
  () => gpRegression(30),
  () => garch(200),
  () => normalMixture(1000),
  () => linearRegression(5000, 24, 6, "diamonds size"),
];

const filter = process.argv[2];
const head = ["model density", "hand µs", "compiled µs", "ratio", "max rel diff", "compile ms"];
const rows: string[][] = [];
for (const make of cases) {
  const c = make();
  if (filter !== undefined && !c.name.includes(filter)) continue;
  const t0 = performance.now();
  const { fn } = compileValueAndGrad(c.logp, c.dim);
  const ct = performance.now() - t0;
  const gh = new Float64Array(c.dim);
  const gc = new Float64Array(c.dim);
  const vh = c.hand(c.z, gh);
  const vc = fn(c.z, gc);
  let err = Math.abs(vh - vc) / Math.max(1, Math.abs(vh));
  for (let i = 0; i < c.dim; i++)
    err = Math.max(
      err,
      Math.abs((gh[i] as number) - (gc[i] as number)) / Math.max(1, Math.abs(gh[i] as number)),
    );
  const th: number[] = [];
  const tc: number[] = [];
  const zh = c.z.slice();
  const zc = c.z.slice();
  warm(c.hand, zh, gh, 500);
  warm(fn, zc, gc, 2500);
  for (let r = 0; r < 7; r++) {
    th.push(time(c.hand, zh, gh, 40, 3));
    tc.push(time(fn, zc, gc, 40, 3));
  }
  const h = median(th);
  const k = median(tc);
  rows.push([c.name, h.toFixed(2), k.toFixed(2), (k / h).toFixed(2), err.toExponential(1), ct.toFixed(0)]);
}
const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] as string).length)));
const line = (r: string[]) => r.map((c, k) => c.padEnd(widths[k] as number)).join(" | ");
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log(line(head));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) console.log(line(r));
