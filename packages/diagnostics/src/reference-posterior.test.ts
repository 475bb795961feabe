import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  essBulk,
  essMean,
  essTail,
  mcseMean,
  mcseQuantile,
  mcseSd,
  quantile,
  rhat,
  splitGelmanRubin,
  summary,
} from "./index.js";

// The R package posterior 1.4.0 (`summarise_draws`) on 4 × 1000 stored draws of centered eight
// schools; read from the shared reference folder next to the repository (never copied).
const url = new URL("../../../../shared/reference/diagnostics/diagnostics_rhat_ess.json", import.meta.url);
const ref = JSON.parse(readFileSync(url, "utf8")).rstan_eight_schools_centered_autocorrelated as {
  draws: Record<string, number[][]>;
  summary: Record<string, (number | string)[]>;
};

function close(actual: number, expected: number, rtol = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected));
}

describe("convergence diagnostics match the R package posterior 1.4 on stored draws", () => {
  const names = ref.summary.variable as string[];
  names.forEach((name, j) => {
    const draws = ref.draws[name];
    const col = (key: string): number => ref.summary[key][j] as number;
    it(`rhat, essBulk, essTail, rhat_basic and ess_basic of ${name} agree to 1e-6`, () => {
      close(rhat(draws)[0], col("rhat"));
      close(essBulk(draws)[0], col("ess_bulk"));
      close(essTail(draws)[0], col("ess_tail"));
      close(splitGelmanRubin(draws)[0], col("rhat_basic"));
      close(essMean(draws)[0], col("ess_basic"));
    });
    it(`mcseMean, mcseSd and mcseQuantile(0.5) of ${name} agree to 1e-6`, () => {
      close(mcseMean(draws)[0], col("mcse_mean"));
      close(mcseSd(draws)[0], col("mcse_sd"));
      close(mcseQuantile(draws, 0.5)[0], col("mcse_median"));
    });
    it(`mean and sd of ${name} agree to 1e-6`, () => {
      const [row] = summary({ [name]: draws });
      close(row.mean, col("mean"));
      close(row.std, col("sd"));
    });
    it(`quantiles 5%, 50%, 95% of ${name} agree to 1e-6`, () => {
      const flat = draws.flat();
      close(quantile(flat, 0.05), col("5%"));
      close(quantile(flat, 0.5), col("median"));
      close(quantile(flat, 0.95), col("95%"));
    });
  });
});
