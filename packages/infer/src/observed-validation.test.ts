import { Categorical, enableValidation, HalfCauchy, Normal, Poisson } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { type Tensor, tensor, zeros } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { initializeModel } from "./initialize-model.js";

const inPlate = (y: Tensor) => () => {
  const mu = sample("mu", new Normal(0, 1));
  plate("N", 8, () => sample("obs", new Normal(mu, 1), { obs: y }));
};

describe("observed data are validated once at initialisation", () => {
  it("refuses an out-of-support Categorical label, naming the site, shape, index and value", () => {
    const model = () => {
      sample("mu", new Normal(0, 1));
      plate("N", 3, () =>
        sample("c", new Categorical({ probs: tensor([0.2, 0.3, 0.5]) }), { obs: tensor([0, 5, 1]) }),
      );
    };
    expect(() => initializeModel(0, model, [])).toThrow(
      expect.objectContaining({
        code: "obs-outside-support",
        message: expect.stringMatching(
          /site "c".*shape \[3\].*integerInterval\(0, 2\).*index \[1\] \(value 5\)/,
        ),
      }),
    );
  });

  it("refuses NaN and negative counts where no obsMask marks them missing", () => {
    const nan = () => {
      const mu = sample("mu", new Normal(0, 1));
      plate("N", 2, () => sample("y", new Normal(mu, 1), { obs: tensor([0.5, Number.NaN]) }));
    };
    expect(() => initializeModel(0, nan, [])).toThrow(/site "y".*index \[1\] \(value NaN\)/);
    const neg = () => {
      sample("mu", new Normal(0, 1));
      plate("N", 2, () => sample("k", new Poisson(2), { obs: tensor([-1, 3]) }));
    };
    expect(() => initializeModel(0, neg, [])).toThrow(/site "k".*index \[0\] \(value -1\)/);
  });

  it("refuses observations of shape [2, 8], [1] or [] in a plate of 8 (NumPyro counts them 2 or 8 times)", () => {
    expect(() => initializeModel(0, inPlate(zeros([2, 8])), [])).toThrow(
      expect.objectContaining({
        code: "obs-shape",
        message: expect.stringMatching(
          /sample\("obs"\) inside plate\("N", 8\): observed value of shape \[2, 8\].*\[8\]/,
        ),
      }),
    );
    expect(() => initializeModel(0, inPlate(zeros([1])), [])).toThrow(
      /shape \[1\] is smaller than .* \[8\], so each value would be counted 8 times/,
    );
    expect(() => initializeModel(0, inPlate(tensor(0)), [])).toThrow(/shape \[\] is smaller than .* \[8\]/);
    expect(initializeModel(0, inPlate(zeros([8])), []).dim).toBe(1);
  });

  it("still accepts NumPyro's unplated form: a scalar-parameter site observing a vector counts each value once", () => {
    const y = tensor([1, 2, 3, 4]);
    const model = () => {
      const mu = sample("mu", new Normal(0, 1));
      sample("y", new Normal(mu, 1), { obs: y });
    };
    const info = initializeModel(0, model, []);
    const g = new Float64Array(1);
    // U(0) = ½·0² + Σ ½ y² + 5·½ log 2π
    expect(info.potentialFn(Float64Array.of(0), g)).toBeCloseTo(15 + 2.5 * Math.log(2 * Math.PI), 12);
  });

  it("obsMask with NaN in the missing entries (NumPyro's usual form) initialises; masked values are not checked", () => {
    const y = tensor([1, Number.NaN, 2, Number.NaN]);
    const model = () => {
      const mu = sample("mu", new Normal(0, 1));
      plate("N", 4, () =>
        sample("y", new Normal(mu, 1), { obs: y, obsMask: tensor([true, false, true, false]) }),
      );
    };
    const info = initializeModel(0, model, []);
    expect(info.layout.map((l) => [l.name, l.shape])).toEqual([
      ["mu", []],
      ["y_unobserved", [4]],
    ]);
    const g = new Float64Array(info.dim);
    const u = info.potentialFn(info.initialZ, g);
    expect(Number.isFinite(u)).toBe(true);
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    // Only the unobserved entries' values enter the density: the observed ones' imputations have no gradient.
    // z = [mu, y_unobserved[0..3]]; entries 0 and 2 are observed.
    expect(g[1]).toBe(0);
    expect(g[3]).toBe(0);
  });

  it("validateArgs keeps the model compiled (checks run on the concrete initial traces) and still catches bad values", () => {
    const sigma = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
    const y = tensor([28, 8, -3, 7, -1, 1, 18, 12]);
    const es = (s: Tensor, yy: Tensor) => {
      const mu = sample("mu", new Normal(0, 5));
      const tau = sample("tau", new HalfCauchy(5));
      plate("school", 8, () => {
        const raw = sample("theta_decentered", new Normal(0, 1));
        sample("obs", new Normal(mu.add(tau.mul(raw)), s), { obs: yy });
      });
    };
    enableValidation(true);
    try {
      expect(initializeModel(0, es, [sigma, y]).compiled).toBe(true);
      expect(() => initializeModel(0, es, [sigma.neg(), y])).toThrow(/parameter scale .* must satisfy/);
    } finally {
      enableValidation(false);
    }
  });
});
