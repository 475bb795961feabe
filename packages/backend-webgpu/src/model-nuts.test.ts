/**
 * `NUTS(model)` on the WebGPU backend in Node (Dawn; SwiftShader in CI): the model's potential is compiled for
 * the device by `@phlox/infer`'s `initializeModel({ backend })` — no hand-written potential — and MCMC awaits
 * it at every leapfrog step. Checked against the CPU (backend-js, float64) run with the same key.
 */
import { Bernoulli, HalfCauchy, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import {
  jsBackend,
  PhloxError,
  registerBackend,
  setBackend,
  silenceWarnings,
  type Tensor,
  tensor,
  withBackend,
} from "@phlox/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeNodeWebGpu } from "./gpu-probe.js";
import { nodeGpu } from "./node.js";
import { type WebGpuBackend, webgpu } from "./webgpu.js";

silenceWarnings(true);

const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";
const probe = await probeNodeWebGpu();

const SIGMA = [15, 10, 16, 11, 9, 11, 10, 18];
const Y = [28, 8, -3, 7, -1, 1, 18, 12];
/** Non-centred eight schools. */
function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const raw = sample("theta_decentered", new Normal(0, 1));
    sample("obs", new Normal(mu.add(tau.mul(raw)), sigma), { obs: y });
  });
}
/** Logistic regression with an intercept (Bernoulli with logits). */
function logistic(X: Tensor, y?: Tensor): void {
  const [n, d] = X.shape as [number, number];
  const alpha = sample("alpha", new Normal(0, 5));
  const beta = sample("beta", new Normal(0, 2.5).expand([d]).toEvent(1));
  plate("data", n, () => sample("y", new Bernoulli({ logits: X.matmul(beta).add(alpha) }), { obs: y }));
}
/** N = 200 rows, D = 3, from a fixed LCG; true alpha = 0.5, beta = [1, −2, 0.5]. */
function logisticData(): { X: number[]; y: number[] } {
  let s = 12345;
  const u = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const X: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    const x = [2 * u() - 1, 2 * u() - 1, 2 * u() - 1];
    X.push(...x);
    const eta = 0.5 + x[0] - 2 * x[1] + 0.5 * x[2];
    y.push(u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }
  return { X, y };
}

const meanOf = (t: Tensor, k = 0, stride = 1): number => {
  const d = t.dataSync();
  let m = 0;
  for (let i = k; i < d.length; i += stride) m += Number(d[i]);
  return (m * stride) / d.length;
};

if (probe.ok) {
  describe("NUTS(model) on backend webgpu in Node", () => {
    // One device for the file (Dawn does not survive creating and destroying devices repeatedly in one process).
    let be: WebGpuBackend;
    beforeAll(async () => {
      be = await webgpu({ gpu: await nodeGpu() });
      registerBackend(be);
    });
    afterAll(() => {
      setBackend("js");
      be.destroy();
    });

    it("compiles the model's potential for the device: value and gradient equal the CPU's to float32 rounding", async () => {
      {
        const args = [tensor(SIGMA), tensor(Y)];
        const info = initializeModel(0, eightSchools as never, args, { backend: be });
        expect(info.backend).toBe(be);
        const U = info.asyncPotentialFn as NonNullable<typeof info.asyncPotentialFn>;
        const gc = new Float64Array(info.dim);
        const gd = new Float64Array(info.dim);
        for (let t = 0; t < 3; t++) {
          const z = Float64Array.from({ length: info.dim }, (_, i) => Math.sin(3 * i + t) * (t + 1));
          const vc = info.potentialFn(z, gc);
          const vd = await U(z, gd);
          expect(Math.abs(vd - vc)).toBeLessThan(1e-5 * (1 + Math.abs(vc)));
          for (let i = 0; i < info.dim; i++)
            expect(Math.abs(gd[i] - gc[i])).toBeLessThan(1e-4 * (1 + Math.abs(gc[i])));
        }
        // The CPU path is unchanged: no device potential without the option.
        expect(initializeModel(0, eightSchools as never, args).asyncPotentialFn).toBeUndefined();
      }
    }, 120_000);

    it("new NUTS(model, { backend }) recovers eight schools (non-centred) like the CPU run with the same key", async () => {
      {
        const opts = { numWarmup: 60, numSamples: 60, progressBar: false } as const;
        const kernel = new NUTS(eightSchools, { backend: be });
        expect(kernel.asynchronous).toBe(true);
        const gpu = new MCMC(kernel, opts);
        await gpu.run(3, tensor(SIGMA), tensor(Y));
        const cpu = new MCMC(new NUTS(eightSchools), opts);
        await cpu.run(3, tensor(SIGMA), tensor(Y));
        const g = gpu.getSamples();
        const c = cpu.getSamples();
        expect(g.mu.shape).toEqual([60]);
        expect(Math.min(...Array.from(g.tau.dataSync(), Number))).toBeGreaterThan(0);
        // Posterior sd of mu ≈ 3.3, of tau ≈ 3.2; 60 draws each (ESS ≳ 30): means within ~3 MCSE of each other
        // and of posteriordb's reference (mu 4.39, tau 3.6).
        expect(Math.abs(meanOf(g.mu) - meanOf(c.mu))).toBeLessThan(2.5);
        expect(Math.abs(meanOf(g.tau) - meanOf(c.tau))).toBeLessThan(2.5);
        expect(Math.abs(meanOf(g.mu) - 4.39)).toBeLessThan(2.5);
      }
    }, 120_000);

    it("with WebGPU as the current backend, new NUTS(model) samples a logistic regression (N=200, D=3) on it", async () => {
      const { X, y } = logisticData();
      const Xt = tensor(X, { shape: [200, 3] });
      const yt = tensor(y);
      const opts = { numWarmup: 30, numSamples: 40, progressBar: false } as const;
      const cpu = new MCMC(new NUTS(logistic), opts);
      await cpu.run(5, Xt, yt);
      setBackend("webgpu");
      try {
        const kernel = new NUTS(logistic);
        expect(kernel.asynchronous).toBe(true);
        const gpu = new MCMC(kernel, opts);
        await gpu.run(5, Xt, yt);
        const g = gpu.getSamples();
        const c = cpu.getSamples();
        expect(g.beta.shape).toEqual([40, 3]);
        // Posterior sds ≈ 0.2–0.3: the means agree with the CPU run's within 0.35 and recover the true values.
        expect(Math.abs(meanOf(g.alpha) - meanOf(c.alpha))).toBeLessThan(0.35);
        const truth = [1, -2, 0.5];
        for (let k = 0; k < 3; k++) {
          expect(Math.abs(meanOf(g.beta, k, 3) - meanOf(c.beta, k, 3))).toBeLessThan(0.35);
          expect(Math.abs(meanOf(g.beta, k, 3) - (truth[k] as number))).toBeLessThan(0.8);
        }
      } finally {
        setBackend("js");
      }
    }, 120_000);

    it("a device that goes away mid-run rejects with a PhloxError instead of hanging", async () => {
      // A second backend on the same device: destroying it invalidates it, not the device the file shares.
      const doomed = await webgpu({ gpu: await nodeGpu(), name: "webgpu-doomed" });
      try {
        const mcmc = new MCMC(new NUTS(eightSchools, { backend: doomed }), {
          numWarmup: 20,
          numSamples: 20,
          progressBar: false,
        });
        let calls = 0;
        const run = mcmc.run(0, ...withBackend(jsBackend, () => [tensor(SIGMA), tensor(Y)] as const));
        // Destroy the backend after the run has started evaluating on it.
        const timer = setInterval(() => {
          if (++calls === 3) doomed.destroy();
        }, 200);
        const err = await run.then(
          () => null,
          (e: unknown) => e,
        );
        clearInterval(timer);
        expect(err).toBeInstanceOf(PhloxError);
        // MCMC reports the failed chain (mcmc-chain-failed) with the backend's own error in its message.
        expect((err as PhloxError).code).toBe("mcmc-chain-failed");
        expect((err as PhloxError).message).toMatch(/webgpu-doomed.*after destroy\(\)/);
      } finally {
        doomed.destroy();
      }
    }, 120_000);
  });
} else {
  describe("NUTS(model) on backend webgpu in Node", () => {
    it(`webgpu adapter unavailable: ${probe.reason} (set PHLOX_REQUIRE_WEBGPU=1 to make this fail)`, () => {
      expect(probe.reason.length, "the probe explains why there is no adapter").toBeGreaterThan(0);
      expect(required, `PHLOX_REQUIRE_WEBGPU=1 but ${probe.reason}`).toBe(false);
    });
  });
}
