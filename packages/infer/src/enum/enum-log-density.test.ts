import { readFileSync } from "node:fs";
import { Bernoulli, Normal, Poisson } from "@phlox/distributions";
import { markov, plate, sample } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { enumLogDensity } from "./enum-log-density.js";
import { type FixtureModel, fixtureModels, type Params } from "./fixture-models.js";

interface Case {
  name: string;
  args: unknown[];
  params: Record<string, unknown>;
  logDensity: number;
  grad: Record<string, unknown>;
}
const fixture = JSON.parse(
  readFileSync(new URL("../../fixtures/enum-log-density.json", import.meta.url), "utf8"),
) as { cases: Case[] };

const toParams = (c: Case): Record<string, T.Tensor> =>
  Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, T.tensor(v as number[])]));
const toArgs = (c: Case): T.Tensor[] =>
  c.args.map((a, i) =>
    T.tensor(a as number[], c.name.startsWith("hmm_model") ? { dtype: "int32" } : {}).cast(
      i === 0 ? "float64" : "int32",
    ),
  );

function density(model: FixtureModel, args: T.Tensor[], p: Params): T.Tensor {
  return enumLogDensity((...a: T.Tensor[]) => model(a, p), args, {}).logJoint;
}

describe("enumLogDensity against NumPyro (contrib.funsor.log_density)", () => {
  for (const c of fixture.cases) {
    it(`${c.name}: value and gradient`, () => {
      const model = fixtureModels[c.name];
      const args = toArgs(c);
      const params = toParams(c);
      const names = Object.keys(params);
      const f = (...xs: T.Tensor[]): T.Tensor =>
        density(model, args, Object.fromEntries(names.map((n, i) => [n, xs[i]])));
      const [v, g] = T.valueAndGrad(
        f,
        names.map((_, i) => i),
      )(...names.map((n) => params[n]));
      expect(Math.abs(v.item() - c.logDensity)).toBeLessThan(1e-10 * (1 + Math.abs(c.logDensity)));
      names.forEach((n, i) => {
        const got = Array.from((g as T.Tensor[])[i].dataSync());
        const want = T.tensor(c.grad[n] as number[]).dataSync() as Float64Array;
        for (let j = 0; j < want.length; j++)
          expect(Math.abs(got[j] - want[j])).toBeLessThan(1e-8 * (1 + Math.abs(want[j])));
      });
    }, 60_000);
  }

  it("gradients agree with finite differences (mixture)", () => {
    const c = fixture.cases.find((x) => x.name === "mixture") as Case;
    const args = toArgs(c);
    const p = toParams(c);
    const f = (locs: T.Tensor): number => density(fixtureModels.mixture, args, { ...p, locs }).item();
    const g = T.grad((locs: T.Tensor) => density(fixtureModels.mixture, args, { ...p, locs }))(
      p.locs,
    ) as T.Tensor;
    const x = Array.from(p.locs.dataSync());
    const h = 1e-6;
    x.forEach((_, i) => {
      const up = x.slice();
      const dn = x.slice();
      up[i] += h;
      dn[i] -= h;
      const fd = (f(T.tensor(up)) - f(T.tensor(dn))) / (2 * h);
      expect(Math.abs(g.dataSync()[i] - fd)).toBeLessThan(1e-6);
    });
  });

  it("compiles under jit to the eager value", () => {
    const c = fixture.cases.find((x) => x.name === "hmm_plate_loop") as Case;
    const args = toArgs(c);
    const p = toParams(c);
    const f = T.jit((locs: T.Tensor) => density(fixtureModels.hmm_plate_loop, args, { ...p, locs }));
    expect(Math.abs((f(p.locs) as T.Tensor).item() - c.logDensity)).toBeLessThan(
      1e-10 * Math.abs(c.logDensity),
    );
  });
});

describe("markov keeps HMMs linear in their length", () => {
  it("a 300-step chain needs few enumeration dimensions and matches a forward pass", () => {
    const T_ = 300;
    const trans = [
      [0.8, 0.2],
      [0.3, 0.7],
    ];
    const ys = Array.from({ length: T_ }, (_, t) => Math.sin(t / 5) * 2);
    const model = (): void => {
      let x: T.Tensor = T.scalar(0, "int32");
      for (const t of markov(ys.keys())) {
        x = sample(`x_${t}`, new Bernoulli(T.take(T.tensor([0.2, 0.7]), x, 0)), {
          infer: { enumerate: "parallel" },
        }).cast("int32");
        sample(`y_${t}`, new Normal(T.mul(x, 2), 1), { obs: ys[t] });
      }
    };
    const { logJoint, trace } = enumLogDensity(model, [], {});
    for (const site of trace.values()) expect(site.value?.shape.length ?? 0).toBeLessThanOrEqual(2);
    // forward algorithm by hand
    const lpN = (y: number, m: number): number => -0.5 * (y - m) ** 2 - 0.5 * Math.log(2 * Math.PI);
    let alpha = [Math.log(0.8), Math.log(0.2)].map((l, k) => l + lpN(ys[0], 2 * k));
    for (let t = 1; t < T_; t++) {
      alpha = [0, 1].map((k) => {
        const terms = [0, 1].map((j) => alpha[j] + Math.log(trans[j][k]));
        const m = Math.max(...terms);
        return m + Math.log(terms.reduce((s, v) => s + Math.exp(v - m), 0)) + lpN(ys[t], 2 * k);
      });
    }
    const m = Math.max(...alpha);
    const want = m + Math.log(alpha.reduce((s, v) => s + Math.exp(v - m), 0));
    expect(Math.abs(logJoint.item() - want)).toBeLessThan(1e-9 * Math.abs(want));
  }, 60_000);
});

describe("bad input", () => {
  it("refuses to enumerate a site without finite support, naming it and the fix", () => {
    const m = (): void => {
      sample("n", new Poisson(3), { infer: { enumerate: "parallel" } });
    };
    expect(() => enumLogDensity(m, [], {})).toThrow(/sample\("n"\).*no finite support.*factor\(\)/s);
  });
  it("refuses a plate that reaches the enumeration dimensions", () => {
    const m = (): void => {
      const z = sample("z", new Bernoulli(0.5));
      plate("N", 3, () => sample("y", new Normal(z, 1), { obs: T.zeros([3]) }));
    };
    expect(() => enumLogDensity(m, [], {}, { maxPlateNesting: 0 })).toThrow(
      /plate\("N".*maxPlateNesting to at least 1/s,
    );
  });
  it("refuses too many enumerated dimensions in scope, pointing to markov", () => {
    const m = (): void => {
      let x: T.Tensor = T.scalar(0);
      for (let t = 0; t < 30; t++) x = sample(`x_${t}`, new Bernoulli(T.add(T.mul(x, 0.5), 0.25)));
    };
    expect(() => enumLogDensity(m, [], {})).toThrow(/x_24.*markov/s);
  });
});
