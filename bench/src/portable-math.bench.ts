/**
 * Benchmark: what engine-independent elementary functions (`setEngineIndependentMath(true)` in
 * @phlox/backend-js: exp, log, log1p, expm1, sin, cos, tan, tanh written in plain double arithmetic instead of
 * the engine's `Math.*`) cost in generated code, measured side by side in one process:
 *  1. the logistic model's potential (N = 20k, D = 20, Bernoulli with logits), value + gradient;
 *  2. eight schools (non-centred) NUTS end to end, 1 chain, 1000 warmup + 1000 draws, key 0.
 * Blocks alternate between the two modes; times are CPU times of this process (`process.cpuUsage`).
 * Asserts nothing. Run from the repository root:
 *   node --conditions=@phlox/source --import tsx bench/src/portable-math.bench.ts
 */
import { setEngineIndependentMath } from "@phlox/backend-js";
import { Bernoulli, HalfCauchy, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import { key, type Tensor, tensor } from "@phlox/tensor";

const N = 20_000;
const D = 20;

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function data(): { X: Float64Array; Y: Float64Array } {
  let s = 12345;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const X = new Float64Array(N * D);
  const Y = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let eta = 0.5;
    for (let j = 0; j < D; j++) {
      const v = (rnd() - 0.5) * 3.4;
      X[i * D + j] = v;
      eta += v * (((j % 5) - 2) * 0.5);
    }
    Y[i] = rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X, Y };
}

function logistic(x: Tensor, y?: Tensor): void {
  const alpha = sample("alpha", new Normal(0, 5));
  const b = sample("beta", new Normal(0, 2.5).expand([D]).toEvent(1));
  plate("data", N, () => sample("y", new Bernoulli({ logits: x.matmul(b).add(alpha) }), { obs: y }));
}

function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0] as number, () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

// 1. logistic value + gradient
const { X, Y } = data();
const Xt = tensor(X, { shape: [N, D] }) as Tensor;
const Yt = tensor(Y) as Tensor;
const z = new Float64Array(D + 1).map((_, i) => 0.01 * i);
const g = new Float64Array(D + 1);
const potentials = [false, true].map((on) => {
  setEngineIndependentMath(on);
  const info = initializeModel(0, logistic, [Xt, Yt]);
  info.potentialFn(z, g); // compiles now, under this mode
  return info.potentialFn;
});
setEngineIndependentMath(false);
const [v0, v1] = potentials.map((f) => f(z, g));
let sink = 0;
const block = (f: (z: Float64Array, g: Float64Array) => number, calls: number): number => {
  const c0 = cpuMs();
  for (let i = 0; i < calls; i++) {
    z[0] = (z[0] as number) + 1e-13;
    sink += f(z, g);
  }
  return (cpuMs() - c0) / calls;
};
for (const f of potentials) block(f, 60); // warm up
const t: number[][] = [[], []];
for (let r = 0; r < 12; r++) for (let m = 0; m < 2; m++) t[m]?.push(block(potentials[m] as never, 30));
const lg = [median(t[0] as number[]), median(t[1] as number[])] as const;
console.log(
  `logistic N=${N} D=${D} value+grad: Math.* ${lg[0].toFixed(3)} ms, portable ${lg[1].toFixed(3)} ms, ratio ${(lg[1] / lg[0]).toFixed(3)}  (|Δ potential| ${Math.abs((v0 as number) - (v1 as number)).toExponential(1)})`,
);

// 2. eight schools NUTS end to end
const sigma = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
const y = tensor([28, 8, -3, 7, -1, 1, 18, 12]);
async function nuts(on: boolean): Promise<{ ms: number; mu: number }> {
  setEngineIndependentMath(on);
  const c0 = cpuMs();
  const mcmc = new MCMC(new NUTS(eightSchools), {
    numWarmup: 500,
    numSamples: 500,
    numChains: 1,
    progressBar: false,
  });
  await mcmc.run(key(0), sigma, y);
  const ms = cpuMs() - c0;
  const mu = (mcmc.getSamples().mu as Tensor).mean().item() as number;
  setEngineIndependentMath(false);
  return { ms, mu };
}
await nuts(false); // warm up both
await nuts(true);
const e: number[][] = [[], []];
const mus: number[] = [0, 0];
for (let r = 0; r < 7; r++)
  for (let m = 0; m < 2; m++) {
    const res = await nuts(m === 1);
    e[m]?.push(res.ms);
    mus[m] = res.mu;
  }
const es = [median(e[0] as number[]), median(e[1] as number[])] as const;
console.log(
  `eight schools NUTS 1×(1000+1000): Math.* ${es[0].toFixed(0)} ms, portable ${es[1].toFixed(0)} ms, ratio ${(es[1] / es[0]).toFixed(3)}  (mean mu ${mus[0]?.toFixed(3)} vs ${mus[1]?.toFixed(3)})`,
);
if (sink === 42) console.log("");
