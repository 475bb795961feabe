// NUTS on models whose discrete sites are summed out by enumeration, against NumPyro's posteriors on the
// same data (scripts/enum_nuts.py writes fixtures/enum_nuts.json); WAIC/PSIS-LOO of the mixture against ArviZ.
import { loo, mcseMean, waic } from "@phlox/diagnostics";
import {
  Bernoulli,
  Beta,
  Categorical,
  Dirichlet,
  DiscreteUniform,
  Exponential,
  HalfNormal,
  Normal,
  Poisson,
} from "@phlox/distributions";
import { Mask, markov, plate, sample } from "@phlox/handlers";
import { initToMedian, initToValue, logLikelihood } from "@phlox/infer";
import * as T from "@phlox/tensor";
import { describe, expect, test } from "vitest";
import fx from "../fixtures/enum_nuts.json" with { type: "json" };
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

type Tensor = T.Tensor;
const int = (x: Tensor): Tensor => T.cast(x, "int32");
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const par = { infer: { enumerate: "parallel" } };

function gmm(y: Tensor): void {
  const w = sample("w", new Dirichlet(T.ones([3])));
  const locs = plate("K", 3, () => sample("locs", new Normal(T.tensor([-5, 0, 5]), 1.5)));
  const sigma = sample("sigma", new HalfNormal(2));
  plate("N", y.shape[0], () => {
    const z = sample("z", new Categorical(w), par);
    sample("y", new Normal(T.take(locs, int(z), 0), sigma), { obs: y });
  });
}

function hmmSteps(
  sequences: Tensor,
  lengths: Tensor,
  step: (t: number, xPrev: Tensor, y: Tensor) => Tensor,
): void {
  const [S, L, D] = sequences.shape;
  let xPrev: Tensor = T.zeros([S, 1], "int32");
  for (const t of markov(range(L))) {
    const y = T.squeeze(T.slice(sequences, [0, t, 0], [S, t + 1, D]), 1);
    const m = T.reshape(T.gt(lengths, t), [S, 1]);
    plate(
      "sequences",
      S,
      () =>
        new Mask(m).run(() => {
          xPrev = step(t, xPrev, y);
        }),
      { dim: -2 },
    );
  }
}

function hmm1(sequences: Tensor, lengths: Tensor): void {
  const D = sequences.shape[2];
  const probsX = sample("probs_x", new Dirichlet(T.add(T.mul(T.eye(2), 0.9), 0.1)).toEvent(1));
  const probsY = sample("probs_y", new Beta(0.1, 0.9).expand([2, D]).toEvent(2));
  hmmSteps(sequences, lengths, (t, xPrev, y) => {
    const x = int(sample(`x_${t}`, new Categorical(T.take(probsX, xPrev, 0)), par));
    plate("tones", D, () => sample(`y_${t}`, new Bernoulli(T.take(probsY, T.squeeze(x, -1), 0)), { obs: y }));
    return x;
  });
}

function hmm2(sequences: Tensor, lengths: Tensor): void {
  const [S, , D] = sequences.shape;
  const probsX = sample("probs_x", new Dirichlet(T.add(T.mul(T.eye(2), 0.9), 0.1)).toEvent(1));
  const probsY = sample("probs_y", new Beta(0.1, 0.9).expand([2, 2, D]).toEvent(3));
  const flat = T.reshape(probsY, [-1]);
  let yPrev: Tensor = T.zeros([S, D], "int32");
  hmmSteps(sequences, lengths, (t, xPrev, y) => {
    const x = int(sample(`x_${t}`, new Categorical(T.take(probsX, xPrev, 0)), par));
    plate("tones", D, (tones) => {
      const idx = T.add(T.add(T.mul(x, 2 * D), T.mul(yPrev, D)), tones);
      sample(`y_${t}`, new Bernoulli(T.take(flat, idx, 0)), { obs: y });
    });
    yPrev = int(y);
    return x;
  });
}

function changepoint(y: Tensor): void {
  const n = y.shape[0];
  const lam1 = sample("lam1", new Exponential(0.2));
  const lam2 = sample("lam2", new Exponential(0.2));
  const tau = sample("tau", new DiscreteUniform(0, n - 1), par);
  const rate = T.where(T.lt(T.arange(n), tau), lam1, lam2);
  plate("T", n, () => sample("y", new Poisson(rate), { obs: y }));
}

function zip(y: Tensor): void {
  const pi = sample("pi", new Beta(1, 1));
  const lam = sample("lam", new Exponential(0.5));
  plate("N", y.shape[0], () => {
    const z = sample("z", new Bernoulli(pi), par);
    sample("y", new Poisson(T.add(T.mul(z, lam), T.mul(T.sub(1, z), 1e-8))), { obs: y });
  });
}

interface Summary {
  mean: number[];
  sd: number[];
  mcse: number[];
}
interface ModelFx {
  data: Record<string, unknown>;
  init?: Record<string, unknown>;
  summary: Record<string, Summary>;
}
const models = fx.models as unknown as Record<string, ModelFx>;
const tensorOf = (v: unknown, dtype?: "int32"): Tensor => T.tensor(v as number[], dtype ? { dtype } : {});

/** Draws as `{ data, shape }`, whether `getSamples` gives tensors or plain data. */
function asDraws(v: unknown): { data: Float64Array; shape: number[] } {
  if (v instanceof T.Tensor)
    return { data: Float64Array.from(v.dataSync() as ArrayLike<number>), shape: [...v.shape] };
  const s = v as { data: ArrayLike<number>; shape: number[] };
  return { data: Float64Array.from(s.data), shape: [...s.shape] };
}

const initFrom = (name: string): unknown =>
  initToValue({
    values: Object.fromEntries(Object.entries(models[name].init ?? {}).map(([k, v]) => [k, tensorOf(v)])),
  });

const CASES: [string, (...a: Tensor[]) => void, () => Tensor[], () => unknown][] = [
  ["gmm", gmm, () => [tensorOf(models.gmm.data.y)], () => initToMedian()],
  [
    "hmm_1",
    hmm1,
    () => [tensorOf(models.hmm_1.data.sequences), tensorOf(models.hmm_1.data.lengths, "int32")],
    () => initFrom("hmm_1"),
  ],
  [
    "hmm_2",
    hmm2,
    () => [tensorOf(models.hmm_2.data.sequences), tensorOf(models.hmm_2.data.lengths, "int32")],
    () => initFrom("hmm_2"),
  ],
  ["changepoint", changepoint, () => [tensorOf(models.changepoint.data.y)], () => undefined],
  ["zip", zip, () => [tensorOf(models.zip.data.y)], () => undefined],
];

describe("NUTS with enumerated discrete sites matches NumPyro's posterior", () => {
  for (const [name, model, args, init] of CASES) {
    test(`${name}: every posterior mean within max(4 MCSE, 0.05 sd) of NumPyro's`, {
      timeout: 600_000,
    }, async () => {
      const ref = models[name].summary;
      const initStrategy = init();
      const mcmc = new MCMC(new NUTS(model, initStrategy === undefined ? {} : { initStrategy }), {
        numWarmup: 500,
        numSamples: 1000,
        numChains: 1,
        progressBar: false,
      });
      await mcmc.run(11, ...args());
      const samples = mcmc.getSamples({ groupByChain: true }) as Record<string, unknown>;
      const bad: string[] = [];
      for (const [site, r] of Object.entries(ref)) {
        const draws = asDraws(samples[site]);
        const k = r.mean.length;
        const n = draws.data.length / k;
        const mcse = mcseMean(draws);
        for (let e = 0; e < k; e++) {
          let m = 0;
          for (let i = 0; i < n; i++) m += draws.data[i * k + e];
          m /= n;
          const tol = Math.max(4 * Math.hypot(mcse[e] as number, r.mcse[e]), 0.05 * r.sd[e]);
          if (!(Math.abs(m - r.mean[e]) <= tol)) {
            bad.push(`${site}[${e}]: ${m.toFixed(4)} vs ${r.mean[e].toFixed(4)} (tol ${tol.toFixed(4)})`);
          }
        }
      }
      expect(bad).toEqual([]);
    });
  }
});

describe("WAIC and PSIS-LOO of the mixture (z summed out of each point) equal ArviZ's", () => {
  test("on NumPyro's thinned draws", { timeout: 120_000 }, () => {
    const ic = (
      fx.models.gmm as unknown as {
        ic: {
          draws: Record<string, unknown>;
          waic: Record<string, number>;
          loo: { elpd: number; se: number; p: number; pareto_k: number[] };
        };
      }
    ).ic;
    const draws = Object.fromEntries(Object.entries(ic.draws).map(([k, v]) => [k, tensorOf(v)]));
    const ll = logLikelihood(gmm, draws, [tensorOf(models.gmm.data.y)]).y;
    const input = { data: Float64Array.from(ll.dataSync() as ArrayLike<number>), shape: [1, ...ll.shape] };
    const w = waic(input);
    expect(w.elpd).toBeCloseTo(ic.waic.elpd, 8);
    expect(w.se).toBeCloseTo(ic.waic.se, 8);
    expect(w.p).toBeCloseTo(ic.waic.p, 8);
    const l = loo(input);
    expect(l.elpd).toBeCloseTo(ic.loo.elpd, 6);
    expect(l.se).toBeCloseTo(ic.loo.se, 6);
    expect(l.p).toBeCloseTo(ic.loo.p, 6);
    const k = l.paretoK as Float64Array;
    for (let i = 0; i < ic.loo.pareto_k.length; i++) expect(k[i]).toBeCloseTo(ic.loo.pareto_k[i], 6);
  });
});
