import { HalfCauchy, HalfNormal, Normal } from "@phlox/distributions";
import { deterministic, factor, plate, reparam, sample } from "@phlox/handlers";
import { key, silenceWarnings, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { initToFeasible, initToMedian, initToValue } from "./initialization.js";
import { initializeModel, loadPotential } from "./initialize-model.js";
import { LocScaleReparam } from "./reparam/loc-scale.js";
import {
  eightSchools,
  eightSchoolsNonCentred,
  eightSchoolsPotential,
  logistic,
  logisticData,
  logisticPotential,
  SIGMA,
  Y,
} from "./testing/models.js";

function randomPoints(dim: number, n: number, seed = 1): Float64Array[] {
  let s = seed;
  const rnd = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  return Array.from({ length: n }, () => Float64Array.from({ length: dim }, () => 4 * rnd() - 2));
}

function expectClose(a: number, b: number, rtol = 1e-9): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rtol * (1 + Math.abs(b)));
}

describe("initializeModel on eight schools", () => {
  const args = [tensor(SIGMA), tensor(Y)] as const;
  const info = initializeModel(key(0), eightSchools, [...args]);

  it("lays out mu, tau and theta in model order", () => {
    expect(info.layout.map((l) => [l.name, l.shape, l.offset, l.size])).toEqual([
      ["mu", [], 0, 1],
      ["tau", [], 1, 1],
      ["theta", [8], 2, 8],
    ]);
    expect(info.dim).toBe(10);
    expect(info.initialZ.length).toBe(10);
    expect(info.initialZ.every((v) => v >= -2 && v <= 2)).toBe(true);
  });

  it("potential and gradient equal the hand-derived density", () => {
    for (const z of randomPoints(10, 5)) {
      const g = new Float64Array(10);
      const gRef = new Float64Array(10);
      const u = info.potentialFn(z, g);
      const uRef = eightSchoolsPotential(z, gRef);
      expectClose(u, uRef);
      for (let i = 0; i < 10; i++) expectClose(g[i], gRef[i]);
    }
  });

  it("is compiled with jit and serialisable for workers", () => {
    expect(info.compiled).toBe(true);
    const spec = info.serialize();
    expect(spec?.module).toBe("@phlox/infer");
    expect(spec?.exportName).toBe("loadPotential");
    const rebuilt = loadPotential(JSON.parse(JSON.stringify(spec?.payload)));
    const z = randomPoints(10, 1, 21)[0];
    const g1 = new Float64Array(10);
    const g2 = new Float64Array(10);
    expectClose(rebuilt(z, g1), info.potentialFn(z, g2), 1e-14);
    for (let i = 0; i < 10; i++) expectClose(g1[i], g2[i], 1e-14);
  });

  it("constrain and unconstrain are inverse", () => {
    const z = randomPoints(10, 1, 7)[0];
    const values = info.constrain(z);
    expect(Object.keys(values)).toEqual(["mu", "tau", "theta"]);
    expectClose(values.tau.item() as number, Math.exp(z[1]));
    const back = info.unconstrain(values);
    for (let i = 0; i < 10; i++) expectClose(back[i], z[i], 1e-12);
  });

  it("postprocess returns {data, shape} for latent sites", () => {
    const out = info.postprocess(info.initialZ);
    expect(out.theta.shape).toEqual([8]);
    expect(out.theta.data).toBeInstanceOf(Float64Array);
    expect(out.tau.data[0]).toBeCloseTo(Math.exp(info.initialZ[1]), 12);
  });

  it("postprocessBatch maps stacked draws exactly as postprocess maps each, and as the eager model does", () => {
    const model = (sigma: Tensor, y: Tensor) => {
      const mu = sample("mu", new Normal(0, 5));
      const tau = sample("tau", new HalfCauchy(5));
      plate("school", 8, () => {
        const raw = sample("theta_raw", new Normal(0, 1));
        const theta = deterministic("theta", mu.add(tau.mul(raw)));
        sample("obs", new Normal(theta, sigma), { obs: y });
      });
    };
    const nc = initializeModel(key(0), model, [...args]);
    const eager = initializeModel(key(0), model, [...args], { jit: false });
    const points = randomPoints(10, 6, 17);
    const zs = new Float64Array(60);
    points.forEach((z, i) => {
      zs.set(z, i * 10);
    });
    const batch = nc.postprocessBatch(zs, 6);
    expect(Object.keys(batch)).toEqual(["mu", "tau", "theta_raw", "theta"]);
    expect(batch.theta.shape).toEqual([6, 8]);
    points.forEach((z, i) => {
      const one = nc.postprocess(z);
      const ref = eager.postprocess(z);
      for (const k of Object.keys(ref)) {
        const n = ref[k].data.length;
        expect(Array.from(batch[k].data.subarray(i * n, (i + 1) * n))).toEqual(Array.from(one[k].data));
        for (let j = 0; j < n; j++) expectClose(one[k].data[j], ref[k].data[j], 1e-13);
      }
    });
  });

  it("initialize(key) gives other valid starting points deterministically", () => {
    const a = info.initialize([0, 5]);
    const b = info.initialize([0, 5]);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(info.initialZ));
  });
});

describe("initializeModel on logistic regression", () => {
  const { X, y } = logisticData(40, 3);
  const info = initializeModel(1, logistic, [tensor(X), tensor(y)]);

  it("potential and gradient equal the hand-derived density", () => {
    expect(info.layout.map((l) => l.name)).toEqual(["alpha", "beta"]);
    for (const z of randomPoints(4, 5, 3)) {
      const g = new Float64Array(4);
      const gRef = new Float64Array(4);
      expectClose(info.potentialFn(z, g), logisticPotential(X, y, z, gRef));
      for (let i = 0; i < 4; i++) expectClose(g[i], gRef[i]);
    }
  });

  it("the eager path (jit: false) agrees with the compiled one", () => {
    const eager = initializeModel(1, logistic, [tensor(X), tensor(y)], { jit: false });
    expect(eager.compiled).toBe(false);
    expect(eager.serialize()).toBeUndefined();
    const z = randomPoints(4, 1, 9)[0];
    const g1 = new Float64Array(4);
    const g2 = new Float64Array(4);
    expectClose(eager.potentialFn(z, g1), info.potentialFn(z, g2));
    for (let i = 0; i < 4; i++) expectClose(g1[i], g2[i]);
  });
});

describe("LocScaleReparam", () => {
  const args = [tensor(SIGMA), tensor(Y)];

  it("turns centred eight schools into the non-centred density", () => {
    const reparamed = reparam(eightSchools, { theta: new LocScaleReparam(0) });
    const a = initializeModel(0, reparamed, args);
    const b = initializeModel(0, eightSchoolsNonCentred, args);
    expect(a.layout.map((l) => l.name)).toEqual(["mu", "tau", "theta_decentered"]);
    for (const z of randomPoints(10, 4, 11)) {
      const ga = new Float64Array(10);
      const gb = new Float64Array(10);
      expectClose(a.potentialFn(z, ga), b.potentialFn(z, gb));
      for (let i = 0; i < 10; i++) expectClose(ga[i], gb[i]);
    }
    const post = a.postprocess(a.initialZ);
    expect(post.theta.shape).toEqual([8]);
    // postprocess is compiled on first use; it must agree with the eager one at other points too.
    const eager = initializeModel(0, reparamed, args, { jit: false });
    for (const z of randomPoints(10, 3, 13)) {
      const p1 = a.postprocess(z);
      const p2 = eager.postprocess(z);
      expect(Object.keys(p1)).toEqual(Object.keys(p2));
      for (const k of Object.keys(p2)) {
        expect(p1[k].shape).toEqual(p2[k].shape);
        for (let i = 0; i < p2[k].data.length; i++) expectClose(p1[k].data[i], p2[k].data[i], 1e-12);
      }
    }
  });

  it("partial centring c = 0.3 matches the hand-written partially centred model", () => {
    const c = 0.3;
    const partial = (sigma: Tensor, y: Tensor) => {
      const mu = sample("mu", new Normal(0, 5));
      const tau = sample("tau", new HalfNormal(5));
      plate("school", 8, () => {
        const d = sample("theta_decentered", new Normal(mu.mul(c), tau.pow(c)));
        const theta = mu.add(tau.pow(1 - c).mul(d.sub(mu.mul(c))));
        sample("obs", new Normal(theta, sigma), { obs: y });
      });
    };
    const centred = (sigma: Tensor, y: Tensor) => {
      const mu = sample("mu", new Normal(0, 5));
      const tau = sample("tau", new HalfNormal(5));
      plate("school", 8, () => {
        const theta = sample("theta", new Normal(mu, tau));
        sample("obs", new Normal(theta, sigma), { obs: y });
      });
    };
    const a = initializeModel(0, reparam(centred, { theta: new LocScaleReparam(c) }), args);
    const b = initializeModel(0, partial, args);
    for (const z of randomPoints(10, 3, 5)) {
      const ga = new Float64Array(10);
      const gb = new Float64Array(10);
      expectClose(a.potentialFn(z, ga), b.potentialFn(z, gb));
      for (let i = 0; i < 10; i++) expectClose(ga[i], gb[i]);
    }
  });
});

describe("init strategies and failures", () => {
  it("initToValue, initToFeasible and initToMedian choose the starting point", () => {
    const model = () => {
      sample("m", new Normal(3, 0.01));
      sample("s", new HalfNormal(1));
    };
    const v = initializeModel(0, model, [], { initStrategy: initToValue({ values: { m: 2.5, s: 2 } }) });
    expect(v.initialZ[0]).toBeCloseTo(2.5, 12);
    expect(v.initialZ[1]).toBeCloseTo(Math.log(2), 12);
    const f = initializeModel(0, model, [], { initStrategy: initToFeasible() });
    expect(Array.from(f.initialZ)).toEqual([0, 0]);
    const med = initializeModel(0, model, [], { initStrategy: initToMedian() });
    expect(Math.abs(med.initialZ[0] - 3)).toBeLessThan(0.05);
  });

  it("gives up after maxTries with an error naming the offending site", () => {
    const model = () => {
      sample("x", new Normal(0, 1));
      factor("impossible", -Infinity);
    };
    expect(() => initializeModel(0, model, [], { maxTries: 3 })).toThrow(/3 tries.*"impossible"/s);
  });

  it("falls back to eager autodiff with a warning when the model branches on a value", () => {
    silenceWarnings(true);
    const model = () => {
      const x = sample("x", new Normal(0, 1));
      const scale = (x.item() as number) > 100 ? 2 : 1; // reads a value: cannot be traced
      sample("y", new Normal(x, scale), { obs: 0.5 });
    };
    const info = initializeModel(0, model, []);
    silenceWarnings(false);
    expect(info.compiled).toBe(false);
    const g = new Float64Array(1);
    const u = info.potentialFn(Float64Array.of(0.2), g);
    const ref = 0.5 * 0.2 ** 2 + 0.5 * (0.5 - 0.2) ** 2 + Math.log(2 * Math.PI);
    expectClose(u, ref);
    expectClose(g[0], 0.2 - (0.5 - 0.2));
  });
});

describe("initializeModel errors and other strategies", () => {
  it("initToMean starts at the prior mean", async () => {
    const { initToMean } = await import("./initialization.js");
    const model = () => sample("m", new Normal(3, 1));
    expect(initializeModel(0, model, [], { initStrategy: initToMean() }).initialZ[0]).toBeCloseTo(3, 12);
  });

  it("rejects discrete latent sites it cannot enumerate, naming the site", async () => {
    const { Poisson } = await import("@phlox/distributions");
    const model = () => sample("k", new Poisson(2));
    expect(() => initializeModel(0, model, [])).toThrow(/site "k" is a discrete latent/);
  });

  it("postprocess includes deterministic sites", async () => {
    const { deterministic } = await import("@phlox/handlers");
    const model = () => {
      const s = sample("s", new HalfNormal(1));
      deterministic("s2", s.mul(2));
    };
    const info = initializeModel(0, model, []);
    const out = info.postprocess(Float64Array.of(0));
    expect(out.s.data[0]).toBeCloseTo(1, 12);
    expect(out.s2.data[0]).toBeCloseTo(2, 12);
    expect(out.s2.shape).toEqual([]);
  });
});
