import type { McmcSource } from "../from-mcmc.js";

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
 * The eight-schools run the interop test converts: a real Phlox NUTS run of the non-centred model (mu, tau,
 * theta_raw, deterministic theta) with its sample stats, pointwise log-likelihood and observations.
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
  // The real MCMC object is the source: its logLikelihood() and observations() come from the model.
  return mcmc as McmcSource;
}
