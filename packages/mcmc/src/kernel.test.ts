import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
// The README's custom-kernel example, verbatim (imports point at the sources instead of "@phlox/mcmc").
import { ChainRandom, type Kernel, type KernelInitArgs, MCMC, type PotentialFn } from "./index.js";

interface RWState {
  z: Float64Array;
  pe: number;
  acceptProb: number;
  rng: ChainRandom;
}

/** Random-walk Metropolis: propose z' = z + scale·ε, accept with probability min(1, e^{U(z) − U(z')}). */
class RandomWalk implements Kernel<RWState> {
  readonly sampleField = "z";
  readonly defaultFields = ["acceptProb"];
  private readonly grad: Float64Array;
  constructor(
    private readonly U: PotentialFn,
    private readonly z0: ArrayLike<number>,
    private readonly scale = 0.5,
  ) {
    this.grad = new Float64Array(z0.length); // RWM ignores the gradient the potential writes
  }
  init({ key, initParams }: KernelInitArgs): RWState {
    const z = Float64Array.from(initParams ?? this.z0);
    return { z, pe: this.U(z, this.grad), acceptProb: 1, rng: new ChainRandom(key) };
  }
  sample(s: RWState): RWState {
    const proposal = s.z.map((x) => x + this.scale * s.rng.normal());
    const pe = this.U(proposal, this.grad);
    s.acceptProb = Math.min(1, Math.exp(s.pe - pe));
    if (s.rng.uniform() < s.acceptProb) {
      s.z = proposal;
      s.pe = pe;
    }
    return s;
  }
  diagnostics(s: RWState): string {
    return `acc. prob=${s.acceptProb.toFixed(2)}`;
  }
  stateToJSON(s: RWState) {
    return { z: Array.from(s.z), pe: s.pe, acceptProb: s.acceptProb, rng: s.rng.getState() };
  }
  stateFromJSON(j: unknown): RWState {
    const o = j as ReturnType<RandomWalk["stateToJSON"]>;
    const rng = new ChainRandom([0, 0]);
    rng.setState(o.rng);
    return { z: Float64Array.from(o.z), pe: o.pe, acceptProb: o.acceptProb, rng };
  }
}

const U: PotentialFn = (z, g) => {
  g[0] = (z[0] - 3) / 4;
  return (z[0] - 3) ** 2 / 8; // N(3, 2²)
};

test("a custom Kernel (random-walk Metropolis, the README example) runs under MCMC and finds N(3, 2²)", async () => {
  const mcmc = new MCMC(new RandomWalk(U, [0], 2.5), {
    numWarmup: 500,
    numSamples: 20000,
    numChains: 2,
    progressBar: false,
  });
  await mcmc.run(42);
  const z = mcmc.getSamples().z;
  expect(z.shape).toEqual([40000, 1]);
  let m = 0;
  let m2 = 0;
  for (const x of f64(z)) {
    m += x / z.size;
    m2 += (x * x) / z.size;
  }
  expect(Math.abs(m - 3)).toBeLessThan(0.15); // ~4 MCSE for RWM's ESS here (≈ 4000)
  expect(Math.abs(Math.sqrt(m2 - m * m) - 2)).toBeLessThan(0.15);
  const acc = mcmc.getExtraFields().acceptProb;
  expect(acc.shape).toEqual([40000]);
  // The driver snapshots its states through the kernel's JSON methods, so resuming works for it too.
  mcmc.postWarmupState = mcmc.lastState;
  await mcmc.run(0);
  expect(mcmc.getSamples().z.shape).toEqual([40000, 1]);
});
