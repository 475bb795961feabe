import { readFileSync } from "node:fs";
import { Categorical, Dirichlet, Normal } from "@phlox/distributions";
import { plate, sample, scan, substitute, trace } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { logLikelihood } from "../predictive.js";
import { enumTrace, enumTraceLogJoint } from "./enum-log-density.js";
import { inferDiscrete } from "./infer-discrete.js";
import { model3 } from "./scan-fixture-models.js";

const fixture = JSON.parse(
  readFileSync(new URL("../../fixtures/enum-scan.json", import.meta.url), "utf8"),
) as {
  sequences: number[][][];
  lengths: number[];
  cases: { name: string; params: Record<string, number[]>; logDensity: number }[];
};
const sequences = T.tensor(fixture.sequences, { dtype: "int32" });
const lengths = T.tensor(fixture.lengths, { dtype: "int32" });
const params = (c: { params: Record<string, number[]> }): Record<string, T.Tensor> =>
  Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, T.tensor(v)]));

describe("enumeration through scan with history 2", () => {
  it("the loop-folded and the stacked forward recursions both equal NumPyro's log density", () => {
    for (const c of fixture.cases.filter((x) => x.name === "model_3")) {
      const m = substitute(model3, params(c)) as (...a: T.Tensor[]) => void;
      for (const fuse of [true, false]) {
        const tr = enumTrace(m, [sequences, lengths], -3, null, fuse);
        const info = tr.get("x")?.infer.scanEnum as { fused?: unknown; history: number };
        expect(info.history).toBe(2);
        expect(info.fused !== undefined).toBe(fuse);
        const lp = enumTraceLogJoint(tr, -3).item();
        expect(Math.abs(lp - c.logDensity)).toBeLessThan(1e-10 * (1 + Math.abs(c.logDensity)));
      }
    }
  }, 120_000);

  it("inferDiscrete and logLikelihood through such a scan say they handle history 1 only", () => {
    const c = fixture.cases.find((x) => x.name === "model_3") as { params: Record<string, number[]> };
    const m = substitute(model3, params(c)) as (...a: T.Tensor[]) => void;
    expect(() => trace(inferDiscrete(m, { temperature: 0 })).getTrace(sequences, lengths)).toThrow(
      /inferDiscrete: the scan of "x" has history 2/,
    );
    const draws = Object.fromEntries(Object.entries(params(c)).map(([k, v]) => [k, T.stack([v])]));
    expect(() => logLikelihood(model3, draws, [sequences, lengths])).toThrow(
      /logLikelihood: the scan of "x" has history 2/,
    );
  }, 120_000);
});

const loglik = JSON.parse(
  readFileSync(new URL("../../fixtures/enum-scan-loglik.json", import.meta.url), "utf8"),
) as { y: number[][]; draws: { probs_x: number[][]; locs: number[][]; logLik: number[][] }[] };

describe("logLikelihood through scan when an observation reads the previous state", () => {
  const K = 3;
  /** y[t] ~ Normal(locs[x[t−1], x[t]], 1), x[−1] = 0: the observation depends on two steps of the chain. */
  function model(y: T.Tensor): void {
    const n = y.shape[1] as number;
    const probsX = sample("probs_x", new Dirichlet(T.ones([K])).expand([K]).toEvent(1));
    const locs = sample("locs", new Normal(0, 1).expand([K, K]).toEvent(2));
    const flat = T.reshape(locs, [K * K]);
    scan(
      (xPrev: T.Tensor, yt: T.Tensor) => {
        let x = xPrev;
        plate("seq", n, () => {
          x = T.cast(sample("x", new Categorical(T.take(probsX, xPrev, 0))), "int32");
          sample("y", new Normal(T.take(flat, T.add(T.mul(xPrev, K), x), 0), 1), { obs: yt });
        });
        return [x, null];
      },
      T.zeros([n], "int32"),
      y,
    );
  }
  it("equals the brute-force sum over every state path, step by step", () => {
    const y = T.tensor(loglik.y);
    const draws = {
      probs_x: T.tensor(loglik.draws.map((d) => d.probs_x)),
      locs: T.tensor(loglik.draws.map((d) => d.locs)),
    };
    const got = logLikelihood(model, draws, [y]).y;
    const [steps, n] = y.shape as [number, number];
    expect(got.shape).toEqual([2, steps, n]);
    const g = got.dataSync();
    loglik.draws.forEach((d, s) => {
      for (let t = 0; t < steps; t++)
        for (let i = 0; i < n; i++)
          expect(
            Math.abs((g[(s * steps + t) * n + i] as number) - (d.logLik[t]?.[i] as number)),
          ).toBeLessThan(1e-10);
    });
  }, 120_000);
});
