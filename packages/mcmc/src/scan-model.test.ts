// Ported from NumPyro's test/contrib/test_control_flow.py: test_scan_constrain_reparam_compatible (the scan
// model's potential equals the unrolled model's) and test_scan (NUTS through scan, then Predictive
// conditioned on a latent path).
import { LogNormal, Normal } from "@phlox/distributions";
import { condition, sample, scan } from "@phlox/handlers";
import { Predictive, potentialEnergy } from "@phlox/infer";
import { arange, type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

test("a scan model's potential equals the unrolled model's with constrained sites (test_scan_constrain_reparam_compatible)", () => {
  const T = 10;
  const unrolled = () => {
    let x: Tensor | number = 0;
    let mu: Tensor | number = 0;
    for (let i = 0; i < T; i++) {
      x = sample(`x_${i}`, new LogNormal(tensor(0).mul(x), 1));
      mu = (x as Tensor).add(tensor(0).mul(mu));
      sample(`y_${i}`, new Normal(mu, 1));
    }
  };
  const scanned = () =>
    scan(
      ([x, mu]: [Tensor, Tensor]) => {
        const x1 = sample("x", new LogNormal(x.mul(0), 1));
        const mu1 = mu.mul(0).add(x1);
        sample("y", new Normal(mu1, 1));
        return [[x1, mu1] as [Tensor, Tensor], null];
      },
      [tensor(0), tensor(0)] as [Tensor, Tensor],
      arange(T),
    );
  const params: Record<string, Tensor> = {};
  for (let i = 0; i < T; i++) {
    params[`x_${i}`] = tensor((i + 1) / 10);
    params[`y_${i}`] = tensor(-i / 5);
  }
  const a = potentialEnergy(scanned, [], {
    x: tensor(Array.from({ length: T }, (_, i) => (i + 1) / 10)),
    y: tensor(Array.from({ length: T }, (_, i) => -i / 5)),
  }).item();
  expect(a).toBeCloseTo(potentialEnergy(unrolled, [], params).item(), 10);
});

test("NUTS through scan, then Predictive conditioned on a latent path (test_scan)", {
  timeout: 120_000,
}, async () => {
  const model = (T: number) => {
    const x0 = sample("x_0", new Normal(0, 1));
    const y0 = sample("y_0", new Normal(x0, 1));
    const [, xy] = scan(
      ([x, mu]: [Tensor, Tensor]) => {
        const x1 = sample("x", new Normal(x.mul(0), 1));
        const mu1 = mu.mul(0).add(x1);
        const y1 = sample("y", new Normal(mu1, 1));
        return [[x1, mu1] as [Tensor, Tensor], [x1, y1]];
      },
      [x0, x0] as [Tensor, Tensor],
      null,
      { length: T },
    );
    return [y0, xy];
  };
  const T = 10;
  const mcmc = new MCMC(new NUTS(model), { numWarmup: 100, numSamples: 100, progressBar: false });
  await mcmc.run(0, T);
  const samples = mcmc.getSamples();
  expect(new Set(Object.keys(samples))).toEqual(new Set(["x", "y", "x_0", "y_0"]));
  expect(samples.x.shape).toEqual([100, T]);
  const x = tensor(Array.from(samples.x.data.slice(0, T)));
  const predictive = new Predictive(condition(model, { x }), {
    posteriorSamples: { y: tensor(Array.from(samples.y.data), { shape: [100, T] }) },
    returnSites: ["x", "y"],
  });
  const out = predictive.run(1, T);
  expect(out.x?.shape).toEqual([100, T]);
  const xr = out.x?.toArray() as number[][];
  const xa = x.toArray() as number[];
  for (const row of xr) for (let t = 0; t < T; t++) expect(row[t] as number).toBeCloseTo(xa[t] as number, 12);
  expect(Array.from(out.y?.dataSync() ?? [])).toEqual(Array.from(samples.y.data));
});
