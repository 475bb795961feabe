import { readFileSync } from "node:fs";
import { Gamma, Normal } from "@phlox/distributions";
import { plate, sample, subsample } from "@phlox/handlers";
import { matmul, type Tensor, tensor, zeros } from "@phlox/tensor";
import type { Params } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoNormal } from "./auto-normal.js";
import { AutoSemiDAIS } from "./auto-semi-dais.js";

interface Case {
  params: Record<string, { data: number[]; shape: number[] }>;
  loss: number;
  grad: Record<string, number[]>;
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/semidais.json", import.meta.url), "utf8")) as {
  N: number;
  B: number;
  P: number;
  K: number;
  X: number[][];
  Y: number[];
  idx: number[];
  noise: number[];
  localParams: Case;
  globalParams: Case;
};
const { N, B, P, K } = fx;
const X = tensor(fx.X.flat(), { shape: [N, P] });
const Y = tensor(fx.Y);

const globalModel = (): Tensor => sample("theta", new Normal(zeros([P]), 1).toEvent(1));
function localModel(theta: Tensor): void {
  plate(
    "N",
    N,
    () => {
      const Xb = subsample(X, 1);
      const Yb = subsample(Y, 0);
      const tau = sample("tau", new Gamma(5, 5));
      sample("obs", new Normal(matmul(Xb, theta), tensor(0.1).div(tau.sqrt())), { obs: Yb });
    },
    { subsampleSize: B },
  );
}
const model = (): void => localModel(globalModel());

describe("AutoSemiDAIS against NumPyro 0.21 (fixtures/semidais.json)", () => {
  for (const [label, c, shared] of [
    ["per-element DAIS parameters", fx.localParams, false],
    ["useGlobalDaisParams", fx.globalParams, true],
  ] as const) {
    it(`${label}: particle loss and its gradient at fixed parameters, minibatch and noise`, () => {
      const guide = new AutoSemiDAIS(model, localModel, new AutoNormal(globalModel), {
        K,
        etaMax: 0.25,
        etaInit: 0.005,
        useGlobalDaisParams: shared,
      });
      const setup = guide.setup(0, []);
      const specs = guide.paramSpecs();
      expect(specs.map((s) => s.name).sort()).toEqual(Object.keys(c.params).sort());
      const params: Params = Object.fromEntries(
        Object.entries(c.params).map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }]),
      );
      const u = setup.unconstrainParams(params);
      guide.useIndices(fx.idx);
      const grad = new Float64Array(setup.numParams);
      const loss = setup.particle(u, Float64Array.from(fx.noise), grad, "elbo", 0, 0);
      expect(Math.abs(loss - c.loss)).toBeLessThan(1e-9 * Math.max(1, Math.abs(c.loss)));
      for (const s of specs) {
        const want = c.grad[s.name];
        const got = Array.from(grad.subarray(s.offset, s.offset + s.size));
        for (let i = 0; i < want.length; i++)
          expect(Math.abs(got[i] - want[i]), `${s.name}[${i}]`).toBeLessThan(
            1e-8 * Math.max(1, Math.abs(want[i])),
          );
      }
    }, 120_000);
  }
});
