import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { grad, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { AsymmetricLaplaceQuantile } from "./continuous/asymmetric-laplace-quantile.js";
import { Dagum } from "./continuous/dagum.js";
import { DoublyTruncatedPowerLaw } from "./continuous/doubly-truncated-power-law.js";
import { LowerTruncatedPowerLaw } from "./continuous/lower-truncated-power-law.js";
import { BetaNegativeBinomial } from "./discrete/beta-negative-binomial.js";
import type { Distribution } from "./distribution.js";
import { FIXTURE_BUILDERS } from "./testing/cases.js";

// NumPyro's log-densities and gradients at edge points (fixtures/grad-parity.json, from
// scripts/grad_parity_fixtures.py): shapes of exactly 1, values near the ends of the support, probabilities
// near 0 and 1, counts of 0.
type Num = number | number[] | number[][];
interface Case {
  dist: string;
  params: Record<string, Num>;
  value: Num;
  logProb: number;
  grad: Record<string, Num>;
  dValue?: Num;
}
const here = dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(join(here, "..", "fixtures", "grad-parity.json"), "utf8"), (_k, v) =>
  v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? Number.NaN : v,
) as { numpyro: string; cases: Case[] };

const close = (a: number, b: number, rtol: number): boolean =>
  Object.is(a, b) ||
  (Number.isNaN(a) && Number.isNaN(b)) ||
  (Number.isFinite(b) && Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b)));
/**
 * Where Phlox deliberately differs from NumPyro, with Phlox's values. Geometric(1).logProb(0): P(X = 0) = 1, so
 * the log-density is 0 and its derivative in probs is that of log p, 1; NumPyro 0.21 substitutes probs = 0
 * there and returns −∞ (with derivative 0).
 */
const DEVIATIONS: Record<string, { logProb?: number; grad?: Record<string, Num> }> = {
  "Geometric(probs=1; x = 0)": { logProb: 0, grad: { probs: 1 } },
  // a bound at the loc: NumPyro's Laplace cdf, 0.5 − 0.5·sign(z)·expm1(−|z|), has derivative 0 at z = 0 (sign′ = 0),
  // so its gradients in loc and low miss the mass term; central differences give Phlox's 0 and 1
  "LeftTruncatedLaplace(loc=0, scale=1, low=0; x = 0.5)": { grad: { loc: 0, low: 1 } },
  // NumPyro 0.21's custom JVP of DoublyTruncatedPowerLaw gives ∂/∂low and ∂/∂high of the density, not of the
  // log-density (off by a factor p(x)), with the wrong sign for ∂/∂high where α ≠ −1; Phlox's are those of
  // −log Z, Z = (high^{1+α} − low^{1+α})/(1+α) or log(high/low) at α = −1, and central differences agree
  // (uniform α = 0: ±1/(high − low))
  "DoublyTruncatedPowerLaw(alpha=0.5, low=1, high=3; x = 2)": {
    grad: { low: 0.35747033207922874, high: -0.619156777359743 },
  },
  "DoublyTruncatedPowerLaw(alpha=0, low=1, high=3; x = 2)": { grad: { low: 0.5, high: -0.5 } },
  "DoublyTruncatedPowerLaw(alpha=-1, low=1, high=3; x = 2)": {
    grad: { low: 0.9102392266268375, high: -0.3034130755422792 },
  },
  // a zero-probability category keeps a finite gradient (0) in Phlox; NumPyro's log(0) makes it NaN
  "Categorical(probs=0,1; x = 1)": { grad: { probs: [0, 1] } },
};
const usedDeviations = new Set<string>();

type P = Record<string, Num | Tensor>;
/** NumPyro-only distributions the scipy case table does not build (arguments in NumPyro's order). */
const EXTRA_BUILDERS: Record<string, (p: P) => Distribution> = {
  AsymmetricLaplaceQuantile: (p) =>
    new AsymmetricLaplaceQuantile(p.loc as Tensor, p.scale as Tensor, p.quantile as Tensor),
  Dagum: (p) => new Dagum(p.concentration as Tensor, p.sharpness as Tensor, p.scale as Tensor),
  DoublyTruncatedPowerLaw: (p) =>
    new DoublyTruncatedPowerLaw(p.alpha as Tensor, p.low as Tensor, p.high as Tensor),
  LowerTruncatedPowerLaw: (p) => new LowerTruncatedPowerLaw(p.alpha as Tensor, p.low as Tensor),
  BetaNegativeBinomial: (p) =>
    new BetaNegativeBinomial(p.concentration1 as Tensor, p.concentration0 as Tensor, p.n as Tensor),
};
// VonMises: log I₀ by series/asymptotics, as in logprob.test.ts's LOGPROB_RTOL
const RTOL: Record<string, number> = { VonMises: 1e-9 };

describe(`log-densities and their gradients at edge points equal NumPyro ${fx.numpyro}'s`, () => {
  for (const c of fx.cases) {
    const at = `${Object.entries(c.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}; x = ${c.value}`;
    const title = `${c.dist}(${at})`;
    const dev = DEVIATIONS[title];
    if (dev) usedDeviations.add(title);
    it(title, () => {
      const build =
        EXTRA_BUILDERS[c.dist] ?? (FIXTURE_BUILDERS[c.dist] as ((p: P) => Distribution) | undefined);
      expect(build, c.dist).toBeDefined();
      const make = (p: P) => (build as (p: P) => Distribution)(p);
      const rtol = RTOL[c.dist] ?? 1e-10;
      // the value as a tensor: an integer index for Categorical, float64 otherwise
      const value =
        c.dist === "Categorical" || c.dist === "OrderedLogistic"
          ? tensor(c.value, { dtype: "int32" })
          : tensor(c.value);
      const lp = make(c.params).logProb(value).item();
      const wantLp = dev?.logProb ?? c.logProb;
      expect(close(lp, wantLp, rtol), `logProb ${lp}, expected ${wantLp} (NumPyro ${c.logProb})`).toBe(true);
      const same = (got: Tensor, want: Num): boolean => {
        const g = [got.toArray()].flat(2) as number[];
        const w = [want].flat(2) as number[];
        return g.length === w.length && g.every((v, i) => close(v, w[i] as number, rtol));
      };
      for (const [k, numpyro] of Object.entries(c.grad)) {
        const want = dev?.grad?.[k] ?? numpyro;
        const g = grad((p: Tensor) => make({ ...c.params, [k]: p }).logProb(value))(
          tensor(c.params[k] as Num),
        );
        expect(same(g, want), `∂/∂${k}: ${g.toArray()}, expected ${want} (NumPyro ${numpyro})`).toBe(true);
      }
      if (c.dValue !== undefined) {
        const d = make(c.params);
        const g = grad((x: Tensor) => d.logProb(x))(value);
        expect(same(g, c.dValue), `∂/∂x: ${g.toArray()}, NumPyro ${c.dValue}`).toBe(true);
      }
    });
  }

  it("every listed deviation names a fixture case", () => {
    expect(Object.keys(DEVIATIONS).filter((k) => !usedDeviations.has(k))).toEqual([]);
  });
});
