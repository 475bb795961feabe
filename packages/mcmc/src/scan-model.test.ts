import { HalfNormal, Normal } from "@phlox/distributions";
import { scan, seed, substitute, trace } from "@phlox/handlers";
import { logDensity } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

const localLevel = (y: Tensor) => {
  const sigmaLevel = sample2("sigma_level", new HalfNormal(1));
  const sigmaObs = sample2("sigma_obs", new HalfNormal(1));
  const [, levels] = scan(
    (mu: Tensor, yt: Tensor) => {
      const m = sample2("level", new Normal(mu, sigmaLevel));
      sample2("y", new Normal(m, sigmaObs), { obs: yt });
      return [m, m];
    },
    tensor(0),
    y,
  );
  return levels;
};

import { sample as sample2 } from "@phlox/handlers";

test("local level via scan: trace, logDensity, NUTS", { timeout: 120_000 }, async () => {
  const y = tensor([0.1, 0.5, 0.3, 1.2, 0.9, 1.5, 1.1, 2.0]);
  const tr = trace(seed(localLevel, 0)).getTrace(y);
  expect(tr.get("level")?.value?.shape).toEqual([8]);
  expect(tr.get("y")?.isObserved).toBe(true);
  const lvl = tensor([0, 0.3, 0.4, 1, 1, 1.4, 1.2, 1.8]);
  const { logJoint } = logDensity(localLevel, [y], { sigma_level: 0.5, sigma_obs: 0.3, level: lvl });
  // reference by hand
  const nl = (x: number, m: number, s: number) =>
    -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
  const hn = (x: number, s: number) => Math.log(2) + nl(x, 0, s);
  let ref = hn(0.5, 1) + hn(0.3, 1);
  const L = lvl.toArray() as number[];
  const Y = y.toArray() as number[];
  let prev = 0;
  for (let t = 0; t < 8; t++) {
    ref += nl(L[t], prev, 0.5) + nl(Y[t], L[t], 0.3);
    prev = L[t];
  }
  expect(logJoint.item()).toBeCloseTo(ref, 10);
  const tr2 = trace(substitute(seed(localLevel, 1), { level: lvl })).getTrace(y);
  expect(tr2.get("level")?.value?.toArray()).toEqual(lvl.toArray());
  const mcmc = new MCMC(new NUTS(localLevel), { numWarmup: 200, numSamples: 200, progressBar: false });
  await mcmc.run(0, y);
  const s = mcmc.getSamples();
  expect(s.level.shape).toEqual([200, 8]);
});
