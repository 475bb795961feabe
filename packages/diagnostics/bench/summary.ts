/**
 * Time of `summary` (NumPyro columns) and `summaryArviz` on 4 chains × 1000 draws of 1,000 parameters.
 * Run from the repository root:
 *   node --import tsx packages/diagnostics/bench/summary.ts
 * Prints medians of 7 runs (after 2 warm-up runs) of wall time and of this process's CPU time (the CPU
 * time is the steadier figure on a shared machine); asserts nothing. Target: summary < 200 ms.
 * Two draw sets: "NUTS-like" AR(1) chains with φ ∈ [0, 0.5) (ESS near the draw count, as NUTS gives)
 * and "sticky" chains with φ ∈ [0, 0.9) (long autocorrelations: the FFT path of the ESS).
 */
import { formatSummary, summary, summaryArviz } from "../src/index.js";

const chains = 4;
const draws = 1000;
const params = 1000;

let state = 12345;
const uniform = (): number => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());

function makeDraws(maxPhi: number): { theta: { data: Float64Array; shape: number[] } } {
  const data = new Float64Array(chains * draws * params);
  for (let p = 0; p < params; p++) {
    const phi = (maxPhi * p) / params;
    for (let c = 0; c < chains; c++) {
      let x = normal();
      for (let d = 0; d < draws; d++) {
        x = phi * x + normal();
        data[(c * draws + d) * params + p] = x;
      }
    }
  }
  return { theta: { data, shape: [chains, draws, params] } };
}

function measure(fn: () => unknown, runs: number, warm: number): { wall: number; cpu: number } {
  for (let i = 0; i < warm; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
  return { wall: med(wall), cpu: med(cpu) };
}

const line = (label: string, r: { wall: number; cpu: number }) =>
  console.log(
    `${label.padEnd(34)} wall ${r.wall.toFixed(1).padStart(7)} ms   cpu ${r.cpu.toFixed(1).padStart(7)} ms`,
  );

console.log(`${chains} chains × ${draws} draws × ${params} parameters (medians)`);
for (const [label, maxPhi] of [
  ["NUTS-like, φ < 0.5", 0.5],
  ["sticky, φ < 0.9", 0.9],
] as const) {
  const samples = makeDraws(maxPhi);
  line(
    `summary (${label})`,
    measure(() => summary(samples), 7, 2),
  );
  line(
    `formatSummary (${label})`,
    measure(() => formatSummary(samples), 7, 2),
  );
  line(
    `summaryArviz (${label})`,
    measure(() => summaryArviz(samples), 3, 1),
  );
}
