import { readFileSync } from "node:fs";
import {
  AffineTransform,
  ExpTransform,
  Gamma,
  LogNormal,
  Normal,
  ProjectedNormal,
  SoftplusTransform,
} from "@phlox/distributions";
import { plate, reparam, sample, seed, substitute, trace } from "@phlox/handlers";
import { PhloxError, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { initializeModel } from "../initialize-model.js";
import { potentialEnergy } from "../potential.js";
import { ExplicitReparam } from "./explicit.js";
import { ProjectedNormalReparam } from "./projected-normal.js";

interface Row {
  value: number[];
  potential: number;
  x: number[];
}
const fx = JSON.parse(
  readFileSync(new URL("../../fixtures/reparam.json", import.meta.url), "utf8"),
) as Record<"explicitSoftplus" | "explicitList" | "projectedNormal", Row[]>;

/** Checks U and the deterministic site against NumPyro's rows. */
function check(
  model: () => void,
  config: Record<string, ExplicitReparam | ProjectedNormalReparam>,
  baseName: string,
  shape: number[],
  rows: Row[],
): void {
  const rp = reparam(model, config);
  for (const r of rows) {
    const v = tensor(r.value, { shape });
    expect((potentialEnergy(rp, [], { [baseName]: v }).dataSync() as Float64Array)[0]).toBeCloseTo(
      r.potential,
      10,
    );
    const tr = trace(substitute(seed(rp, 0), { [baseName]: v })).getTrace();
    const site = tr.get(Object.keys(config)[0]);
    expect(site?.type).toBe("deterministic");
    Array.from(site?.value?.dataSync() as Float64Array).forEach((x, i) => {
      expect(x).toBeCloseTo(r.x[i], 12);
    });
  }
}

describe("ExplicitReparam against NumPyro 0.21 (fixtures/reparam.json)", () => {
  it("SoftplusTransform().inv on a Gamma site (NumPyro's docstring example): U and x (1e-10)", () => {
    const m = (): void => {
      sample("x", new Gamma(4, 4));
    };
    check(m, { x: new ExplicitReparam(new SoftplusTransform().inv) }, "x_base", [], fx.explicitSoftplus);
    expect(
      initializeModel(0, reparam(m, { x: new ExplicitReparam(new SoftplusTransform().inv) }), []).layout[0]
        .name,
    ).toBe("x_base");
  });

  it("a list of transforms composes in order", () => {
    const m = (): void => {
      sample("x", new LogNormal(0.3, 0.8));
    };
    check(
      m,
      { x: new ExplicitReparam([new ExpTransform().inv, new AffineTransform(1, 2)]) },
      "x_base",
      [],
      fx.explicitList,
    );
  });

  it("refuses observed sites and an empty list", () => {
    expect(() => new ExplicitReparam([])).toThrow(PhloxError);
    const m = (): void => {
      sample("x", new Normal(0, 1), { obs: 0.5 });
    };
    expect(() => seed(reparam(m, { x: new ExplicitReparam(new ExpTransform()) }), 0)()).toThrow(/observed/);
  });
});

describe("ProjectedNormalReparam against NumPyro 0.21 (fixtures/reparam.json)", () => {
  const m = (): void => {
    plate("p", 2, () => sample("dir", new ProjectedNormal(tensor([1, 0.5, -0.3]))));
  };
  it("U at fixed noise and the normalised direction (1e-10), in a plate of 2", () => {
    check(m, { dir: new ProjectedNormalReparam() }, "dir_normal", [2, 3], fx.projectedNormal);
    const info = initializeModel(0, reparam(m, { dir: new ProjectedNormalReparam() }), []);
    expect(info.layout.map((l) => [l.name, l.shape])).toEqual([["dir_normal", [2, 3]]]);
  });

  it("sends the zero vector to (1/√d, …) as NumPyro's safe_normalize, and refuses other distributions", () => {
    const z = (): void => {
      sample("d", new ProjectedNormal(tensor([1, 2])));
    };
    const tr = trace(
      substitute(seed(reparam(z, { d: new ProjectedNormalReparam() }), 0), { d_normal: tensor([-1, -2]) }),
    ).getTrace();
    Array.from(tr.get("d")?.value?.dataSync() as Float64Array).forEach((x) => {
      expect(x).toBeCloseTo(Math.SQRT1_2, 12);
    });
    const bad = (): void => {
      sample("d", new Normal(0, 1));
    };
    expect(() => seed(reparam(bad, { d: new ProjectedNormalReparam() }), 0)()).toThrow(
      /expected a ProjectedNormal/,
    );
  });
});
