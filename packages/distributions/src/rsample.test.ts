import { grad, key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { AsymmetricLaplace } from "./continuous/asymmetric-laplace.js";
import { Beta } from "./continuous/beta.js";
import { Cauchy } from "./continuous/cauchy.js";
import { Exponential } from "./continuous/exponential.js";
import { Gamma } from "./continuous/gamma.js";
import { Gompertz } from "./continuous/gompertz.js";
import { Gumbel } from "./continuous/gumbel.js";
import { HalfCauchy } from "./continuous/half-cauchy.js";
import { HalfNormal } from "./continuous/half-normal.js";
import { InverseGamma } from "./continuous/inverse-gamma.js";
import { Kumaraswamy } from "./continuous/kumaraswamy.js";
import { Laplace } from "./continuous/laplace.js";
import { Levy } from "./continuous/levy.js";
import { LogNormal } from "./continuous/log-normal.js";
import { LogUniform } from "./continuous/log-uniform.js";
import { Logistic } from "./continuous/logistic.js";
import { Normal } from "./continuous/normal.js";
import { Pareto } from "./continuous/pareto.js";
import { SoftLaplace } from "./continuous/soft-laplace.js";
import { StudentT } from "./continuous/student-t.js";
import { Uniform } from "./continuous/uniform.js";
import { Weibull } from "./continuous/weibull.js";
import type { Distribution } from "./distribution.js";
import { reshape, sliceAxis, tanh, values } from "./internal/ops.js";
import { RelaxedBernoulli } from "./meta/relaxed-bernoulli.js";
import { TransformedDistribution } from "./meta/transformed-distribution.js";
import { TruncatedCauchy } from "./meta/truncated-cauchy.js";
import { TruncatedNormal } from "./meta/truncated-normal.js";
import { Dirichlet } from "./multivariate/dirichlet.js";
import { GaussianRandomWalk } from "./multivariate/gaussian-random-walk.js";
import { LowRankMultivariateNormal } from "./multivariate/low-rank-multivariate-normal.js";
import { MultivariateStudentT } from "./multivariate/multivariate-student-t.js";
import { MultivariateNormal } from "./multivariate/mvn.js";
import { ExpTransform } from "./transforms/elementwise.js";

const p = (t: Tensor, i: number): Tensor => reshape(sliceAxis(t, 0, i, i + 1), []);

interface GradCase {
  name: string;
  theta: number[];
  make: (t: Tensor) => Distribution;
}

// Parameters whose draws depend smoothly on them through the reparameterised sampler. Shape parameters
// drawn through the host-side Gamma sampler (Gamma/Beta/Dirichlet concentration, StudentT df) get implicit
// reparameterisation gradients instead, which differ draw by draw from the sampler's own coupling; they are
// checked in expectation below.
const CASES: GradCase[] = [
  { name: "Normal", theta: [0.3, 1.2], make: (t) => new Normal(p(t, 0), p(t, 1)) },
  { name: "HalfNormal", theta: [0.8], make: (t) => new HalfNormal(p(t, 0)) },
  { name: "LogNormal", theta: [-0.2, 0.6], make: (t) => new LogNormal(p(t, 0), p(t, 1)) },
  { name: "StudentT (loc, scale)", theta: [0.2, 1.5], make: (t) => new StudentT(4, p(t, 0), p(t, 1)) },
  { name: "Cauchy", theta: [0.2, 0.7], make: (t) => new Cauchy(p(t, 0), p(t, 1)) },
  { name: "HalfCauchy", theta: [0.7], make: (t) => new HalfCauchy(p(t, 0)) },
  { name: "Laplace", theta: [0.1, 0.9], make: (t) => new Laplace(p(t, 0), p(t, 1)) },
  {
    name: "AsymmetricLaplace",
    theta: [0.1, 0.9, 1.4],
    make: (t) => new AsymmetricLaplace(p(t, 0), p(t, 1), p(t, 2)),
  },
  { name: "Logistic", theta: [0.1, 0.6], make: (t) => new Logistic(p(t, 0), p(t, 1)) },
  { name: "Gumbel", theta: [-0.3, 0.6], make: (t) => new Gumbel(p(t, 0), p(t, 1)) },
  { name: "SoftLaplace", theta: [0.3, 0.5], make: (t) => new SoftLaplace(p(t, 0), p(t, 1)) },
  { name: "Exponential", theta: [1.7], make: (t) => new Exponential(p(t, 0)) },
  { name: "Gamma (rate)", theta: [1.3], make: (t) => new Gamma(2.5, p(t, 0)) },
  { name: "InverseGamma (rate)", theta: [1.3], make: (t) => new InverseGamma(3.5, p(t, 0)) },
  { name: "Uniform", theta: [-0.5, 1.5], make: (t) => new Uniform(p(t, 0), p(t, 1)) },
  { name: "LogUniform", theta: [0.5, 3], make: (t) => new LogUniform(p(t, 0), p(t, 1)) },
  { name: "Pareto", theta: [0.6, 3], make: (t) => new Pareto(p(t, 0), p(t, 1)) },
  { name: "Weibull", theta: [0.8, 1.7], make: (t) => new Weibull(p(t, 0), p(t, 1)) },
  { name: "Gompertz", theta: [1.2, 0.7], make: (t) => new Gompertz(p(t, 0), p(t, 1)) },
  { name: "Levy", theta: [0.1, 0.4], make: (t) => new Levy(p(t, 0), p(t, 1)) },
  { name: "Kumaraswamy", theta: [1.5, 2.5], make: (t) => new Kumaraswamy(p(t, 0), p(t, 1)) },
  {
    name: "TruncatedNormal",
    theta: [0.2, 1.1, -0.5, 1.5],
    make: (t) => new TruncatedNormal(p(t, 0), p(t, 1), { low: p(t, 2), high: p(t, 3) }),
  },
  {
    name: "TruncatedNormal (far right tail)",
    theta: [0, 1],
    make: (t) => new TruncatedNormal(p(t, 0), p(t, 1), { low: 3 }),
  },
  {
    name: "TruncatedCauchy",
    theta: [0.2, 0.8],
    make: (t) => new TruncatedCauchy(p(t, 0), p(t, 1), { low: -1, high: 2 }),
  },
  {
    name: "MultivariateNormal",
    theta: [0.5, -0.5, 1.2, 0.3, 0.8],
    make: (t) =>
      new MultivariateNormal(sliceAxis(t, 0, 0, 2), {
        scaleTril: reshape(
          t.mul(tensor([0, 0, 1, 0, 1])).take(tensor([2, 0, 3, 4], { dtype: "int32" })),
          [2, 2],
        ),
      }),
  },
  {
    name: "LowRankMultivariateNormal",
    theta: [0.3, 0.5, -0.4, 0.7, 1.1],
    make: (t) =>
      new LowRankMultivariateNormal(
        tensor([0, 1]),
        reshape(sliceAxis(t, 0, 0, 2), [2, 1]),
        sliceAxis(t, 0, 3, 5),
      ),
  },
  {
    name: "MultivariateStudentT (loc)",
    theta: [0.5, -0.5],
    make: (t) =>
      new MultivariateStudentT(5, t, [
        [1, 0],
        [0.3, 0.8],
      ]),
  },
  { name: "GaussianRandomWalk", theta: [0.7], make: (t) => new GaussianRandomWalk(p(t, 0), 3) },
  {
    name: "RelaxedBernoulli (logits)",
    theta: [0.4],
    make: (t) => new RelaxedBernoulli(0.7, { logits: p(t, 0) }),
  },
  {
    name: "TransformedDistribution",
    theta: [0.2, 0.5],
    make: (t) => new TransformedDistribution(new Normal(p(t, 0), p(t, 1)), new ExpTransform()),
  },
];

const M = 2000;

describe("rsample gradients equal finite differences of the same Monte-Carlo estimate (common random numbers)", () => {
  for (const c of CASES) {
    it(`${c.name}: ∇θ E[tanh(x)] by autodiff matches central differences`, () => {
      const k = key(77);
      const f = (t: Tensor): Tensor =>
        tanh(c.make(t).rsample(k, [M]))
          .sum()
          .div(M);
      const g = values(grad(f)(tensor(c.theta)) as Tensor);
      const h = 1e-5;
      c.theta.forEach((_, i) => {
        const up = [...c.theta];
        const dn = [...c.theta];
        up[i]! += h;
        dn[i]! -= h;
        const fd = (f(tensor(up)).item() - f(tensor(dn)).item()) / (2 * h);
        expect(Math.abs(g[i]! - fd), `${c.name} ∂/∂θ${i}: autodiff ${g[i]} vs FD ${fd}`).toBeLessThan(
          1e-6 * Math.max(1, Math.abs(fd)),
        );
      });
    });
  }
  it("Beta and Dirichlet report hasRsample, and their draws are finite", () => {
    expect(new Beta(2, 3).hasRsample).toBe(true);
    expect(values(new Beta(2, 3).rsample(key(1), [5])).every(Number.isFinite)).toBe(true);
  });
});

describe("implicit reparameterisation: shape-parameter gradients of Gamma-based draws are unbiased", () => {
  const M = 4000;
  /** mean and standard error of per-draw derivatives d(h(xᵢ))/dθᵢ, one parameter copy per draw. */
  function perDraw(make: (t: Tensor) => Tensor, theta0: number): { mean: number; se: number } {
    const g = values(grad((t: Tensor) => make(t).sum())(tensor(new Array(M).fill(theta0))) as Tensor);
    const mean = g.reduce((a, b) => a + b, 0) / M;
    const v = g.reduce((a, b) => a + (b - mean) ** 2, 0) / (M - 1);
    return { mean, se: Math.sqrt(v / M) };
  }
  /** Standard error of the mean of n per-draw derivatives (one parameter copy per draw). */
  function perDrawSe(make: (t: Tensor) => Tensor, theta0: number, n: number): number {
    const g = values(grad((t: Tensor) => make(t).sum())(tensor(new Array(n).fill(theta0))) as Tensor);
    const mean = g.reduce((x, y) => x + y, 0) / n;
    return Math.sqrt(g.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1) / n);
  }
  const k = key(2024);
  const cases: { name: string; make: (t: Tensor) => Tensor; theta: number; expected: number }[] = [
    { name: "Gamma: d E[X]/dα = 1/β", make: (t) => new Gamma(t, 2).rsample(k), theta: 1.7, expected: 0.5 },
    {
      name: "Gamma (α < 1): d E[X]/dα = 1/β",
      make: (t) => new Gamma(t, 1).rsample(k),
      theta: 0.6,
      expected: 1,
    },
    {
      name: "InverseGamma: d E[1/X]/dα = 1/β",
      make: (t) => new InverseGamma(t, 2).rsample(k).pow(-1),
      theta: 3,
      expected: 0.5,
    },
    {
      name: "Beta: d E[X]/da = b/(a+b)²",
      make: (t) => new Beta(t, 3).rsample(k),
      theta: 2,
      expected: 3 / 25,
    },
    {
      name: "StudentT: d E[X²]/dν = −2/(ν−2)²",
      make: (t) => new StudentT(t, 0, 1).rsample(k).square(),
      theta: 7,
      expected: -2 / 25,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { mean, se } = perDraw(c.make, c.theta);
      expect(Math.abs(mean - c.expected), `mean ${mean} ± ${se}`).toBeLessThanOrEqual(5 * se);
      expect(se).toBeLessThan(0.1 * Math.max(0.1, Math.abs(c.expected)));
    });
  }
  it("Dirichlet: d E[X₀]/dα₀ = (α_total − α₀)/α_total²", () => {
    const others = tensor([0, 2, 3]);
    const make = (t: Tensor): Tensor => {
      const conc = tensor([1, 0, 0])
        .mul(t.reshape([M, 1]))
        .add(others);
      return new Dirichlet(conc).rsample(k).take(tensor([0], { dtype: "int32" }), -1);
    };
    const { mean, se } = perDraw(make, 1.5);
    const expected = 5 / 6.5 ** 2;
    expect(Math.abs(mean - expected), `mean ${mean} ± ${se}`).toBeLessThanOrEqual(5 * se);
  });
  it("Beta(a, b).rsample: d/da and d/db of E[X²] by autodiff agree with common-random-number finite differences and the exact value", () => {
    // E[X²] = a(a+1) / ((a+b)(a+b+1)). The implicit gradient and the finite difference of the same draws
    // (the sampler's own coupling) are different unbiased estimators: both must be within 5 standard errors
    // of the exact derivative, and neither may be zero.
    const n = 2000;
    const m2 = (a: number, b: number): number => (a * (a + 1)) / ((a + b) * (a + b + 1));
    for (const [a, b, seed] of [
      [2, 3, 3],
      [0.7, 1.5, 11],
      [5, 0.8, 3],
    ] as const) {
      const kk = key(seed);
      const est = (t: Tensor): Tensor =>
        new Beta(t.take(tensor([0], { dtype: "int32" })), t.take(tensor([1], { dtype: "int32" })))
          .rsample(kk, [n])
          .square()
          .sum()
          .div(n);
      const g = values(grad(est)(tensor([a, b])) as Tensor);
      const se = [
        perDrawSe((t) => new Beta(t, b).rsample(kk).square(), a, n),
        perDrawSe((t) => new Beta(a, t).rsample(kk).square(), b, n),
      ];
      const h = 1e-4;
      const fd = [
        (est(tensor([a + h, b])).item() - est(tensor([a - h, b])).item()) / (2 * h),
        (est(tensor([a, b + h])).item() - est(tensor([a, b - h])).item()) / (2 * h),
      ];
      const exact = [(m2(a + 1e-6, b) - m2(a - 1e-6, b)) / 2e-6, (m2(a, b + 1e-6) - m2(a, b - 1e-6)) / 2e-6];
      for (let i = 0; i < 2; i++) {
        const msg = `Beta(${a}, ${b}) ∂/∂θ${i}: autodiff ${g[i]}, FD ${fd[i]}, exact ${exact[i]} (se ${se[i]})`;
        expect(Math.abs(g[i]!), msg).toBeGreaterThan(10 * se[i]!);
        expect(Math.abs(g[i]! - exact[i]!), msg).toBeLessThanOrEqual(5 * se[i]!);
        expect(Math.abs(fd[i]! - exact[i]!), msg).toBeLessThanOrEqual(5 * se[i]!);
      }
    }
  }, 20000);
  it("sample() returns the same draws as rsample() and carries no gradient", () => {
    const a = values(new Gamma(2.5, 1.5).sample(key(5), [4]));
    const b = values(new Gamma(2.5, 1.5).rsample(key(5), [4]));
    a.forEach((v, i) => {
      expect(v).toBeCloseTo(b[i]!, 14);
    });
  });
});
