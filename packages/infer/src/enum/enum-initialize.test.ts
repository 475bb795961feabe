import { Categorical, Dirichlet, HalfNormal, Normal, Poisson } from "@phlox/distributions";
import { configEnumerate, factor, plate, sample } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { silenceWarnings } from "@phlox/tensor";
import { describe, expect, it, vi } from "vitest";
import { initializeModel } from "../initialize-model.js";
import { enumLogDensity } from "./enum-log-density.js";

const data = T.tensor([-2.1, -1.7, 0.2, 0.4, 2.9, 3.3, 3.1, -2.5]);

const gmm = (y: T.Tensor): void => {
  const w = sample("w", new Dirichlet(T.ones([3])));
  const locs = plate("K", 3, () => sample("locs", new Normal(0, 5)));
  const s = sample("s", new HalfNormal(2));
  plate("N", y.shape[0], () => {
    const z = sample("z", new Categorical(w), { infer: { enumerate: "parallel" } });
    sample("y", new Normal(T.take(locs, T.cast(z, "int32"), 0), s), { obs: y });
  });
};

describe("initializeModel with enumerated discrete sites", () => {
  it("lays out only the continuous sites and its potential is −(marginal log density + log|J|)", () => {
    const info = initializeModel(T.key(1), gmm, [data]);
    expect(info.layout.map((l) => l.name)).toEqual(["w", "locs", "s"]);
    expect(info.dim).toBe(2 + 3 + 1);
    expect(info.compiled).toBe(true);
    const z = info.initialZ;
    const values = info.constrain(z);
    const { logJoint } = enumLogDensity(gmm, [data], values);
    const g = new Float64Array(info.dim);
    const u = info.potentialFn(z, g);
    expect(Number.isFinite(u)).toBe(true);
    const handMarginal = T.sum(
      T.logSumExp(
        T.add(
          T.log(values.w),
          new Normal(values.locs, values.s).logProb(T.reshape(data, [data.shape[0], 1])),
        ),
        -1,
      ),
    ).item();
    const prior =
      new Dirichlet(T.ones([3])).logProb(values.w).item() +
      T.sum(new Normal(0, 5).logProb(values.locs)).item() +
      new HalfNormal(2).logProb(values.s).item();
    expect(Math.abs(logJoint.item() - (handMarginal + prior))).toBeLessThan(1e-10);
    // the same model marginalised by hand (a factor) has the same potential and gradient everywhere
    const hand = (y: T.Tensor): void => {
      const w = sample("w", new Dirichlet(T.ones([3])));
      const locs = plate("K", 3, () => sample("locs", new Normal(0, 5)));
      const s = sample("s", new HalfNormal(2));
      const comp = T.add(T.log(w), new Normal(locs, s).logProb(T.reshape(y, [y.shape[0], 1])));
      factor("y", T.sum(T.logSumExp(comp, -1)));
    };
    const handInfo = initializeModel(T.key(1), hand, [data]);
    const gh = new Float64Array(info.dim);
    for (const shift of [0, 0.3, -0.7]) {
      const at = z.map((v) => v + shift);
      const ue = info.potentialFn(at, g);
      const uh = handInfo.potentialFn(at, gh);
      expect(Math.abs(ue - uh)).toBeLessThan(1e-10 * (1 + Math.abs(uh)));
      for (let i = 0; i < info.dim; i++)
        expect(Math.abs(g[i] - gh[i])).toBeLessThan(1e-9 * (1 + Math.abs(gh[i])));
    }
  });

  it("enumerates unmarked finite discrete sites automatically (with a warning), as NumPyro does", () => {
    const unmarked = (y: T.Tensor): void => {
      const locs = plate("K", 3, () => sample("locs", new Normal(0, 5)));
      plate("N", y.shape[0], () => {
        const z = sample("z", new Categorical(T.tensor([0.2, 0.3, 0.5])));
        sample("y", new Normal(T.take(locs, T.cast(z, "int32"), 0), 1), { obs: y });
      });
    };
    silenceWarnings(false, true);
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    const info = initializeModel(T.key(0), unmarked, [data]);
    const printed = spy.mock.calls.map((c) => String(c[0])).join("\n");
    spy.mockRestore();
    expect(info.dim).toBe(3);
    expect(printed).toMatch(/"z".*configEnumerate/s);
    const marked = initializeModel(T.key(0), configEnumerate(unmarked), [data]);
    const g1 = new Float64Array(3);
    const g2 = new Float64Array(3);
    const at = Float64Array.of(0.1, -0.3, 1.2);
    expect(info.potentialFn(at, g1)).toBeCloseTo(marked.potentialFn(at, g2), 12);
  });

  it("refuses a discrete latent site without finite support, naming it and the fixes", () => {
    const m = (): void => {
      const n = sample("n", new Poisson(3));
      sample("y", new Normal(n, 1), { obs: 1 });
    };
    expect(() => initializeModel(T.key(0), m, [])).toThrow(
      /site "n".*no finite support.*factor\(\).*DiscreteHMCGibbs/s,
    );
  });
});
