import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loo, psislw, relativeEff, waic } from "./index.js";

// The R package loo 2.5.1 on a stored 2000 × 8 log-likelihood matrix (4 chains × 500 draws, chains
// stacked), read from the shared reference folder next to the repository (never copied).
const url = new URL("../../../../shared/reference/diagnostics/diagnostics_loo.json", import.meta.url);
interface RLoo {
  estimates: { Estimate: number[]; SE: number[] };
  pointwise: { elpd_loo: number[]; p_loo: number[] };
  pareto_k: number[];
  n_eff_psis: number[];
}
const ref = JSON.parse(readFileSync(url, "utf8")) as {
  log_lik: number[][];
  chain_id: number[];
  r_eff: number[];
  loo_with_r_eff: RLoo;
  loo_r_eff_1: RLoo;
  waic: { estimates: { Estimate: number[]; SE: number[] } };
  psis_log_weights_obs1_normalized_first10: number[];
};
const S = ref.log_lik.length;
const N = ref.log_lik[0].length;
const chains = new Set(ref.chain_id).size;
const logLik = { data: Float64Array.from(ref.log_lik.flat()), shape: [chains, S / chains, N] };

function close(actual: number, expected: number, rtol = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected));
}
function closeAll(actual: ArrayLike<number>, expected: readonly number[], rtol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], rtol);
}

describe("PSIS-LOO and WAIC match the R package loo 2.5.1 (convention 'loo')", () => {
  it("relativeEff reproduces loo's relative_eff(exp(log_lik), chain_id)", () => {
    closeAll(relativeEff(logLik), ref.r_eff);
  });

  for (const [label, r, reff] of [
    ["with r_eff", ref.loo_with_r_eff, ref.r_eff],
    ["with r_eff = 1", ref.loo_r_eff_1, 1],
  ] as const) {
    it(`loo ${label}: elpd_loo, p_loo, looic with SEs, pointwise values, Pareto k and n_eff agree to 1e-6`, () => {
      const res = loo(logLik, { reff, convention: "loo", warn: false });
      const [elpd, p, looic] = r.estimates.Estimate;
      const [elpdSe, pSe, looicSe] = r.estimates.SE;
      close(res.elpd, elpd);
      close(res.p, p);
      close(res.ic, looic);
      close(res.elpdSe, elpdSe);
      close(res.pSe, pSe);
      close(res.icSe, looicSe);
      closeAll(res.pointwise, r.pointwise.elpd_loo);
      closeAll(res.pointwiseP, r.pointwise.p_loo);
      closeAll(res.paretoK!, r.pareto_k);
      closeAll(res.nEffPsis!, r.n_eff_psis);
    });
  }

  it("loo without r_eff computes R's relative efficiencies from the chains", () => {
    const res = loo(logLik, { convention: "loo", warn: false });
    close(res.elpd, ref.loo_with_r_eff.estimates.Estimate[0]);
    closeAll(res.paretoK!, ref.loo_with_r_eff.pareto_k);
  });

  it("psislw gives loo's normalised log weights of observation 1", () => {
    const ratios = Float64Array.from(ref.log_lik, (row) => -row[0]);
    const { logWeights } = psislw(ratios, { reff: ref.r_eff[0], convention: "loo" });
    closeAll(logWeights.subarray(0, 10), ref.psis_log_weights_obs1_normalized_first10);
  });

  it("waic: elpd_waic, p_waic, waic and SEs agree to 1e-6", () => {
    const res = waic(logLik, { convention: "loo" });
    const [elpd, p, w] = ref.waic.estimates.Estimate;
    const [elpdSe, pSe, wSe] = ref.waic.estimates.SE;
    close(res.elpd, elpd);
    close(res.p, p);
    close(res.ic, w);
    close(res.elpdSe, elpdSe);
    close(res.pSe, pSe);
    close(res.icSe, wSe);
  });
});
