// logLikelihood and Predictive on eight schools (non-centred, 4 chains × 1000 draws after NUTS), eager per draw
// (`jit: false`, the path before compilation) against compiled (the default): the first call in a fresh Node
// process (cold, what `fromMCMC(mcmc, { logLikelihood: true })` pays once) and the median of 10 more calls
// (warm). Also checks that both give the same values. Prints medians and quartiles; asserts nothing.
// Run after `pnpm build`: `node packages/infer/bench/log-likelihood.mjs [runs=7]` (from the repository root).
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const child = (jit) => `
const url = (p) => ${JSON.stringify(pathToFileURL(root).href)} + p;
const { MCMC, NUTS } = await import(url("packages/mcmc/dist/index.node.js"));
const { key, tensor } = await import(url("packages/tensor/dist/index.node.js"));
const { logLikelihood, Predictive } = await import(url("packages/infer/dist/index.node.js"));
const { eightSchools, sigma, y } = await import(url("examples/dist/eight-schools.js"));
const m = new MCMC(new NUTS(eightSchools), { numWarmup: 1000, numSamples: 1000, numChains: 4, progressBar: false });
const args = [tensor(sigma), tensor(y)];
await m.run(key(0), ...args);
const samples = m.getSamples();
const jit = ${jit};
const time = (f) => { const t = performance.now(); const r = f(); return [performance.now() - t, r]; };
const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const ll = () => logLikelihood(eightSchools, samples, args, { jit });
const pred = () => new Predictive(eightSchools, { posteriorSamples: samples, jit }).run(key(1), args[0]);
const [llCold, l0] = time(ll);
const llWarm = med(Array.from({ length: 10 }, () => time(ll)[0]));
const [predCold, p0] = time(pred);
const predWarm = med(Array.from({ length: 10 }, () => time(pred)[0]));
const sum = (t) => t.dataSync().reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ llCold, llWarm, predCold, predWarm, llSum: sum(l0.obs), predSum: sum(p0.obs) }));
`;
const runs = Number(process.argv[2] ?? 7);
const q = (a, p) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * p)];
const results = {};
for (const mode of ["eager", "compiled"]) {
  const rows = [];
  for (let i = 0; i < runs; i++)
    rows.push(
      JSON.parse(
        execFileSync(process.execPath, ["--input-type=module", "-e", child(mode === "compiled")], {
          encoding: "utf8",
        }),
      ),
    );
  results[mode] = rows;
  for (const k of ["llCold", "llWarm", "predCold", "predWarm"]) {
    const v = rows.map((r) => r[k]);
    console.log(
      `${mode.padEnd(8)} ${k.padEnd(8)} median ${q(v, 0.5).toFixed(2).padStart(7)} ms  (q25 ${q(v, 0.25).toFixed(2)}, q75 ${q(v, 0.75).toFixed(2)}, ${runs} fresh processes)`,
    );
  }
}
for (const k of ["llCold", "llWarm", "predCold", "predWarm"]) {
  const ratio =
    q(
      results.eager.map((r) => r[k]),
      0.5,
    ) /
    q(
      results.compiled.map((r) => r[k]),
      0.5,
    );
  console.log(`speed-up ${k.padEnd(8)} ${ratio.toFixed(1)}×`);
}
const e = results.eager[0];
const c = results.compiled[0];
console.log(
  `same values: logLikelihood Σ ${e.llSum} vs ${c.llSum}; Predictive Σ obs ${e.predSum} vs ${c.predSum} (${e.predSum === c.predSum ? "identical" : "DIFFERENT"})`,
);
