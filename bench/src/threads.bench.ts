/**
 * Benchmark: data-parallel compiled potentials (`setThreads`). The REAL compiled potential of the logistic
 * model (`initializeModel(...).potentialFn`, Bernoulli with logits, value + gradient) at N = 100k D = 20 and
 * N = 1M D = 10, with 1 and 2 threads compiled in the same process and timed in alternating rounds; eight
 * schools value + gradient with threads on (no loop reaches the threshold: the same code as one thread); and
 * the per-call cost of the split at small N (D = 5, every shared loop threaded), which places the default
 * `minRows`. Prints µs per call, wall and process CPU (all threads of the process), and the ratios. Asserts
 * nothing. Run from the repository root:
 *   node --conditions=@phlox/source --import tsx bench/src/threads.bench.ts [threads=2] [skip1M]
 */
import os from "node:os";
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { disposeThreads, initializeModel, setThreads } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { eightSchoolsNonCentred, SIGMA, Y } from "../../packages/infer/src/testing/models.js";

const THREADS = Number(process.argv[2] ?? 2);
const SKIP_1M = process.argv[3] === "skip1M";

const cpuUs = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function data(n: number, d: number): { X: Tensor; Y: Tensor } {
  let s = 12345;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0.5;
    for (let j = 0; j < d; j++) {
      const v = (rnd() - 0.5) * 3.4;
      X[i * d + j] = v;
      eta += v * (((j % 5) - 2) * 0.5);
    }
    y[i] = rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X: tensor(X, { shape: [n, d] }) as Tensor, Y: tensor(y) as Tensor };
}

function logisticModel(n: number, d: number) {
  return (x: Tensor, y?: Tensor): void => {
    const alpha = sample("alpha", new Normal(0, 5));
    const b = sample("beta", new Normal(0, 2.5).expand([d]).toEvent(1));
    plate("data", n, () => sample("y", new Bernoulli({ logits: x.matmul(b).add(alpha) }), { obs: y }));
  };
}

type Fn = (z: Float64Array, g: Float64Array) => number;

/** Potentials compiled with 1 and `THREADS` threads (minRows as given), for the same model and data. */
function potentials(model: (...a: Tensor[]) => void, args: Tensor[], minRows: number): Fn[] {
  return [1, THREADS].map((t) => {
    setThreads(t, { minRows });
    return initializeModel(0, model, args).potentialFn as Fn;
  });
}

/** Median µs per call (wall, process CPU) of each fn, measured in alternating rounds. */
function timeSideBySide(fns: Fn[], dim: number, calls: number, rounds: number) {
  const z = new Float64Array(dim).map((_, i) => 0.01 * i);
  const g = new Float64Array(dim);
  const values = fns.map((f) => f(z, g));
  for (const f of fns) for (let i = 0; i < calls; i++) f(z, g); // tier up, start the workers
  const wall: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r++)
    fns.forEach((f, k) => {
      const t0 = performance.now();
      const c0 = cpuUs();
      for (let i = 0; i < calls; i++) f(z, g);
      cpu[k]?.push((cpuUs() - c0) / calls);
      wall[k]?.push(((performance.now() - t0) * 1000) / calls);
    });
  return fns.map((_, k) => ({ wall: median(wall[k] ?? []), cpu: median(cpu[k] ?? []), value: values[k] }));
}

function report(label: string, r: ReturnType<typeof timeSideBySide>): void {
  const [one, many] = r as [(typeof r)[0], (typeof r)[0]];
  console.log(
    `${label}: 1 thread ${one.wall.toFixed(1)} µs wall (CPU ${one.cpu.toFixed(1)} µs) | ${THREADS} threads ` +
      `${many.wall.toFixed(1)} µs wall (CPU ${many.cpu.toFixed(1)} µs) | speed-up ${(one.wall / many.wall).toFixed(2)}×, ` +
      `CPU ratio ${(many.cpu / one.cpu).toFixed(2)} | values ${one.value?.toPrecision(15)} vs ${many.value?.toPrecision(15)}`,
  );
}

console.log(
  `load average ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(" ")} on ${os.cpus().length} CPUs; threads = ${THREADS}`,
);

// per-call cost of the split at small N: every shared loop threaded (minRows 1)
for (const n of [10_000, 20_000, 40_000, 80_000]) {
  const d = 5;
  const { X, Y: y } = data(n, d);
  const fns = potentials(logisticModel(n, d), [X, y], 1);
  report(`logistic N=${n} D=${d} (minRows 1)`, timeSideBySide(fns, d + 1, Math.max(10, 2_000_000 / n), 7));
}

{
  const fns = potentials(eightSchoolsNonCentred as (...a: Tensor[]) => void, [tensor(SIGMA), tensor(Y)], 1);
  report("eight schools (below every threshold)", timeSideBySide(fns, 10, 20_000, 7));
}

const big: [number, number, number][] = [[100_000, 20, 20]];
if (!SKIP_1M) big.push([1_000_000, 10, 4]);
for (const [n, d, calls] of big) {
  const { X, Y: y } = data(n, d);
  const fns = potentials(logisticModel(n, d), [X, y], 32_768);
  report(`logistic N=${n} D=${d}`, timeSideBySide(fns, d + 1, calls, 7));
}
await disposeThreads();
