import { readFileSync } from "node:fs";
import { Normal } from "@phlox/distributions";
import { sample } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { Adam } from "@phlox/optim";
import { PhloxError, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { TraceELBO } from "./elbo.js";
import type { GuideSetup, Params } from "./guide.js";
import { ks2SampAsymp } from "./internal/ks-two-sample.js";
import { fillNormal, type KeyLike, splitInPlace, toKeyPair } from "./random.js";
import { type SamplingGuide, vsbcDiagnostic } from "./vsbc-diagnostic.js";

const ks = JSON.parse(readFileSync(new URL("../fixtures/vsbc-ks.json", import.meta.url), "utf8")) as {
  M: number;
  kind: string;
  p: number[];
  statistic: number;
  pvalue: number;
}[];

/** q = Normal(m, exp(s)) over a model's one real latent site `loc`; `shift` biases its draws. */
class OneSiteNormalGuide implements SamplingGuide {
  constructor(
    private readonly model: (...a: never[]) => unknown,
    private readonly shift = 0,
  ) {}
  setup(key: KeyLike, args: readonly unknown[]): GuideSetup {
    const k = toKeyPair(key);
    const info = initializeModel([k[0], k[1]], this.model as (...a: unknown[]) => unknown, [...args]);
    const z = new Float64Array(1);
    const g = new Float64Array(1);
    return {
      numParams: 2,
      noiseDim: 1,
      initialParams: () => Float64Array.of(0, -1),
      constrainParams: (u) => ({
        m: { data: u.slice(0, 1), shape: [] },
        s: { data: u.slice(1, 2), shape: [] },
      }),
      unconstrainParams: (p) => Float64Array.of(p.m.data[0], p.s.data[0]),
      particle(u, eps, grad) {
        const s = Math.exp(u[1]);
        z[0] = u[0] + s * eps[0];
        const v = info.potentialFn(z, g) - u[1] - 0.5 * eps[0] ** 2;
        grad[0] = g[0];
        grad[1] = g[0] * eps[0] * s - 1;
        return v;
      },
    };
  }
  samplePosterior(key: KeyLike, params: Readonly<Params>, options: { sampleShape?: readonly number[] }) {
    const n = (options.sampleShape ?? [1]).reduce((a, b) => a * b, 1);
    const k = toKeyPair(key);
    const sub = new Uint32Array(2);
    splitInPlace(k, sub);
    const eps = new Float64Array(n);
    fillNormal(sub[0], sub[1], eps);
    const m = params.m.data[0] + this.shift;
    const s = Math.exp(params.s.data[0]);
    return {
      loc: tensor(
        eps.map((e) => m + s * e),
        { shape: [n] },
      ),
    };
  }
}

// NumPyro's docstring example
const model = (obs?: Tensor): void => {
  const loc = sample("loc", new Normal(0, 1));
  sample("obs", new Normal(loc, 1), { obs });
};

describe("vsbcDiagnostic (NumPyro 0.21's vsbc_diagnostic)", () => {
  for (const c of ks) {
    it(`the symmetry test equals SciPy's ks_2samp(p, 1 − p, method="asymp") (M = ${c.M}, ${c.kind})`, () => {
      const r = ks2SampAsymp(
        c.p,
        c.p.map((v) => 1 - v),
      );
      expect(r.statistic).toBeCloseTo(c.statistic, 12);
      expect(Math.abs(r.pvalue - c.pvalue)).toBeLessThan(1e-10);
    });
  }

  it("a calibrated guide passes, a biased one fails, with NumPyro's result layout", () => {
    const opts = { observedSites: ["obs"], numSimulations: 40, numSviSteps: 300, numSamples: 200 };
    const good = vsbcDiagnostic(
      0,
      model,
      (m) => new OneSiteNormalGuide(m),
      new Adam(0.05),
      new TraceELBO(),
      [],
      opts,
    );
    expect(good.paramNames).toEqual(["loc"]);
    expect(good.probabilities.loc.shape).toEqual([40]);
    expect(good.ranks.loc.shape).toEqual([40]);
    expect(good.ksStats.loc.shape).toEqual([]);
    const p = Array.from(good.probabilities.loc.dataSync() as Float64Array);
    const r = Array.from(good.ranks.loc.dataSync() as Float64Array);
    p.forEach((v, i) => {
      expect(v).toBe(r[i] / 200);
    });
    expect((good.ksPvalues.loc.dataSync() as Float64Array)[0]).toBeGreaterThan(0.01);
    // the same fits with every draw shifted by +1.5: Pr_q(θ < θ*) is pushed towards 0
    const bad = vsbcDiagnostic(
      0,
      model,
      (m) => new OneSiteNormalGuide(m, 1.5),
      new Adam(0.05),
      new TraceELBO(),
      [],
      opts,
    );
    expect((bad.ksPvalues.loc.dataSync() as Float64Array)[0]).toBeLessThan(1e-4);
  }, 60_000);

  it("finds observed sites from the arguments, and refuses bad counts or none", () => {
    const r = vsbcDiagnostic(
      1,
      model,
      (m) => new OneSiteNormalGuide(m),
      new Adam(0.05),
      new TraceELBO(),
      [tensor(0.3)],
      {
        numSimulations: 3,
        numSviSteps: 5,
        numSamples: 10,
      },
    );
    expect(r.paramNames).toEqual(["loc"]);
    expect(() =>
      vsbcDiagnostic(0, model, (m) => new OneSiteNormalGuide(m), new Adam(0.05), new TraceELBO(), [], {
        numSimulations: 1,
      }),
    ).toThrow(/numSimulations must be an integer of at least 2/);
    expect(() =>
      vsbcDiagnostic(0, model, (m) => new OneSiteNormalGuide(m), new Adam(0.05), new TraceELBO(), []),
    ).toThrow(PhloxError);
  });
});
