import { Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { ChainRandom, type Tensor, take, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import {
  findSubsamplePlates,
  gatherProxy,
  perDatumTable,
  perDatumTaylor,
  proxyTotals,
  tableTotals,
} from "./ecs-model.js";

// NumPyro test_hmc_gibbs.py::test_taylor_proxy_norm: the proxy's per-datum and whole-data Taylor coefficients
// of a Normal likelihood against their closed forms (∇ℓᵢ = (xᵢ − μ)/σ², ∇²ℓᵢ = −I/σ²).
test("Taylor coefficients of a normal likelihood: per datum and summed over the data, as the closed forms", () => {
  const ref = [0.1, 0.5, -0.2];
  const sigma = 0.1;
  const n = 100;
  const rng = new ChainRandom([0, 3]);
  const x = Float64Array.from({ length: n * 3 }, (_, i) => ref[i % 3] + rng.normal());
  const data = tensor(x, { shape: [n, 3] });
  const model = (subsampleSize: number) => {
    const mean = sample("mean", new Normal(tensor(ref), 1).toEvent(1)) as Tensor;
    plate("data", n, (idx) => sample("obs", new Normal(mean, sigma), { obs: take(data, idx, 0) }), {
      subsampleSize,
      dim: -2,
    });
  };
  const layout = [{ name: "mean", shape: [3], offset: 0, size: 3 }];
  for (const m of [5, 10, 15]) {
    const plates = findSubsamplePlates(model as never, [m], 0);
    expect(plates).toEqual([{ name: "data", size: n, subsampleSize: m }]);
    const idx = Int32Array.from({ length: m }, (_, i) => (7 * i + 3) % n);
    const p = perDatumTaylor(
      model as never,
      [m],
      layout,
      plates,
      "data",
      { data: idx },
      Float64Array.from(ref),
      2,
    );
    for (let i = 0; i < m; i++) {
      let l = 0;
      for (let j = 0; j < 3; j++) {
        const r = x[idx[i] * 3 + j] - ref[j];
        l += -0.5 * (r / sigma) ** 2 - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
        expect(p.g[i * 3 + j]).toBeCloseTo(r / sigma ** 2, 8);
        for (let k = 0; k < 3; k++)
          expect(p.h[i * 9 + j * 3 + k]).toBeCloseTo(j === k ? -1 / sigma ** 2 : 0, 6);
      }
      expect(p.l[i]).toBeCloseTo(l, 8);
    }
    const t = proxyTotals(
      model as never,
      [m],
      layout,
      plates,
      plates[0],
      { data: idx },
      Float64Array.from(ref),
      2,
    );
    let L = 0;
    const G = [0, 0, 0];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < 3; j++) {
        const r = x[i * 3 + j] - ref[j];
        L += -0.5 * (r / sigma) ** 2 - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
        G[j] += r / sigma ** 2;
      }
    // The whole-data table (n not a multiple of m for m = 15): its rows are perDatumTaylor's, its sums the totals.
    const table = perDatumTable(
      model as never,
      [m],
      layout,
      plates,
      plates[0],
      { data: idx },
      Float64Array.from(ref),
      2,
    );
    const fromTable = gatherProxy(table, idx, 3);
    for (const k of ["l", "g", "h"] as const) {
      for (let i = 0; i < p[k].length; i++) expect(fromTable[k][i]).toBeCloseTo(p[k][i], 9);
    }
    for (const tt of [t, tableTotals(table, 3)]) {
      expect(tt.l).toBeCloseTo(L, 6);
      for (let j = 0; j < 3; j++) {
        expect(tt.g[j]).toBeCloseTo(G[j], 6);
        for (let k = 0; k < 3; k++) expect(tt.h[j * 3 + k]).toBeCloseTo(j === k ? -n / sigma ** 2 : 0, 4);
      }
    }
  }
});
