import { readFileSync } from "node:fs";
import {
  ExpTransform,
  HalfNormal,
  Normal,
  positive,
  softplusPositive,
  TransformedDistribution,
} from "@phlox/distributions";
import { param, plate, sample, subsample } from "@phlox/handlers";
import { Predictive } from "@phlox/infer";
import { mean, PhloxError, type Tensor, tensor } from "@phlox/tensor";
import { Adam, exponentialDecay, FunctionGuide, type GuideFn, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoGuideList } from "./auto-guide-list.js";
import { AutoMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoNormal } from "./auto-normal.js";

// y_i ~ N(z_i, 0.5), z_i ~ N(mu, sigma), mu ~ N(0, 2), sigma ~ HalfNormal(2): N = 200 observations in a
// plate subsampled to B = 20 (the model of the amortised AutoSemiDAIS test in local-latents.test.ts).
const N = 200;
const B = 20;
let s = 2024;
const u01 = () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return (s + 0.5) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(u01())) * Math.cos(2 * Math.PI * u01());
const obs = tensor(Float64Array.from({ length: N }, () => 1 + 0.8 * gauss() + 0.5 * gauss()));
// NumPyro 0.21's fit of the same list on the same data (scripts/guide_list_custom_reference.py)
const fx = JSON.parse(
  readFileSync(new URL("../fixtures/guide-list-custom.json", import.meta.url), "utf8"),
) as {
  y: number[];
  fitted: Record<string, number>;
  paramNames: string[];
};

const model = (y: Tensor): void => {
  const mu = sample("mu", new Normal(0, 2));
  const sigma = sample("sigma", new HalfNormal(2));
  plate(
    "N",
    N,
    () => {
      const z = sample("z", new Normal(mu, sigma));
      sample("y", new Normal(z, 0.5), { obs: subsample(y, 0) });
    },
    { subsampleSize: B },
  );
};
// amortised local guide, three parameters for all N observations: q(z_i) = Normal(a·y_i + b, s)
const localGuide = (y: Tensor): void => {
  const a = param("a", tensor(0.5));
  const b = param("b", tensor(0));
  const sc = param("s", tensor(0.3), { constraint: positive });
  plate("N", N, () => void sample("z", new Normal(subsample(y, 0).mul(a).add(b), sc)), { subsampleSize: B });
};

describe("AutoGuideList with a hand-written (amortised) part on a subsampled plate", () => {
  it("its loss is the sum of the parts: the local guide's and AutoNormal's, written out by hand", () => {
    const list = new AutoGuideList(model).append(localGuide).append(new AutoNormal(model));
    const setup = list.setup(0, [obs]);
    const init = setup.constrainParams(setup.initialParams());
    expect(Object.keys(init).sort()).toEqual([
      "a",
      "b",
      "mu_auto_loc",
      "mu_auto_scale",
      "s",
      "sigma_auto_loc",
      "sigma_auto_scale",
    ]);
    expect(init.mu_auto_scale.data[0]).toBeCloseTo(0.1, 12);
    expect(Math.abs(init.sigma_auto_loc.data[0])).toBeLessThanOrEqual(2);
    // NumPyro's AutoNormal over mu (real) and sigma (positive: exp of a Normal), after the local guide
    const byHand: GuideFn = (y: Tensor) => {
      localGuide(y);
      const ml = param("mu_auto_loc", tensor(0));
      const ms = param("mu_auto_scale", tensor(0.1), { constraint: softplusPositive });
      sample("mu", new Normal(ml, ms));
      const sl = param("sigma_auto_loc", tensor(0));
      const ss = param("sigma_auto_scale", tensor(0.1), { constraint: softplusPositive });
      sample("sigma", new TransformedDistribution(new Normal(sl, ss), new ExpTransform()));
    };
    const ref = new FunctionGuide(model, byHand).setup(0, [obs]);
    const values = {
      a: { data: Float64Array.of(0.7), shape: [] },
      b: { data: Float64Array.of(0.2), shape: [] },
      s: { data: Float64Array.of(0.4), shape: [] },
      mu_auto_loc: { data: Float64Array.of(0.9), shape: [] },
      mu_auto_scale: { data: Float64Array.of(0.05), shape: [] },
      sigma_auto_loc: { data: Float64Array.of(-0.3), shape: [] },
      sigma_auto_scale: { data: Float64Array.of(0.2), shape: [] },
    };
    const u = setup.unconstrainParams(values);
    const uRef = ref.unconstrainParams(values);
    const g = new Float64Array(setup.numParams);
    const gRef = new Float64Array(ref.numParams);
    const named = (st: typeof setup, grad: Float64Array) => {
      const p = st.constrainParams(grad);
      return Object.fromEntries(Object.keys(values).map((k) => [k, p[k].data.length]));
    };
    expect(named(setup, g)).toEqual(named(ref, gRef));
    for (const [k0, k1] of [
      [1, 2],
      [3, 4],
    ]) {
      const loss = setup.particle(u, new Float64Array(setup.noiseDim), g, "elbo", k0, k1);
      const lossRef = ref.particle(uRef, new Float64Array(ref.noiseDim), gRef, "elbo", k0, k1);
      expect(Number.isFinite(loss)).toBe(true);
      expect(loss).toBeCloseTo(lossRef, 9);
      const pg = setup.constrainParams(u);
      const pr = ref.constrainParams(uRef);
      for (const k of Object.keys(values)) expect(pg[k].data[0]).toBeCloseTo(pr[k].data[0], 12);
      for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(gRef[i], 9);
    }
  });

  it("minibatch SVI learns the amortised map's analytic optimum and the global posterior", () => {
    const list = new AutoGuideList(model).append(localGuide).append(new AutoNormal(model));
    const steps = 1500;
    const { params, losses } = new SVI(
      model,
      list,
      new Adam(exponentialDecay(0.02, steps, 0.05)),
      new TraceELBO({ numParticles: 2 }),
    ).run(3, steps, obs);
    expect(losses.every(Number.isFinite)).toBe(true);
    // exact posterior of mu: y_i ~ N(mu, sqrt(σ² + 0.25)) marginally, so its mean is ≈ mean(y) (sd ≈ 0.07)
    const ybar = (mean(obs).dataSync() as Float64Array)[0];
    expect(Math.abs(params.mu_auto_loc.dataSync()[0] - ybar)).toBeLessThan(0.05);
    // z_i | mu, σ is Normal with mean (4 y_i + mu / σ²) / (4 + 1/σ²) and sd (4 + 1/σ²)^(-1/2): a = 4 / (4 + 1/σ²)
    const sigma = Math.exp(params.sigma_auto_loc.dataSync()[0]);
    const a = 4 / (4 + 1 / sigma ** 2);
    expect(Math.abs(params.a.dataSync()[0] - a)).toBeLessThan(0.05);
    expect(Math.abs(params.b.dataSync()[0] - (1 - a) * ybar)).toBeLessThan(0.05);
    expect(Math.abs(params.s.dataSync()[0] - 1 / Math.sqrt(4 + 1 / sigma ** 2))).toBeLessThan(0.05);
    // and NumPyro's AutoGuideList([local guide, AutoNormal]) fitted to convergence on the same data
    const y = obs.dataSync();
    fx.y.forEach((v, i) => {
      expect(y[i]).toBeCloseTo(v, 12);
    });
    expect(Object.keys(params).sort()).toEqual(fx.paramNames);
    for (const [name, v] of Object.entries(fx.fitted))
      expect(Math.abs(params[name].dataSync()[0] - v), name).toBeLessThan(0.03);
    // draws: through Predictive with the list's guide function (a guide function has no samplePosterior)
    expect(() => list.samplePosterior(1, params)).toThrow(/hand-written guide part.*Predictive/s);
    expect(() => list.median(params)).toThrow(PhloxError);
    const post = new Predictive(model, { guide: list.asFunction(), params, numSamples: 5 }).run(4, obs);
    expect(Object.keys(post)).toEqual(["y"]);
    expect(post.y.shape).toEqual([5, B]);
  }, 240_000);

  it("overlapping parts and unsupported combinations are refused with a clear PhloxError", () => {
    const expectCode = (f: () => unknown, code: string, msg: RegExp) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PhloxError);
        expect((e as PhloxError).code).toBe(code);
        expect((e as Error).message).toMatch(msg);
        return;
      }
      throw new Error("expected an error");
    };
    const withMu = (y: Tensor): void => {
      localGuide(y);
      sample("mu", new Normal(param("m", tensor(0)), 1));
    };
    expectCode(
      () =>
        new AutoGuideList(model)
          .append(withMu)
          .append(new AutoNormal(model), { sites: ["mu", "sigma"] })
          .setup(0, [obs]),
      "guide-list-site-overlap",
      /"mu" is given to part 1 \(AutoNormal\) and sampled by part 0/,
    );
    expectCode(
      () =>
        new AutoGuideList(model)
          .append(localGuide)
          .append(withMu)
          .append(new AutoNormal(model))
          .setup(0, [obs]),
      "guide-list-site-overlap",
      /"z" is sampled by part 1 .* and by part 0/,
    );
    expectCode(
      () =>
        new AutoGuideList(model).append(localGuide).append(new AutoMultivariateNormal(model)).setup(0, [obs]),
      "guide-list-custom-unsupported",
      /AutoNormal or AutoDelta.*AutoMultivariateNormal/,
    );
    const onlyMu = (): void => void sample("mu", new Normal(param("m", tensor(0)), 1));
    expectCode(
      () => new AutoGuideList(model).append(onlyMu).append(new AutoNormal(model)).setup(0, [obs]),
      "guide-list-custom-local-site",
      /"z" is inside the subsampled plate "N"/,
    );
    expectCode(
      () =>
        new AutoGuideList(model)
          .append(localGuide)
          .append(new AutoNormal(model), { sites: ["mu"] })
          .setup(0, [obs]),
      "guide-list-uncovered-sites",
      /sigma/,
    );
    expectCode(
      () => new AutoGuideList(model).append(localGuide, { sites: ["z"] }),
      "guide-list-custom-sites",
      /do not pass `sites`/,
    );
  });
});
