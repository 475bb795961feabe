import { grad, jit, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { sigmoid } from "../internal/ops.js";
import { Bernoulli } from "./bernoulli.js";
import { Binomial } from "./binomial.js";

// NumPyro 0.21's BernoulliProbs and BinomialProbs clamp probs to [finfo.tiny, 1 − finfo.eps] in log_prob
// (clamp_probs): log p and log(1 − p) are at least log tiny = −708.396… and log ε = −36.043…, never −∞. The numbers
// below are NumPyro's (jax_enable_x64, `jax.grad` for the derivative), read off the oracle.
const TINY = 2.2250738585072014e-308;
const LOG_TINY = -708.3964185322641;
const LOG_EPS = -36.04365338911715;

describe("Bernoulli and Binomial with probs clamp p as NumPyro does", () => {
  it("Bernoulli({ probs }).logProb at p = 0 and 1 is NumPyro's clamped value with a zero gradient", () => {
    const cases: [number, number, number][] = [
      [0, 0, -TINY],
      [0, 1, LOG_TINY],
      [1, 0, LOG_EPS],
      [1, 1, -2.2204460492503136e-16],
      [1e-320, 1, LOG_TINY],
    ];
    for (const [p, x, want] of cases) {
      const f = (q: Tensor): Tensor => new Bernoulli({ probs: q }).logProb(x);
      expect(f(tensor(p)).item(), `p = ${p}, x = ${x}`).toBe(want);
      expect((grad(f)(tensor(p)) as Tensor).item(), `∂/∂p at p = ${p}, x = ${x}`).toBe(0);
    }
  });

  it("Bernoulli({ probs: σ(η) }) stays finite where σ(η) rounds to 1 or 0, eagerly and under jit", () => {
    // NumPyro: η = 40, x = 0 → log ε; η = −750, x = 1 → log tiny; η = 36 (σ = 1 − ε exactly, a tie of the clip,
    // whose derivative JAX splits in half) → log ε with derivative −0.4999999999999999
    const cases: [number, number, number, number][] = [
      [40, 0, LOG_EPS, 0],
      [40, 1, -2.2204460492503136e-16, 0],
      [-750, 1, LOG_TINY, 0],
      [-750, 0, -TINY, 0],
      [36, 0, LOG_EPS, -0.4999999999999999],
    ];
    for (const [eta, x, want, dwant] of cases) {
      const f = (e: Tensor): Tensor => new Bernoulli({ probs: sigmoid(e) }).logProb(x);
      for (const [how, g] of [
        ["eager", grad(f)],
        ["jit", jit(grad(f))],
      ] as const) {
        expect(f(tensor(eta)).item(), `η = ${eta}, x = ${x}`).toBe(want);
        expect((g(tensor(eta)) as Tensor).item(), `${how} ∂/∂η at η = ${eta}, x = ${x}`).toBeCloseTo(
          dwant,
          15,
        );
      }
    }
  });

  it("Binomial(5, { probs }).logProb at p = 0 and 1 is NumPyro's clamped value", () => {
    const cases: [number, number, number][] = [
      [0, 0, -1.1125369292536007e-307],
      [0, 2, -1414.490251971534],
      [0, 5, -3541.98209266132],
      [1, 0, -180.21826694558575],
      [1, 2, -105.82837507435741],
      [1, 5, -1.1102230246251567e-15],
    ];
    for (const [p, k, want] of cases) {
      const f = (q: Tensor): Tensor => new Binomial(5, { probs: q }).logProb(k);
      expect(f(tensor(p)).item(), `p = ${p}, k = ${k}`).toBeCloseTo(want, 12);
      // NumPyro's derivative is 0, but NaN at p = 0, k = 5 (k/tiny overflows to ∞ and meets the clip's zero
      // derivative); Phlox's clip selects instead of multiplying, so it is 0 there too
      expect((grad(f)(tensor(p)) as Tensor).item(), `∂/∂p at p = ${p}, k = ${k}`).toBe(0);
    }
  });

  it("the logits forms are not clamped (log σ(l) = −softplus(−l) to the end of the float range)", () => {
    expect(new Bernoulli({ logits: -800 }).logProb(1).item()).toBe(-800);
    expect(new Binomial(2, { logits: 800 }).logProb(0).item()).toBe(-1600);
  });
});
