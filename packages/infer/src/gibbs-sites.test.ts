import { Categorical, HalfNormal, Normal, Poisson } from "@phlox/distributions";
import { configEnumerate, deterministic, sample } from "@phlox/handlers";
import { key, PhloxError, type Tensor, take, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { initializeModel } from "./initialize-model.js";

const PROBS = [0.15, 0.3, 0.3, 0.25];
const LOCS = [-2, 0, 2, 4];

// NumPyro's DiscreteHMCGibbs doc model, with a scale so that the continuous part has a constrained site.
function model(): void {
  const c = sample("c", new Categorical({ probs: PROBS })) as Tensor;
  const s = sample("s", new HalfNormal(1)) as Tensor;
  const x = sample("x", new Normal(take(tensor(LOCS), c), s)) as Tensor;
  deterministic("shifted", x.add(c));
}

const normLogPdf = (x: number, m: number, s: number): number =>
  -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

function reference(c: number, u: number, x: number): { u: number; gu: number; gx: number } {
  const s = Math.exp(u);
  const lp = Math.log(PROBS[c]) + Math.log(2) + normLogPdf(s, 0, 1) + u + normLogPdf(x, LOCS[c], s);
  const r = (x - LOCS[c]) / s;
  return { u: -lp, gu: -(-s * s + 1 - 1 + r * r), gx: r / s };
}

describe("initializeModel with gibbsSites", () => {
  it("without gibbsSites the Categorical site is summed out (enumerated), and its Gibbs values are ignored", () => {
    const info = initializeModel(key(0), configEnumerate(model));
    expect(info.layout.map((l) => l.name)).toEqual(["s", "x"]);
    expect(info.gibbs).toBeUndefined();
    // the enumerated potential is -log sum_c p(c) p(s, x | c)
    const u = 0.3;
    const x = 1.2;
    const lp = [0, 1, 2, 3].map((c) => -reference(c, u, x).u);
    const m = Math.max(...lp);
    const want = -(m + Math.log(lp.reduce((a, v) => a + Math.exp(v - m), 0)));
    expect(info.potentialFn(new Float64Array([u, x]), new Float64Array(2))).toBeCloseTo(want, 10);
  });

  it("refuses a discrete latent site without finite support and without gibbsSites, naming it", () => {
    const counts = (): void => {
      const n = sample("n", new Poisson(3)) as Tensor;
      sample("y", new Normal(n, 1), { obs: tensor(2.5) });
    };
    expect(() => initializeModel(key(0), counts)).toThrow(/site "n" is a discrete latent variable/);
  });

  it("conditions the compiled potential on the Gibbs values, which can change after compilation", () => {
    const info = initializeModel(key(1), model, [], { gibbsSites: ["c"] });
    expect(info.compiled).toBe(true);
    expect(info.layout.map((l) => l.name)).toEqual(["s", "x"]);
    const g = info.gibbs;
    if (g === undefined) throw new Error("no gibbs info");
    expect(g.layout).toEqual([{ name: "c", shape: [], offset: 0, size: 1 }]);
    expect([0, 1, 2, 3]).toContain(g.initial[0]);
    const grad = new Float64Array(2);
    for (const c of [0, 1, 2, 3]) {
      g.set([c]);
      for (const z of [Float64Array.of(0.3, 1.2), Float64Array.of(-0.7, -2.5)]) {
        const u = info.potentialFn(z, grad);
        const ref = reference(c, z[0], z[1]);
        expect(u).toBeCloseTo(ref.u, 10);
        expect(grad[0]).toBeCloseTo(ref.gu, 10);
        expect(grad[1]).toBeCloseTo(ref.gx, 10);
      }
    }
    g.set([3]);
    const post = info.postprocess(Float64Array.of(0, 1.5));
    expect(post.shifted.data[0]).toBeCloseTo(4.5, 12);
    expect(post.c).toBeUndefined();
    expect(info.serialize()).toBeUndefined();
    expect(() => g.set([1, 2])).toThrow(/expected 1/);
  });

  it("names a missing or observed Gibbs site", () => {
    expect(() => initializeModel(key(0), model, [], { gibbsSites: ["k"] })).toThrow(PhloxError);
    expect(() => initializeModel(key(0), model, [], { gibbsSites: ["k"] })).toThrow(
      /"k", which is not a site of the model.*"c", "s", "x"/,
    );
    const observed = (): void => {
      sample("c", new Categorical({ probs: PROBS }), { obs: tensor(1) });
      sample("x", new Normal(0, 1));
    };
    expect(() => initializeModel(key(0), observed, [], { gibbsSites: ["c"] })).toThrow(
      /"c", which is observed/,
    );
  });

  it("compiles a potential with no continuous site left (all latent sites are Gibbs sites)", () => {
    const discrete = (): void => {
      sample("c", new Categorical({ probs: PROBS }));
    };
    const info = initializeModel(key(0), discrete, [], { gibbsSites: ["c"] });
    expect(info.dim).toBe(0);
    expect(info.compiled).toBe(true);
    const g = info.gibbs;
    if (g === undefined) throw new Error("no gibbs info");
    const empty = new Float64Array(0);
    for (const c of [0, 1, 2, 3]) {
      g.set([c]);
      expect(info.potentialFn(empty, empty)).toBeCloseTo(-Math.log(PROBS[c]), 12);
    }
  });
});
