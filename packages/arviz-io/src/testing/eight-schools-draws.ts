import type { McmcSource, SampleRecord } from "../from-mcmc.js";

/** Eight schools data (Rubin 1981): effect estimates and their standard errors. */
export const EIGHT_SCHOOLS = {
  y: [28, 8, -3, 7, -1, 1, 18, 12],
  sigma: [15, 10, 16, 11, 9, 11, 10, 18],
  schools: [
    "Choate",
    "Deerfield",
    "Phillips Andover",
    "Phillips Exeter",
    "Hotchkiss",
    "Lawrenceville",
    "St. Paul's",
    "Mt. Hermon",
  ],
} as const;

/** mulberry32: a small seeded PRNG, so the synthetic draws are identical on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * Builds the {@link McmcSource} the interop test converts from posterior draws and NUTS extra fields: adds the
 * pointwise log-likelihood of `obs` (normal, from `theta` `[chain, draw, 8]`) and the observations.
 * @param samples - must contain `theta` with shape `[chain, draw, 8]`.
 * @param extraFields - the sampler's extra fields, `[chain, draw]` each.
 * @returns the source.
 */
export function eightSchoolsSource(samples: SampleRecord, extraFields: SampleRecord): McmcSource {
  const theta = samples.theta as { data: Float64Array; shape: number[] };
  const [C, D] = theta.shape;
  const ll = new Float64Array(C * D * 8);
  for (let i = 0; i < C * D; i++) {
    for (let k = 0; k < 8; k++) {
      const sd = EIGHT_SCHOOLS.sigma[k];
      const e = (EIGHT_SCHOOLS.y[k] - theta.data[i * 8 + k]) / sd;
      ll[i * 8 + k] = -0.5 * e * e - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
    }
  }
  return {
    getSamples: () => samples,
    getExtraFields: () => extraFields,
    logLikelihood: () => ({ obs: { data: ll, shape: [C, D, 8] } }),
    observations: () => ({ obs: { data: Float64Array.from(EIGHT_SCHOOLS.y), shape: [8] } }),
  };
}

/**
 * The eight-schools run the interop test converts. TODAY: deterministic synthetic draws shaped like a NUTS
 * run of the non-centred model (AR(1)-autocorrelated `mu`, `tau`, `theta_raw`, deterministic `theta`, NUTS
 * extra fields) — `@phlox/mcmc` was not ready when this package was written.
 * INTEGRATOR: replace the synthetic block below with a real run, e.g. as packages/mcmc/src/eight-schools.test.ts
 * does: `const mcmc = new MCMC(new NUTS({ potentialFn, dim: 10, postprocessFn }), { numWarmup: 500,
 * numSamples: 500, numChains: 4, progressBar: false }); await mcmc.run(2026);` then
 * `return eightSchoolsSource(mcmc.getSamples({ groupByChain: true }), mcmc.getExtraFields({ groupByChain: true }))`
 * (scalar sites must have shape `[chain, draw]`: return `{ data, shape: [] }` from postprocessFn for mu and tau).
 * Nothing else in the interop test needs to change.
 * @param numChains - chains (default 4).
 * @param numDraws - draws per chain (default 500).
 * @returns a {@link McmcSource}.
 */
export async function eightSchoolsRun(numChains = 4, numDraws = 500): Promise<McmcSource> {
  const u = prng(20261126);
  const z = normal(u);
  const C = numChains;
  const D = numDraws;
  const n = C * D;
  const mu = new Float64Array(n);
  const tau = new Float64Array(n);
  const thetaRaw = new Float64Array(n * 8);
  const theta = new Float64Array(n * 8);
  const rho = 0.6;
  const s = Math.sqrt(1 - rho * rho);
  for (let c = 0; c < C; c++) {
    let m = z();
    let lt = z();
    const r = Array.from({ length: 8 }, () => z());
    for (let d = 0; d < D; d++) {
      m = rho * m + s * z();
      lt = rho * lt + s * z();
      const i = c * D + d;
      mu[i] = 4.4 + 3.3 * m;
      tau[i] = Math.exp(1.0 + 0.8 * lt);
      for (let k = 0; k < 8; k++) {
        r[k] = rho * r[k] + s * z();
        thetaRaw[i * 8 + k] = r[k];
        theta[i * 8 + k] = mu[i] + tau[i] * r[k];
      }
    }
  }
  const pe = new Float64Array(n);
  const energy = new Float64Array(n);
  const diverging = new Uint8Array(n);
  const numSteps = new Int32Array(n);
  const accept = new Float64Array(n);
  const stepSize = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let k = 0; k < 8; k++) {
      const e = (EIGHT_SCHOOLS.y[k] - theta[i * 8 + k]) / EIGHT_SCHOOLS.sigma[k];
      lp -= 0.5 * e * e + 0.5 * thetaRaw[i * 8 + k] ** 2;
    }
    pe[i] = -lp;
    energy[i] = pe[i] + 0.5 * (z() ** 2 + z() ** 2 + z() ** 2);
    diverging[i] = u() < 0.02 ? 1 : 0;
    numSteps[i] = 2 ** Math.floor(1 + 4 * u()) - 1;
    accept[i] = 0.5 + 0.5 * u();
    stepSize[i] = 0.3 + 0.05 * Math.floor(i / D);
  }
  const cd = (data: Float64Array | Int32Array | Uint8Array, rest: number[] = []) => ({
    data,
    shape: [C, D, ...rest],
  });
  const samples: SampleRecord = {
    mu: cd(mu),
    tau: cd(tau),
    theta_raw: cd(thetaRaw, [8]),
    theta: cd(theta, [8]),
  };
  const extraFields: SampleRecord = {
    potential_energy: cd(pe),
    energy: cd(energy),
    diverging: { data: diverging, shape: [C, D], dtype: "bool" },
    num_steps: cd(numSteps),
    accept_prob: cd(accept),
    "adapt_state.step_size": cd(stepSize),
  };
  return eightSchoolsSource(samples, extraFields);
}
