import { Normal } from "@phlox/distributions";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { block } from "./handlers/block.js";
import { condition } from "./handlers/condition.js";
import { intervene } from "./handlers/do.js";
import { inferConfig } from "./handlers/infer-config.js";
import { lift } from "./handlers/lift.js";
import { mask } from "./handlers/mask.js";
import { type Reparam, reparam } from "./handlers/reparam.js";
import { replay } from "./handlers/replay.js";
import { scale } from "./handlers/scale.js";
import { scope } from "./handlers/scope.js";
import { seed } from "./handlers/seed.js";
import { substitute } from "./handlers/substitute.js";
import { type Trace, trace } from "./handlers/trace.js";
import { uncondition } from "./handlers/uncondition.js";
import { deterministic } from "./primitives/deterministic.js";
import { factor } from "./primitives/factor.js";
import { param } from "./primitives/param.js";
import { prngKey } from "./primitives/prng-key.js";
import { sample } from "./primitives/sample.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const num = (t: Tensor): number => vals(t)[0];

/** Σ scale·log p over the sample sites of a trace (what infer's logDensity computes). */
function logJoint(tr: Trace): number {
  let total = 0;
  for (const site of tr.values()) {
    if (site.type !== "sample" || site.fn === null || site.value === null) continue;
    let lp = site.fn.logProb(site.value);
    if (site.scale !== null) lp = lp.mul(site.scale);
    total += vals(lp).reduce((a, b) => a + b, 0);
  }
  return total;
}
const normalLogPdf = (x: number, m: number, s: number): number =>
  -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

describe("seed", () => {
  const model = () => [sample("x", new Normal(0, 1)), sample("y", new Normal(1, 2))];

  it("seed(model, k) draws the same values on every call", () => {
    const m = seed(model, 7);
    expect(m().map(num)).toEqual(m().map(num));
    expect(seed(model, key(7))().map(num)).toEqual(m().map(num));
  });

  it("different seeds give different draws, and draws differ between sites", () => {
    const [a, b] = seed(model, 0)().map(num);
    const [c] = seed(model, 1)().map(num);
    expect(a).not.toBe(c);
    expect(a).not.toBe(b);
  });

  it("an inner seed wins over an outer one (nested seeding)", () => {
    const run = (k1: number, k2: number, k3: number): number[] =>
      seed(k1).run(() =>
        seed(k2).run(() => {
          const x = num(sample("x", new Normal(0, 1)));
          const y = seed(k3).run(() => num(sample("y", new Normal(0, 1))));
          return [x, y];
        }),
      );
    expect(run(0, 1, 2)).toEqual(run(3, 1, 2));
    const [x1, y1] = run(0, 1, 2);
    const [x2, y2] = run(3, 1, 4);
    expect(x1).toBe(x2);
    expect(y1).not.toBe(y2);
  });

  it("prngKey draws a key from the enclosing seed", () => {
    const k = seed(() => prngKey(), 0)();
    expect(k).not.toBeNull();
  });
});

describe("trace", () => {
  it("records every site in execution order with its message fields", () => {
    const model = (y: Tensor) => {
      const mu = sample("mu", new Normal(0, 5));
      deterministic("mu2", mu.mul(2));
      sample("y", new Normal(mu, 1), { obs: y });
    };
    const tr = trace(seed(model, 0)).getTrace(tensor(0.3));
    expect([...tr.keys()]).toEqual(["mu", "mu2", "y"]);
    const mu = tr.get("mu")!;
    expect(mu.type).toBe("sample");
    expect(mu.isObserved).toBe(false);
    expect(mu.fn).toBeInstanceOf(Normal);
    expect(mu.scale).toBeNull();
    expect(tr.get("mu2")!.type).toBe("deterministic");
    expect(num(tr.get("mu2")!.value!)).toBeCloseTo(2 * num(mu.value!), 12);
    expect(tr.get("y")!.isObserved).toBe(true);
    expect(num(tr.get("y")!.value!)).toBe(0.3);
  });

  it("rejects duplicate site names, naming the site", () => {
    const model = () => {
      sample("x", new Normal(0, 1), { obs: 0 });
      sample("x", new Normal(0, 1), { obs: 1 });
    };
    expect(() => trace(model).getTrace()).toThrow(/"x" already exists/);
  });

  it("works as a scope: trace().run(fn) then .trace", () => {
    const tr = trace();
    tr.run(() => sample("a", new Normal(0, 1), { obs: 0 }));
    expect([...tr.trace.keys()]).toEqual(["a"]);
  });
});

describe("substitute and condition", () => {
  it("substitute replaces values without marking sites observed, including params", () => {
    const model = () => {
      const x = param("x", tensor(1));
      const y = substitute(() => param("y", tensor(0)).mul(param("x", tensor(0))), { y: x })();
      return x.add(y);
    };
    expect(num(substitute(model, { x: 3 })())).toBe(12);
    const tr = trace(
      seed(
        substitute(() => sample("z", new Normal(0, 1)), { z: 2 }),
        0,
      ),
    ).getTrace();
    expect(num(tr.get("z")!.value!)).toBe(2);
    expect(tr.get("z")!.isObserved).toBe(false);
  });

  it("substitute accepts a function of the message", () => {
    const m = substitute(
      () => sample("z", new Normal(0, 1)),
      (msg) => (msg.name === "z" ? 5 : undefined),
    );
    expect(num(m())).toBe(5);
  });

  it("condition sets the value and marks the site observed", () => {
    const model = () => sample("x", new Normal(0, 1)).add(sample("y", new Normal(0, 1)));
    const tr = trace(condition(seed(model, 1), { y: 2 })).getTrace();
    expect(num(tr.get("y")!.value!)).toBe(2);
    expect(tr.get("y")!.isObserved).toBe(true);
    expect(tr.get("x")!.isObserved).toBe(false);
    expect(num(condition(model, { x: 1, y: 3 })())).toBe(4);
  });

  it("the log density under condition and substitute is exact", () => {
    const model = () => {
      const x = sample("x", new Normal(0, 1));
      sample("y", new Normal(x, 2));
    };
    const tr = trace(condition(substitute(model, { x: 0.5 }), { y: 1.5 })).getTrace();
    expect(logJoint(tr)).toBeCloseTo(normalLogPdf(0.5, 0, 1) + normalLogPdf(1.5, 0.5, 2), 12);
  });

  it("uncondition turns an observed site latent and keeps the observation in infer", () => {
    const model = () => sample("y", new Normal(0, 1), { obs: 3 });
    const tr = trace(seed(uncondition(model), 0)).getTrace();
    const y = tr.get("y")!;
    expect(y.isObserved).toBe(false);
    expect(y.infer.wasObserved).toBe(true);
    expect(num(y.infer.obs as Tensor)).toBe(3);
    expect(num(y.value!)).not.toBe(3);
  });
});

describe("scale and mask", () => {
  const data = tensor([0.1, -0.4, 1.3]);
  const x = 0.7;
  const lpX = normalLogPdf(x, 0, 1);
  const lpObs = [0.1, -0.4, 1.3].reduce((s, d) => s + normalLogPdf(d, x, 1), 0);

  it("scale as a scope multiplies only the enclosed sites", () => {
    const model = (d: Tensor) => {
      const xs = sample("x", new Normal(0, 1));
      scale(10).run(() => sample("obs", new Normal(xs, 1), { obs: d }));
    };
    const tr = trace(substitute(model, { x })).getTrace(data);
    expect(logJoint(tr)).toBeCloseTo(lpX + 10 * lpObs, 10);
  });

  it("scale as a wrapper multiplies every site", () => {
    const model = (d: Tensor) => {
      const xs = sample("x", new Normal(0, 1));
      sample("obs", new Normal(xs, 1), { obs: d });
    };
    const tr = trace(substitute(scale(model, 10), { x })).getTrace(data);
    expect(logJoint(tr)).toBeCloseTo(10 * (lpX + lpObs), 10);
  });

  it("scale rejects a non-positive factor", () => {
    expect(() => scale(0)).toThrow(/positive/);
  });

  it("mask zeroes the masked elements of the log density, and composes with scale", () => {
    const m = tensor([true, false, true]);
    const model = (d: Tensor) => {
      const xs = sample("x", new Normal(0, 1));
      mask(m).run(() => scale(2).run(() => sample("obs", new Normal(xs, 1).expand([3]), { obs: d })));
    };
    const tr = trace(substitute(model, { x })).getTrace(data);
    const expected = lpX + 2 * (normalLogPdf(0.1, x, 1) + normalLogPdf(1.3, x, 1));
    expect(logJoint(tr)).toBeCloseTo(expected, 10);
    const none = trace(mask(substitute(model, { x }), false)).getTrace(data);
    expect(logJoint(none)).toBe(0);
  });
});

describe("block", () => {
  const model = () => {
    const mu = param("mu", tensor(0));
    const sigma = param("sigma", tensor(1));
    sample("x", new Normal(mu, sigma));
  };
  const names = (opts: Parameters<typeof block>[0]): string[] => {
    const tr = trace();
    tr.run(() => block(opts).run(() => seed(model, 0)()));
    return [...tr.trace.keys()].sort();
  };

  it("hideFn hides the messages it selects", () => {
    expect(names({ hideFn: (m) => m.name === "mu" || m.type === "sample" })).toEqual(["sigma"]);
  });
  it("hide hides sites by name", () => {
    expect(names({ hide: ["x", "sigma"] })).toEqual(["mu"]);
  });
  it("exposeTypes shows only the listed types", () => {
    expect(names({ exposeTypes: ["param"] })).toEqual(["mu", "sigma"]);
  });
  it("expose shows only the listed names", () => {
    expect(names({ expose: ["x", "sigma"] })).toEqual(["sigma", "x"]);
  });
  it("a hidden site still gets a key from a seed outside the block", () => {
    const m = () => sample("x", new Normal(0, 1));
    const a = num(seed(block(m), 3)());
    const b = num(seed(block(m), 3)());
    expect(a).toBe(b);
  });
});

describe("scope", () => {
  it("prefixes site and plate names", async () => {
    const { plate } = await import("./primitives/plate.js");
    const fn = () => plate("N", 10, () => sample("x", new Normal(0, 1)));
    const tr = trace();
    tr.run(() =>
      seed(1).run(() => {
        scope("a").run(fn);
        scope("b").run(() => scope("a", { hideTypes: ["plate"] }).run(fn));
      }),
    );
    expect(new Set(tr.trace.keys())).toEqual(new Set(["a/N", "a/x", "b/N", "b/a/x"]));
    expect(tr.trace.get("a/x")!.condIndepStack[0].name).toBe("a/N");
  });
});

describe("replay, lift, inferConfig, do, reparam", () => {
  it("replay reuses the latent values of a trace", () => {
    const model = () => sample("x", new Normal(0, 1));
    const tr = trace(seed(model, 0)).getTrace();
    const again = trace(seed(replay(model, tr), 1)).getTrace();
    expect(num(again.get("x")!.value!)).toBe(num(tr.get("x")!.value!));
  });

  it("lift turns params into sample sites and memoises repeated reads", () => {
    const model = () => {
      const a = param("w", tensor(0));
      const b = param("w", tensor(0));
      return [a, b];
    };
    const tr = trace();
    const [a, b] = tr.run(() => seed(lift(model, new Normal(0, 1)), 0)());
    expect(tr.trace.get("w")!.type).toBe("sample");
    expect(num(a)).toBe(num(b));
    expect(num(a)).not.toBe(0);
  });

  it("inferConfig merges hints into sample sites", () => {
    const m = inferConfig(
      () => sample("x", new Normal(0, 1), { obs: 0 }),
      () => ({ tag: 1 }),
    );
    expect(trace(m).getTrace().get("x")!.infer.tag).toBe(1);
  });

  it("do fixes the value seen downstream while the original site is still sampled", () => {
    const model = () => {
      const x = sample("x", new Normal(0, 1));
      return sample("y", new Normal(x, 0.001));
    };
    const tr = trace(seed(intervene(model, { x: 10 }), 0));
    const full = tr.getTrace();
    expect(num(full.get("x")!.value!)).not.toBe(10);
    expect(full.get("x")!.isObserved).toBe(false);
    expect(num(full.get("y")!.value!)).toBeCloseTo(10, 1);
  });

  it("reparam replaces a site by auxiliary sites and a deterministic value", () => {
    const shift: Reparam = {
      apply: (name, fn, _obs) => {
        const z = sample(`${name}_base`, fn);
        return { fn: null, value: z.add(100) };
      },
    };
    const tr = trace(
      seed(
        reparam(() => sample("x", new Normal(0, 1)), { x: shift }),
        0,
      ),
    ).getTrace();
    expect(tr.get("x")!.type).toBe("deterministic");
    expect(num(tr.get("x")!.value!)).toBeCloseTo(num(tr.get("x_base")!.value!) + 100, 12);
  });

  it("factor adds an observed auxiliary site whose log density is the factor", () => {
    const tr = trace(() => factor("f", -1.5)).getTrace();
    const f = tr.get("f")!;
    expect(f.isObserved).toBe(true);
    expect(f.infer.isAuxiliary).toBe(true);
    expect(logJoint(tr)).toBe(-1.5);
  });
});
