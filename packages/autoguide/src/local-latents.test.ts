import { readFileSync } from "node:fs";
import { HalfNormal, Normal, positive } from "@phlox/distributions";
import { param, plate, sample, subsample } from "@phlox/handlers";
import { Predictive } from "@phlox/infer";
import { mean, sum, type Tensor, tensor } from "@phlox/tensor";
import { Adam, type GuideSetup, type Params, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import type { AutoContinuous } from "./auto-continuous.js";
import { AutoDelta } from "./auto-delta.js";
import { AutoGuideList } from "./auto-guide-list.js";
import { AutoMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoDiagonalNormal, AutoNormal } from "./auto-normal.js";
import { AutoSemiDAIS } from "./auto-semi-dais.js";

interface Case {
  shapes: Record<string, number[]>;
  params: Record<string, number[]>;
  elbo: number;
  draw: Record<string, number[]>;
  grad: Record<string, number[]>;
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/local-latents.json", import.meta.url), "utf8")) as {
  N: number;
  subsampleSize: number;
  y: number[];
  indices: number[];
  autoNormal: Case;
  autoDelta: Case;
  autoContinuousError: string;
};

// scripts/local_latents_reference.py's model: globals mu, sigma; per observation z, t (positive), v (event of 2).
const model = (y: Tensor) => {
  const mu = sample("mu", new Normal(0, 1));
  const sigma = sample("sigma", new HalfNormal(1));
  plate(
    "N",
    fx.N,
    () => {
      const z = sample("z", new Normal(mu, sigma));
      const t = sample("t", new HalfNormal(1));
      const v = sample("v", new Normal(0, 1).expand([2]).toEvent(1));
      const yb = subsample(y, 0);
      sample("y", new Normal(z.add(sum(v, -1).mul(0.1)), t.add(0.5)), { obs: yb });
    },
    { subsampleSize: fx.subsampleSize },
  );
};
const Y = tensor(fx.y);
const asParams = (c: Case): Params =>
  Object.fromEntries(
    Object.entries(c.params).map(([k, v]) => [k, { data: Float64Array.from(v), shape: c.shapes[k] }]),
  );

/** The flat parameter-vector offset of each named parameter. */
const offsets = (guide: AutoContinuous): Record<string, number> =>
  Object.fromEntries(guide.composedBound("test").specs.map((s) => [s.name, s.offset]));

function expectGrad(guide: AutoContinuous, grad: Float64Array, c: Case): void {
  const off = offsets(guide);
  for (const [name, g] of Object.entries(c.grad)) {
    for (let i = 0; i < g.length; i++) expect(grad[off[name] + i]).toBeCloseTo(g[i], 8);
  }
}

/** AutoNormal's draw on the minibatch rows as standard-Normal noise (minibatch layout: mu, sigma, z, t, v). */
function normalNoise(c: Case): number[] {
  const loc = (s: string, i: number) => c.params[`${s}_auto_loc`][i];
  const scale = (s: string, i: number) => c.params[`${s}_auto_scale`][i];
  const eps: number[] = [];
  for (const s of ["mu", "sigma"]) eps.push((c.draw[s][0] - loc(s, 0)) / scale(s, 0));
  for (const s of ["z", "t"])
    fx.indices.forEach((n, i) => {
      eps.push((c.draw[s][i] - loc(s, n)) / scale(s, n));
    });
  fx.indices.forEach((n, i) => {
    for (const k of [0, 1]) eps.push((c.draw.v[2 * i + k] - loc("v", 2 * n + k)) / scale("v", 2 * n + k));
  });
  return eps;
}

describe("local latent variables in a subsampled plate, against NumPyro 0.21 (fixtures/local-latents.json)", () => {
  it("AutoNormal: full-size parameters; ELBO and gradient at fixed parameters, minibatch and noise", () => {
    const c = fx.autoNormal;
    const guide = new AutoNormal(model);
    const setup: GuideSetup = guide.setup(0, [Y]);
    const init = setup.constrainParams(setup.initialParams());
    expect(Object.fromEntries(Object.entries(init).map(([k, v]) => [k, v.shape]))).toEqual(c.shapes);
    guide.fixSubsample({ N: fx.indices });
    const u = setup.unconstrainParams(asParams(c));
    const eps = normalNoise(c);
    expect(setup.noiseDim).toBe(eps.length);
    const grad = new Float64Array(setup.numParams);
    const loss = setup.particle(u, Float64Array.from(eps), grad, "elbo", 1, 2);
    expect(loss).toBeCloseTo(-c.elbo, 8);
    expectGrad(guide, grad, c);
    // another key draws another minibatch unless the plate is fixed
    guide.fixSubsample(null);
    const other = [3, 4, 5, 6].map((k) => setup.particle(u, Float64Array.from(eps), grad, "elbo", k, k));
    expect(other.some((v) => Math.abs(v + c.elbo) > 1e-6)).toBe(true);
  });

  it("AutoDelta: full-size locations constrained to the support; ELBO and gradient at fixed parameters and minibatch", () => {
    const c = fx.autoDelta;
    const guide = new AutoDelta(model);
    guide.fixSubsample({ N: fx.indices });
    const setup = guide.setup(0, [Y]);
    const init = setup.constrainParams(setup.initialParams());
    expect(Object.fromEntries(Object.entries(init).map(([k, v]) => [k, v.shape]))).toEqual(c.shapes);
    expect(Math.min(...init.t_auto_loc.data)).toBeGreaterThan(0);
    const u = setup.unconstrainParams(asParams(c));
    const back = setup.constrainParams(u);
    for (const [k, v] of Object.entries(c.params))
      for (let i = 0; i < v.length; i++) expect(back[k].data[i]).toBeCloseTo(v[i], 10);
    const grad = new Float64Array(setup.numParams);
    const loss = setup.particle(u, new Float64Array(0), grad, "elbo", 1, 2);
    expect(loss).toBeCloseTo(-c.elbo, 8);
    expectGrad(guide, grad, c);
  });

  it("AutoGuideList: AutoNormal parts on local sites (as NumPyro allows) give AutoNormal's ELBO and gradient", () => {
    const c = fx.autoNormal;
    const guide = new AutoGuideList(model);
    guide.append(new AutoNormal(model, { prefix: "g" }), { sites: ["mu", "sigma"] });
    guide.append(new AutoNormal(model));
    const setup = guide.setup(0, [Y]);
    guide.fixSubsample({ N: fx.indices });
    const rename = (k: string) => k.replace(/^(mu|sigma)_auto_/, "$1_g_");
    const params = Object.fromEntries(Object.entries(asParams(c)).map(([k, v]) => [rename(k), v]));
    const u = setup.unconstrainParams(params);
    const grad = new Float64Array(setup.numParams);
    const loss = setup.particle(u, Float64Array.from(normalNoise(c)), grad, "elbo", 1, 2);
    expect(loss).toBeCloseTo(-c.elbo, 8);
    expectGrad(guide, grad, {
      ...c,
      grad: Object.fromEntries(Object.entries(c.grad).map(([k, v]) => [rename(k), v])),
    });
    // a global part of another family runs beside them; a local site in such a part is refused
    const mixed = new AutoGuideList(model);
    mixed.append(new AutoMultivariateNormal(model, { prefix: "g" }), { sites: ["mu", "sigma"] });
    mixed.append(new AutoDelta(model));
    const { losses } = new SVI(model, mixed, new Adam(0.01), new TraceELBO()).run(1, 50, Y);
    expect(losses.every(Number.isFinite)).toBe(true);
    const bad = new AutoGuideList(model);
    bad.append(new AutoMultivariateNormal(model, { prefix: "g" }), { sites: ["mu", "z"] });
    bad.append(new AutoNormal(model));
    expect(() => bad.setup(0, [Y])).toThrow(
      /"z" is inside the subsampled plate.*given to a AutoMultivariateNormal part/s,
    );
  });

  it("the AutoContinuous guides refuse local latents with NumPyro's reason and name the site and plate", () => {
    expect(fx.autoContinuousError).toBe("AutoContinuous guide does not support local latent variables.");
    expect(() => new AutoDiagonalNormal(model).setup(0, [Y])).toThrow(
      /latent site "z" is inside the subsampled plate\("N", 10, \{ subsampleSize: 4 \}\).*does not support local latent variables.*AutoNormal or AutoDelta/s,
    );
  });

  it("posterior methods return full-size local sites; fixSubsample checks its indices", () => {
    const guide = new AutoNormal(model);
    const setup = guide.setup(0, [Y]);
    const params = setup.constrainParams(setup.unconstrainParams(asParams(fx.autoNormal)));
    const post = guide.samplePosterior(1, params, { sampleShape: [3] });
    expect(post.z.shape).toEqual([3, fx.N]);
    expect(post.v.shape).toEqual([3, fx.N, 2]);
    expect(Math.min(...(post.t.dataSync() as Float64Array))).toBeGreaterThan(0);
    const med = guide.median(params);
    // median of t is exp(loc) of the unconstrained Normal, row by row over the full plate
    for (let n = 0; n < fx.N; n++)
      expect(med.t.dataSync()[n]).toBeCloseTo(Math.exp(fx.autoNormal.params.t_auto_loc[n]), 10);
    expect(guide.quantiles(params, [0.1, 0.9]).z.shape).toEqual([2, fx.N]);
    // posterior predictive: the full-size draws on the model without subsampling; asFunction says so
    const fullModel = (y?: Tensor) => {
      const mu = sample("mu", new Normal(0, 1));
      const sigma = sample("sigma", new HalfNormal(1));
      plate("N", fx.N, () => {
        const z = sample("z", new Normal(mu, sigma));
        const t = sample("t", new HalfNormal(1));
        const v = sample("v", new Normal(0, 1).expand([2]).toEvent(1));
        sample("y", new Normal(z.add(sum(v, -1).mul(0.1)), t.add(0.5)), { obs: y });
      });
    };
    const ppc = new Predictive(fullModel, { posteriorSamples: post, returnSites: ["y"] }).run(2, undefined);
    expect(ppc.y.shape).toEqual([3, fx.N]);
    expect(() =>
      new Predictive(model, { guide: guide.asFunction(), params, numSamples: 2 }).run(3, Y),
    ).toThrow(/local latent sites z, t, v are drawn at their plates' full size/);
    expect(() => guide.fixSubsample({ N: [1, 2, 3] })).toThrow(
      /expected 4 distinct integer indices in \[0, 10\)/,
    );
    expect(() => guide.fixSubsample({ N: [1, 2, 3, 3] })).toThrow(/distinct/);
    expect(() => guide.fixSubsample({})).toThrow(/got none/);
  });
});

describe("minibatch SVI with AutoNormal on a hierarchical model with a local latent per observation", () => {
  // y_i ~ N(z_i, 0.5), z_i ~ N(mu, sigma): N = 200 observations in a plate subsampled to 20.
  const N = 200;
  let s = 2024;
  const u01 = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(u01())) * Math.cos(2 * Math.PI * u01());
  const obs = tensor(Float64Array.from({ length: N }, () => 1 + 0.8 * gauss() + 0.5 * gauss()));
  const hier = (batch: number) => (yObs: Tensor) => {
    const mu = sample("mu", new Normal(0, 2));
    const sigma = sample("sigma", new HalfNormal(2));
    plate(
      "N",
      N,
      () => {
        const z = sample("z", new Normal(mu, sigma));
        sample("y", new Normal(z, 0.5), { obs: subsample(yObs, 0) });
      },
      batch < N ? { subsampleSize: batch } : {},
    );
  };

  it("recovers the full-batch fit: global and local locations and scales", async () => {
    const { SVI, Adam, TraceELBO, exponentialDecay } = await import("@phlox/vi");
    const fit = (batch: number, steps: number, lr: number) => {
      const m = hier(batch);
      const guide = new AutoNormal(m);
      return new SVI(
        m,
        guide,
        new Adam(exponentialDecay(lr, steps, 0.02)),
        new TraceELBO({ numParticles: 4 }),
      ).run(7, steps, obs).params;
    };
    const full = fit(N, 4000, 0.05);
    const mini = fit(20, 12000, 0.05);
    expect(mini.z_auto_loc.shape).toEqual([N]);
    expect(mini.z_auto_scale.shape).toEqual([N]);
    const close = (name: string, tol: number) => {
      const a = mini[name].dataSync();
      const b = full[name].dataSync();
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst, name).toBeLessThan(tol);
    };
    close("mu_auto_loc", 0.05);
    close("sigma_auto_loc", 0.1);
    close("z_auto_loc", 0.1);
    close("z_auto_scale", 0.05);
  }, 240_000);

  it("amortised: AutoSemiDAIS with a localGuide whose location is a learned linear map of each observation", async () => {
    const { SVI, Adam, TraceELBO, exponentialDecay } = await import("@phlox/vi");
    const globalModel = (): [Tensor, Tensor] => [
      sample("mu", new Normal(0, 2)),
      sample("sigma", new HalfNormal(2)),
    ];
    const localModel = ([mu, sigma]: [Tensor, Tensor]) => {
      plate(
        "N",
        N,
        () => {
          const z = sample("z", new Normal(mu, sigma));
          sample("y", new Normal(z, 0.5), { obs: subsample(obs, 0) });
        },
        { subsampleSize: 20 },
      );
    };
    const model = () => localModel(globalModel());
    // three parameters for all N observations: q(z_i) = Normal(a·y_i + b, s)
    const localGuide = () => {
      const a = param("a", tensor(0.5));
      const b = param("b", tensor(0));
      const sc = param("s", tensor(0.3), { constraint: positive });
      plate(
        "N",
        N,
        () => {
          sample("z", new Normal(subsample(obs, 0).mul(a).add(b), sc));
        },
        { subsampleSize: 20 },
      );
    };
    const guide = new AutoSemiDAIS(model, localModel, new AutoNormal(globalModel), { K: 2, localGuide });
    const steps = 3000;
    const { params, losses } = new SVI(
      model,
      guide,
      new Adam(exponentialDecay(0.02, steps, 0.05)),
      new TraceELBO({ numParticles: 2 }),
    ).run(3, steps);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(params.a.shape).toEqual([]);
    expect(params.z_auto_loc).toBeUndefined();
    // exact posterior of mu: y_i ~ N(mu, sqrt(σ² + 0.25)) marginally, so its mean is ≈ mean(y) (sd ≈ 0.07)
    const ybar = (mean(obs).dataSync() as Float64Array)[0];
    expect(Math.abs(params.mu_auto_loc.dataSync()[0] - ybar)).toBeLessThan(0.05);
    // z_i | mu, σ is Normal with mean (4 y_i + mu / σ²) / (4 + 1/σ²) and sd (4 + 1/σ²)^(-1/2): a = 4 / (4 + 1/σ²)
    const sigma = Math.exp(params.sigma_auto_loc.dataSync()[0]);
    const a = 4 / (4 + 1 / sigma ** 2);
    expect(Math.abs(params.a.dataSync()[0] - a)).toBeLessThan(0.05);
    expect(Math.abs(params.b.dataSync()[0] - (1 - a) * ybar)).toBeLessThan(0.05);
    expect(Math.abs(params.s.dataSync()[0] - 1 / Math.sqrt(4 + 1 / sigma ** 2))).toBeLessThan(0.05);
  }, 240_000);
});
