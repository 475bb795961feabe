// Ported from NumPyro's test/contrib/test_control_flow.py: test_scan_constrain_reparam_compatible (the scan
// model's potential equals the unrolled model's) and test_scan (NUTS through scan, then Predictive
// conditioned on a latent path).
import { LogNormal, Normal } from "@phlox/distributions";
import { cond, condition, deterministic, sample, scan } from "@phlox/handlers";
import { Predictive, potentialEnergy } from "@phlox/infer";
import { arange, type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
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
  const x = tensor(Array.from(f64(samples.x).slice(0, T)));
  const predictive = new Predictive(condition(model, { x }), {
    posteriorSamples: { y: tensor(Array.from(f64(samples.y)), { shape: [100, T] }) },
    returnSites: ["x", "y"],
  });
  const out = predictive.run(1, T);
  expect(out.x?.shape).toEqual([100, T]);
  const xr = out.x?.toArray() as number[][];
  const xa = x.toArray() as number[];
  for (const row of xr) for (let t = 0; t < T; t++) expect(row[t] as number).toBeCloseTo(xa[t] as number, 12);
  expect(Array.from(out.y?.dataSync() ?? [])).toEqual(Array.from(f64(samples.y)));
});

test("model-level cond: NUTS on a latent-dependent branch (test_cond)", { timeout: 300_000 }, async () => {
  const model = () => {
    const cluster = sample("cluster", new Normal(0, 1));
    cond(
      cluster.gt(0),
      () => {
        const x = sample("x", new Normal(4, 1));
        deterministic("z", x.sub(4));
      },
      () => {
        const x = sample("x", new Normal(0, 1));
        deterministic("z", x);
      },
    );
  };
  const mcmc = new MCMC(new NUTS(model), {
    numWarmup: 500,
    numSamples: 2500,
    numChains: 2,
    progressBar: false,
  });
  await mcmc.run(0);
  const x = Array.from(f64(mcmc.getSamples().x));
  const stats = (v: number[]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)];
  };
  const [hiM, hiS] = stats(x.filter((v) => v > 2));
  const [loM, loS] = stats(x.filter((v) => v < 2));
  // NumPyro's test: [4.01, 0.965, -0.01, 0.965] within 0.1 (4 chains × 2500); looser for 2 × 2500 here
  expect(Math.abs((hiM as number) - 4.01)).toBeLessThan(0.15);
  expect(Math.abs((hiS as number) - 0.965)).toBeLessThan(0.15);
  expect(Math.abs((loM as number) + 0.01)).toBeLessThan(0.15);
  expect(Math.abs((loS as number) - 0.965)).toBeLessThan(0.15);
  const [m, s] = stats(x);
  expect(Math.abs((m as number) - 2)).toBeLessThan(0.5);
  expect(Math.abs((s as number) - Math.sqrt(5))).toBeLessThan(0.5);
});
