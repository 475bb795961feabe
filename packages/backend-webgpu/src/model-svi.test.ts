/**
 * `SVI` on the WebGPU backend in Node (Dawn; SwiftShader in CI): `new SVI(model, guide, optim, loss, { backend })`
 * evaluates the model's compiled potential on the device, awaiting it at each step (`runAsync`). Checked against
 * the CPU run with the same key.
 */
import { AutoDiagonalNormal, AutoNormal } from "@phlox/autoguide";
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { Adam } from "@phlox/optim";
import { PhloxError, registerBackend, setBackend, silenceWarnings, type Tensor, tensor } from "@phlox/tensor";
import { SVI, TraceELBO } from "@phlox/vi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeNodeWebGpu } from "./gpu-probe.js";
import { nodeGpu } from "./node.js";
import { type WebGpuBackend, webgpu } from "./webgpu.js";

silenceWarnings(true);

const required = process.env.PHLOX_REQUIRE_WEBGPU === "1";
const probe = await probeNodeWebGpu();

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

const mean = (a: Float64Array, from: number, to: number): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] as number;
  return s / (to - from);
};

if (probe.ok) {
  describe("SVI on backend webgpu in Node", () => {
    let be: WebGpuBackend;
    beforeAll(async () => {
      be = await webgpu({ gpu: await nodeGpu() });
      registerBackend(be);
    });
    afterAll(() => {
      be.destroy();
    });
    const { X, y } = logisticData();
    const Xt = tensor(X, { shape: [200, 3] });
    const yt = tensor(y);
    const STEPS = 80;

    for (const [name, Guide] of [
      ["AutoNormal", AutoNormal],
      ["AutoDiagonalNormal", AutoDiagonalNormal],
    ] as const) {
      it(`TraceELBO with ${name}: the loss falls and the fit lands on the CPU's (same key)`, async () => {
        const make = (backend?: WebGpuBackend) =>
          new SVI(logistic, new Guide(logistic), new Adam(0.05), new TraceELBO(), backend ? { backend } : {});
        const gpu = make(be);
        expect(gpu.backend).toBe(be);
        const g = await gpu.runAsync(7, STEPS, Xt, yt);
        const c = make().run(7, STEPS, Xt, yt);
        // −ELBO of 200 Bernoulli rows starts in the hundreds and falls to ~100.
        expect(mean(g.losses, STEPS - 20, STEPS)).toBeLessThan(mean(g.losses, 0, 20) - 20);
        // Same noise, float32 against float64: the losses and the parameters track the CPU run's.
        for (let i = 0; i < STEPS; i++)
          expect(Math.abs((g.losses[i] as number) - (c.losses[i] as number))).toBeLessThan(
            1e-2 * (1 + Math.abs(c.losses[i] as number)),
          );
        for (const [k, v] of Object.entries(c.params)) {
          const gv = g.params[k]?.dataSync() as Float64Array;
          v.dataSync().forEach((x, i) => {
            expect(Math.abs((gv[i] as number) - x)).toBeLessThan(0.05);
          });
        }
      }, 120_000);
    }

    it("refuses the synchronous run on a device backend, and follows the current backend", async () => {
      const svi = new SVI(logistic, new AutoNormal(logistic), new Adam(0.05), new TraceELBO(), {
        backend: be,
      });
      expect(() => svi.run(0, 2, Xt, yt)).toThrow(PhloxError);
      setBackend("webgpu");
      try {
        const current = new SVI(logistic, new AutoNormal(logistic), new Adam(0.05), new TraceELBO());
        expect(current.backend).toBe(be);
      } finally {
        setBackend("js");
      }
      const cpu = new SVI(logistic, new AutoNormal(logistic), new Adam(0.05), new TraceELBO());
      expect(cpu.backend).toBeUndefined();
    }, 120_000);
  });
} else {
  describe("SVI on backend webgpu in Node", () => {
    it(`webgpu adapter unavailable: ${probe.reason} (set PHLOX_REQUIRE_WEBGPU=1 to make this fail)`, () => {
      expect(probe.reason.length, "the probe explains why there is no adapter").toBeGreaterThan(0);
      expect(required, `PHLOX_REQUIRE_WEBGPU=1 but ${probe.reason}`).toBe(false);
    });
  });
}
