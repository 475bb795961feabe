import { readFileSync } from "node:fs";
import { Bernoulli, Normal, positive } from "@phlox/distributions";
import { param, plate, sample, scale, subsample } from "@phlox/handlers";
import { full, matmul, PhloxError, type Tensor, tensor, zeros } from "@phlox/tensor";
import { Adam, type Params, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoSurrogateLikelihoodDAIS } from "./auto-surrogate-likelihood-dais.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/sldais.json", import.meta.url), "utf8")) as {
  X: number[][];
  Y: number[];
  numSurrogate: number;
  K: number;
  initParamNames: string[];
  params: Record<string, { data: number[]; shape: number[] }>;
  xi: number[];
  loss: number;
  gradUnconstrained: Record<string, number[]>;
};
const N = fx.X.length;
const NS = fx.numSurrogate;
const X = tensor(fx.X.flat(), { shape: [N, 3] });
const Y = tensor(fx.Y);
const Xs = tensor(fx.X.slice(0, NS).flat(), { shape: [NS, 3] });
const Ys = tensor(fx.Y.slice(0, NS));

function model(): void {
  const theta = sample("theta", new Normal(zeros([3]), 1).toEvent(1));
  plate("N", N, () => sample("obs", new Bernoulli({ logits: matmul(X, theta) }), { obs: Y }));
}
function surrogate(): void {
  const theta = sample("theta", new Normal(zeros([3]), 1).toEvent(1));
  const omegas = param("omegas", full([NS], 2), { constraint: positive });
  plate("N", NS, () =>
    scale(() => sample("obs", new Bernoulli({ logits: matmul(Xs, theta) }), { obs: Ys }), omegas)(),
  );
}

describe("AutoSurrogateLikelihoodDAIS against NumPyro 0.21 (fixtures/sldais.json)", () => {
  it("parameter names (the surrogate's first), particle loss and its gradient at fixed parameters and noise", () => {
    const guide = new AutoSurrogateLikelihoodDAIS(model, surrogate, {
      K: fx.K,
      etaMax: 0.25,
      etaInit: 0.005,
    });
    const setup = guide.setup(0, []);
    const p0 = setup.constrainParams(setup.initialParams());
    expect(Object.keys(p0)).toEqual(fx.initParamNames);
    expect(Array.from(p0.omegas.data).map((v) => +v.toFixed(12))).toEqual(Array(NS).fill(2));
    const params: Params = Object.fromEntries(
      Object.entries(fx.params).map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }]),
    );
    const u = setup.unconstrainParams(params);
    const grad = new Float64Array(setup.numParams);
    const loss = setup.particle(u, Float64Array.from(fx.xi), grad, "elbo", 0, 0);
    expect(loss).toBeCloseTo(fx.loss, 9);
    let off = 0;
    const byName: Record<string, number> = {};
    // the flat vector holds the DAIS block first, then the surrogate's parameters
    for (const name of fx.initParamNames.filter((n) => n !== "omegas")) {
      byName[name] = off;
      off += fx.gradUnconstrained[name].length;
    }
    byName.omegas = off;
    for (const [name, g] of Object.entries(fx.gradUnconstrained)) {
      for (let i = 0; i < g.length; i++) expect(grad[byName[name] + i]).toBeCloseTo(g[i], 8);
    }
  });

  it("runs SVI on a model that subsamples its data (allowed here, unlike AutoDAIS)", () => {
    const sub = (): void => {
      const theta = sample("theta", new Normal(zeros([3]), 1).toEvent(1));
      plate(
        "N",
        N,
        () => {
          const xb = subsample(X, 1) as Tensor;
          const yb = subsample(Y, 0) as Tensor;
          sample("obs", new Bernoulli({ logits: matmul(xb, theta) }), { obs: yb });
        },
        { subsampleSize: 8 },
      );
    };
    const guide = new AutoSurrogateLikelihoodDAIS(sub, surrogate, { K: 2 });
    const { params, losses } = new SVI(sub, guide, new Adam(0.01), new TraceELBO()).run(0, 50);
    expect(losses.every((l: number) => Number.isFinite(l))).toBe(true);
    expect(guide.samplePosterior(1, params, { sampleShape: [3] }).theta.shape).toEqual([3, 3]);
  });

  it("refuses a surrogate parameter with another constraint, and a non-function surrogate", () => {
    const bad = (): void => {
      sample("theta", new Normal(zeros([3]), 1).toEvent(1));
      param("w", tensor(0.5), { constraint: { toString: () => "unitInterval" } });
    };
    expect(() => new AutoSurrogateLikelihoodDAIS(model, bad).setup(0, [])).toThrow(/only real and positive/);
    expect(() => new AutoSurrogateLikelihoodDAIS(model, 3 as unknown as () => void)).toThrow(PhloxError);
  });
});
