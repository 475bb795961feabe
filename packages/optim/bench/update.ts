/**
 * Per-update cost and heap growth of every optimizer (n = 1000 parameters, 10⁵ updates).
 * Run from the repository root:
 *   node --expose-gc --import tsx packages/optim/bench/update.ts
 * Prints medians of 5 runs; asserts nothing. The no-op row shows the heap noise of the loop itself
 * (JIT and timer bookkeeping): an optimizer that allocated per update would show ≥ 1.5 MiB more.
 */
import {
  Adagrad,
  Adam,
  AdamW,
  ClippedAdam,
  cosineDecay,
  Momentum,
  type Optimizer,
  RMSProp,
  RMSPropMomentum,
  SGD,
  SM3,
} from "../src/index.js";

const n = 1000;
const steps = 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
const noop: Optimizer<never> = {
  name: "noop",
  init: () => ({ optimizer: "noop", step: 0, slots: {} }),
  update(_g, state) {
    state.step++;
  },
};
const factories: [string, () => Optimizer][] = [
  ["(no-op baseline)", () => noop],
  ["SGD", () => new SGD(1e-3)],
  ["Momentum", () => new Momentum(1e-3, 0.9)],
  ["Adam", () => new Adam(1e-3)],
  ["Adam + cosineDecay", () => new Adam(cosineDecay(1e-3, steps, { warmupSteps: 100 }))],
  ["ClippedAdam", () => new ClippedAdam(1e-3, { lrd: 0.99999 })],
  ["AdamW", () => new AdamW(1e-3)],
  ["RMSProp", () => new RMSProp(1e-3)],
  ["RMSPropMomentum", () => new RMSPropMomentum(1e-4)],
  ["Adagrad", () => new Adagrad(1e-2)],
  ["SM3", () => new SM3(1e-2)],
];

const median = (a: number[]): number => a.slice().sort((p, q) => p - q)[Math.floor(a.length / 2)];
const grad = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
console.log(
  `n = ${n}, ${steps} updates per run, median of 5 runs${gc ? "" : " (run with --expose-gc for heap deltas)"}`,
);
let sgdTime = 0;
for (const [name, mk] of factories) {
  const times: number[] = [];
  const heaps: number[] = [];
  for (let r = 0; r < 5; r++) {
    const opt = mk();
    const x = new Float64Array(n);
    const s = opt.init(x);
    gc?.();
    const h0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) opt.update(grad, s, x);
    const t1 = performance.now();
    const h1 = process.memoryUsage().heapUsed;
    times.push(((t1 - t0) * 1000) / steps);
    heaps.push(h1 - h0);
  }
  const t = median(times);
  if (name === "SGD") sgdTime = t;
  const ratio = sgdTime > 0 ? `(${(t / sgdTime).toFixed(2)}× SGD)` : "";
  console.log(
    `${name.padEnd(20)} ${t.toFixed(3)} µs/update  ${ratio.padEnd(14)} heap Δ ${(median(heaps) / 1024).toFixed(1)} KiB`,
  );
}
