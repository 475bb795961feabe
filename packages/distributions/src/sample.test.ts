import { key, split } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Distribution } from "./distribution.js";
import { asTensor, exp, reshape, type Tensor, values } from "./internal/ops.js";
import { SAMPLE_CASES, type SampleCase } from "./testing/cases.js";
import { chiSquare, chiSquareCritical, ksCritical, ksStatistic } from "./testing/gof.js";

const N = 10_000;
// Per-test level 1e-4: with ~120 statistics the family-wise false-alarm rate stays near 1%; the seeds are
// fixed, so a pass is reproducible.
const ALPHA = 1e-4;
const Z_UPPER = 3.719; // Φ⁻¹(1 − 1e-4)

// cdfs computed by 200-step continued fractions (internal/special.ts) are exact but slow on 2·10⁴ draws;
// these cases use the Simpson-integrated density instead (their cdf is checked against scipy in logprob.test).
const ITERATIVE_CDF = new Set(["StudentT", "Gamma", "Chi2", "InverseGamma", "Beta", "BetaProportion"]);
const hasCdf = (d: Distribution): boolean =>
  d.cdf !== Distribution.prototype.cdf && !ITERATIVE_CDF.has(d.name);

/** Column j of a [N, B] array stored row-major. */
const column = (xs: readonly number[], b: number, j: number): number[] => {
  const out: number[] = [];
  for (let i = j; i < xs.length; i += b) out.push(xs[i]!);
  return out;
};

/** F(x) for each draw: the analytic cdf when present, else Simpson integration of exp(logProb) between sorted draws. */
function pit(d: Distribution, draws: Tensor): number[][] {
  const b = d.batchShape.reduce((p, q) => p * q, 1);
  const xs = values(draws);
  if (hasCdf(d)) {
    const u = values(d.cdf(draws));
    return Array.from({ length: b }, (_, j) => column(u, b, j));
  }
  const cols = Array.from({ length: b }, (_, j) => column(xs, b, j).sort((p, q) => p - q));
  const m = 2 * N - 1;
  const pts = new Float64Array(m * b);
  cols.forEach((c, j) => {
    for (let i = 0; i < N; i++) {
      pts[2 * i * b + j] = c[i]!;
      if (i < N - 1) pts[(2 * i + 1) * b + j] = 0.5 * (c[i]! + c[i + 1]!);
    }
  });
  const dens = values(exp(d.logProb(reshape(asTensor(pts), [m, ...d.batchShape]))));
  return cols.map((c, j) => {
    const cum = [0];
    for (let i = 0; i < N - 1; i++) {
      const h = c[i + 1]! - c[i]!;
      const f0 = dens[2 * i * b + j]!;
      const fm = dens[(2 * i + 1) * b + j]!;
      const f1 = dens[(2 * i + 2) * b + j]!;
      cum.push(cum[i]! + (h / 6) * (f0 + 4 * fm + f1));
    }
    const total = cum[N - 1]!;
    // the sample minimum sits near F = 1/(N+1) and the maximum near N/(N+1)
    return cum.map((v) => (1 + ((N - 1) * v) / total) / (N + 1));
  });
}

function checkMoments(c: SampleCase, d: Distribution, draws: Tensor): void {
  const x = c.post ? c.post(draws) : draws;
  const ref = c.momentsOf ? c.momentsOf() : d;
  const vs = values(x);
  const per = vs.length / N;
  const mean = values(ref.mean);
  let variance: number[] | undefined;
  try {
    variance = values(ref.variance);
  } catch {
    variance = undefined;
  }
  for (let k = 0; k < per; k++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const v = vs[i * per + k]!;
      s += v;
      s2 += v * v;
    }
    const m = s / N;
    const v = s2 / N - m * m;
    const sd = Math.sqrt(variance ? variance[k]! : v);
    expect(Math.abs(m - mean[k]!), `${c.name} mean[${k}]`).toBeLessThanOrEqual(
      5 * (sd / Math.sqrt(N)) + 1e-12,
    );
    if (variance) {
      expect(Math.abs(v - variance[k]!), `${c.name} variance[${k}]`).toBeLessThanOrEqual(
        0.1 * variance[k]! + 1e-12,
      );
    }
  }
}

describe("sample(key, shape) draws from the right distribution", () => {
  SAMPLE_CASES.forEach((c, idx) => {
    describe(c.name, () => {
      const d = c.make();
      const [k1, k2] = split(key(1000 + idx), 2) as [Tensor, Tensor];
      it(`${c.name}.sample(key, [3]) has shape [3, ...batchShape, ...eventShape] and lies in the support`, () => {
        const x = d.sample(k1, [3]);
        expect(x.shape).toEqual([3, ...d.batchShape, ...d.eventShape]);
        expect(values(d.support.check(x)).every((v) => v !== 0)).toBe(true);
      });
      // 10⁴ draws of the slower samplers take seconds on a busy machine: a generous explicit timeout.
      it(`${c.name}.sample passes a seeded ${c.gof} goodness-of-fit test on ${N} draws`, {
        timeout: 120_000,
      }, () => {
        const draws = d.sample(k2, [N]);
        if (c.gof === "moments") {
          checkMoments(c, d, draws);
          return;
        }
        if (c.gof === "ks") {
          for (const u of pit(d, draws)) expect(ksStatistic(u)).toBeLessThanOrEqual(ksCritical(N, ALPHA));
          return;
        }
        const b = d.batchShape.reduce((p, q) => p * q, 1);
        const xs = values(draws);
        for (let j = 0; j < b; j++) {
          const col = column(xs, b, j);
          const lo = Math.min(...col);
          const hi = Math.max(...col);
          const grid: number[] = [];
          for (let k = lo; k <= hi; k++) grid.push(k);
          // evaluate the pmf of batch element j on the grid: broadcast the grid over the batch, read column j
          const g = reshape(asTensor(grid), [grid.length, ...d.batchShape.map(() => 1)]);
          const lp = values(d.logProb(g));
          const pm = new Map(grid.map((k, i) => [k, Math.exp(lp[i * b + j]!)]));
          const { stat, df } = chiSquare(col, (k) => pm.get(k) ?? 0);
          expect(stat, `${c.name}[${j}] chi2 with ${df} df`).toBeLessThanOrEqual(
            chiSquareCritical(df, Z_UPPER),
          );
        }
      });
    });
  });
});
