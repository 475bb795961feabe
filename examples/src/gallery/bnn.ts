/** A Bayesian neural network: two tanh hidden layers, Normal(0, 1) weights, sampled with NUTS (NumPyro's bnn.py). */
import { Gamma, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { concatenate, linspace, matmul, ones, sin, type Tensor, tanh } from "@phlox/tensor";
import { normals } from "../simulate.js";
import { type ExampleMeta, fitNuts, type RunOptions, type RunResult, type SiteDraws } from "./example.js";

export const HIDDEN = 5;
export const NOISE = 0.1;

/** Network on features [x, 1]: z1 = tanh(X w1), z2 = tanh(z1 w2), y ~ Normal(z2 w3, 1/√prec). */
export function bnn(X: Tensor, y?: Tensor): void {
  const w1 = sample("w1", new Normal(0, 1).expand([2, HIDDEN]).toEvent(2));
  const w2 = sample("w2", new Normal(0, 1).expand([HIDDEN, HIDDEN]).toEvent(2));
  const w3 = sample("w3", new Normal(0, 1).expand([HIDDEN]).toEvent(1));
  const prec = sample("prec_obs", new Gamma(3, 1));
  const mean = matmul(tanh(matmul(tanh(matmul(X, w1)), w2)), w3);
  plate("data", X.shape[0] as number, () => sample("y", new Normal(mean, prec.rsqrt()), { obs: y }));
}

/** 40 points of sin(2x)/2 on [−2, 2] with Normal(0, 0.1) noise; features [x, 1]. */
export function simulate(n = 40): { x: Tensor; X: Tensor; y: Tensor; f: Tensor } {
  const x = linspace(-2, 2, n);
  const f = sin(x.mul(2)).mul(0.5);
  const X = concatenate([x.reshape([n, 1]), ones([n, 1])], 1);
  return { x, X, y: f.add(normals(121, [n]).mul(NOISE)), f };
}

/** Posterior-mean prediction at the rows of X, averaging the network over every draw (plain JS). */
export function predictMean(X: Tensor, draws: Record<string, SiteDraws>): number[] {
  const x = X.dataSync();
  const n = X.shape[0] as number;
  const w1 = draws.w1 as SiteDraws;
  const w2 = draws.w2 as SiteDraws;
  const w3 = draws.w3 as SiteDraws;
  const S = (w1.shape[0] as number) * (w1.shape[1] as number);
  const H = HIDDEN;
  const out = new Array<number>(n).fill(0);
  const z1 = new Float64Array(H);
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < n; i++) {
      for (let h = 0; h < H; h++) {
        z1[h] = Math.tanh(
          (x[2 * i] as number) * (w1.data[s * 2 * H + h] as number) +
            (x[2 * i + 1] as number) * (w1.data[s * 2 * H + H + h] as number),
        );
      }
      let m = 0;
      for (let h = 0; h < H; h++) {
        let a = 0;
        for (let k = 0; k < H; k++) a += (z1[k] as number) * (w2.data[s * H * H + k * H + h] as number);
        m += Math.tanh(a) * (w3.data[s * H + h] as number);
      }
      out[i] = (out[i] as number) + m / S;
    }
  }
  return out;
}

export const meta: ExampleMeta = {
  id: "bnn",
  title: "Bayesian neural network",
  numpyro: "examples: bnn.py",
  description:
    "A 2-5-5-1 tanh network with standard-normal weights fitted to 40 noisy points of sin(2x)/2 by NUTS over all " +
    "40 weights and the noise precision. The posterior-mean prediction follows the true curve (root mean square " +
    "error well under the prior's spread).",
  plotSites: ["prec_obs", "w3"],
  defaults: { numWarmup: 300, numSamples: 300, numChains: 2 },
};

/** Simulates the points, fits the network with NUTS and scores the posterior-mean prediction. */
export async function run(options: RunOptions = {}): Promise<RunResult> {
  const { X, y, f } = simulate();
  const { result } = await fitNuts(meta, bnn, [X, y], options);
  const pred = predictMean(X, result.draws);
  const truth = f.dataSync();
  const rmse = Math.sqrt(pred.reduce((s, p, i) => s + (p - (truth[i] as number)) ** 2, 0) / pred.length);
  result.extra = { rmse, noise: NOISE };
  return result;
}
