import { HalfNormal, Normal } from "@phlox/distributions";
import { type Key, normal, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { block } from "./handlers/block.js";
import { condition } from "./handlers/condition.js";
import { intervene } from "./handlers/do.js";
import { mask } from "./handlers/mask.js";
import { scope } from "./handlers/scope.js";
import { seed } from "./handlers/seed.js";
import { substitute } from "./handlers/substitute.js";
import { trace } from "./handlers/trace.js";
import { uncondition } from "./handlers/uncondition.js";
import { deterministic } from "./primitives/deterministic.js";
import { param } from "./primitives/param.js";
import { getMask, plate } from "./primitives/plate.js";
import { sample } from "./primitives/sample.js";

const num = (t: Tensor): number => (t.dataSync() as ArrayLike<number>)[0];
const vals = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

describe("block and seed commute (NumPyro test_block_seed)", () => {
  const fn = () => {
    const x = sample("x", new Normal(0, 1));
    const y = sample("y", new Normal(x, 1));
    const z = plate("n", 10, () => sample("z", new Normal(y, 1)), { subsampleSize: 7 });
    const c = sample("cluster", new Normal(0, 1));
    const b = deterministic("b", c.sub(2));
    return { x, y, z, c, b };
  };
  const cases: [Parameters<typeof block>[0], string[]][] = [
    [{ hide: ["y"] }, ["b", "cluster", "n", "x", "z"]],
    [{ exposeTypes: ["prngKey"] }, []],
    [{ hide: ["n"] }, ["b", "cluster", "x", "y", "z"]],
    [{ expose: ["x", "z"] }, ["x", "z"]],
  ];
  for (const [config, expected] of cases) {
    it(`block(${JSON.stringify(config)}) hides the same sites and draws the same values either way round`, () => {
      const t1 = trace();
      const s1 = t1.run(() => block(seed(fn, 17), config)());
      const t2 = trace();
      const s2 = t2.run(() => seed(block(fn, config), 17)());
      expect([...t1.trace.keys()].sort()).toEqual(expected);
      expect([...t2.trace.keys()].sort()).toEqual(expected);
      for (const k of ["x", "y", "z", "c", "b"] as const) expect(vals(s1[k])).toEqual(vals(s2[k]));
    });
  }
});

describe("more handler semantics", () => {
  it("a draw inside handlers but without seed is an error naming the site", () => {
    expect(() => trace(() => sample("alpha", new Normal(0, 1))).getTrace()).toThrow(
      /sample\("alpha"\).*PRNG key/,
    );
  });

  it("uncondition redraws every observed site", () => {
    const model = () => {
      sample("a", new Normal(0, 1), { obs: 10 });
      sample("b", new Normal(0, 1), { obs: 20 });
    };
    const tr = trace(seed(uncondition(model), 1)).getTrace();
    for (const [name, obs] of [
      ["a", 10],
      ["b", 20],
    ] as const) {
      expect(tr.get(name)!.isObserved).toBe(false);
      expect(num(tr.get(name)!.infer.obs as Tensor)).toBe(obs);
      expect(Math.abs(num(tr.get(name)!.value!))).toBeLessThan(6);
    }
  });

  it("a substituted subsample takes no key", () => {
    const idx = tensor([1, 2, 3], { dtype: "int32" });
    const tr = trace(
      seed(
        substitute(() => plate("a", 10, () => 0, { subsampleSize: 3 }), { a: idx }),
        0,
      ),
    ).getTrace();
    expect(tr.get("a")!.key).toBeNull();
  });

  it("scope renames plate frames so they still name plates in the trace", () => {
    const model = (y: Tensor) => {
      const mu = sample("mu", new Normal(0, 1));
      const sigma = sample("sigma", new HalfNormal(1));
      plate("plate1", y.shape[0], () => sample("y", new Normal(mu, sigma), { obs: y }));
    };
    const y = tensor([0.1, 0.2, 0.3]);
    const tr = trace(seed(model, 0)).getTrace(y);
    const scoped = trace(seed(scope(model, "scope"), 0)).getTrace(y);
    expect(tr.has(tr.get("y")!.condIndepStack[0].name)).toBe(true);
    expect(scoped.has(scoped.get("scope/y")!.condIndepStack[0].name)).toBe(true);
  });

  it("param with an initialiser function draws its value with a key from seed", () => {
    const model = () => param("w", (k: Key) => normal(k, [2]));
    const a = seed(model, 0)();
    expect(a.shape).toEqual([2]);
    expect(vals(seed(model, 0)())).toEqual(vals(a));
    expect(() => model()).toThrow(/seed/);
  });

  it("getMask reports the enclosing masks", () => {
    expect(getMask()).toBeNull();
    expect(mask(false).run(() => getMask())).toBe(false);
    expect(mask(true).run(() => mask(false).run(() => getMask()))).toBe(false);
  });
});

describe("do: counterfactual queries (NumPyro test_counterfactual_query)", () => {
  const observations: Record<string, number | null> = { x: 1, y: null, z: 1, w: 1 };
  const interventions: Record<string, number | null> = { x: null, y: 0, z: 2, w: 1 };
  const only = (r: Record<string, number | null>): Record<string, number> =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)) as Record<string, number>;
  const model = () =>
    seed(0).run(() => {
      const x = sample("x", new Normal(0, 1));
      const y = sample("y", new Normal(x, 1));
      const z = sample("z", new Normal(y, 1));
      const w = sample("w", new Normal(z, 1));
      return { x, y, z, w } as Record<string, Tensor>;
    });

  it("intervention alone: returned values are the interventions, traced values are not", () => {
    const tr = trace();
    const actual = tr.run(() => intervene(model, only(interventions))());
    for (const name of ["x", "y", "z", "w"]) {
      expect(tr.trace.get(name)!.isObserved).toBe(false);
      const iv = interventions[name];
      if (iv !== null) {
        expect(num(actual[name])).toBe(iv);
        expect(num(tr.trace.get(name)!.value!)).not.toBe(iv);
      }
    }
  });

  for (const flip of [false, true]) {
    it(`intervention and observation${flip ? " (do outside condition)" : ""}: observed sites keep the data, returned values the interventions`, () => {
      const tr = trace();
      const actual = tr.run(() =>
        flip
          ? intervene(condition(model, only(observations)), only(interventions))()
          : condition(intervene(model, only(interventions)), only(observations))(),
      );
      for (const name of ["x", "y", "z", "w"]) {
        const ob = observations[name];
        const iv = interventions[name];
        if (ob !== null) {
          expect(tr.trace.get(name)!.isObserved).toBe(true);
          expect(num(tr.trace.get(name)!.value!)).toBe(ob);
        }
        if (iv !== null) expect(num(actual[name])).toBe(iv);
      }
    });
  }
});

describe("seed options and plate shape errors", () => {
  it("seed with hideTypes gives no key to the hidden message types", () => {
    const m = () => plate("a", 10, (idx) => idx, { subsampleSize: 3 });
    expect(seed(m, 0)().shape).toEqual([3]);
    expect(() => seed(m, 0, { hideTypes: ["plate"] })()).toThrow(/plate\("a", 10.*PRNG key/);
  });

  it("a param whose batch dimension does not match its subsampled plate is a ShapeError naming the param", () => {
    const m = () =>
      plate("a", 10, () => param("p", tensor([1, 2, 3]), { eventDim: 0 }), { subsampleSize: 3 });
    expect(() => seed(m, 0)()).toThrow(/param\("p", …, \{ eventDim: 0 \}\) inside plate\("a", 10/);
  });
});
