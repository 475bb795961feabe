/**
 * A two-state hidden Markov model with Gaussian emissions, the hidden states summed out by the forward
 * algorithm (a `scan` over time with logSumExp). NumPyro would enumerate the states; the marginal is the same.
 */
import {
  Categorical,
  Dirichlet,
  HalfNormal,
  ImproperUniform,
  Normal,
  orderedVector,
} from "@phlox/distributions";
import { configEnumerate, factor, markov, sample } from "@phlox/handlers";
import { cast, log, logSumExp, scan, slice, squeeze, type Tensor, take, tensor } from "@phlox/tensor";
import { normals, uniforms } from "../simulate.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult } from "./example.js";

export const TRUE = {
  trans: [
    [0.9, 0.1],
    [0.2, 0.8],
  ],
  mu: [-1, 1.5],
  sigma: [0.5, 0.5],
};

/** Forward algorithm: log p(y | trans, mu, sigma) with a uniform initial state. */
export function hmmLogLik(y: Tensor, trans: Tensor, mu: Tensor, sigma: Tensor): Tensor {
  const emission = new Normal(mu, sigma);
  const logA = log(trans);
  const y0 = slice(y, [0], [1]);
  const alpha0 = emission.logProb(y0).add(Math.log(0.5));
  const [alphaT] = scan(
    (alpha: Tensor, yt: Tensor) => {
      const next = logSumExp(alpha.reshape([2, 1]).add(logA), 0).add(emission.logProb(yt));
      return [next, null];
    },
    alpha0,
    slice(y, [1], [y.shape[0] as number]),
  );
  return logSumExp(alphaT);
}

/** Transition rows ~ Dirichlet, ordered emission means, per-state scales; the states marginalised. */
export function hmm(y: Tensor): void {
  const trans = sample(
    "trans",
    new Dirichlet(
      tensor([
        [2, 1],
        [1, 2],
      ]),
    ).toEvent(1),
  );
  const mu = sample("mu", new ImproperUniform(orderedVector, [], [2]));
  factor("mu_prior", new Normal(0, 3).logProb(mu).sum());
  const sigma = sample("sigma", new HalfNormal(2).expand([2]).toEvent(1));
  factor("y", hmmLogLik(y, trans, mu, sigma));
}

/**
 * The same HMM written as NumPyro's hmm_enum.py writes it: one Categorical state site per step inside a `markov`
 * loop, enumerated, so each step's state is summed out against the previous one only (O(T·K²)).
 */
export const hmmEnumerated = configEnumerate((y: Tensor): void => {
  const trans = sample(
    "trans",
    new Dirichlet(
      tensor([
        [2, 1],
        [1, 2],
      ]),
    ).toEvent(1),
  ) as Tensor;
  const mu = sample("mu", new ImproperUniform(orderedVector, [], [2])) as Tensor;
  factor("mu_prior", new Normal(0, 3).logProb(mu).sum());
  const sigma = sample("sigma", new HalfNormal(2).expand([2]).toEvent(1)) as Tensor;
  const T = y.shape[0] as number;
  let x: Tensor | null = null;
  for (const t of markov(Array.from({ length: T }, (_, i) => i))) {
    const probs = x === null ? tensor([0.5, 0.5]) : take(trans, x, 0);
    x = cast(sample(`x_${t}`, new Categorical({ probs })) as Tensor, "int32");
    sample(`y_${t}`, new Normal(take(mu, x), take(sigma, x)), { obs: squeeze(slice(y, [t], [t + 1]), 0) });
  }
});

/** 200 steps of the chain (seeded), each emitting Normal(mu[state], sigma[state]). */
export function simulate(T = 200): { y: Tensor; states: number[] } {
  const u = uniforms(71, [T]).dataSync();
  const z = normals(72, [T]).dataSync();
  const states: number[] = [];
  const y: number[] = [];
  let s = 0;
  for (let t = 0; t < T; t++) {
    if (t > 0) s = (u[t] as number) < (TRUE.trans[s]?.[0] as number) ? 0 : 1;
    states.push(s);
    y.push((TRUE.mu[s] as number) + (TRUE.sigma[s] as number) * (z[t] as number));
  }
  return { y: tensor(y), states };
}

export const meta: ExampleMeta = {
  id: "hmm",
  title: "Hidden Markov model",
  numpyro: "examples: hmm.py / hmm_enum.py",
  description:
    "200 observations of a sticky two-state chain with Gaussian emissions, written as hmm_enum.py writes it: one " +
    "Categorical state per step in a markov loop, enumerated, so NUTS samples the transition matrix, the ordered " +
    "means and the scales with the states summed out step by step. The same marginal written by hand as a scan " +
    "forward algorithm (`hmm`, also exported) sets up about 10× faster, because the markov loop is unrolled; the " +
    "model-level `scan` now enumerates the states too (one compiled loop), which is the better choice for long " +
    `chains. Recovers mu = [${TRUE.mu}] and the stay probabilities 0.9 and 0.8.`,
  plotSites: ["trans", "mu", "sigma"],
  defaults: { numWarmup: 400, numSamples: 400, numChains: 2 },
};

/** Simulates the chain and fits the enumerated HMM with NUTS (`options.handWritten` fits the scan version). */
export async function run(options: RunOptions & { handWritten?: boolean } = {}): Promise<RunResult> {
  const { y } = simulate();
  const model = options.handWritten ? hmm : hmmEnumerated;
  const { result } = await fitNuts(meta, model, [y], options, { trueMu: TRUE.mu, trueStay: [0.9, 0.8] });
  return result;
}
