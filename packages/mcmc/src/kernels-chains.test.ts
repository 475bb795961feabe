import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import { AIES } from "./aies.js";
import { BarkerMH, RandomWalkMH } from "./barker.js";
import { ESS } from "./ess.js";
import type { Kernel } from "./kernel.js";
import { MCMC } from "./mcmc.js";
import { SA } from "./sa.js";
import { normalPotential } from "./testing/potentials.js";

const fixtures = new URL("../test-fixtures/potentials.mjs", import.meta.url).href;
const payload = { mu: [1, -1], sigma: [0.5, 2] };
const src = {
  potentialFn: normalPotential(payload.mu, payload.sigma),
  dim: 2,
  potentialSpec: { module: fixtures, exportName: "normalPotential", payload },
};
const kernels: [string, () => Kernel][] = [
  ["SA", () => new SA(src) as unknown as Kernel],
  ["BarkerMH", () => new BarkerMH(src) as unknown as Kernel],
  ["RandomWalkMH", () => new RandomWalkMH(src) as unknown as Kernel],
  ["AIES", () => new AIES(src) as unknown as Kernel],
  ["ESS", () => new ESS(src) as unknown as Kernel],
];

describe("SA, BarkerMH, RandomWalkMH, AIES, ESS through MCMC", () => {
  for (const [name, make] of kernels) {
    test(`${name}: sequential, vectorized and parallel (worker) chains give identical draws and fields`, {
      timeout: 300_000,
    }, async () => {
      const draws: number[][] = [];
      const fields: number[][] = [];
      for (const chainMethod of ["sequential", "vectorized", "parallel"] as const) {
        const progress: number[] = [];
        const mcmc = new MCMC(make(), {
          numWarmup: 40,
          numSamples: 30,
          numChains: 4,
          chainMethod,
          progressBar: false,
          onProgress: (p) => progress.push(p.chain),
        });
        await mcmc.run(7);
        expect(mcmc.getSamples({ groupByChain: true }).z.shape).toEqual([4, 30, 2]);
        draws.push(Array.from(f64(mcmc.getSamples().z)));
        const f = mcmc.getExtraFields();
        fields.push(
          Object.keys(f)
            .sort()
            .flatMap((k) => Array.from(f64(f[k]))),
        );
        expect(new Set(progress)).toEqual(new Set([0, 1, 2, 3]));
      }
      expect(draws[1]).toEqual(draws[0]);
      expect(draws[2]).toEqual(draws[0]);
      expect(fields[1]).toEqual(fields[0]);
      expect(fields[2]).toEqual(fields[0]);
    });

    test(`${name}: warmup() then run() continues from postWarmupState exactly; lastState resumes`, {
      timeout: 60_000,
    }, async () => {
      const opts = { numWarmup: 30, numSamples: 20, numChains: 4, progressBar: false } as const;
      const whole = new MCMC(make(), opts);
      await whole.run(3);
      const split = new MCMC(make(), opts);
      await split.warmup(3);
      expect(split.postWarmupState?.chains).toHaveLength(4);
      // Through JSON, as a saved file would be.
      split.postWarmupState = JSON.parse(JSON.stringify(split.postWarmupState));
      await split.run(3);
      expect(Array.from(f64(split.getSamples().z))).toEqual(Array.from(f64(whole.getSamples().z)));
      const more = new MCMC(make(), opts);
      more.postWarmupState = whole.lastState;
      await more.run(4);
      expect(more.getSamples().z.shape).toEqual([80, 2]);
    });
  }
});
