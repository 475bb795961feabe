import { describe, expect, test } from "vitest";
import fx from "../fixtures/from-numpyro.json" with { type: "json" };
import { fromMCMC, type McmcSource, type SampleRecord } from "./from-mcmc.js";
import type { TensorLike } from "./types.js";

// scripts/from_numpyro_fixture.py: one NumPyro 0.21 run of eight schools (plate "school", deterministic theta)
// and what az.from_numpyro (ArviZ 0.23.4) builds from it. The same draws go through fromMCMC here, given as
// tensors (anything with shape + dataSync(), what Phlox's MCMC returns), the log-likelihood flat
// [chain·draw, 8] as MCMC computes it, the dims as MCMC.siteDims() infers them from the plates.
type Arr = { data: number[]; shape: number[] };
const asTensor = (a: Arr): TensorLike => ({ shape: a.shape, dataSync: () => Float64Array.from(a.data) });
const record = (r: Record<string, Arr>): SampleRecord =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asTensor(v)]));

const inp = fx.inputs;
const source: McmcSource = {
  getSamples: () => record(inp.samples),
  getExtraFields: () => record(inp.extraFields),
  logLikelihood: () => record(inp.logLikelihood),
  observations: () => record(inp.observations),
  siteDims: () => inp.siteDims,
};

describe("fromMCMC equals az.from_numpyro on the same draws", () => {
  const idata = fromMCMC(source, {
    priorPredictive: record(inp.prior),
    posteriorPredictive: record(inp.posteriorPredictive),
    coords: inp.coords,
  });
  const expected = fx.expected as Record<
    string,
    {
      variables: Record<string, { dims: string[]; shape: number[]; dtype: string; data: number[] }>;
      coords: Record<string, (string | number)[]>;
    }
  >;

  test("the same groups", () => {
    expect([...idata.groupNames()].sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [group, want] of Object.entries(expected)) {
    test(`${group}: the same variables, dims, shapes, values and coordinates`, () => {
      const ds = idata.get(group);
      expect(Object.keys(ds.variables).sort()).toEqual(Object.keys(want.variables).sort());
      for (const [name, v] of Object.entries(want.variables)) {
        const got = ds.variables[name];
        expect(got.dims, `${group}.${name} dims`).toEqual(v.dims);
        expect(got.shape, `${group}.${name} shape`).toEqual(v.shape);
        if (v.dtype === "bool") expect(got.dtype).toBe("bool");
        const data = Array.from(got.data as ArrayLike<number | bigint>, Number);
        expect(data.length).toBe(v.data.length);
        // NumPyro's arrays are float32; compare at float32 precision.
        for (let i = 0; i < data.length; i++)
          expect(Math.abs(data[i] - v.data[i]), `${group}.${name}[${i}]`).toBeLessThanOrEqual(
            1e-6 * Math.max(1, Math.abs(v.data[i])),
          );
      }
      for (const [dim, values] of Object.entries(want.coords)) {
        const c = ds.coords[dim];
        expect(c, `${group} coord ${dim}`).toBeDefined();
        expect(
          Array.from(c.data as ArrayLike<string | number | bigint>, (x) =>
            typeof x === "bigint" ? Number(x) : x,
          ),
        ).toEqual(values);
      }
    });
  }

  test("explicit dims replace the inferred ones, as in ArviZ", () => {
    const r = fromMCMC(source, { dims: { theta: ["s"] } });
    expect(r.variable("posterior", "theta").dims).toEqual(["chain", "draw", "s"]);
    expect(r.variable("posterior", "theta_raw").dims).toEqual(["chain", "draw", "theta_raw_dim_0"]);
  });
});
