/**
 * Prototype measurement (not a library feature): what a data-parallel split of the logistic value+grad
 * (N = 100k, D = 20) over threads sharing the data through `SharedArrayBuffer` would give. One fused
 * row kernel (the compiled potential's loop, written by hand) runs on rows [lo, hi) in each thread; the main
 * thread takes the first share, `W − 1` workers the others, synchronised with `Atomics.wait`/`notify`; the
 * partial values and gradients are summed in thread order (deterministic for a given W). Prints wall and
 * main-thread CPU µs per call for W = 1 and 2 side by side, and the per-call synchronisation cost on a tiny
 * problem (N = 64). Asserts nothing. Run from the repository root:
 *   node --import tsx bench/src/logistic-threads.bench.ts
 */
import { isMainThread, Worker } from "node:worker_threads";

interface Shared {
  X: SharedArrayBuffer;
  Y: SharedArrayBuffer;
  z: SharedArrayBuffer;
  part: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  n: number;
  d: number;
  w: number;
}

/** Value (−log-likelihood) and its gradient over rows [lo, hi), written to out[0] and out[1..d+1]. */
function rows(
  X: Float64Array,
  Y: Float64Array,
  z: Float64Array,
  d: number,
  lo: number,
  hi: number,
  out: Float64Array,
  o: number,
): void {
  let u = 0;
  let g0 = 0;
  for (let j = 0; j <= d; j++) out[o + 1 + j] = 0;
  const alpha = z[0] as number;
  for (let i = lo; i < hi; i++) {
    const r0 = i * d;
    let e = alpha;
    for (let j = 0; j < d; j++) e += (X[r0 + j] as number) * (z[1 + j] as number);
    const y = Y[i] as number;
    const a = Math.exp(-Math.abs(e));
    u += Math.max(e, 0) + Math.log1p(a) - y * e;
    const p = e >= 0 ? 1 / (1 + a) : a / (1 + a);
    const r = p - y;
    g0 += r;
    for (let j = 0; j < d; j++) out[o + 2 + j] = (out[o + 2 + j] as number) + r * (X[r0 + j] as number);
  }
  out[o] = u;
  out[o + 1] = g0;
}

function share(n: number, w: number, k: number): [number, number] {
  const step = Math.ceil(n / w);
  return [Math.min(n, k * step), Math.min(n, (k + 1) * step)];
}

/** The worker's program (plain JavaScript, run with `eval: true`: Node 20 cannot start a `.ts` worker). */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const rows = ${rows.toString()};
const share = ${share.toString()};
const s = workerData;
const X = new Float64Array(s.X);
const Y = new Float64Array(s.Y);
const z = new Float64Array(s.z);
const part = new Float64Array(s.part);
const ctl = new Int32Array(s.ctl); // [generation, done, stop]
const [lo, hi] = share(s.n, s.w, s.k);
let gen = 0;
for (;;) {
  Atomics.wait(ctl, 0, gen);
  gen = Atomics.load(ctl, 0);
  if (Atomics.load(ctl, 2) === 1) break;
  rows(X, Y, z, s.d, lo, hi, part, s.k * (s.d + 2));
  if (Atomics.add(ctl, 1, 1) === s.w - 2) Atomics.notify(ctl, 1);
}
`;

if (isMainThread) {
  const cpuUs = (): number => {
    const c = process.cpuUsage();
    return c.user + c.system;
  };
  const make = async (n: number, d: number, w: number) => {
    const X = new Float64Array(new SharedArrayBuffer(n * d * 8));
    const Y = new Float64Array(new SharedArrayBuffer(n * 8));
    let st = 12345;
    const rnd = (): number => {
      st = (Math.imul(st, 1103515245) + 12345) >>> 0;
      return st / 4294967296;
    };
    for (let i = 0; i < n * d; i++) X[i] = (rnd() - 0.5) * 3.4;
    for (let i = 0; i < n; i++) Y[i] = rnd() < 0.4 ? 1 : 0;
    const s: Shared = {
      X: X.buffer as SharedArrayBuffer,
      Y: Y.buffer as SharedArrayBuffer,
      z: new SharedArrayBuffer((d + 1) * 8),
      part: new SharedArrayBuffer(w * (d + 2) * 8),
      ctl: new SharedArrayBuffer(12),
      n,
      d,
      w,
    };
    const workers: Worker[] = [];
    for (let k = 1; k < w; k++)
      workers.push(new Worker(WORKER_SOURCE, { eval: true, workerData: { ...s, k } }));
    await Promise.all(workers.map((wk) => new Promise((r, j) => wk.once("online", r).once("error", j))));
    const z = new Float64Array(s.z);
    const part = new Float64Array(s.part);
    const ctl = new Int32Array(s.ctl);
    const [lo, hi] = share(n, w, 0);
    const g = new Float64Array(d + 1);
    const call = (): number => {
      Atomics.store(ctl, 1, 0);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      rows(X, Y, z, d, lo, hi, part, 0);
      const t0 = Date.now();
      for (;;) {
        const done = Atomics.load(ctl, 1);
        if (done === w - 1) break;
        if (Date.now() - t0 > 60_000) throw new Error("a worker did not answer within 60 s");
        Atomics.wait(ctl, 1, done, 1000);
      }
      let u = 0;
      g.fill(0);
      for (let k = 0; k < w; k++) {
        u += part[k * (d + 2)] as number;
        for (let j = 0; j <= d; j++) g[j] = (g[j] as number) + (part[k * (d + 2) + 1 + j] as number);
      }
      return u;
    };
    const close = async (): Promise<void> => {
      Atomics.store(ctl, 2, 1);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      await Promise.all(workers.map((wk) => new Promise((r) => wk.once("exit", r))));
    };
    return { call, close, z, g };
  };
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const measure = async (n: number, d: number, w: number, calls: number) => {
    const m = await make(n, d, w);
    for (let i = 0; i <= d; i++) m.z[i] = 0.01 * i;
    for (let i = 0; i < calls; i++) m.call(); // warm (workers start, kernels optimise)
    const wall: number[] = [];
    const cpu: number[] = [];
    let value = 0;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      const c0 = cpuUs();
      for (let i = 0; i < calls; i++) value = m.call();
      cpu.push((cpuUs() - c0) / calls);
      wall.push(((performance.now() - t0) * 1000) / calls);
    }
    const g0 = m.g[0] as number;
    await m.close();
    return { wall: median(wall), cpu: median(cpu), value, g0 };
  };
  const os = await import("node:os");
  console.log(
    `load average ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(" ")} on ${os.cpus().length} CPUs`,
  );
  for (const [n, d, calls] of [
    [100_000, 20, 20],
    [64, 20, 2_000],
  ] as const) {
    let base = 0;
    for (const w of [1, 2]) {
      const r = await measure(n, d, w, calls);
      if (w === 1) base = r.wall;
      console.log(
        `N=${n} D=${d} threads=${w}: ${r.wall.toFixed(1)} µs/call wall (process CPU, all threads ${r.cpu.toFixed(1)} µs), ` +
          `speed-up ${(base / r.wall).toFixed(2)}× | value ${r.value.toPrecision(15)} dU/dα ${r.g0.toPrecision(15)}`,
      );
    }
  }
}
