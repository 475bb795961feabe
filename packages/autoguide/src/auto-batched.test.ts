import { readFileSync } from "node:fs";
import { MultivariateNormal, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { PhloxError, type Tensor, tensor } from "@phlox/tensor";
import { Adam, exponentialDecay, type Params, type PotentialModel, SVI, TraceELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoBatchedLowRankMultivariateNormal, AutoBatchedMultivariateNormal } from "./auto-batched.js";

interface GuideCase {
  shapes: Record<string, number[]>;
  initValues: Record<string, number[]>;
  params: Record<string, { data: number[]; shape: number[] }>;
  entropy: number;
  z: number[];
  logQ: number;
  fittedCovariance: number[];
  fittedLoc: number[];
}
interface Fixture {
  offDiag: number[];
  AutoBatchedMultivariateNormal: GuideCase;
  AutoBatchedLowRankMultivariateNormal: GuideCase;
  shapesCases: Record<string, { error: string | null; batchShape?: number[]; eventShape?: number[] }>;
}
const fx = JSON.parse(
  readFileSync(new URL("../fixtures/batched-guides.json", import.meta.url), "utf8"),
) as Fixture;

const toParams = (p: GuideCase["params"]): Params =>
  Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }]),
  );

/** U ≡ 0 over a latent site x of shape [3, 4] (event dim 1): a particle's loss is then log q alone. */
const zeroPotential = (): PotentialModel => {
  const layout = [{ name: "x", shape: [3, 4], offset: 0, size: 12, constrainedShape: [3, 4], eventDim: 1 }];
  return {
    dim: 12,
    initialZ: new Float64Array(12),
    layout,
    potentialFn: (_z, g) => {
      g.fill(0);
      return 0;
    },
  };
};

// NumPyro's test_auto_batched model: x[b] ~ MVN(0, I + offDiag[b]) in a plate of 3
const covs = fx.offDiag.flatMap((o) =>
  Array.from({ length: 16 }, (_, k) => (Math.floor(k / 4) === k % 4 ? 1 : 0) + o),
);
function mvnModel(): void {
  plate("N", 3, () =>
    sample("x", new MultivariateNormal(0, { covarianceMatrix: tensor(covs, { shape: [3, 4, 4] }) })),
  );
}

const classes = [
  ["AutoBatchedMultivariateNormal", (m: unknown) => new AutoBatchedMultivariateNormal(m)],
  ["AutoBatchedLowRankMultivariateNormal", (m: unknown) => new AutoBatchedLowRankMultivariateNormal(m)],
] as const;

describe("batched autoguides against NumPyro 0.21 (fixtures/batched-guides.json)", () => {
  for (const [name, make] of classes) {
    const c = fx[name];
    it(`${name}: parameter names, shapes and initial values as NumPyro's`, () => {
      const guide = make(mvnModel);
      const setup = guide.setup(0, []);
      const p = setup.constrainParams(setup.initialParams());
      expect(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.shape]))).toEqual(c.shapes);
      for (const [k, v] of Object.entries(c.initValues)) {
        expect(Array.from(p[k].data)).toEqual(v.map((x) => expect.closeTo(x, 12)));
      }
      expect(guide.batchShape).toEqual([3]);
      expect(guide.eventSize).toBe(4);
    });

    it(`${name}: entropy at fixed parameters equals NumPyro's (1e-10)`, () => {
      const setup = make(zeroPotential()).setup(0, []);
      const u = setup.unconstrainParams(toParams(c.params));
      const grad = new Float64Array(setup.numParams);
      const negH = setup.particle(u, new Float64Array(setup.noiseDim), grad, "meanfield", 0, 0);
      expect(-negH).toBeCloseTo(c.entropy, 10);
      // the constrained round trip keeps the values
      const back = setup.constrainParams(u);
      for (const [k, v] of Object.entries(c.params)) {
        Array.from(back[k].data).forEach((x, i) => {
          expect(x).toBeCloseTo(v.data[i], 10);
        });
      }
    });
  }

  it("AutoBatchedMultivariateNormal: log q at a fixed latent equals NumPyro's (1e-10)", () => {
    const c = fx.AutoBatchedMultivariateNormal;
    const setup = new AutoBatchedMultivariateNormal(zeroPotential()).setup(0, []);
    const u = setup.unconstrainParams(toParams(c.params));
    // ε per batch row: L_b ε_b = z_b − loc_b
    const L = c.params.auto_scale_tril.data;
    const loc = c.params.auto_loc.data;
    const eps = new Float64Array(12);
    for (let b = 0; b < 3; b++)
      for (let i = 0; i < 4; i++) {
        let s = c.z[b * 4 + i] - loc[b * 4 + i];
        for (let j = 0; j < i; j++) s -= L[b * 16 + i * 4 + j] * eps[b * 4 + j];
        eps[b * 4 + i] = s / L[b * 16 + i * 4 + i];
      }
    const lq = setup.particle(u, eps, new Float64Array(setup.numParams), "elbo", 0, 0);
    expect(lq).toBeCloseTo(c.logQ, 10);
  });

  /** Cholesky factor of a 4×4 SPD matrix (row-major). */
  const chol4 = (A: readonly number[]): number[] => {
    const L = new Array<number>(16).fill(0);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j <= i; j++) {
        let v = A[i * 4 + j];
        for (let k = 0; k < j; k++) v -= L[i * 4 + k] * L[j * 4 + k];
        L[i * 4 + j] = i === j ? Math.sqrt(v) : v / L[j * 4 + j];
      }
    return L;
  };
  /** KL(N(m, C) ‖ N(0, S)) for 4-dimensional Gaussians. */
  const gaussianKl = (m: readonly number[], C: readonly number[], S: readonly number[]): number => {
    const Ls = chol4(S);
    const Lc = chol4(C);
    const solve = (b: number[]): number[] => {
      const x = [...b];
      for (let i = 0; i < 4; i++) {
        for (let k = 0; k < i; k++) x[i] -= Ls[i * 4 + k] * x[k];
        x[i] /= Ls[i * 4 + i];
      }
      return x; // Ls⁻¹ b
    };
    let tr = 0;
    for (let j = 0; j < 4; j++) {
      const col = solve([0, 1, 2, 3].map((i) => Lc[i * 4 + j]));
      tr += col.reduce((a, v) => a + v * v, 0);
    }
    const w = solve([...m]);
    let logdet = 0;
    for (let i = 0; i < 4; i++) logdet += 2 * (Math.log(Ls[i * 5]) - Math.log(Lc[i * 5]));
    return 0.5 * (tr + w.reduce((a, v) => a + v * v, 0) - 4 + logdet);
  };

  /** Batch row b's guide covariance from the fitted parameters. */
  const rowCovariance = (p: Record<string, Tensor>, b: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        let v = 0;
        if (p.auto_scale_tril) {
          const L = p.auto_scale_tril.dataSync();
          for (let k = 0; k < 4; k++) v += L[b * 16 + i * 4 + k] * L[b * 16 + j * 4 + k];
        } else {
          const V = p.auto_cov_factor.dataSync();
          const s = p.auto_scale.dataSync();
          const R = p.auto_cov_factor.shape[2];
          v = i === j ? 1 : 0;
          for (let k = 0; k < R; k++) v += V[(b * 4 + i) * R + k] * V[(b * 4 + j) * R + k];
          v *= s[b * 4 + i] * s[b * 4 + j];
        }
        out.push(v);
      }
    return out;
  };

  for (const [name, make] of classes) {
    it(`${name}: NumPyro's test_auto_batched fit — each batch row reaches NumPyro's optimum (KL to the target within 0.01)`, () => {
      const c = fx[name];
      const guide = make(mvnModel);
      const steps = 10000;
      const svi = new SVI(
        mvnModel,
        guide,
        new Adam(exponentialDecay(0.02, steps, 0.05)),
        new TraceELBO({ numParticles: 4 }),
      );
      const { params } = svi.run(0, steps);
      expect(guide.samplePosterior(1, params, { sampleShape: [5] }).x.shape).toEqual([5, 3, 4]);
      const offMeans: number[] = [];
      for (let b = 0; b < 3; b++) {
        const cov = rowCovariance(params, b);
        // KL(q_b ‖ p_b) at the optimum, as NumPyro's fit reaches it (invariant under the low-rank
        // family's symmetric optima, which differ by a permutation of the coordinates)
        const truth = Array.from(
          { length: 16 },
          (_, k) => (Math.floor(k / 4) === k % 4 ? 1 : 0) + fx.offDiag[b],
        );
        const loc = Array.from(params.auto_loc.dataSync().subarray(b * 4, b * 4 + 4));
        const klPhlox = gaussianKl(loc, cov, truth);
        const klNumPyro = gaussianKl(
          c.fittedLoc.slice(b * 4, b * 4 + 4),
          c.fittedCovariance.slice(b * 16, b * 16 + 16),
          truth,
        );
        expect(Math.abs(klPhlox - klNumPyro)).toBeLessThan(0.01);
        let off = 0;
        for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) off += cov[i * 4 + j] / 6;
        offMeans.push(off);
        // the full-rank family holds the exact posterior: I + offDiag[b]
        if (name === "AutoBatchedMultivariateNormal") {
          for (let k = 0; k < 16; k++) {
            const truth = (Math.floor(k / 4) === k % 4 ? 1 : 0) + fx.offDiag[b];
            expect(Math.abs(cov[k] - truth)).toBeLessThan(0.08);
          }
        }
      }
      // NumPyro's assertion: the fitted off-diagonals follow the true ones (correlation > 0.99)
      const mx = fx.offDiag.reduce((a, b) => a + b) / 3;
      const my = offMeans.reduce((a, b) => a + b) / 3;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let b = 0; b < 3; b++) {
        sxy += (fx.offDiag[b] - mx) * (offMeans[b] - my);
        sxx += (fx.offDiag[b] - mx) ** 2;
        syy += (offMeans[b] - my) ** 2;
      }
      expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.99);
    }, 60_000);
  }

  // NumPyro's test_auto_batched_shapes
  function shapesModel(n: number, m: number): void {
    const d = new Normal(0, 1).expand([7]).toEvent(1);
    plate("n", n, () => sample("x", d));
    plate("m", m, () => sample("y", d));
  }
  it("finds the batch shape (test_auto_batched_shapes) and refuses inconsistent or missing batch dimensions", () => {
    const g = new AutoBatchedMultivariateNormal(shapesModel);
    g.setup(0, [3, 3]);
    expect(g.batchShape).toEqual(fx.shapesCases.ok.batchShape);
    expect([g.eventSize]).toEqual(fx.shapesCases.ok.eventShape);
    expect(fx.shapesCases.inconsistent.error).toMatch(/inconsistent batch shapes/);
    expect(() => new AutoBatchedMultivariateNormal(shapesModel).setup(0, [3, 4])).toThrow(
      /inconsistent batch shapes: site "y" has batch shape \[4\]/,
    );
    expect(fx.shapesCases.ndim2.error).toMatch(
      /Expected 2 batch dimensions, but site `x` only has shape \(3, 7\)/,
    );
    let err: unknown;
    try {
      new AutoBatchedLowRankMultivariateNormal(shapesModel, { batchNdim: 2 }).setup(0, [3, 3]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PhloxError);
    expect((err as PhloxError).code).toBe("autoguide-batch-ndim");
    expect((err as Error).message).toMatch(
      /expected 2 batch dimensions, but site "x" only has shape \[3, 7\]/,
    );
    expect(() => new AutoBatchedMultivariateNormal(shapesModel, { batchNdim: -1 })).toThrow(/batchNdim/);
    expect(() => new AutoBatchedLowRankMultivariateNormal(shapesModel, { rank: 0 })).toThrow(/rank/);
  });

  it("median is the location reshaped (test_auto_batched_median)", () => {
    for (const [, make] of classes) {
      const g = make(shapesModel);
      const setup = g.setup(0, [3, 3]);
      const p = setup.constrainParams(setup.initialParams());
      const med = g.median(p);
      const flat = [...med.x.dataSync(), ...med.y.dataSync()];
      expect(flat).toEqual(Array.from(p.auto_loc.data).map((v) => expect.closeTo(v, 12)));
    }
  });
});
