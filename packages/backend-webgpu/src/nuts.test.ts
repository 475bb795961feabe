/**
 * NUTS on the WebGPU backend in Node (Dawn; SwiftShader in CI): the potential and its gradient run as
 * WebGPU kernels through `jitOnBackend` and are read back with `await`, so the kernel takes them as an
 * `asyncPotentialFn`.
 */
import { disposeTensors, jitOnBackend } from "@phlox/backend-tfjs";
import { MCMC, NUTS } from "@phlox/mcmc";
import {
  registerBackend,
  setBackend,
  silenceWarnings,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { probeNodeWebGpu } from "./gpu-probe.js";
import { nodeGpu } from "./node.js";
import { webgpu } from "./webgpu.js";

silenceWarnings(true);

const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";
const probe = await probeNodeWebGpu();

// y_i ~ N(mu, 1), mu ~ N(0, 10): the posterior of mu is N(n·ȳ/(n + 1/100), 1/(n + 1/100)).
const Y = [1.2, 0.4, 2.1, 1.7, 0.9, 1.5, 1.1, 2.4, 0.3, 1.8, 1.3, 0.7, 1.9, 1.0, 1.6, 0.8];
const n = Y.length;
const posteriorMean = (n * (Y.reduce((a, b) => a + b, 0) / n)) / (n + 1 / 100);
const posteriorSd = 1 / Math.sqrt(n + 1 / 100);
const potential = (mu: Tensor, y: Tensor): Tensor =>
  y.sub(mu).square().sum().mul(0.5).add(mu.square().sum().div(200));

if (probe.ok) {
  describe("NUTS on backend webgpu in Node", () => {
    it("samples through an asyncPotentialFn whose value and gradient are WebGPU kernels read back with await", async () => {
      const be = await webgpu({ gpu: await nodeGpu() });
      registerBackend(be);
      setBackend("webgpu");
      try {
        const y = tensor(Y);
        const vg = jitOnBackend(
          (z: Tensor, yy: Tensor) => valueAndGrad((m: Tensor) => potential(m, yy))(z),
          be,
        );
        let calls = 0;
        const U = async (z: Float64Array, g: Float64Array): Promise<number> => {
          calls++;
          const zt = tensor(z);
          const [v, gr] = vg(zt, y) as [Tensor, Tensor];
          const [vv, gg] = await Promise.all([v.data(), gr.data()]);
          disposeTensors([zt, v, gr]);
          g.set(gg);
          return vv[0] as number;
        };
        const mcmc = new MCMC(new NUTS({ asyncPotentialFn: U, initParams: [0] }), {
          numWarmup: 100,
          numSamples: 150,
          numChains: 1,
        });
        await U(new Float64Array([0]), new Float64Array(1)); // the jitted program uploads its constants once
        const before = be.numBytes();
        await mcmc.run(0);
        const draws = Float64Array.from(mcmc.getSamples().z.dataSync());
        expect(draws.length).toBe(150);
        expect(calls).toBeGreaterThan(251);
        const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
        // 150 NUTS draws of a normal posterior (ESS ≳ 100): the mean is within 5 posterior sd / √100.
        expect(Math.abs(mean - posteriorMean)).toBeLessThan(0.5 * posteriorSd);
        // Every leapfrog step's tensors were freed: the device holds no more than before the run.
        expect(be.numBytes()).toBeLessThanOrEqual(before);
        disposeTensors(y);
      } finally {
        setBackend("js");
      }
    }, 120_000);
  });
} else {
  describe("NUTS on backend webgpu in Node", () => {
    it(`webgpu adapter unavailable: ${probe.reason} (set PHLOX_REQUIRE_WEBGPU=1 to make this fail)`, () => {
      expect(probe.reason.length, "the probe explains why there is no adapter").toBeGreaterThan(0);
      expect(required, `PHLOX_REQUIRE_WEBGPU=1 but ${probe.reason}`).toBe(false);
    });
  });
}
