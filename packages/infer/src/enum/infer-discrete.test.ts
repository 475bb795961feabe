import { readFileSync } from "node:fs";
import { Bernoulli, Categorical, Normal } from "@phlox/distributions";
import { markov, plate, sample, trace } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Predictive } from "../predictive.js";
import { fixtureModels } from "./fixture-models.js";
import { inferDiscrete } from "./infer-discrete.js";

interface Case {
  name: string;
  args: unknown[];
  params: Record<string, unknown>;
}
const read = (f: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${f}`, import.meta.url), "utf8"));
const densityCases = (read("enum-log-density.json") as { cases: Case[] }).cases;
const mapCases = (read("infer-discrete.json") as { cases: { name: string; map: Record<string, unknown> }[] })
  .cases;

describe("inferDiscrete against NumPyro's infer_discrete", () => {
  for (const mc of mapCases) {
    it(`${mc.name}: MAP values (temperature 0) equal NumPyro's`, () => {
      const c = densityCases.find((x) => x.name === mc.name) as Case;
      const args = c.args.map((a) => T.tensor(a as number[]));
      const p = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, T.tensor(v as number[])]));
      const model = (...a: T.Tensor[]): void => fixtureModels[mc.name](a, p);
      const tr = trace(inferDiscrete(model, { temperature: 0 })).getTrace(...args);
      for (const [name, want] of Object.entries(mc.map)) {
        const got = tr.get(name)?.value as T.Tensor;
        const w = T.tensor(want as number[]);
        expect([name, got.shape]).toEqual([name, w.shape]);
        expect([name, Array.from(got.dataSync())]).toEqual([name, Array.from(w.dataSync())]);
      }
    }, 60_000);
  }
});

describe("inferDiscrete sampling (temperature 1)", () => {
  it("draws a two-state chain's states with their exact posterior frequencies", () => {
    // x0 ~ Bern(0.5), x1 | x0 ~ Bern(0.8 if x0 else 0.3), y_t ~ N(2 x_t, 1): posterior of (x0, x1) by brute force
    const ys = [0.4, 1.7];
    const model = (): void => {
      let x: T.Tensor = T.scalar(0.5);
      for (const t of markov([0, 1])) {
        const p = t === 0 ? T.scalar(0.5) : T.add(T.mul(x, 0.5), 0.3);
        x = sample(`x_${t}`, new Bernoulli(p));
        sample(`y_${t}`, new Normal(T.mul(x, 2), 1), { obs: ys[t] });
      }
    };
    const lp = (a: number, b: number): number =>
      Math.log(0.5) +
      Math.log(a ? (b ? 0.8 : 0.2) : b ? 0.3 : 0.7) -
      0.5 * (ys[0] - 2 * a) ** 2 -
      0.5 * (ys[1] - 2 * b) ** 2;
    const joint = [0, 1].flatMap((a) => [0, 1].map((b) => Math.exp(lp(a, b))));
    const z = joint.reduce((s, v) => s + v, 0);
    const counts = [0, 0, 0, 0];
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const tr = trace(inferDiscrete(model, { rngKey: i })).getTrace();
      const v = (name: string): number => tr.get(name)?.value?.item() ?? Number.NaN;
      counts[2 * v("x_0") + v("x_1")]++;
    }
    counts.forEach((c, i) => {
      const p = joint[i] / z;
      expect(Math.abs(c / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n) + 1e-3);
    });
  }, 120_000);

  it("Predictive with inferDiscrete returns the mixture assignments of each draw", () => {
    const y = T.tensor([-3, -2.9, 3.1, 2.8]);
    const model = (data: T.Tensor): void => {
      const locs = plate("K", 2, () => sample("locs", new Normal(0, 5)));
      plate("N", 4, () => {
        const z = sample("z", new Categorical(T.tensor([0.5, 0.5])), { infer: { enumerate: "parallel" } });
        sample("y", new Normal(T.take(locs, T.cast(z, "int32"), 0), 0.3), { obs: data });
      });
    };
    const draws = {
      locs: T.tensor([
        [-3, 3],
        [3, -3],
        [-3, 3],
      ]),
    };
    const out = new Predictive(model, {
      posteriorSamples: draws,
      inferDiscrete: true,
      returnSites: ["z"],
    }).run(0, y);
    expect(out.z.shape).toEqual([3, 4]);
    expect(Array.from(out.z.dataSync())).toEqual([0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1]);
  });
});
