/**
 * NUTS overhead per leapfrog step on a 10-D standard normal with a hand-written potential.
 * Run: node --expose-gc --import ./packages/mcmc/bench/register-ts.mjs packages/mcmc/bench/nuts-overhead.ts
 * Prints medians over 5 repeats: µs per leapfrog step for NUTS, for the bare potential, their difference
 * (the sampler's overhead), steps/s, mean tree depth, and the heap delta over the timed transitions.
 */
import { hmc } from "../src/hmc.js";
import type { PotentialFn } from "../src/internal/trajectory.js";

const d = 10;
const U: PotentialFn = (z, g) => {
  let u = 0;
  for (let i = 0; i < d; i++) {
    u += 0.5 * z[i] * z[i];
    g[i] = z[i];
  }
  return u;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = (globalThis as { gc?: () => void }).gc;

function measure(dense: boolean) {
  const nutsUs: number[] = [];
  const potUs: number[] = [];
  const depths: number[] = [];
  const stepsPerSec: number[] = [];
  const heap: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const { init, step } = hmc(U, { denseMass: dense });
    const s = init(new Float64Array(d).fill(0.5), [0, rep], 1000);
    for (let i = 0; i < 1000; i++) step(s); // warmup (adaptation)
    gc?.();
    const h0 = process.memoryUsage().heapUsed;
    let steps = 0;
    let depth = 0;
    const n = 20000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      step(s);
      steps += s.numSteps;
      depth += s.treeDepth;
    }
    const t1 = performance.now();
    heap.push(process.memoryUsage().heapUsed - h0);
    nutsUs.push(((t1 - t0) * 1000) / steps);
    depths.push(depth / n);
    stepsPerSec.push(steps / ((t1 - t0) / 1000));
    const z = new Float64Array(d).fill(0.3);
    const g = new Float64Array(d);
    const m = 1_000_000;
    const p0 = performance.now();
    let acc = 0;
    for (let i = 0; i < m; i++) {
      z[i % d] += 1e-9;
      acc += U(z, g);
    }
    const p1 = performance.now();
    if (acc === 42) console.log("");
    potUs.push(((p1 - p0) * 1000) / m);
  }
  const a = median(nutsUs);
  const b = median(potUs);
  console.log(
    `NUTS, 10-D standard normal, ${dense ? "dense" : "diagonal"} mass, 20000 transitions after 1000 warmup (median of 5)`,
  );
  console.log(`  mean tree depth          ${median(depths).toFixed(2)}`);
  console.log(`  leapfrog steps/s         ${median(stepsPerSec).toFixed(0)}`);
  console.log(`  µs per leapfrog step     ${a.toFixed(3)}`);
  console.log(`  µs per potential call    ${b.toFixed(3)}`);
  console.log(
    `  sampler overhead µs/step ${(a - b).toFixed(3)}  (ratio NUTS/potential ${(a / b).toFixed(1)}×)`,
  );
  console.log(
    `  heap delta over 20000 transitions: ${(median(heap) / 1024).toFixed(1)} KiB${gc ? "" : " (run with --expose-gc)"}`,
  );
}

measure(false);
measure(true);
