import { Categorical, Delta, Normal } from "@phlox/distributions";
import { markov, param, plate, sample, scan } from "@phlox/handlers";
import { enumLogDensity } from "@phlox/infer";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { TraceEnumELBO } from "./elbo.js";
import { FunctionGuide } from "./function-guide.js";
import { Adam } from "./index.js";
import { SVI } from "./svi.js";

const y = T.tensor([-2.2, -1.8, -2.5, 1.9, 2.4, 2.1, 1.7]);
const model = (data: T.Tensor): void => {
  const locs = plate("K", 2, () => sample("locs", new Normal(0, 3)));
  plate("N", data.shape[0], () => {
    const z = sample("z", new Categorical(T.tensor([0.4, 0.6])), { infer: { enumerate: "parallel" } });
    sample("y", new Normal(T.take(locs, T.cast(z, "int32"), 0), 0.5), { obs: data });
  });
};
const guide = (): void => {
  const m = param("m", T.tensor([-1, 1]));
  plate("K", 2, () => sample("locs", new Delta(m)));
};
const marginal = (locs: number[]): number =>
  enumLogDensity(model, [y], { locs: T.tensor(locs) }).logJoint.item();

describe("TraceEnumELBO (NumPyro's TraceEnum_ELBO)", () => {
  it("with a point-mass guide the loss is minus the enumerated marginal density, and its gradient matches it", () => {
    const setup = new FunctionGuide(model, guide).setup(0, [y]);
    const obj = new TraceEnumELBO().build(setup);
    const u = Float64Array.of(-1.5, 0.7);
    const g = new Float64Array(2);
    const loss = obj(u, g, 1, 2);
    expect(Math.abs(loss + marginal([-1.5, 0.7]))).toBeLessThan(1e-10);
    const h = 1e-6;
    for (let i = 0; i < 2; i++) {
      const up = Array.from(u);
      const dn = Array.from(u);
      up[i] += h;
      dn[i] -= h;
      expect(Math.abs(g[i] + (marginal(up) - marginal(dn)) / (2 * h))).toBeLessThan(1e-5);
    }
  });

  it("SVI finds the MAP of the marginal posterior (discrete sites summed out)", () => {
    const svi = new SVI(model, guide, new Adam(0.05), new TraceEnumELBO());
    const { params } = svi.run(0, 800, y);
    const m = Array.from(params.m.dataSync());
    // at the optimum the gradient of the marginal density vanishes
    const h = 1e-5;
    for (let i = 0; i < 2; i++) {
      const up = m.slice();
      const dn = m.slice();
      up[i] += h;
      dn[i] -= h;
      expect(Math.abs((marginal(up) - marginal(dn)) / (2 * h))).toBeLessThan(1e-2);
    }
    expect(m[0]).toBeLessThan(-1.5);
    expect(m[1]).toBeGreaterThan(1.5);
  }, 60_000);

  it("enumerates an HMM under markov inside the loss", () => {
    const obs = [0.1, 2.2, 1.9, -0.2];
    const hmm = (): void => {
      const mu = sample("mu", new Normal(0, 3));
      let x: T.Tensor = T.scalar(0, "int32");
      for (const t of markov(obs.keys())) {
        x = T.cast(
          sample(
            `x_${t}`,
            new Categorical(
              T.take(
                T.tensor([
                  [0.7, 0.3],
                  [0.2, 0.8],
                ]),
                x,
                0,
              ),
            ),
            {
              infer: { enumerate: "parallel" },
            },
          ),
          "int32",
        );
        sample(`y_${t}`, new Normal(T.mul(x, mu), 1), { obs: obs[t] });
      }
    };
    const g2 = (): void => {
      sample("mu", new Delta(param("mu_loc", T.scalar(1.5))));
    };
    const obj = new TraceEnumELBO().build(new FunctionGuide(hmm, g2).setup(0, []));
    const grad = new Float64Array(1);
    const loss = obj(Float64Array.of(1.5), grad, 0, 0);
    expect(Math.abs(loss + enumLogDensity(hmm, [], { mu: 1.5 }).logJoint.item())).toBeLessThan(1e-10);
  });

  it("enumerates through a model-level scan: with a point-mass guide the loss is minus the marginal", () => {
    const trans = T.tensor([
      [0.8, 0.2],
      [0.3, 0.7],
    ]);
    const hmm = (data: T.Tensor): void => {
      const locs = plate("K", 2, () => sample("locs", new Normal(0, 3)));
      scan(
        (x: T.Tensor, yt: T.Tensor) => {
          const xt = T.cast(sample("x", new Categorical(T.take(trans, x, 0))), "int32");
          sample("y", new Normal(T.take(locs, xt, 0), 0.5), { obs: yt });
          return [xt, null];
        },
        T.scalar(0, "int32"),
        data,
      );
    };
    const setup = new FunctionGuide(hmm, guide).setup(0, [y]);
    const loss = new TraceEnumELBO().build(setup)(Float64Array.of(-1.5, 0.7), new Float64Array(2), 1, 2);
    const want = enumLogDensity(hmm, [y], { locs: T.tensor([-1.5, 0.7]) }).logJoint.item();
    expect(Math.abs(loss + want)).toBeLessThan(1e-10);
    // the forward algorithm by hand
    const lp = (v: number, m: number): number =>
      -0.5 * ((v - m) / 0.5) ** 2 - Math.log(0.5 * Math.sqrt(2 * Math.PI));
    const ys = Array.from(y.dataSync());
    const tr = [
      [0.8, 0.2],
      [0.3, 0.7],
    ];
    let a = [0, 1].map((k) => tr[0][k] * Math.exp(lp(ys[0], [-1.5, 0.7][k])));
    for (let t = 1; t < ys.length; t++)
      a = [0, 1].map((k) => (a[0] * tr[0][k] + a[1] * tr[1][k]) * Math.exp(lp(ys[t], [-1.5, 0.7][k])));
    const prior = new Normal(0, 3)
      .logProb(T.tensor([-1.5, 0.7]))
      .sum()
      .item();
    expect(Math.abs(want - (Math.log(a[0] + a[1]) + prior))).toBeLessThan(1e-10);
  });
});
