import { grad, jit, key, type Tensor, tensor, valueAndGrad } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { orderedVector, simplex } from "./constraints/constraint.js";
import { Beta } from "./continuous/beta.js";
import { Cauchy } from "./continuous/cauchy.js";
import { Exponential } from "./continuous/exponential.js";
import { Gamma } from "./continuous/gamma.js";
import { Gumbel } from "./continuous/gumbel.js";
import { HalfNormal } from "./continuous/half-normal.js";
import { Laplace } from "./continuous/laplace.js";
import { LogNormal } from "./continuous/log-normal.js";
import { Logistic } from "./continuous/logistic.js";
import { Normal } from "./continuous/normal.js";
import { StudentT } from "./continuous/student-t.js";
import { Uniform } from "./continuous/uniform.js";
import { Weibull } from "./continuous/weibull.js";
import { Bernoulli } from "./discrete/bernoulli.js";
import { Binomial } from "./discrete/binomial.js";
import { Categorical } from "./discrete/categorical.js";
import { DiscreteUniform } from "./discrete/discrete-uniform.js";
import { NegativeBinomial } from "./discrete/negative-binomial.js";
import { type Distribution, ExpandedDistribution, Independent, MaskedDistribution } from "./distribution.js";
import { asTensor, exp, logSumExp, values } from "./internal/ops.js";
import { Delta } from "./meta/delta.js";
import { FoldedDistribution } from "./meta/folded-distribution.js";
import { HurdleDistribution } from "./meta/hurdle-distribution.js";
import { ImproperUniform } from "./meta/improper-uniform.js";
import { Mixture } from "./meta/mixture.js";
import { MixtureSameFamily } from "./meta/mixture-same-family.js";
import { TransformedDistribution } from "./meta/transformed-distribution.js";
import { TruncatedDistribution } from "./meta/truncated-distribution.js";
import { TruncatedNormal } from "./meta/truncated-normal.js";
import { Unit } from "./meta/unit.js";
import { Dirichlet } from "./multivariate/dirichlet.js";
import { LKJCholesky } from "./multivariate/lkj-cholesky.js";
import { MultivariateNormal } from "./multivariate/mvn.js";
import { ExpTransform } from "./transforms/elementwise.js";
import { StickBreakingTransform } from "./transforms/stick-breaking.js";

const close = (a: readonly number[], b: readonly number[], tol = 1e-12): void => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => {
    expect(Math.abs(x - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!)));
  });
};

describe("Distribution shapes and meta-distributions", () => {
  it("parameters broadcast into batchShape and sample prepends sampleShape", () => {
    const d = new Normal([0, 1], [[1], [2]]);
    expect(d.batchShape).toEqual([2, 2]);
    expect(d.eventShape).toEqual([]);
    expect(d.sample(key(0), [3]).shape).toEqual([3, 2, 2]);
    expect(d.logProb([[0, 0]]).shape).toEqual([2, 2]);
    expect(d.shape([5])).toEqual([5, 2, 2]);
  });
  it("expand(batchShape) gives independent draws in the new batch entries", () => {
    const d = new Normal(0, 1).expand([4]);
    expect(d).toBeInstanceOf(ExpandedDistribution);
    const x = values(d.sample(key(1), [2]));
    expect(new Set(x).size).toBe(8);
    expect(d.logProb(0).shape).toEqual([4]);
    const e = new Normal([[0], [10]], 1).expand([2, 3]);
    const y = values(e.sample(key(2)));
    expect(y.slice(0, 3).every((v) => Math.abs(v) < 6)).toBe(true);
    expect(y.slice(3).every((v) => Math.abs(v - 10) < 6)).toBe(true);
    expect(new Set(y).size).toBe(6);
    expect(new Normal(0, 1).expandBy([2, 3]).batchShape).toEqual([2, 3]);
    expect(values(e.mean)).toEqual([0, 0, 0, 10, 10, 10]);
  });
  it("toEvent(n) moves batch axes into the event and sums logProb over them", () => {
    const base = new Normal([0, 1, 2], 1);
    const d = base.toEvent(1);
    expect(d).toBeInstanceOf(Independent);
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([3]);
    const lp = d.logProb([0.5, 0.5, 0.5]).item();
    close([lp], [values(base.logProb([0.5, 0.5, 0.5])).reduce((a, b) => a + b, 0)]);
    expect(d.support.eventDim).toBe(1);
    expect(new Normal(0, 1).expand([2, 3]).toEvent().eventShape).toEqual([2, 3]);
  });
  it("mask(m) zeroes logProb where m is false", () => {
    const d = new Normal([0, 0], 1).mask(tensor([true, false]));
    expect(d).toBeInstanceOf(MaskedDistribution);
    const lp = values(d.logProb([1, 1]));
    close([lp[0]!], [new Normal(0, 1).logProb(1).item()]);
    expect(lp[1]).toBe(0);
    expect(new Normal(0, 1).mask(false).logProb(3).item()).toBe(0);
  });
  it("enumerateSupport lists a finite support whose probabilities sum to one", () => {
    const cases: Distribution[] = [
      new Bernoulli([0.2, 0.7]),
      new Categorical({
        probs: [
          [0.1, 0.2, 0.7],
          [0.3, 0.3, 0.4],
        ],
      }),
      new Binomial(4, [0.3, 0.5]),
      new DiscreteUniform(-1, 2),
    ];
    for (const d of cases) {
      expect(d.hasEnumerateSupport).toBe(true);
      const s = d.enumerateSupport();
      expect(s.shape.slice(1)).toEqual([...d.batchShape]);
      const total = values(exp(logSumExp(d.logProb(s), 0)));
      close(
        total,
        total.map(() => 1),
        1e-12,
      );
      expect(d.enumerateSupport(false).shape.slice(1)).toEqual(d.batchShape.map(() => 1));
    }
    expect(new Bernoulli(0.5).expand([3]).enumerateSupport().shape).toEqual([2, 3]);
  });
  it("isDiscrete and hasRsample follow the support and the sampler", () => {
    expect(new Poisson2().isDiscrete).toBe(true);
    expect(new Normal(0, 1).isDiscrete).toBe(false);
    expect(new Normal(0, 1).hasRsample).toBe(true);
    expect(new Bernoulli(0.5).hasRsample).toBe(false);
  });
  it("Delta, Unit and ImproperUniform have the documented log densities", () => {
    expect(new Delta(2).logProb(2).item()).toBe(0);
    expect(new Delta(2).logProb(3).item()).toBe(Number.NEGATIVE_INFINITY);
    expect(new Delta([1, 2], 0.5, 1).logProb([1, 2]).item()).toBe(0.5);
    expect(values(new Delta([1, 2], 0, 1).sample(key(0), [2]))).toEqual([1, 2, 1, 2]);
    expect(new Unit(-1.5).logProb(tensor([]) as Tensor).item()).toBe(-1.5);
    const u = new ImproperUniform(orderedVector, [3], [2]);
    expect(
      u.logProb([
        [0, 1],
        [1, 2],
        [2, 3],
      ]).shape,
    ).toEqual([3]);
    expect(() => u.sample(key(0))).toThrow(/improper/);
  });
  it("TransformedDistribution(Normal, Exp) equals LogNormal", () => {
    const t = new TransformedDistribution(new Normal(0.3, 0.7), new ExpTransform());
    const x = [0.5, 1, 2.5];
    close(values(t.logProb(x)), values(new LogNormal(0.3, 0.7).logProb(x)));
    close(values(t.cdf(x)), values(new LogNormal(0.3, 0.7).cdf(x)));
    expect(t.support.name).toBe("greaterThan(0)");
  });
  it("TransformedDistribution with StickBreaking turns a 3-vector normal into a simplex distribution", () => {
    const t = new TransformedDistribution(
      new Normal(0, 1).expand([3]).toEvent(1),
      new StickBreakingTransform(),
    );
    expect(t.eventShape).toEqual([4]);
    expect(t.support).toBe(simplex);
    const y = t.sample(key(3), [5]);
    expect(y.shape).toEqual([5, 4]);
    expect(t.logProb(y).shape).toEqual([5]);
  });
  it("FoldedDistribution(Normal(0, σ)) equals HalfNormal(σ)", () => {
    close(
      values(new FoldedDistribution(new Normal(0, 2)).logProb([0.1, 1, 3])),
      values(new HalfNormal(2).logProb([0.1, 1, 3])),
    );
  });
  it("TruncatedDistribution(Normal) agrees with TruncatedNormal and stays accurate deep in the right tail", () => {
    const a = new TruncatedDistribution(new Normal(0.2, 1.5), { low: -1, high: 2 });
    const b = new TruncatedNormal(0.2, 1.5, { low: -1, high: 2 });
    close(values(a.logProb([0, 1])), values(b.logProb([0, 1])));
    const tail = new TruncatedNormal(0, 1, { low: 10 });
    // log φ(10.5) − log Q(10), Q(10) = 7.61985302416052606597e-24
    const expected = -0.5 * 10.5 * 10.5 - 0.5 * Math.log(2 * Math.PI) - Math.log(7.619853024160527e-24);
    close([tail.logProb(10.5).item()], [expected], 1e-12);
    const q = tail.icdf(0.5).item();
    expect(q).toBeGreaterThan(10);
    close([tail.cdf(q).item()], [0.5], 1e-10);
  });
  it("TruncatedNormal.mean and variance match the closed form for a one-sided truncation", () => {
    const t = new TruncatedNormal(0, 1, { low: 0 });
    close([t.mean.item()], [Math.sqrt(2 / Math.PI)]);
    close([t.variance.item()], [1 - 2 / Math.PI]);
  });
  it("MixtureSameFamily.logProb is the log of the weighted component densities", () => {
    const m = new MixtureSameFamily(new Categorical({ probs: [0.3, 0.7] }), new Normal([-1, 2], [0.5, 1.5]));
    const x = 0.4;
    const manual = Math.log(
      0.3 * Math.exp(new Normal(-1, 0.5).logProb(x).item()) +
        0.7 * Math.exp(new Normal(2, 1.5).logProb(x).item()),
    );
    close([m.logProb(x).item()], [manual]);
    close([m.mean.item()], [0.3 * -1 + 0.7 * 2]);
    expect(m.logProb([0, 1, 2]).shape).toEqual([3]);
    const mv = new MixtureSameFamily(
      new Categorical({ probs: [0.5, 0.5] }),
      new MultivariateNormal(
        [
          [0, 0],
          [3, 3],
        ],
        {
          scaleTril: [
            [1, 0],
            [0, 1],
          ],
        },
      ),
    );
    expect(mv.eventShape).toEqual([2]);
    expect(
      mv.logProb([
        [0, 0],
        [3, 3],
        [1, 1],
      ]).shape,
    ).toEqual([3]);
    expect(mv.sample(key(9), [4]).shape).toEqual([4, 2]);
  });
  it("Mixture.logProb mixes distinct component families", () => {
    const m = new Mixture(new Categorical({ probs: [0.4, 0.6] }), [new Normal(0, 1), new Laplace(1, 2)]);
    const x = 0.7;
    const manual = Math.log(
      0.4 * Math.exp(new Normal(0, 1).logProb(x).item()) +
        0.6 * Math.exp(new Laplace(1, 2).logProb(x).item()),
    );
    close([m.logProb(x).item()], [manual]);
  });
  it("Bernoulli, Binomial, Categorical and NegativeBinomial agree between probs and logits", () => {
    const p = 0.3;
    const l = Math.log(p / (1 - p));
    close(
      values(new Bernoulli({ logits: l }).logProb([0, 1])),
      values(new Bernoulli({ probs: p }).logProb([0, 1])),
    );
    close(
      values(new Binomial(5, { logits: l }).logProb([0, 2, 5])),
      values(new Binomial(5, { probs: p }).logProb([0, 2, 5])),
    );
    close(
      values(new Categorical({ logits: [1, 2, 3] }).logProb([0, 2])),
      values(
        new Categorical({
          probs: values(exp(asTensor([1, 2, 3]).sub(logSumExp([1, 2, 3], 0)))) as never,
        }).logProb([0, 2]),
      ),
    );
    close(
      values(new NegativeBinomial(3, { logits: l }).logProb([0, 4])),
      values(new NegativeBinomial(3, { probs: p }).logProb([0, 4])),
    );
  });
});

class Poisson2 extends Binomial {
  constructor() {
    super(3, 0.5);
  }
}

describe("densities trace under jit and differentiate", () => {
  const fns: { name: string; f: (x: Tensor) => Tensor; x: number[] | number[][] }[] = [
    { name: "Normal", f: (x) => new Normal(0.5, 2).logProb(x).sum(), x: [0.1, 1, -2] },
    { name: "StudentT", f: (x) => new StudentT(3, 0, 1).logProb(x).sum(), x: [0.1, 1, -2] },
    { name: "Gamma", f: (x) => new Gamma(2, 3).logProb(x).sum(), x: [0.1, 1, 2] },
    { name: "Beta", f: (x) => new Beta(2, 3).logProb(x).sum(), x: [0.1, 0.5, 0.9] },
    { name: "Dirichlet", f: (x) => new Dirichlet([2, 3, 4]).logProb(x).sum(), x: [0.2, 0.3, 0.5] },
    {
      name: "MultivariateNormal",
      f: (x) =>
        new MultivariateNormal([0, 1], {
          covarianceMatrix: [
            [2, 0.5],
            [0.5, 1],
          ],
        })
          .logProb(x)
          .sum(),
      x: [0.3, 0.2],
    },
    {
      name: "LKJCholesky",
      f: (x) =>
        new LKJCholesky(2, 2)
          .logProb(
            new StickBreakingTransform()
              .forward(x)
              .mul(0)
              .add([
                [1, 0],
                [0.6, 0.8],
              ]),
          )
          .sum()
          .add(x.sum()),
      x: [0.3],
    },
    {
      name: "MixtureSameFamily",
      f: (x) =>
        new MixtureSameFamily(new Categorical({ logits: [0, 1] }), new Normal([-1, 1], 1)).logProb(x).sum(),
      x: [0.1, 2],
    },
    { name: "Cauchy", f: (x) => new Cauchy(0, 2).logProb(x).sum(), x: [0.1, 3] },
    { name: "Weibull", f: (x) => new Weibull(1.5, 2).logProb(x).sum(), x: [0.1, 3] },
    { name: "Gumbel", f: (x) => new Gumbel(0, 2).logProb(x).sum(), x: [0.1, 3] },
    { name: "Logistic", f: (x) => new Logistic(0, 2).logProb(x).sum(), x: [0.1, 3] },
    { name: "Exponential", f: (x) => new Exponential(2).logProb(x).sum(), x: [0.1, 3] },
    { name: "Uniform", f: (x) => new Uniform(0, 4).logProb(x).sum(), x: [0.1, 3] },
    {
      name: "TruncatedNormal",
      f: (x) => new TruncatedNormal(0, 1, { low: -1, high: 2 }).logProb(x).sum(),
      x: [0.1, 1],
    },
  ];
  for (const c of fns) {
    it(`jit(valueAndGrad(${c.name}.logProb)) equals the eager value and central differences`, () => {
      const x = tensor(c.x);
      const eager = c.f(x).item();
      const compiled = jit((t: Tensor) => valueAndGrad(c.f)(t));
      const [v, g] = compiled(x) as [Tensor, Tensor];
      close([v.item()], [eager], 1e-12);
      const gv = values(g);
      const flat = values(x);
      const h = 1e-6;
      flat.forEach((_, i) => {
        const up = [...flat];
        const dn = [...flat];
        up[i]! += h;
        dn[i]! -= h;
        const fd =
          (c.f(tensor(up).reshape(x.shape)).item() - c.f(tensor(dn).reshape(x.shape)).item()) / (2 * h);
        expect(Math.abs(gv[i]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      });
    });
  }
  it("grad flows to the parameters of logProb (∂/∂σ of Normal(0, σ).logProb(x) = −1/σ + x²/σ³)", () => {
    const g = grad((s: Tensor) => new Normal(0, s).logProb(1.5))(tensor(2)) as Tensor;
    close([g.item()], [-1 / 2 + 1.5 ** 2 / 8]);
  });
});

describe("entropy agrees with a Monte-Carlo estimate −E[log p(X)] (10 000 draws, 5 standard errors)", () => {
  const ds: Distribution[] = [
    new Normal([0, 1], [1, 3]),
    new HalfNormal(2),
    new LogNormal(0.2, 0.5),
    new Laplace(0, 2),
    new Logistic(0, 2),
    new Gumbel(0, 2),
    new Exponential(3),
    new Gamma([0.8, 3], 2),
    new Beta([0.8, 3], [2, 1.5]),
    new Uniform(-1, 3),
    new Weibull(2, 1.5),
    new Cauchy(0, 2),
    new Dirichlet([2, 3, 1]),
    new MultivariateNormal([0, 1], {
      covarianceMatrix: [
        [2, 0.5],
        [0.5, 1],
      ],
    }),
    new Bernoulli([0.2, 0.6]),
    new Categorical({ probs: [0.2, 0.3, 0.5] }),
  ];
  ds.forEach((d, i) => {
    it(`${d.name}.entropy()`, () => {
      const n = 10_000;
      const lp = values(d.logProb(d.sample(key(300 + i), [n])));
      const b = lp.length / n;
      const h = values(d.entropy());
      for (let j = 0; j < b; j++) {
        let s = 0;
        let s2 = 0;
        for (let k = 0; k < n; k++) {
          const v = -lp[k * b + j]!;
          s += v;
          s2 += v * v;
        }
        const m = s / n;
        const se = Math.sqrt(Math.max(0, s2 / n - m * m) / n);
        expect(Math.abs(h[j]! - m)).toBeLessThanOrEqual(5 * se + 1e-9);
      }
    });
  });
});

describe("cdf/icdf by incomplete gamma/beta functions hold up in the tails", () => {
  const qs = [1e-10, 1e-4, 0.3, 0.9, 1 - 1e-6];
  const ds: Distribution[] = [
    new Gamma([0.3, 50], 1),
    new Beta([0.5, 20], [3, 0.7]),
    new StudentT([1.5, 30], 0, 1),
  ];
  for (const d of ds) {
    it(`${d.name}: cdf(icdf(q)) = q for q from 1e-10 to 1 − 1e-6`, () => {
      for (const q of qs) {
        const x = d.icdf(q);
        const back = values(d.cdf(x));
        back.forEach((v) => {
          expect(Math.abs(v - q)).toBeLessThanOrEqual(1e-9 * Math.max(q, 1e-3));
        });
      }
    });
  }
});

describe("HurdleDistribution with a continuous base", () => {
  it("puts mass gate at zero and (1 − gate)·p(x) elsewhere, without truncation", () => {
    const d = new HurdleDistribution(new Gamma(2, 1), 0.3);
    const lp = values(d.logProb([0, 1.5]));
    close([lp[0]!], [Math.log(0.3)]);
    close([lp[1]!], [Math.log(0.7) + new Gamma(2, 1).logProb(1.5).item()]);
    close([d.mean.item()], [0.7 * 2]);
  });
});
