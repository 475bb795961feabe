import { grad, jit, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { values } from "../internal/ops.js";
import { OrderedLogistic } from "./ordered-logistic.js";

// log P(y = k) = log(σ(c_k − η) − σ(c_{k−1} − η)) and its derivatives in η and c, from Python's decimal at 120
// digits (the sigmoids differenced at that precision; derivatives by central differences with h = 1e-40).
// Differencing the sigmoids in double, as NumPyro 0.21 does, rounds most of these to log 0 = −∞ or keeps a digit.
const CASES: { eta: number; c: number[]; k: number; logP: number; dEta: number; dC: number[] }[] = [
  // σ(36) − σ(35) ≈ 4e−16, both within 1e−15 of 1
  {
    eta: -35,
    c: [0, 1, 2],
    k: 1,
    logP: -35.45867514538708,
    dEta: 1,
    dC: [-1.5819767068693258, 0.5819767068693267, 0],
  },
  {
    eta: -35,
    c: [0, 1, 2],
    k: 0,
    logP: -6.305116760146987e-16,
    dEta: -6.305116760146985e-16,
    dC: [6.305116760146985e-16, 0, 0],
  },
  { eta: -35, c: [0, 1, 2], k: 3, logP: -37, dEta: 1, dC: [0, 0, -1] },
  // both sigmoids underflow (σ(−798) ≈ 1e−347)
  {
    eta: 800,
    c: [0, 1, 2],
    k: 2,
    logP: -798.4586751453871,
    dEta: -1,
    dC: [0, -0.5819767068693265, 1.5819767068693265],
  },
  // a gap of 1e−20 between the cutpoints: σ(1e−20) − σ(0) = 2.5e−21 is below ε/2 of σ(0)
  { eta: 0, c: [0, 1e-20], k: 1, logP: -47.4379962210008, dEta: 2.5e-21, dC: [-1e20, 1e20] },
  {
    eta: 50,
    c: [-1, 0.5, 2],
    k: 2,
    logP: -48.252482458925456,
    dEta: -1,
    dC: [0, -0.28721691678886824, 1.2872169167888683],
  },
];

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe("OrderedLogistic forms its class log-probabilities in log space", () => {
  it("logProb equals the 120-digit value where sigmoid differences round to 0 or keep a digit", () => {
    for (const { eta, c, k, logP } of CASES) {
      const got = new OrderedLogistic(eta, c).logProb(k).item();
      expect(rel(got, logP), `η = ${eta}, c = [${c}], k = ${k}: ${got} vs ${logP}`).toBeLessThanOrEqual(
        1e-14,
      );
    }
  });

  it("the gradient in η and the cutpoints is the 120-digit one, eagerly and under jit", () => {
    for (const { eta, c, k, dEta, dC } of CASES) {
      const f = (e: Tensor, cc: Tensor): Tensor => new OrderedLogistic(e, cc).logProb(k);
      for (const [how, g] of [
        ["eager", grad(f, [0, 1])],
        ["jit", jit(grad(f, [0, 1]))],
      ] as const) {
        const [ge, gc] = g(tensor(eta), tensor(c)) as [Tensor, Tensor];
        const at = `${how}, η = ${eta}, c = [${c}], k = ${k}`;
        expect(rel(ge.item(), dEta), `∂/∂η ${at}: ${ge.item()}`).toBeLessThanOrEqual(1e-13);
        for (const [i, v] of values(gc).entries()) {
          expect(rel(v, dC[i] as number), `∂/∂c${i} ${at}: ${v}`).toBeLessThanOrEqual(1e-13);
        }
      }
    }
  });

  it("agrees with the sigmoid differences at ordinary values, and the probabilities sum to 1", () => {
    const eta = [0, 1, -2.5];
    const c = [-1, 0.5, 2];
    const d = new OrderedLogistic(eta, c);
    const probs = d.probs.toArray() as number[][];
    const sig = (t: number): number => 1 / (1 + Math.exp(-t));
    eta.forEach((e, b) => {
      const cdf = [0, ...c.map((ck) => sig(ck - e)), 1];
      const row = probs[b] as number[];
      for (const [k, p] of row.entries())
        expect(p).toBeCloseTo((cdf[k + 1] as number) - (cdf[k] as number), 15);
      expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 15);
    });
  });

  it("a class between equal cutpoints (infinite ones too) has log-probability −∞ and no NaN gradient", () => {
    expect(new OrderedLogistic(0, [0.5, 0.5]).logProb(1).item()).toBe(-Infinity);
    expect(new OrderedLogistic(0, [0, Infinity, Infinity]).logProb(2).item()).toBe(-Infinity);
    const g = grad((cc: Tensor) => new OrderedLogistic(0.3, cc).logProb(1))(tensor([0, 1e-22, 1])) as Tensor;
    expect(values(g).every(Number.isFinite)).toBe(true);
  });
});
