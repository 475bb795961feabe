import { type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import {
  discreteKernel,
  docstringModel,
  exactX,
  hmcGibbsKernel,
  mixedKernel,
} from "../test-fixtures/gibbs-kernels.js";
import { HMCGibbs } from "./hmc-gibbs.js";
import { NUTS } from "./hmc-kernel.js";
import type { Kernel } from "./kernel.js";
import { MCMC } from "./mcmc.js";

const y = tensor([-2.1, -1.7, 0.2, 2.3, 1.9, 4.2]);

/** Every site's draws and every extra field, flattened in name order. */
function everything(m: MCMC): number[] {
  const s = m.getSamples({ groupByChain: true }) as Record<string, Tensor>;
  const f = m.getExtraFields();
  return [
    ...Object.keys(s)
      .sort()
      .flatMap((k) => Array.from(f64(s[k]))),
    ...Object.keys(f)
      .sort()
      .flatMap((k) => Array.from(f64(f[k]))),
  ];
}

describe("Gibbs kernels in parallel (worker) chains", () => {
  const cases: [string, () => Kernel, unknown[]][] = [
    ["HMCGibbs", () => hmcGibbsKernel() as unknown as Kernel, []],
    ["DiscreteHMCGibbs", () => discreteKernel({ modified: true }) as unknown as Kernel, [y]],
    ["MixedHMC", () => mixedKernel() as unknown as Kernel, [y]],
  ];
  for (const [name, make, args] of cases) {
    test(`${name}: sequential, vectorized and parallel chains give identical draws and fields`, {
      timeout: 120_000,
    }, async () => {
      const out: number[][] = [];
      for (const chainMethod of ["sequential", "vectorized", "parallel"] as const) {
        const mcmc = new MCMC(make(), {
          numWarmup: 30,
          numSamples: 20,
          numChains: 2,
          chainMethod,
          progressBar: false,
        });
        await mcmc.run(4, ...args);
        out.push(everything(mcmc));
      }
      expect(out[0].length).toBeGreaterThan(2 * 20 * 2);
      expect(out[1]).toEqual(out[0]);
      expect(out[2]).toEqual(out[0]);
    });
  }

  test("a kernel without workerModule: a clear error naming the fix; a model argument that cannot be sent", async () => {
    const noModule = new MCMC(new HMCGibbs(new NUTS(docstringModel), exactX, ["x"]), {
      numWarmup: 2,
      numSamples: 2,
      numChains: 2,
      chainMethod: "parallel",
      progressBar: false,
    });
    await expect(noModule.run(0)).rejects.toThrow(
      /HMCGibbs: chainMethod "parallel" .* cannot receive gibbsFn and the model .*workerModule: \{ module: import\.meta\.url/,
    );
    const badArg = new MCMC(discreteKernel(), {
      numWarmup: 2,
      numSamples: 2,
      numChains: 2,
      chainMethod: "parallel",
      progressBar: false,
    });
    const withFn = Object.assign(tensor([0.1, 0.2]), {});
    await expect(badArg.run(0, y, () => withFn)).rejects.toThrow(
      /DiscreteHMCGibbs: .*argument 1 is a function, which cannot be sent/,
    );
    expect(
      () => new HMCGibbs(new NUTS(docstringModel), exactX, ["x"], { workerModule: "x" as never }),
    ).toThrow(/workerModule must be \{ module: string, exportName: string/);
  });
});
