/**
 * Benchmark: full-data NUTS in one process vs consensus Monte Carlo over K shards on W worker processes through
 * Redis (BullMQ), on a simulated logistic regression (never committed: generated here).
 *
 *   node --conditions=@phlox/source --import tsx packages/distributed/bench/logistic-consensus.ts \
 *     [--n 1000000] [--d 20] [--k 10] [--workers 2] [--warmup 1000] [--samples 6000] \
 *     [--full-warmup 500] [--full-samples 2000] [--full-threads 1]
 *
 * Prints wall times (and their ratio, measured in the same run) and, per coefficient, the consensus (and
 * parametric) error of the posterior mean in units of the full-data posterior sd, and the sd ratio. It also
 * splits the error: consensus run separately on the first and on the second half of every shard's draws gives
 * two estimates whose difference measures the estimator's own noise (sub-posterior covariances estimated from
 * draws); what the noise does not explain is bias (non-Gaussian sub-posteriors) or the full-data run's error.
 * Needs redis-server on PATH (started on a free loopback port, stopped at the end).
 */
import { fileURLToPath } from "node:url";
import { setThreads, threadsReady } from "@phlox/infer";
import { consensus, MCMC, NUTS, parametricDraws } from "@phlox/mcmc";
import { tensor } from "@phlox/tensor";
import { runDistributed } from "../src/index.js";
import { model, simulate } from "../src/testing/logistic-model.js";
import { spawnWorker, startRedis } from "../src/testing/redis-server.js";
import { columnMeansAndSds } from "./stats.js";

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg("n", 1_000_000);
const d = arg("d", 20);
const k = arg("k", 10);
const numWorkers = arg("workers", 2);
const numWarmup = arg("warmup", 1000);
const numSamples = arg("samples", 6000);
const fullWarmup = arg("full-warmup", 500);
const fullSamples = arg("full-samples", 2000);
// Threads for the full-data run's compiled potential (the consensus workers use one each).
const fullThreads = arg("full-threads", 1);
const log = (s: string) => process.stdout.write(`${s}\n`);
const tStart = performance.now();
const stamp = () => `[${((performance.now() - tStart) / 1000).toFixed(0)} s]`;
// Progress lines (about every 10% of a chain), so a run cut short still says how far it got.
const lastTenth = new Map<string, number>();
const progressLine = (who: string, phase: string, iteration: number, total: number, divergences: number) => {
  const tenth = Math.floor((10 * iteration) / Math.max(total, 1));
  const key = `${who} ${phase}`;
  if (lastTenth.get(key) === tenth) return;
  lastTenth.set(key, tenth);
  log(`${stamp()} ${who} ${phase} ${iteration}/${total} (${divergences} divergences)`);
};

log(`logistic regression N=${n} D=${d}; consensus over K=${k} shards on ${numWorkers} worker processes`);
const t0 = performance.now();
const { X, y } = simulate(n, d, 2026);
log(`simulated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// 1. Full data, one process.
setThreads(fullThreads);
await threadsReady();
const tFull = performance.now();
const mcmc = new MCMC(new NUTS(model), {
  numWarmup: fullWarmup,
  numSamples: fullSamples,
  progressBar: false,
  onProgress: (p) => progressLine("full-data", p.phase, p.iteration, p.total, p.numDivergences),
});
await mcmc.run(1, tensor(X, { shape: [n, d] }), tensor(y, { shape: [n] }));
const fullSeconds = (performance.now() - tFull) / 1000;
const full = columnMeansAndSds(Float64Array.from(mcmc.getSamples().beta.dataSync()), d);
setThreads(1);
log(
  `full-data NUTS (${fullThreads} thread${fullThreads > 1 ? "s" : ""}): ${fullWarmup}+${fullSamples} iterations in ${fullSeconds.toFixed(1)} s`,
);

// 2. Consensus through Redis.
const redis = await startRedis();
const workers = Array.from({ length: numWorkers }, (_, i) =>
  spawnWorker(["--redis", redis.url, "--queue", "bench", "--name", `w${i}`]),
);
try {
  await Promise.all(workers.map((w) => w.waitFor(/^ready /)));
  const tCons = performance.now();
  const r = await runDistributed({
    connection: redis.url,
    queueName: "bench",
    module: fileURLToPath(new URL("../src/testing/logistic-model.ts", import.meta.url)),
    data: { X: { data: X, shape: [n, d] }, y: { data: y, shape: [n] } },
    numShards: k,
    key: 1,
    numWarmup,
    numSamples,
    onProgress: (p) =>
      progressLine(`shard ${p.shard} on ${p.worker}`, p.phase, p.iteration, p.total, p.numDivergences),
  });
  const consSeconds = (performance.now() - tCons) / 1000;
  const cons = columnMeansAndSds(Float64Array.from(r.draws.beta.dataSync()), d);
  const par = columnMeansAndSds(
    Float64Array.from(
      parametricDraws(
        r.subposteriors.map((s) => s.draws),
        numSamples,
        { key: 2 },
      ).beta.dataSync(),
    ),
    d,
  );
  const divergences = r.subposteriors.reduce((a, s) => a + s.numDivergences, 0);
  log(
    `consensus: ${k} shards × (${numWarmup}+${numSamples}) on ${numWorkers} workers in ${consSeconds.toFixed(1)} s ` +
      `(per shard on its worker: ${r.subposteriors.map((s) => s.seconds.toFixed(1)).join(", ")} s; ${divergences} divergences)`,
  );
  log(`wall time consensus / full = ${(consSeconds / fullSeconds).toFixed(2)}`);
  const err = (a: ReturnType<typeof columnMeansAndSds>) =>
    Array.from({ length: d }, (_, j) => Math.abs(a.mean[j] - full.mean[j]) / full.sd[j]);
  const ratio = (a: ReturnType<typeof columnMeansAndSds>) =>
    Array.from({ length: d }, (_, j) => a.sd[j] / full.sd[j]);
  const fmt = (xs: number[]) =>
    `max ${Math.max(...xs).toFixed(3)}, mean ${(xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(3)}`;
  const sdFmt = (xs: number[]) => `range [${Math.min(...xs).toFixed(3)}, ${Math.max(...xs).toFixed(3)}]`;
  log(`consensus  |mean − full mean| / full sd: ${fmt(err(cons))}; sd / full sd: ${sdFmt(ratio(cons))}`);
  log(`parametric |mean − full mean| / full sd: ${fmt(err(par))}; sd / full sd: ${sdFmt(ratio(par))}`);
  const e = err(cons);
  const worst = e.indexOf(Math.max(...e));
  log(
    `worst coefficient: beta[${worst}] (full-data mean ${full.mean[worst].toFixed(4)}, sd ${full.sd[worst].toFixed(4)}); ` +
      `all errors: ${e.map((x) => x.toFixed(3)).join(" ")}`,
  );
  // Split-half noise: consensus of each half has noise variance 2σ², their difference 4σ² (σ: the noise of the
  // full-draws consensus), so σ ≈ rms(difference) / 2.
  const half = Math.floor(numSamples / 2);
  const halfDraws = (h: 0 | 1) =>
    r.subposteriors.map((sp) => {
      const beta = Float64Array.from(sp.draws.beta.dataSync());
      return { beta: { data: beta.subarray(h * half * d, (h + 1) * half * d), shape: [half, d] } };
    });
  const c0 = columnMeansAndSds(Float64Array.from(consensus(halfDraws(0)).beta.dataSync()), d);
  const c1 = columnMeansAndSds(Float64Array.from(consensus(halfDraws(1)).beta.dataSync()), d);
  const rms = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);
  const noise = rms(Array.from({ length: d }, (_, j) => (c0.mean[j] - c1.mean[j]) / full.sd[j])) / 2;
  const total = rms(e);
  log(
    `error split: rms ${total.toFixed(3)} sd = estimator noise ${noise.toFixed(3)} (split halves) ⊕ ` +
      `rest ${Math.sqrt(Math.max(0, total * total - noise * noise)).toFixed(3)} (bias, full-data run's own error)`,
  );
  log(`target: consensus means within 0.1 sd → ${Math.max(...e) < 0.1 ? "met" : "NOT met"}`);
} finally {
  for (const w of workers) await w.stop();
  await redis.stop();
}
