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
 * The eight-schools run the interop test converts: a real Phlox NUTS run of the non-centred model (mu, tau,
 * theta_raw, deterministic theta) with its sample stats.
 * @param numChains - chains (default 4).
 * @param numDraws - draws per chain (default 500).
 * @returns a {@link McmcSource}.
 */
export async function eightSchoolsRun(numChains = 4, numDraws = 500): Promise<McmcSource> {
  const { HalfCauchy, Normal } = await import("@phlox/distributions");
  const { deterministic, plate, sample } = await import("@phlox/handlers");
  const { MCMC, NUTS } = await import("@phlox/mcmc");
  const { tensor } = await import("@phlox/tensor");
  type T = ReturnType<typeof tensor>;
  const model = (sigma: T, y: T) => {
    const mu = sample("mu", new Normal(0, 5));
    const tau = sample("tau", new HalfCauchy(5));
    plate("school", 8, () => {
      const z = sample("theta_raw", new Normal(0, 1));
      const theta = deterministic("theta", mu.add(tau.mul(z)));
      sample("obs", new Normal(theta, sigma), { obs: y });
    });
  };
  const mcmc = new MCMC(new NUTS(model), {
    numWarmup: numDraws,
    numSamples: numDraws,
    numChains,
    progressBar: false,
  });
  await mcmc.run(2026, tensor([...EIGHT_SCHOOLS.sigma]), tensor([...EIGHT_SCHOOLS.y]));
  return eightSchoolsSource(
    mcmc.getSamples({ groupByChain: true }) as SampleRecord,
    mcmc.getExtraFields({ groupByChain: true }) as SampleRecord,
  );
}
