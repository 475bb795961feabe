import { Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { PhloxError, tensor } from "@phlox/tensor";
import { describe, expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { ChainError, MCMC } from "./mcmc.js";

// A model bug (here observations of the wrong length for their plate) is the same for every chain: MCMC
// reports it once, when initialising, whatever the chain method, instead of once per chain.
let calls = 0;
const buggy = (n: number) => {
  calls++;
  const mu = sample("mu", new Normal(0, 1));
  plate("data", n, () => sample("y", new Normal(mu, 1), { obs: tensor([0.1, 0.2]) }));
};

describe("a model error is reported once, at initialisation", () => {
  for (const chainMethod of ["sequential", "vectorized", "parallel"] as const) {
    test(`chainMethod ${chainMethod}, 4 chains`, { timeout: 60_000 }, async () => {
      calls = 0;
      const mcmc = new MCMC(new NUTS(buggy), {
        numWarmup: 10,
        numSamples: 10,
        numChains: 4,
        chainMethod,
        progressBar: false,
      });
      const err = await mcmc.run(0, 3).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PhloxError);
      expect(err).not.toBeInstanceOf(ChainError);
      expect((err as PhloxError).code).toBe("mcmc-init-failed");
      const message = (err as Error).message;
      expect(message).toMatch(/initialising the chains failed \(the other 3 chains were not started\)/);
      // The cause (the model's own error) appears once, not once per chain.
      const cause = (err as Error).cause as Error;
      expect(cause).toBeInstanceOf(Error);
      expect(message.split(cause.message).length - 1).toBe(1);
      expect(message).not.toMatch(/chain [123]/);
      // Only chain 0's initialisation ran the model (the initialiser may trace it more than once).
      const perChain = calls;
      calls = 0;
      await new MCMC(new NUTS(buggy), { numWarmup: 10, numSamples: 10, progressBar: false })
        .run(0, 3)
        .catch(() => undefined);
      expect(perChain).toBe(calls);
    });
  }
});
