import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample, subsample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { matmul, type Tensor, take, tensor } from "@phlox/tensor";
import { Adam, exponentialDecay, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoDelta } from "./auto-delta.js";
import { AutoMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoDiagonalNormal, AutoNormal } from "./auto-normal.js";

/** A Float64Array copy of a tensor's elements. */
const f64 = (t: { dataSync(): ArrayLike<number> }): Float64Array => Float64Array.from(t.dataSync());

// Bayesian logistic regression, β ~ N(0, 1)³; the likelihood in a plate subsampled to `batch` rows.
const N = 2000;
const D = 3;
const TRUE = [1, -0.5, 0.25];
let s = 12345;
const u = () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return (s + 0.5) / 4294967296;
};
const xs = new Float64Array(N * D);
const ys = new Float64Array(N);
for (let i = 0; i < N; i++) {
  let eta = 0;
  for (let j = 0; j < D; j++) {
    xs[i * D + j] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    eta += TRUE[j] * xs[i * D + j];
  }
  ys[i] = u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
}
const X = tensor(xs, { shape: [N, D] });
const y = tensor(ys);

const logistic = (batch: number) => (Xs: Tensor, yObs: Tensor) => {
  const beta = sample("beta", new Normal(tensor([0, 0, 0]), 1).toEvent(1));
  plate(
    "N",
    N,
    () => {
      const xb = subsample(Xs, 1);
      const yb = subsample(yObs, 0);
      sample("y", new Bernoulli({ logits: matmul(xb, beta) }), { obs: yb });
    },
    batch < N ? { subsampleSize: batch } : {},
  );
};

function moments(draws: Float64Array, d: number) {
  const n = draws.length / d;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += draws[r * d + j] / n;
  for (let r = 0; r < n; r++)
    for (let j = 0; j < d; j++) sd[j] += (draws[r * d + j] - mean[j]) ** 2 / (n - 1);
  return { mean, sd: sd.map(Math.sqrt) };
}

describe("autoguides on models with subsampled plates (minibatch SVI)", () => {
  it("AutoNormal on a logistic regression, minibatches of 100 of 2000: within 10% of full-data NUTS", async () => {
    const mcmc = new MCMC(new NUTS(logistic(N)), { numWarmup: 500, numSamples: 2000, progressBar: false });
    await mcmc.run(0, X, y);
    const nuts = moments(f64(mcmc.getSamples().beta), D);

    const model = logistic(100);
    const guide = new AutoNormal(model);
    const svi = new SVI(model, guide, new Adam(exponentialDecay(0.02, 8000, 0.02)), new TraceELBO());
    const { params, losses } = svi.run(1, 8000, X, y);
    expect(losses.every(Number.isFinite)).toBe(true);
    const loc = params.beta_auto_loc.dataSync();
    const scale = params.beta_auto_scale.dataSync();
    for (let j = 0; j < D; j++) {
      expect(Math.abs(loc[j] - nuts.mean[j])).toBeLessThan(0.1 * Math.abs(nuts.mean[j]));
      expect(Math.abs(scale[j] / nuts.sd[j] - 1)).toBeLessThan(0.1);
    }
  }, 240_000);

  it("every particle draws its own minibatch from its key: same key, same loss; the full-data potential is its mean", () => {
    const model = logistic(100);
    const setup = new AutoDiagonalNormal(model).setup(3, [X, y]);
    const u0 = setup.initialParams();
    const eps = new Float64Array(setup.noiseDim);
    const g = new Float64Array(setup.numParams);
    const a = setup.particle(u0, eps, g, "elbo", 1, 2);
    const b = setup.particle(u0, eps, g, "elbo", 5, 6);
    expect(setup.particle(u0, eps, g, "elbo", 1, 2)).toBe(a);
    expect(b).not.toBe(a);
    // Averaged over many minibatches, the scaled minibatch loss estimates the full-data loss without bias.
    const full = new AutoDiagonalNormal(logistic(N)).setup(3, [X, y]);
    const target = full.particle(u0, eps, new Float64Array(full.numParams), "elbo", 0, 0);
    let acc = 0;
    const M = 400;
    for (let k = 0; k < M; k++) acc += setup.particle(u0, eps, g, "elbo", 7, k);
    expect(Math.abs(acc / M - target)).toBeLessThan(0.02 * Math.abs(target));
  });

  it("AutoDelta and AutoMultivariateNormal run on subsampled plates too", () => {
    const model = logistic(200);
    for (const guide of [new AutoDelta(model), new AutoMultivariateNormal(model)]) {
      const { losses } = new SVI(model, guide, new Adam(0.02), new TraceELBO()).run(2, 300, X, y);
      expect(losses.every(Number.isFinite)).toBe(true);
    }
  });

  it("local latents in a full plate beside a subsampled data plate: group means recovered", () => {
    // 4 groups with means θ_g ~ N(0, 2); 800 observations y_i ~ N(θ_{g(i)}, 1) in a plate subsampled to 80.
    const G = 4;
    const M = 800;
    const theta = [-2, -0.5, 1, 2.5];
    const group = Int32Array.from({ length: M }, (_, i) => i % G);
    const obs = Float64Array.from(
      { length: M },
      (_, i) => theta[i % G] + Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()),
    );
    const hier = (gIdx: Tensor, yObs: Tensor) => {
      const th = plate("groups", G, () => sample("theta", new Normal(0, 2)));
      plate(
        "data",
        M,
        () => {
          const g = subsample(gIdx, 0);
          sample("y", new Normal(take(th, g, 0), 1), { obs: subsample(yObs, 0) });
        },
        { subsampleSize: 80 },
      );
    };
    const guide = new AutoNormal(hier);
    const { params } = new SVI(
      hier,
      guide,
      new Adam(exponentialDecay(0.05, 3000, 0.02)),
      new TraceELBO(),
    ).run(4, 3000, tensor(group, { dtype: "int32" }), tensor(obs));
    // Exact posterior of each group mean: precision 1/4 + n_g, mean Σy_g / precision; sd ≈ 0.07.
    for (let g = 0; g < G; g++) {
      const ys = Array.from(obs).filter((_, i) => i % G === g);
      const prec = 0.25 + ys.length;
      const mean = ys.reduce((a, b) => a + b, 0) / prec;
      expect(Math.abs(params.theta_auto_loc.dataSync()[g] - mean)).toBeLessThan(0.5 / Math.sqrt(prec));
      expect(Math.abs(params.theta_auto_scale.dataSync()[g] * Math.sqrt(prec) - 1)).toBeLessThan(0.25);
    }
  });

  it("AutoMultivariateNormal refuses a local latent variable inside a subsampled plate, naming the site and the plate", () => {
    const local = (yObs: Tensor) => {
      plate(
        "N",
        N,
        () => {
          const z = sample("z", new Normal(0, 1));
          sample("y", new Normal(z, 1), { obs: subsample(yObs, 0) });
        },
        { subsampleSize: 10 },
      );
    };
    expect(() => new AutoMultivariateNormal(local).setup(0, [y])).toThrow(
      /latent site "z" is inside the subsampled plate\("N", 2000, \{ subsampleSize: 10 \}\)/,
    );
  });
});
