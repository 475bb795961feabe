import {
  Bernoulli,
  Categorical,
  Dirichlet,
  HalfNormal,
  ImproperUniform,
  LogNormal,
  MixtureSameFamily,
  MultivariateNormal,
  Normal,
  orderedVector,
} from "@phlox/distributions";
import { factor, plate, reparam, sample } from "@phlox/handlers";
import { exp, eye, key, log, logSumExp, square, sub, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { initializeModel } from "./initialize-model.js";
import { LocScaleReparam } from "./reparam/loc-scale.js";

function logistic(X: Tensor, y?: Tensor) {
  const [n, d] = X.shape;
  const alpha = sample("alpha", new Normal(0, 5));
  const beta = sample("beta", new Normal(0, 2.5).expand([d]).toEvent(1));
  plate("data", n, () => sample("y", new Bernoulli({ logits: X.matmul(beta).add(alpha) }), { obs: y }));
}
function radon(county: Tensor, floor: Tensor, nCounties: number, logRadon?: Tensor) {
  const muA = sample("mu_a", new Normal(0, 10));
  const sigmaA = sample("sigma_a", new HalfNormal(5));
  const a = plate("county", nCounties, () => sample("a", new Normal(muA, sigmaA)));
  const b = sample("b", new Normal(0, 10));
  const sigma = sample("sigma", new HalfNormal(5));
  plate("house", county.shape[0], () =>
    sample("log_radon", new Normal(a.take(county).add(b.mul(floor)), sigma), { obs: logRadon }),
  );
}
function gp(x: Tensor, y?: Tensor) {
  const rho = sample("rho", new LogNormal(0, 1));
  const alpha = sample("alpha", new HalfNormal(2));
  const sigma = sample("sigma", new HalfNormal(1));
  const d = sub(x.reshape([-1, 1]), x.reshape([1, -1]));
  const K = square(alpha)
    .mul(exp(square(d).div(square(rho)).mul(-0.5)))
    .add(eye(x.shape[0]).mul(square(sigma)));
  sample("y", new MultivariateNormal(0, { covarianceMatrix: K }), { obs: y });
}
function mixture(y: Tensor) {
  const n = y.shape[0];
  const w = sample("w", new Dirichlet([1, 1]));
  const mu = sample("mu", new ImproperUniform(orderedVector, [], [2]));
  factor("mu_prior", new Normal(0, 2).logProb(mu).sum());
  const sigma = sample("sigma", new HalfNormal(2).expand([2]).toEvent(1));
  plate("data", n, () =>
    sample("y", new MixtureSameFamily(new Categorical({ probs: w }), new Normal(mu, sigma)), { obs: y }),
  );
}
function hmm(y: Tensor, K: number) {
  const theta = plate("state", K, () => sample("theta", new Dirichlet(new Array(K).fill(1))));
  const mu = sample("mu", new Normal(0, 10).expand([K]).toEvent(1));
  const logTheta = log(theta);
  let alpha = new Normal(mu, 1).logProb(y.take(0));
  for (let t = 1; t < y.shape[0]; t++) {
    alpha = logSumExp(alpha.reshape([K, 1]).add(logTheta), 0).add(new Normal(mu, 1).logProb(y.take(t)));
  }
  factor("lik", logSumExp(alpha, 0));
}

const cases: [string, (...a: never[]) => unknown, unknown[]][] = [
  [
    "logistic",
    logistic,
    [
      tensor([
        [1, 2],
        [0.5, -1],
        [0, 1],
      ]),
      tensor([1, 0, 1]),
    ],
  ],
  [
    "radon",
    reparam(radon, { a: new LocScaleReparam(0) }),
    [tensor([0, 1, 1, 2], { dtype: "int32" }), tensor([0, 1, 0, 1]), 3, tensor([1, 2, 1.5, 0.3])],
  ],
  ["gp", gp, [tensor([0, 0.5, 1, 2]), tensor([0.1, 0.3, -0.2, 0.5])]],
  ["mixture", mixture, [tensor([-1, -1.2, 2, 2.2, 1.9])]],
  ["hmm", hmm, [tensor([0.1, 2, 2.2, -0.3, 0]), 2]],
];
const layouts: Record<string, string> = {
  logistic: "alpha[] beta[2]",
  radon: "mu_a[] sigma_a[] a_decentered[3] b[] sigma[]",
  gp: "rho[] alpha[] sigma[]",
  mixture: "w[1] mu[2] sigma[2]",
  hmm: "theta[2,1] mu[2]",
};

describe("the five models of API-SKETCH.md", () => {
  for (const [name, model, args] of cases) {
    it(`${name}: initializeModel compiles the potential, which equals eager autodiff in value and gradient`, () => {
      const info = initializeModel(key(0), model, args);
      const eager = initializeModel(key(0), model, args, { jit: false });
      expect(info.compiled).toBe(true);
      expect(info.layout.map((l) => `${l.name}${JSON.stringify(l.shape)}`).join(" ")).toBe(layouts[name]);
      const g1 = new Float64Array(info.dim);
      const g2 = new Float64Array(info.dim);
      const u1 = info.potentialFn(info.initialZ, g1);
      const u2 = eager.potentialFn(info.initialZ, g2);
      expect(Math.abs(u1 - u2)).toBeLessThan(1e-9 * (1 + Math.abs(u2)));
      for (let i = 0; i < info.dim; i++)
        expect(Math.abs(g1[i] - g2[i])).toBeLessThan(1e-8 * (1 + Math.abs(g2[i])));
    });
  }
});
