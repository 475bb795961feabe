/**
 * HMCECS vs full-data NUTS on a simulated logistic regression, and NumPyro's HMCECS on the same data.
 * Run (from the repo root):
 *   node --conditions=@phlox/source --max-old-space-size=8192 --import ./packages/mcmc/bench/register-ts.mjs \
 *     packages/mcmc/bench/hmcecs-vs-nuts.ts [N=1000000] [D=20] [warmup=300] [samples=300] [python] [degree=2] \
 *     [taylorTableMax]
 * The data (X ~ N(0, 1), true coefficients ~ N(0, 0.5²), y ~ Bernoulli(logits = Xβ)) are generated here and
 * written to a temporary file for the NumPyro run (`hmcecs_numpyro.py`, given a python with NumPyro); nothing is
 * committed. The Taylor proxy's reference point is the MAP, found by Newton's method. Both samplers are
 * NUTS-based, one chain; prints gradient evaluations, wall time, min bulk ESS, ESS/s and the ratios. `taylorTableMax`
 * (HMCECS's option; default its own, 2²⁴) picks between a table of every datum's coefficients (N·(1 + D) at
 * degree 1 within it) and computing each proposal's; pass 0 for the latter at a small N. With HMCECS_ONLY=1 the
 * full-data NUTS run (minutes at N = 1M) is left out.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { essBulk } from "@phlox/diagnostics";
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample, subsample } from "@phlox/handlers";
import { ChainRandom, matmul, type Tensor, tensor } from "@phlox/tensor";
import { NUTS } from "../src/hmc-kernel.js";
import { HMCECS, taylorProxy } from "../src/hmcecs.js";
import { MCMC } from "../src/mcmc.js";

const [N, D, numWarmup, numSamples] = [1_000_000, 20, 300, 300].map((d, i) =>
  Number(process.argv[2 + i] ?? d),
);
const python = process.argv[6] || undefined;
const DEGREE = (Number(process.argv[7] ?? 2) === 1 ? 1 : 2) as 1 | 2;
const TABLE_MAX = process.argv[8] === undefined ? undefined : Number(process.argv[8]);
const M = 1000; // subsample size
const NUM_BLOCKS = 10;

const rng = new ChainRandom([2026, 12]);
const X = new Float64Array(N * D);
for (let i = 0; i < X.length; i++) X[i] = rng.normal();
const beta = Float64Array.from({ length: D }, () => 0.5 * rng.normal());
const y = new Float64Array(N);
for (let i = 0; i < N; i++) {
  let eta = 0;
  for (let j = 0; j < D; j++) eta += X[i * D + j] * beta[j];
  y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
}

/** MAP under the N(0, 1) prior by Newton's method (plain loops). */
function mapEstimate(): Float64Array {
  const b = new Float64Array(D);
  for (let it = 0; it < 25; it++) {
    const g = Float64Array.from(b, (x) => -x);
    const H = new Float64Array(D * D);
    for (let j = 0; j < D; j++) H[j * D + j] = 1;
    for (let i = 0; i < N; i++) {
      let eta = 0;
      for (let j = 0; j < D; j++) eta += X[i * D + j] * b[j];
      const p = 1 / (1 + Math.exp(-eta));
      const w = p * (1 - p);
      for (let j = 0; j < D; j++) {
        g[j] += (y[i] - p) * X[i * D + j];
        for (let k = 0; k <= j; k++) H[j * D + k] += w * X[i * D + j] * X[i * D + k];
      }
    }
    // Solve H·step = g (Cholesky; H is the negative Hessian, positive definite).
    const L = new Float64Array(D * D);
    for (let j = 0; j < D; j++) {
      let s = H[j * D + j];
      for (let k = 0; k < j; k++) s -= L[j * D + k] ** 2;
      L[j * D + j] = Math.sqrt(s);
      for (let i = j + 1; i < D; i++) {
        let t = H[i * D + j];
        for (let k = 0; k < j; k++) t -= L[i * D + k] * L[j * D + k];
        L[i * D + j] = t / L[j * D + j];
      }
    }
    const v = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      let t = g[i];
      for (let k = 0; k < i; k++) t -= L[i * D + k] * v[k];
      v[i] = t / L[i * D + i];
    }
    let size = 0;
    for (let i = D - 1; i >= 0; i--) {
      let t = v[i];
      for (let k = i + 1; k < D; k++) t -= L[k * D + i] * v[k];
      v[i] = t / L[i * D + i];
      size += Math.abs(v[i]);
    }
    for (let j = 0; j < D; j++) b[j] += v[j];
    if (size < 1e-10) break;
  }
  return b;
}

function fullModel(x: Tensor, yy: Tensor): void {
  const coefs = sample("coefs", new Normal(0, 1).expand([D]).toEvent(1)) as Tensor;
  sample("obs", new Bernoulli({ logits: matmul(x, coefs) }), { obs: yy });
}

function subsampledModel(x: Tensor, yy: Tensor): void {
  const coefs = sample("coefs", new Normal(0, 1).expand([D]).toEvent(1)) as Tensor;
  plate(
    "N",
    N,
    () => {
      const xb = subsample(x, 1);
      const yb = subsample(yy, 0);
      sample("obs", new Bernoulli({ logits: matmul(xb, coefs) }), { obs: yb });
    },
    { subsampleSize: M },
  );
}

interface Row {
  name: string;
  wall: number;
  grads: number;
  minEss: number;
  meanErr: number;
}

const xt = tensor(X, { shape: [N, D] });
const yt = tensor(y);
let t0 = performance.now();
const map = mapEstimate();
console.log(`data N=${N} D=${D}; MAP by Newton in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

async function runPhlox(name: string, kernel: NUTS | HMCECS): Promise<Row & { mean: Float64Array }> {
  t0 = performance.now();
  const mcmc = new MCMC(kernel as never, { numWarmup, numSamples, progressBar: false });
  await mcmc.run(0, xt, yt);
  const wall = (performance.now() - t0) / 1000;
  const c = mcmc.getSamples({ groupByChain: true }).coefs;
  const ess = essBulk(c);
  const cd = c.dataSync();
  const f = Float64Array.from(mcmc.getExtraFields().numSteps.dataSync());
  // Kept draws only carry numSteps; warmup transitions are counted at the kept draws' mean rate.
  const steps = f.reduce((a, b) => a + b, 0);
  const grads = Math.round((steps * (numWarmup + numSamples)) / f.length);
  const mean = new Float64Array(D);
  for (let i = 0; i < numSamples; i++) for (let j = 0; j < D; j++) mean[j] += cd[i * D + j] / numSamples;
  const meanErr = Math.max(...Array.from(mean, (m, j) => Math.abs(m - map[j])));
  return { name, wall, grads, minEss: Math.min(...ess), meanErr, mean };
}

const show = (r: Row) => {
  const g = r.name.startsWith("Phlox HMCECS") ? r.grads + numWarmup + numSamples : r.grads;
  console.log(
    `${r.name} | ${r.wall.toFixed(1)} | ${g} | ${r.minEss.toFixed(0)} | ${(r.minEss / r.wall).toFixed(2)} | ${r.meanErr.toFixed(4)}`,
  );
};
console.log(
  `${numWarmup} warmup + ${numSamples} draws, one chain; gradient evaluations = leapfrog steps (HMCECS: + 1 per Gibbs proposal)`,
);
console.log("sampler | wall s | grad evals | min bulk ESS | ESS/s | max |mean − MAP|");
const nuts =
  process.env.HMCECS_ONLY === "1"
    ? undefined
    : await runPhlox("Phlox NUTS (full data, compiled)", new NUTS(fullModel as never));
if (nuts) show(nuts);
const ecsKernel = new HMCECS(new NUTS(subsampledModel as never), {
  numBlocks: NUM_BLOCKS,
  proxy: taylorProxy({ coefs: map }, DEGREE),
  ...(TABLE_MAX === undefined ? {} : { taylorTableMax: TABLE_MAX }),
});
const ecs = await runPhlox(
  `Phlox HMCECS(NUTS), m=${M}, ${NUM_BLOCKS} blocks, Taylor-${DEGREE} at MAP`,
  ecsKernel,
);
show(ecs);
console.log(`(Phlox HMCECS Taylor coefficients: ${JSON.stringify(ecsKernel.taylorModes)})`);

if (python) {
  const dir = mkdtempSync(join(tmpdir(), "phlox-hmcecs-"));
  try {
    writeFileSync(join(dir, "X.bin"), new Uint8Array(X.buffer));
    writeFileSync(join(dir, "y.bin"), new Uint8Array(y.buffer));
    writeFileSync(join(dir, "map.bin"), new Uint8Array(map.buffer));
    const script = fileURLToPath(new URL("./hmcecs_numpyro.py", import.meta.url));
    const args = [script, dir, N, D, numWarmup, numSamples, M, NUM_BLOCKS, DEGREE].map(String);
    const out = execFileSync(python, args, { encoding: "utf8", cwd: tmpdir(), maxBuffer: 1 << 26 });
    show(JSON.parse(out.trim().split("\n").at(-1) as string) as Row);
  } catch (e) {
    console.log(`NumPyro run failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (nuts)
  console.log(
    `ratios HMCECS / NUTS (Phlox): wall ${(ecs.wall / nuts.wall).toFixed(3)}, ESS/s ${(ecs.minEss / ecs.wall / (nuts.minEss / nuts.wall)).toFixed(2)}`,
  );
