/**
 * End-to-end speed of the two large-data posteriors of issue 18 against Stan's sampler-only ESS/s
 * (`../shared/reference/ANCHORS.md`): NUTS 4 × (1000 + 1000), compile included, with `chainMethod`
 * "sequential" and "parallel" (one worker per chain) run in turn, `repeats` times each; prints every run and
 * the medians (wall and process CPU, workers included), min bulk ESS, ESS/s, and the ratio to Stan.
 *
 * Run it on the built packages, as an application runs them (the workers of "parallel" chains then load
 * `dist/` JavaScript; from source each worker would transpile the packages first):
 * `pnpm build && node --import tsx bench/src/posteriordb/speed.ts [repeats] [names…]`.
 *
 * Stan's ESS/s: `sim_logistic_N10000_D10` has Stan's figure in ANCHORS (450–540 ESS/s for 12–15 s of
 * sampling). For `wells_data-wells_dae_inter_model` ANCHORS has only Stan's sampler time (3.3–4.8 s on one
 * core); Stan's NUTS with the same adaptation (diagonal mass, windowed warmup, target acceptance 0.8) takes
 * trees of the same depth on this 7-parameter GLM and gives about the same ESS per draw, so its ESS/s is at
 * most our min bulk ESS / 3.3 s: the bound printed, which our ESS/s beats exactly when our end-to-end time
 * (compile included) is under 3.3 s.
 */
import { loadavg } from "node:os";
import { checkPosterior } from "./check.js";

const STAN: Record<string, { essPerSecond?: [number, number]; samplerSeconds: [number, number] }> = {
  sim_logistic_N10000_D10: { essPerSecond: [450, 540], samplerSeconds: [12, 15] },
  "wells_data-wells_dae_inter_model": { samplerSeconds: [3.3, 4.8] },
};

const repeats = Number(process.argv[2] ?? 3);
const names = process.argv.slice(3).length > 0 ? process.argv.slice(3) : Object.keys(STAN);
const methods = ["sequential", "parallel"] as const;
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

console.log(
  `node ${process.version}, load ${load()}, ${repeats} repeats, NUTS 4 × (1000 + 1000), compile included`,
);
for (const name of names) {
  const stan = STAN[name];
  if (stan === undefined) throw new Error(`no Stan anchor for "${name}" (known: ${Object.keys(STAN)})`);
  const runs: Record<string, { wall: number; cpu: number; ess: number; failed: number }[]> = {};
  for (const m of methods) runs[m] = [];
  for (let r = 0; r < repeats; r++)
    for (const m of methods) {
      const c0 = process.cpuUsage();
      const res = await checkPosterior(name, { chainMethod: m });
      const c = process.cpuUsage(c0);
      const run = {
        wall: res.seconds,
        cpu: (c.user + c.system) / 1e6,
        ess: res.minEssBulk,
        failed: res.failed,
      };
      (runs[m] as (typeof run)[]).push(run);
      console.log(
        `  ${name} ${m.padEnd(10)} run ${r + 1}: ${run.wall.toFixed(2)} s wall, ${run.cpu.toFixed(2)} s CPU, min bulk ESS ${run.ess.toFixed(0)}, ${run.failed} failed checks (load ${load()})`,
      );
    }
  console.log(`${name}`);
  for (const m of methods) {
    const rs = runs[m] as { wall: number; cpu: number; ess: number }[];
    const wall = median(rs.map((x) => x.wall));
    const cpu = median(rs.map((x) => x.cpu));
    const ess = median(rs.map((x) => x.ess));
    const essPerSecond = median(rs.map((x) => x.ess / x.wall));
    // Stan's ESS/s: the anchor where there is one, else our min ESS over Stan's fastest sampler time
    const stanBest = stan.essPerSecond?.[1] ?? ess / stan.samplerSeconds[0];
    console.log(
      `  ${m.padEnd(10)} median ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU, min bulk ESS ${ess.toFixed(0)}, ${essPerSecond.toFixed(0)} ESS/s = ${(essPerSecond / stanBest).toFixed(2)}× Stan's best ${stanBest.toFixed(0)} ESS/s${stan.essPerSecond ? " (ANCHORS)" : ` (our ESS / Stan's ${stan.samplerSeconds[0]} s)`}`,
    );
  }
  const seq = median((runs.sequential ?? []).map((x) => x.wall));
  const par = median((runs.parallel ?? []).map((x) => x.wall));
  console.log(`  parallel / sequential wall: ${(par / seq).toFixed(2)}×`);
}
