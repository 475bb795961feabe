import { mcseMean } from "@phlox/diagnostics";
import { Exponential, HalfNormal, Normal, StudentT, Uniform } from "@phlox/distributions";
import { mask, sample, scale, scan, substitute, trace } from "@phlox/handlers";
import { logDensity, logLikelihood } from "@phlox/infer";
import { slice, type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import fx from "../fixtures/time_series_scan.json" with { type: "json" };
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

// The models of scripts/time_series_nuts.py, written with the model-level scan; the fixture holds NumPyro's
// numbers for the same data: log densities at fixed points and NUTS posterior summaries.

function localLevel(y: Tensor): void {
  const sl = sample("sigma_level", new HalfNormal(1));
  const so = sample("sigma_obs", new HalfNormal(1));
  scan(
    (mu: Tensor, yt: Tensor) => {
      const m = sample("level", new Normal(mu, sl));
      sample("y", new Normal(m, so), { obs: yt });
      return [m, null];
    },
    tensor(0),
    y,
  );
}

function ar2(y: Tensor): void {
  const alpha = sample("alpha", new Normal(0, 1));
  const beta1 = sample("beta1", new Normal(0, 0.5));
  const beta2 = sample("beta2", new Normal(0, 0.5));
  const sigma = sample("sigma", new HalfNormal(1));
  const n = y.shape[0] as number;
  const at = (i: number) => slice(y, [i], [i + 1]).reshape([]);
  scan(
    ([y1, y2]: [Tensor, Tensor], yt: Tensor) => {
      sample("y", new Normal(alpha.add(beta1.mul(y1)).add(beta2.mul(y2)), sigma), { obs: yt });
      return [[yt, y1] as [Tensor, Tensor], null];
    },
    [at(1), at(0)] as [Tensor, Tensor],
    slice(y, [2], [n]),
  );
}

function garch(y: Tensor): void {
  const mu = sample("mu", new Normal(0, 1));
  const alpha0 = sample("alpha0", new HalfNormal(1));
  const alpha1 = sample("alpha1", new Uniform(0, 1));
  const beta1 = sample("beta1", new Uniform(0, 1));
  const n = y.shape[0] as number;
  const y0 = slice(y, [0], [1]).reshape([]);
  sample("y0", new Normal(mu, 1), { obs: y0 });
  scan(
    ([sPrev, yPrev]: [Tensor, Tensor], yt: Tensor) => {
      const s = alpha0
        .add(alpha1.mul(yPrev.sub(mu).square()))
        .add(beta1.mul(sPrev.square()))
        .sqrt();
      sample("y", new Normal(mu, s), { obs: yt });
      return [[s, yt] as [Tensor, Tensor], null];
    },
    [tensor(1), y0] as [Tensor, Tensor],
    slice(y, [1], [n]),
  );
}

function stochasticVolatility(r: Tensor): void {
  const sigma = sample("sigma", new Exponential(10));
  const nu = sample("nu", new Exponential(0.1));
  scan(
    (h: Tensor, rt: Tensor) => {
      const ht = sample("h", new Normal(h, sigma));
      sample("r", new StudentT(nu, 0, ht.exp()), { obs: rt });
      return [ht, null];
    },
    tensor(0),
    r,
  );
}

const data = {
  local_level: tensor(fx.data.local_level),
  ar2: tensor(fx.data.ar2),
  garch: tensor(fx.data.garch),
  stochastic_volatility: tensor(fx.data.stochastic_volatility),
};
const d = fx.densities;
const llPoint = {
  sigma_level: tensor(d.local_level_point.sigma_level),
  sigma_obs: tensor(d.local_level_point.sigma_obs),
  level: tensor(d.local_level_point.level),
};

describe("model-level scan against NumPyro's contrib.control_flow.scan", () => {
  test("log densities at fixed points equal NumPyro's (plain, mask, scale, per site)", () => {
    expect(logDensity(localLevel, [data.local_level], llPoint).logJoint.item()).toBeCloseTo(
      d.local_level,
      10,
    );
    expect(logDensity(mask(localLevel, true), [data.local_level], llPoint).logJoint.item()).toBeCloseTo(
      d.local_level_masked,
      10,
    );
    expect(logDensity(scale(localLevel, 0.5), [data.local_level], llPoint).logJoint.item()).toBeCloseTo(
      d.local_level_scaled,
      10,
    );
    const tr = trace(substitute(localLevel, llPoint)).getTrace(data.local_level);
    for (const [name, lp] of Object.entries(d.local_level_site_logprob)) {
      const site = tr.get(name);
      const got = site?.fn?.logProb(site.value as Tensor).toArray();
      const want = lp as number | number[];
      if (Array.isArray(want)) {
        const g = got as number[];
        for (let i = 0; i < want.length; i++) expect(g[i] as number).toBeCloseTo(want[i] as number, 10);
      } else expect(got as number).toBeCloseTo(want, 10);
    }
    expect(
      logDensity(garch, [data.garch], {
        mu: tensor(0.1),
        alpha0: tensor(0.3),
        alpha1: tensor(0.2),
        beta1: tensor(0.5),
      }).logJoint.item(),
    ).toBeCloseTo(d.garch, 10);
    expect(
      logDensity(ar2, [data.ar2], {
        alpha: tensor(0.1),
        beta1: tensor(0.4),
        beta2: tensor(-0.2),
        sigma: tensor(0.8),
      }).logJoint.item(),
    ).toBeCloseTo(d.ar2, 10);
    const sv = d.sv_point;
    expect(
      logDensity(stochasticVolatility, [data.stochastic_volatility], {
        sigma: tensor(sv.sigma),
        nu: tensor(sv.nu),
        h: tensor(sv.h),
      }).logJoint.item(),
    ).toBeCloseTo(d.stochastic_volatility, 9);
  });

  test("pointwise log-likelihood through scan equals NumPyro's log_likelihood", () => {
    const lv = tensor(d.local_level_point.level);
    const ll = logLikelihood(
      localLevel,
      {
        sigma_level: tensor([0.4, 0.3]),
        sigma_obs: tensor([0.6, 0.5]),
        level: tensor([lv.toArray() as number[], lv.mul(0.5).toArray() as number[]]),
      },
      [data.local_level],
    );
    const got = ll.y?.toArray() as number[][];
    const want = d.local_level_log_likelihood as number[][];
    for (let i = 0; i < want.length; i++)
      for (let t = 0; t < (want[i] as number[]).length; t++)
        expect((got[i] as number[])[t] as number).toBeCloseTo((want[i] as number[])[t] as number, 10);
  });
});

type Summary = Record<string, { mean: number[]; sd: number[]; mcse: number[] }>;
const MODELS: [keyof typeof data, (y: Tensor) => void][] = [
  ["local_level", localLevel],
  ["ar2", ar2],
  ["garch", garch],
  ["stochastic_volatility", stochasticVolatility],
];

describe("NUTS through scan matches NumPyro's posterior (4 chains × 1000 draws)", () => {
  for (const [name, model] of MODELS) {
    test(`${name}: every posterior mean within max(4 MCSE, 0.05 sd) of NumPyro's`, {
      timeout: 600_000,
    }, async () => {
      const ref = (fx.posterior as Record<string, { summary: Summary }>)[name]?.summary as Summary;
      const mcmc = new MCMC(new NUTS(model), {
        numWarmup: 1000,
        numSamples: 1000,
        numChains: 4,
        progressBar: false,
      });
      await mcmc.run(1, data[name]);
      const samples = mcmc.getSamples({ groupByChain: true });
      const bad: string[] = [];
      for (const [site, r] of Object.entries(ref)) {
        const draws = samples[site];
        expect(draws, `site ${site}`).toBeDefined();
        if (draws === undefined) continue;
        const k = r.mean.length;
        const data = f64(draws);
        const n = data.length / k;
        const mcse = mcseMean(draws);
        for (let e = 0; e < k; e++) {
          let m = 0;
          for (let i = 0; i < n; i++) m += data[i * k + e] as number;
          m /= n;
          const tol = Math.max(
            4 * Math.hypot(mcse[e] as number, r.mcse[e] as number),
            0.05 * (r.sd[e] as number),
          );
          if (!(Math.abs(m - (r.mean[e] as number)) <= tol))
            bad.push(
              `${site}[${e}]: ${m.toFixed(4)} vs ${(r.mean[e] as number).toFixed(4)} (tol ${tol.toFixed(4)})`,
            );
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
