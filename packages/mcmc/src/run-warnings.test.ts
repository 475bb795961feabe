import { describe, expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import type { Kernel } from "./kernel.js";
import { MCMC } from "./mcmc.js";
import { normalPotential } from "./testing/potentials.js";

const quiet = { progressBar: false, printWarnings: false } as const;
const codes = (m: MCMC) => m.warnings.map((w) => w.code);

/** A kernel replaying a fixed sequence of energies (the position never moves). */
class EnergyReplay implements Kernel<{ z: Float64Array; energy: number; i: number }> {
  readonly sampleField = "z";
  readonly defaultFields = ["energy"];
  constructor(private readonly energies: number[]) {}
  init() {
    return { z: new Float64Array(1), energy: this.energies[0], i: 0 };
  }
  sample(s: { z: Float64Array; energy: number; i: number }) {
    s.i++;
    s.energy = this.energies[s.i % this.energies.length];
    return s;
  }
  diagnostics() {
    return "";
  }
}

describe("MCMC run warnings", () => {
  test("a NaN gradient mid-run: the divergences are counted and the stuck chain is named", {
    timeout: 120_000,
  }, async () => {
    const U = normalPotential([0, 0], [1, 1]);
    let calls = 0;
    const kernel = new NUTS({
      potentialFn: (z, g) => {
        const u = U(z, g);
        if (++calls > 5_000) g[0] = Number.NaN;
        return u;
      },
      initParams: [0.1, 0.1],
    });
    const m = new MCMC(kernel, { ...quiet, numWarmup: 300, numSamples: 2000 });
    await m.run(0);
    expect(codes(m)).toContain("mcmc-divergences");
    expect(codes(m)).toContain("mcmc-stuck-chain");
    const stuck = m.warnings.find((w) => w.code === "mcmc-stuck-chain");
    expect(stuck?.chains).toEqual([0]);
    expect(stuck?.message).toMatch(/Chain 0 ended with \d+ divergent transitions in a row/);
    expect(m.numDivergences[0]).toBeGreaterThan(100);
  });

  test("a collapsed step size is flagged, and so is the tree depth it saturates", {
    timeout: 120_000,
  }, async () => {
    const kernel = new NUTS({
      potentialFn: normalPotential([0], [1]),
      initParams: [0],
      stepSize: 1e-8,
      adaptStepSize: false,
      maxTreeDepth: 4,
    });
    const m = new MCMC(kernel, { ...quiet, numWarmup: 20, numSamples: 50 });
    await m.run(0);
    expect(codes(m)).toEqual(["mcmc-max-tree-depth", "mcmc-step-size-collapse"]);
    expect(m.warnings[0].message).toMatch(
      /50 transitions after warmup \(100\.0%\) hit the maximum tree depth 4/,
    );
    expect(m.warnings[1].message).toMatch(/chain 0 \(1\.00e-8\)/);
  });

  test("a well-behaved run has no warnings", {
    timeout: 120_000,
  }, async () => {
    const m = new MCMC(new NUTS({ potentialFn: normalPotential([0, 1], [1, 2]), initParams: [0, 0] }), {
      ...quiet,
      numWarmup: 300,
      numSamples: 500,
      numChains: 2,
    });
    await m.run(3);
    expect(m.warnings).toEqual([]);
  });

  test("E-BFMI is ArviZ's bfmi of the post-warmup energies, and below 0.3 it is flagged", async () => {
    // az.bfmi([[3, 1.5, 4.25, 2, 2.5, 7, 1, 0.5]]) = 2.3346065699006875: no warning.
    const ok = new MCMC(new EnergyReplay([9, 3, 1.5, 4.25, 2, 2.5, 7, 1, 0.5]), {
      ...quiet,
      numWarmup: 1,
      numSamples: 8,
    });
    await ok.run(0);
    expect(ok.warnings).toEqual([]);
    // A slow drift: E_n = n gives mean((ΔE)²) = 1 against var(E) = (n² − 1)/12.
    const drift = Array.from({ length: 200 }, (_, i) => i - 1);
    const low = new MCMC(new EnergyReplay(drift), { ...quiet, numWarmup: 1, numSamples: 100 });
    await low.run(0);
    expect(codes(low)).toEqual(["mcmc-low-bfmi"]);
    expect(low.warnings[0].message).toMatch(/chain 0 \(0\.001\)/);
  });
});
