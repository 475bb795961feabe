import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { grad, jit, key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { values } from "../internal/ops.js";
import { Multinomial } from "../multivariate/multinomial.js";
import { Categorical } from "./categorical.js";

// fixtures/zero-prob.json: scipy.stats log-pmfs and entropies, and NumPyro 0.21's gradients (null where NumPyro's
// gradient is NaN), written by scripts/zero_prob_fixtures.py.
type Num = number | null;
interface CatCase {
  k: number;
  logProb: Num;
  grad: Num[];
}
interface MultCase {
  x: number[];
  logProb: Num;
  grad: Num[];
}
interface ZeroProbFixtures {
  categoricalProbs: { probs: number[]; cases: CatCase[]; entropy: number };
  categoricalLogits: { logits: number[]; cases: CatCase[]; entropy: number };
  multinomialProbs: { probs: number[]; cases: MultCase[] };
  multinomialLogits: { logits: number[]; cases: MultCase[] };
}
const here = dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(join(here, "..", "..", "fixtures", "zero-prob.json"), "utf8"), (_k, v) =>
  v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v,
) as ZeroProbFixtures;

/** Exact for ±∞, relative 1e-12 otherwise. */
function expectClose(actual: number, expected: number): void {
  if (!Number.isFinite(expected)) expect(actual).toBe(expected);
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

/** Our gradient is never NaN, and equals NumPyro's wherever NumPyro's is finite. */
function expectGrad(actual: number[], numpyro: Num[]): void {
  for (let i = 0; i < numpyro.length; i++) {
    expect(Number.isNaN(actual[i]!)).toBe(false);
    const g = numpyro[i];
    if (g !== null && g !== undefined && Number.isFinite(g)) expectClose(actual[i]!, g);
  }
}

describe("Categorical and Multinomial with a zero probability", () => {
  const { probs, cases: pCases, entropy: pEntropy } = fx.categoricalProbs;
  const { logits, cases: lCases, entropy: lEntropy } = fx.categoricalLogits;

  it("Categorical({ probs }).logProb gives log p_k, and −∞ for a zero-probability k, never NaN (scipy)", () => {
    const d = new Categorical({ probs });
    const lp = values(d.logProb([0, 1, 2]));
    for (const [i, c] of pCases.entries()) expectClose(lp[i]!, c.logProb!);
  });

  it("Categorical({ logits }).logProb with a −∞ logit gives −∞ there and the normalised logit elsewhere", () => {
    const d = new Categorical({ logits });
    const lp = values(d.logProb([0, 1, 2]));
    for (const [i, c] of lCases.entries()) expectClose(lp[i]!, c.logProb!);
  });

  it("Categorical.logProb stays exact under jit with a zero probability", () => {
    const f = jit((p: Tensor, k: Tensor) => new Categorical({ probs: p }).logProb(k));
    const lp = values(f(tensor(probs), tensor([0, 1, 2])) as Tensor);
    for (const [i, c] of pCases.entries()) expectClose(lp[i]!, c.logProb!);
  });

  it("Categorical.logProb gradients w.r.t. probs and logits are finite wherever NumPyro's are, and never NaN", () => {
    for (const c of pCases) {
      const g = values(
        grad((p: Tensor) => new Categorical({ probs: p }).logProb(c.k))(tensor(probs)) as Tensor,
      );
      expectGrad(g, c.grad);
    }
    for (const c of lCases) {
      const g = values(
        grad((l: Tensor) => new Categorical({ logits: l }).logProb(c.k))(tensor(logits)) as Tensor,
      );
      expectGrad(g, c.grad);
    }
  });

  it("Categorical.entropy treats 0·log 0 as 0 (scipy.stats.entropy) and its gradient is not NaN", () => {
    expectClose(new Categorical({ probs }).entropy().item() as number, pEntropy);
    expectClose(new Categorical({ logits }).entropy().item() as number, lEntropy);
    const g = values(grad((p: Tensor) => new Categorical({ probs: p }).entropy())(tensor(probs)) as Tensor);
    expect(g.some(Number.isNaN)).toBe(false);
  });

  it("Categorical.sample never draws a zero-probability category (10 000 seeded draws)", () => {
    const draws = values(new Categorical({ probs }).sample(key(4), [10000]));
    expect(draws.includes(0)).toBe(false);
    const ones = draws.filter((v) => v === 1).length / draws.length;
    // within 5 standard errors of 0.3
    expect(Math.abs(ones - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / draws.length));
  });

  it("Multinomial.logProb with a zero probability or −∞ logit matches scipy, with gradients finite where NumPyro's are", () => {
    for (const [kw, p, cases] of [
      ["probs", fx.multinomialProbs.probs, fx.multinomialProbs.cases],
      ["logits", fx.multinomialLogits.logits, fx.multinomialLogits.cases],
    ] as const) {
      const make = (q: Tensor) => new Multinomial(3, kw === "probs" ? { probs: q } : { logits: q });
      for (const c of cases) {
        expectClose(make(tensor(p)).logProb(c.x).item() as number, c.logProb!);
        const g = values(grad((q: Tensor) => make(q).logProb(c.x))(tensor(p)) as Tensor);
        for (let i = 0; i < c.grad.length; i++) {
          const want = c.grad[i];
          if (want !== null && want !== undefined && Number.isFinite(want)) expectClose(g[i]!, want);
          else if (want === null) expect(Number.isNaN(g[i]!)).toBe(false);
        }
      }
    }
  });
});
