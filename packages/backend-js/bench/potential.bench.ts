/**
 * Benchmark: compiled value+gradient vs hand-written JavaScript, measured in the same run.
 * Run from the repository root:
 *   node --expose-gc --conditions=@phlox/source --import tsx packages/backend-js/bench/potential.bench.ts
 * Prints medians over repeated timing blocks and the ratios; asserts nothing.
 */
import * as T from "@phlox/tensor";
import { compileValueAndGrad } from "../src/potential.js";
import { eightSchoolsHand, eightSchoolsLogp, logisticHand, logisticLogp } from "../src/testing/models.js";

type Fn = (z: Float64Array, g: Float64Array) => number;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Median seconds per call over `blocks` blocks of `calls` calls (after warm-up). */
function time(fn: Fn, z: Float64Array, g: Float64Array, calls: number, blocks: number): number {
  let sink = 0;
  for (let i = 0; i < calls; i++) sink += fn(z, g);
  const per: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      z[0] = (z[0] as number) + 1e-12;
      sink += fn(z, g);
    }
    per.push(Number(process.hrtime.bigint() - t0) / 1e9 / calls);
  }
  if (sink === 42) console.log("");
  return median(per);
}

function compileTime(make: () => unknown, reps: number): number {
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    make();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ts);
}

const rows: string[][] = [];
const push = (...r: string[]) => rows.push(r);

// ---- eight schools --------------------------------------------------------------------------------
{
  const z = new Float64Array([1.2, 0.7, 0.3, -0.2, 0.5, 0.1, -0.9, 0.4, 1.1, -0.3]);
  const g = new Float64Array(10);
  const first = compileTime(() => compileValueAndGrad(eightSchoolsLogp, 10), 1);
  const ct = compileTime(() => compileValueAndGrad(eightSchoolsLogp, 10), 15);
  const { fn } = compileValueAndGrad(eightSchoolsLogp, 10);
  const gh = new Float64Array(10);
  const vh = eightSchoolsHand(z, gh);
  const vc = fn(z, g);
  let err = Math.abs(vh - vc) / Math.abs(vh);
  for (let i = 0; i < 10; i++)
    err = Math.max(
      err,
      Math.abs((gh[i] as number) - (g[i] as number)) / Math.max(1, Math.abs(gh[i] as number)),
    );
  const tc: number[] = [];
  const th: number[] = [];
  for (let r = 0; r < 5; r++) {
    th.push(time(eightSchoolsHand, z, gh, 200_000, 5));
    tc.push(time(fn, z, g, 200_000, 5));
  }
  const h = median(th) * 1e6;
  const c = median(tc) * 1e6;
  const interp = compileValueAndGrad(eightSchoolsLogp, 10, { codegen: false }).fn;
  const ti = time(interp, z, g, 2000, 5) * 1e6;
  const [eager] = [
    time(
      (zz, gg) => {
        const [v, gr] = T.valueAndGrad(eightSchoolsLogp)(T.tensor(zz));
        gg.set((gr as T.Tensor).dataSync() as Float64Array);
        return v.item();
      },
      z,
      g,
      500,
      5,
    ) * 1e6,
  ];
  push("eight schools value+grad", "µs/call", h.toFixed(3), c.toFixed(3), (c / h).toFixed(2), "≤ 2");
  push("eight schools, IR interpreter", "µs/call", h.toFixed(3), ti.toFixed(1), (ti / h).toFixed(0), "-");
  push(
    "eight schools, eager autodiff",
    "µs/call",
    h.toFixed(3),
    eager.toFixed(1),
    (eager / h).toFixed(0),
    "-",
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    const heap = (h: Fn, gg: Float64Array): number => {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 100_000; i++) h(z, gg);
      return process.memoryUsage().heapUsed - before;
    };
    const hh = heap(eightSchoolsHand, gh);
    const hc = heap(fn, g);
    push(
      "eight schools heap growth, 1e5 calls",
      "bytes/call",
      (hh / 1e5).toFixed(1),
      (hc / 1e5).toFixed(1),
      "-",
      "≤ 16",
    );
  }
  push(
    "eight schools compile (trace+grad+simplify+codegen)",
    "ms",
    "-",
    `${ct.toFixed(2)} (first ${first.toFixed(1)})`,
    "-",
    "< 20",
  );
  push("eight schools max rel. diff compiled vs hand", "", "-", err.toExponential(1), "-", "-");
}

// ---- logistic regression --------------------------------------------------------------------------
{
  const N = 100_000;
  const D = 20;
  let s = 12345;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const Xd = new Float64Array(N * D).map(() => rnd() * 2 - 1);
  const yd = new Float64Array(N).map(() => (rnd() < 0.5 ? 1 : 0));
  const X = T.tensor(Xd, { shape: [N, D] });
  const y = T.tensor(yd);
  const f = logisticLogp(X, y);
  const hand = logisticHand(Xd, yd, N, D);
  const ct = compileTime(() => compileValueAndGrad(f, D + 1), 3);
  const { fn } = compileValueAndGrad(f, D + 1);
  const z = new Float64Array(D + 1).map(() => rnd() * 0.2 - 0.1);
  const g = new Float64Array(D + 1);
  const gh = new Float64Array(D + 1);
  const vh = hand(z, gh);
  const vc = fn(z, g);
  let err = Math.abs(vh - vc) / Math.abs(vh);
  for (let i = 0; i <= D; i++)
    err = Math.max(
      err,
      Math.abs((gh[i] as number) - (g[i] as number)) / Math.max(1, Math.abs(gh[i] as number)),
    );
  const tc: number[] = [];
  const th: number[] = [];
  for (let r = 0; r < 5; r++) {
    th.push(time(hand, z, gh, 10, 3));
    tc.push(time(fn, z, g, 10, 3));
  }
  const h = median(th) * 1e3;
  const c = median(tc) * 1e3;
  push("logistic N=100k D=20 value+grad", "ms/call", h.toFixed(2), c.toFixed(2), (c / h).toFixed(2), "≤ 1.2");
  push("logistic compile (trace+grad+simplify+codegen)", "ms", "-", ct.toFixed(1), "-", "-");
  push("logistic max rel. diff compiled vs hand", "", "-", err.toExponential(1), "-", "-");
  push("logistic vs JAX CPU 2 cores (1.22 ms, ANCHORS.md)", "ratio", "-", (c / 1.22).toFixed(1), "-", "-");
}

const head = ["benchmark", "unit", "hand-written", "phlox", "ratio", "target"];
const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] as string).length)));
const line = (r: string[]) => r.map((c, k) => c.padEnd(widths[k] as number)).join(" | ");
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log(line(head));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) console.log(line(r));
