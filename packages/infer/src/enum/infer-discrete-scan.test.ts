import { readFileSync } from "node:fs";
import { Categorical, Normal } from "@phlox/distributions";
import { sample, scan, trace } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { enumFactors } from "./enum-factors.js";
import { enumTrace } from "./enum-log-density.js";
import { inferDiscrete } from "./infer-discrete.js";
import { decodeScanChain } from "./infer-discrete-scan.js";

const trans = [
  [0.7, 0.3],
  [0.4, 0.6],
];
const locs = [-0.5, 1];
const ys = [0.2, 0.9, -0.1];
const model = (data: T.Tensor): void => {
  scan(
    (x: T.Tensor, yt: T.Tensor) => {
      const xt = T.cast(sample("x", new Categorical(T.take(T.tensor(trans), x, 0))), "int32");
      sample("y", new Normal(T.take(T.tensor(locs), xt, 0), 1), { obs: yt });
      return [xt, null];
    },
    T.scalar(0, "int32"),
    data,
  );
};

describe("decoding the states of an enumerated scan", () => {
  it("Viterbi gives the most likely path and backward sampling draws paths with their posterior frequencies", () => {
    const tr = enumTrace(model, [T.tensor(ys)], -1);
    const ef = enumFactors(tr, -1);
    const chain = ef.chains[0] as (typeof ef.chains)[number];
    // the exact posterior over the 8 paths
    const logp = (path: number[]): number => {
      let lp = 0;
      let prev = 0;
      path.forEach((x, t) => {
        lp += Math.log(trans[prev][x]) - 0.5 * (ys[t] - locs[x]) ** 2;
        prev = x;
      });
      return lp;
    };
    const paths = Array.from({ length: 8 }, (_, i) => [(i >> 2) & 1, (i >> 1) & 1, i & 1]);
    const w = paths.map((p) => Math.exp(logp(p)));
    const z = w.reduce((a, b) => a + b, 0);
    const best = paths[w.indexOf(Math.max(...w))];
    const decode = (draw: (() => number) | null): number[] =>
      Array.from(
        (decodeScanChain(chain, tr, ef.plates, ef.order, draw, new Map()).get("x") as T.Tensor).dataSync(),
      );
    expect(decode(null)).toEqual(best);
    let s = 12345;
    const rng = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const n = 2000;
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < n; i++) {
      const [a, b, c] = decode(rng);
      counts[a * 4 + b * 2 + c]++;
    }
    counts.forEach((c, i) => {
      const p = w[i] / z;
      expect(Math.abs(c / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n) + 1e-3);
    });
  }, 60_000);
});

const regime = JSON.parse(
  readFileSync(new URL("../../fixtures/enum-scan-regime.json", import.meta.url), "utf8"),
) as { pi: number[]; trans: number[][][]; locs: number[]; y: number[]; z: number; x: number[] };

describe("inferDiscrete through a scan whose states depend on a discrete site outside it", () => {
  /** A global regime z picks the HMM's transition matrix; the states run through scan. */
  const regimeModel = (data: T.Tensor): void => {
    const k = regime.locs.length;
    const flat = T.reshape(T.tensor(regime.trans), [-1, k]);
    const z = T.cast(sample("z", new Categorical(T.tensor(regime.pi))), "int32");
    scan(
      (x: T.Tensor, yt: T.Tensor) => {
        const xt = T.cast(sample("x", new Categorical(T.take(flat, T.add(T.mul(z, k), x), 0))), "int32");
        sample("y", new Normal(T.take(T.tensor(regime.locs), xt, 0), 1), { obs: yt });
        return [xt, null];
      },
      T.scalar(0, "int32"),
      data,
    );
  };
  it("MAP regime and states equal NumPyro's infer_discrete (temperature 0)", () => {
    const tr = trace(inferDiscrete(regimeModel, { temperature: 0 })).getTrace(T.tensor(regime.y));
    expect((tr.get("z")?.value as T.Tensor | undefined)?.item()).toBe(regime.z);
    expect(Array.from((tr.get("x")?.value as T.Tensor | undefined)?.dataSync() ?? [])).toEqual(regime.x);
    // posterior draws run and give valid states
    const draw = trace(inferDiscrete(regimeModel, { temperature: 1, rngKey: 3 })).getTrace(
      T.tensor(regime.y),
    );
    const xs = Array.from((draw.get("x")?.value as T.Tensor | undefined)?.dataSync() ?? []);
    expect(xs.length).toBe(regime.y.length);
    expect(xs.every((v) => v >= 0 && v < regime.locs.length)).toBe(true);
  }, 60_000);
});
