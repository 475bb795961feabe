import { key, split, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Beta } from "./continuous/beta.js";
import { Exponential } from "./continuous/exponential.js";
import { Gamma } from "./continuous/gamma.js";
import { Kumaraswamy } from "./continuous/kumaraswamy.js";
import { Normal } from "./continuous/normal.js";
import { Weibull } from "./continuous/weibull.js";
import { Bernoulli } from "./discrete/bernoulli.js";
import { Categorical } from "./discrete/categorical.js";
import { type Distribution, Independent } from "./distribution.js";
import { asTensor, values } from "./internal/ops.js";
import { klDivergence, registerKL } from "./kl.js";
import { Delta } from "./meta/delta.js";
import { CirculantNormal } from "./multivariate/circulant-normal.js";
import { Dirichlet } from "./multivariate/dirichlet.js";
import { MultivariateNormal } from "./multivariate/mvn.js";
import { flat, maxRelErr } from "./testing/fixtures.js";
import { loadParity3 } from "./testing/parity3.js";

const N = 20_000;

/** Monte-Carlo KL(p‖q) = E_p[log p − log q] per batch element, with its standard error. */
function mcKL(p: Distribution, q: Distribution, k: Tensor): { est: number[]; se: number[] } {
  const x = p.sample(k, [N]);
  const d = values(p.logProb(x).sub(q.logProb(x)));
  const b = d.length / N;
  const est: number[] = [];
  const se: number[] = [];
  for (let j = 0; j < b; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const v = d[i * b + j]!;
      s += v;
      s2 += v * v;
    }
    const m = s / N;
    est.push(m);
    se.push(Math.sqrt(Math.max(0, s2 / N - m * m) / N));
  }
  return { est, se };
}

const PAIRS: { name: string; p: () => Distribution; q: () => Distribution }[] = [
  { name: "Normal ‖ Normal", p: () => new Normal([0, 1], [1, 0.5]), q: () => new Normal([0.5, 0], [2, 1]) },
  {
    name: "MultivariateNormal ‖ MultivariateNormal",
    p: () =>
      new MultivariateNormal([0, 1], {
        covarianceMatrix: [
          [1, 0.3],
          [0.3, 2],
        ],
      }),
    q: () =>
      new MultivariateNormal([0.5, 0], {
        covarianceMatrix: [
          [2, -0.2],
          [-0.2, 1],
        ],
      }),
  },
  { name: "Beta ‖ Beta", p: () => new Beta([2, 0.8], [3, 1.5]), q: () => new Beta([1, 2], [1, 2]) },
  { name: "Gamma ‖ Gamma", p: () => new Gamma([2, 0.8], [1, 3]), q: () => new Gamma([1.5, 1], [2, 2]) },
  { name: "Weibull ‖ Gamma", p: () => new Weibull([1, 2], [1.5, 3]), q: () => new Gamma([2, 3], [1.5, 1]) },
  { name: "Exponential ‖ Exponential", p: () => new Exponential([1, 3]), q: () => new Exponential([2, 0.5]) },
  { name: "Dirichlet ‖ Dirichlet", p: () => new Dirichlet([2, 3, 4]), q: () => new Dirichlet([1, 1, 1]) },
  {
    name: "Categorical ‖ Categorical",
    p: () => new Categorical({ probs: [0.2, 0.3, 0.5] }),
    q: () => new Categorical({ logits: [0, 1, -1] }),
  },
  { name: "Bernoulli ‖ Bernoulli", p: () => new Bernoulli([0.2, 0.7]), q: () => new Bernoulli([0.5, 0.4]) },
  {
    name: "Independent ‖ Independent",
    p: () => new Normal([0, 1], [1, 0.5]).toEvent(1),
    q: () => new Normal([0.5, 0], [2, 1]).toEvent(1),
  },
  {
    name: "Expanded ‖ Expanded",
    p: () => new Normal(0, 1).expand([3]),
    q: () => new Normal(1, 2).expand([3]),
  },
  {
    name: "Expanded ‖ Normal",
    p: () => new Normal(0, 1).expand([2]),
    q: () => new Normal([1, 2], 2),
  },
];

describe("klDivergence(p, q) closed forms agree with Monte-Carlo estimates (20 000 draws, 5 standard errors)", () => {
  PAIRS.forEach((c, i) => {
    it(`klDivergence for ${c.name}`, () => {
      const p = c.p();
      const q = c.q();
      const kl = values(klDivergence(p, q));
      const [k] = split(key(500 + i), 1) as [Tensor];
      const { est, se } = mcKL(p, q, k);
      expect(kl.length).toBe(est.length);
      kl.forEach((v, j) => {
        expect(Math.abs(v - est[j]!)).toBeLessThanOrEqual(5 * se[j]! + 1e-9);
        expect(v).toBeGreaterThanOrEqual(0);
      });
    });
  });
  it("klDivergence(Normal(0, 1), Normal(1, 1)) is 0.5", () => {
    expect(klDivergence(new Normal(0, 1), new Normal(1, 1)).item()).toBeCloseTo(0.5, 14);
  });
  it("klDivergence(Delta(v), q) is −q.logProb(v)", () => {
    expect(klDivergence(new Delta(0.3), new Normal(0, 1)).item()).toBeCloseTo(
      -new Normal(0, 1).logProb(0.3).item(),
      14,
    );
  });
  it("klDivergence of an unregistered pair throws a PhloxError that names both distributions", () => {
    expect(() => klDivergence(new Normal(0, 1), new Gamma(1, 1))).toThrow(/Normal.*Gamma.*registerKL/);
  });
  it("registerKL adds a pair that klDivergence dispatches to", () => {
    class MyNormal extends Normal {}
    registerKL(MyNormal, Gamma, () => new Normal(0, 1).logProb(0).mul(0).add(42));
    expect(klDivergence(new MyNormal(0, 1), new Gamma(1, 1)).item()).toBe(42);
    // a subclass falls back to its parent's pair
    expect(klDivergence(new MyNormal(0, 1), new Normal(1, 1)).item()).toBeCloseTo(0.5, 14);
  });
  it("klDivergence(Independent, Independent) sums the base KL over the event axes", () => {
    const p = new Independent(new Normal([0, 1], 1), 1);
    const q = new Independent(new Normal([1, 1], 1), 1);
    expect(klDivergence(p, q).item()).toBeCloseTo(0.5, 14);
  });
});

describe("klDivergence: the pairs added for NumPyro 0.21 parity (fixtures/parity3.json)", () => {
  const cases = loadParity3("kl");
  const P = (c: (typeof cases)[number]) => c.params as Record<string, number[]>;
  const build: Record<string, (p: Record<string, number[]>) => [Distribution, Distribution]> = {
    "Kumaraswamy-Beta": (p) => [new Kumaraswamy(p.a!, p.b!), new Beta(p.alpha!, p.beta!)],
    "Independent(Normal)-CirculantNormal": (p) => [
      new Normal(p.loc!, p.scale!).toEvent(1),
      new CirculantNormal(p.qLoc!, { covarianceRow: p.covarianceRow! }),
    ],
    "Independent2(Normal)-Independent1(CirculantNormal)": (p) => [
      new Normal(p.loc!, p.scale!).toEvent(2),
      new CirculantNormal(p.qLoc!, { covarianceRow: p.covarianceRow! }).toEvent(1),
    ],
    "Delta(logDensity)-Normal": (p) => [new Delta(p.v!, p.logDensity!), new Normal(0.3, 1.7)],
    "Masked-Masked/Normal": (p) => [
      new Normal(p.loc!, 1).mask(asTensor(p.maskP as unknown as boolean[])),
      new Normal(p.qLoc!, 2).mask(asTensor(p.maskQ as unknown as boolean[])),
    ],
  };
  for (const c of cases) {
    it(`${c.name} matches NumPyro (and scipy where JAX is less exact)`, () => {
      const make = Object.entries(build).find(([k]) => c.name.startsWith(k))![1];
      const [p, q] = make(P(c));
      const kl = klDivergence(p, q);
      expect(kl.shape).toEqual(asTensor(c.kl as number[]).shape);
      if (c.klScipy === undefined) expect(maxRelErr(values(kl), flat(c.kl))).toBeLessThanOrEqual(1e-10);
      else {
        // JAX's betaln (inside NumPyro's value) loses ~1e-8 when one argument dwarfs the other; the same
        // series with scipy's special functions is the 1e-10 reference
        expect(maxRelErr(values(kl), flat(c.klScipy))).toBeLessThanOrEqual(1e-10);
        expect(maxRelErr(values(kl), flat(c.kl))).toBeLessThanOrEqual(1e-7);
      }
    });
  }
  it("Independent–CirculantNormal needs a Normal base with one reinterpreted axis", () => {
    const q = new CirculantNormal([0, 0, 0], { covarianceRow: [1, 0.2, 0.2] });
    expect(() => klDivergence(new Independent(new Exponential([1, 1, 1]), 1), q)).toThrow(
      /Independent Normal/,
    );
  });
});
