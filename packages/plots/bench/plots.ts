/**
 * Speed of the plots on synthetic AR(1) draws. Run from the repository root:
 *   node --conditions=@phlox/source --import tsx packages/plots/bench/plots.ts
 * Prints medians of 5 runs (after 1 warm-up run) of wall and CPU time; asserts nothing.
 * Targets (issue 19): plotTrace + plotRank for 4 chains × 1000 draws × 100 variables ≤ 200 ms;
 * plotPair for 10 variables × 4000 draws (4 chains × 1000) ≤ 1 s.
 */
import { fromArrays } from "@phlox/arviz-io";
import { plotPair, plotRank, plotTrace } from "../src/index.js";

let state = 12345;
const uniform = (): number => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());

function draws(nVars: number, chains: number, n: number) {
  const out: Record<string, { data: Float64Array; shape: number[] }> = {};
  for (let v = 0; v < nVars; v++) {
    const data = new Float64Array(chains * n);
    const phi = (0.8 * v) / nVars;
    for (let c = 0; c < chains; c++) {
      let x = normal();
      for (let i = 0; i < n; i++) {
        x = phi * x + Math.sqrt(1 - phi * phi) * normal();
        data[c * n + i] = x + v;
      }
    }
    out[`x${v}`] = { data, shape: [chains, n] };
  }
  return fromArrays({ posterior: out });
}

function time(label: string, f: () => number, runs = 5): void {
  f();
  const wall: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    bytes = f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!;
  console.log(
    `${label.padEnd(58)} wall ${med(wall).toFixed(0).padStart(5)} ms  cpu ${med(cpu).toFixed(0).padStart(5)} ms  svg ${(bytes / 1e6).toFixed(2)} MB`,
  );
}

const big = draws(100, 4, 1000);
time("plotTrace, 4 chains x 1000 draws x 100 variables", () => plotTrace(big, { output: "string" }).length);
time("plotRank,  4 chains x 1000 draws x 100 variables", () => plotRank(big, { output: "string" }).length);
time(
  "plotTrace + plotRank (target <= 200 ms)",
  () => plotTrace(big, { output: "string" }).length + plotRank(big, { output: "string" }).length,
);
const pair = draws(10, 4, 1000);
time(
  "plotPair scatter, 10 variables x 4000 draws (target <= 1 s)",
  () => plotPair(pair, { output: "string" }).length,
);
time(
  "plotPair kde,     10 variables x 4000 draws",
  () => plotPair(pair, { output: "string", kind: "kde" }).length,
  3,
);
