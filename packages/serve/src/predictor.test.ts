import { describe, expect, it } from "vitest";
import { loadPosterior } from "./posterior.js";
import { PosteriorPredictor } from "./predictor.js";
import { summarizeDraws } from "./summarize.js";
import { RADON_POSTERIOR } from "./testing/fixtures.js";
import radonServable from "./testing/radon-model.js";

describe("PosteriorPredictor.draws with reused output arrays", () => {
  it("writes into the given arrays the same draws as fresh ones, request after request", async () => {
    const p = new PosteriorPredictor(radonServable);
    const post = await loadPosterior(RADON_POSTERIOR, p.latents);
    const rows = p.flattenRows([
      { county: 3, log_uppm: 0.5, floor: 0 },
      { county: 70, log_uppm: -0.8, floor: 1 },
    ]);
    const into = [new Float64Array(1000)];
    const opts = { quantiles: [0.05, 0.5, 0.95], hdiProb: 0.9, returnDraws: false };
    for (const [r, seed, n] of [
      [0, 0, 1000],
      [1, 0, 1000],
      [1, 7, 500],
      [0, 0, 1000],
    ]) {
      const fresh = p.draws(post, rows, r, seed, n)[0];
      const got = p.draws(post, rows, r, seed, n, into);
      expect(got[0]).toBe(into[0]);
      expect(Array.from(got[0].subarray(0, n))).toEqual(Array.from(fresh));
      expect(summarizeDraws(got[0], n, [], opts)).toEqual(summarizeDraws(fresh, n, [], opts));
    }
  }, 120_000);
});
