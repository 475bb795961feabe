import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { grad, scalar, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { FIXTURE_BUILDERS } from "./testing/cases.js";

// NumPyro's log-densities and gradients at edge points (fixtures/grad-parity.json, from
// scripts/grad_parity_fixtures.py): shapes of exactly 1, values near the ends of the support, probabilities
// near 0 and 1, counts of 0.
interface Case {
  dist: string;
  params: Record<string, number>;
  value: number;
  logProb: number;
  grad: Record<string, number>;
  dValue?: number;
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
const DEVIATIONS: Record<string, { logProb?: number; grad?: Record<string, number> }> = {
  "Geometric(probs=1; x = 0)": { logProb: 0, grad: { probs: 1 } },
};
const usedDeviations = new Set<string>();
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
      const build = FIXTURE_BUILDERS[c.dist];
      expect(build, c.dist).toBeDefined();
      const make = (p: Record<string, number | Tensor>) => (build as NonNullable<typeof build>)(p as never);
      const rtol = RTOL[c.dist] ?? 1e-10;
      const lp = make(c.params).logProb(c.value).item();
      const wantLp = dev?.logProb ?? c.logProb;
      expect(close(lp, wantLp, rtol), `logProb ${lp}, expected ${wantLp} (NumPyro ${c.logProb})`).toBe(true);
      for (const [k, numpyro] of Object.entries(c.grad)) {
        const want = dev?.grad?.[k] ?? numpyro;
        const g = grad((p: Tensor) => make({ ...c.params, [k]: p }).logProb(c.value))(
          scalar(c.params[k] as number),
        );
        expect(
          close(g.item(), want, rtol),
          `∂/∂${k}: ${g.item()}, expected ${want} (NumPyro ${numpyro})`,
        ).toBe(true);
      }
      if (c.dValue !== undefined) {
        const d = make(c.params);
        const g = grad((x: Tensor) => d.logProb(x))(scalar(c.value)).item();
        expect(close(g, c.dValue, rtol), `∂/∂x: ${g}, NumPyro ${c.dValue}`).toBe(true);
      }
    });
  }

  it("every listed deviation names a fixture case", () => {
    expect(Object.keys(DEVIATIONS).filter((k) => !usedDeviations.has(k))).toEqual([]);
  });
});
