import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { essBulk, essTail, rhat, summaryArviz } from "@phlox/diagnostics";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readJSON, readNetCDF, readZarr, writeJSON, writeNetCDF, writeZarr } from "./files.js";
import { fromArrays } from "./from-arrays.js";
import { fromMCMC } from "./from-mcmc.js";
import type { InferenceData } from "./inference-data.js";
import { EIGHT_SCHOOLS, eightSchoolsRun } from "./testing/eight-schools-draws.js";

// Python ArviZ 0.23.4 is the reference client: CI builds it with shared/tools/python-oracle.sh.
const PYTHON = process.env.PHLOX_ORACLE_PYTHON ?? "/tmp/phlox-oracle/bin/python";
const SCRIPT = fileURLToPath(new URL("../scripts/arviz_interop.py", import.meta.url));

interface VarInfo {
  dims: string[];
  dtype: string;
  shape: number[];
}
interface Described {
  groups: string[];
  vars: Record<string, Record<string, VarInfo> & { __attrs__: Record<string, unknown> }>;
  phony: boolean;
  summary: Record<string, Record<string, number>>;
  rhat: Record<string, number | number[]>;
  ess_bulk: Record<string, number | number[]>;
  ess_tail: Record<string, number | number[]>;
  diverging_sum: number | null;
}
interface OracleOutput {
  arviz_version: string;
  have_zarr: boolean;
  zarr3: boolean;
  read: Record<"netcdf" | "netcdf4_engine" | "zarr" | "zarr3" | "json", Described> & {
    scoped: Record<"v2" | "v3", string[]>;
    theta_first: number[][];
    datatree: Record<string, string[]>;
  };
  python: {
    wrote: string[];
    groups: string[];
    values: Record<string, (number | boolean | string)[]>;
    dtypes: Record<string, string>;
    dims: Record<string, string[]>;
    schools: string[];
  };
}

let dir: string;
let idata: InferenceData;
let oracle: OracleOutput;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "phlox-arviz-"));
  const run = await eightSchoolsRun();
  idata = fromMCMC(run, {
    dims: { theta: ["school"], theta_raw: ["school"], obs: ["school"], sigma: ["school"] },
    coords: { school: [...EIGHT_SCHOOLS.schools] },
    constantData: { sigma: { data: Int32Array.from(EIGHT_SCHOOLS.sigma), shape: [8] } },
  });
  await writeNetCDF(idata, join(dir, "phlox.nc"));
  await writeZarr(idata, join(dir, "phlox.zarr"));
  await writeZarr(idata, join(dir, "phlox_v3.zarr"), { zarrFormat: 3 });
  const scoped = fromArrays({
    posterior: { "a/b": [[1, 2]], "../../escape": [[3, 4]], plain: [[5, 6]] },
  });
  await writeZarr(scoped, join(dir, "phlox_scoped_v2.zarr"));
  await writeZarr(scoped, join(dir, "phlox_scoped_v3.zarr"), { zarrFormat: 3 });
  await writeJSON(idata, join(dir, "phlox.json"));
  // Generous limits: importing ArviZ, xarray and zarr takes tens of seconds on a busy 2-core machine.
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, dir], { timeout: 200_000, maxBuffer: 64 << 20 }, (err, out, errText) => {
      if (err) reject(new Error(`${PYTHON} ${SCRIPT} failed: ${err.message}\n${errText}`));
      else resolve(out);
    });
  });
  oracle = JSON.parse(stdout) as OracleOutput;
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// CI builds the oracle with zarr 3 (PHLOX_ORACLE_ZARR=1 in scripts/ci-setup.sh): both zarr formats are read by
// ArviZ through xr.open_datatree(path, engine="zarr") + az.InferenceData.from_datatree.
const FORMATS = ["netcdf", "netcdf4_engine", "zarr", "zarr3", "json"] as const;
const EXPECTED_GROUPS = ["posterior", "log_likelihood", "sample_stats", "observed_data", "constant_data"];

describe("Python ArviZ opens what Phlox writes", () => {
  test.each(FORMATS)("az.from_* (%s) sees every group and variable with Phlox's dims", (fmt) => {
    const d = oracle.read[fmt];
    expect(oracle.arviz_version).toBe("0.23.4");
    expect([...d.groups].sort()).toEqual([...EXPECTED_GROUPS].sort());
    expect(d.phony).toBe(false);
    for (const g of EXPECTED_GROUPS) {
      const names = Object.keys(d.vars[g]).filter((k) => !k.startsWith("__"));
      expect(names.sort()).toEqual(Object.keys(idata.get(g).variables).sort());
      for (const n of names) expect(d.vars[g][n].dims).toEqual(idata.variable(g, n).dims);
    }
    expect(d.vars.posterior.theta.dims).toEqual(["chain", "draw", "school"]);
    expect(d.vars.observed_data.obs.dims).toEqual(["school"]);
  });

  test.each(FORMATS)(
    "dtypes survive (%s): diverging is bool, n_steps/tree_depth int64, lp float64",
    (fmt) => {
      const ss = oracle.read[fmt].vars.sample_stats;
      expect(ss.diverging.dtype).toBe("bool");
      expect(ss.n_steps.dtype).toBe("int64");
      expect(ss.tree_depth.dtype).toBe("int64");
      expect(ss.lp.dtype).toBe("float64");
      expect(ss.energy.dtype).toBe("float64");
      expect(oracle.read[fmt].vars.posterior.mu.dtype).toBe("float64");
      expect(
        Object.keys(ss)
          .filter((k) => !k.startsWith("__"))
          .sort(),
      ).toEqual(
        // NUTS's fields under az.from_numpyro's names; mean_accept_prob passes through unrenamed, as there.
        [
          "acceptance_rate",
          "diverging",
          "energy",
          "lp",
          "mean_accept_prob",
          "n_steps",
          "step_size",
          "tree_depth",
        ].sort(),
      );
      const div = idata.variable("sample_stats", "diverging").data as Uint8Array;
      expect(oracle.read[fmt].diverging_sum).toBe(div.reduce((a, b) => a + b, 0));
    },
  );

  test("the oracle has zarr 3 (built with PHLOX_ORACLE_ZARR=1), so both zarr formats are checked", () => {
    expect(oracle.zarr3).toBe(true);
  });

  test("names are encoded, never paths: xarray sees a/b and ../../escape as single arrays", () => {
    for (const fmt of ["v2", "v3"] as const) {
      expect(oracle.read.scoped[fmt]).toEqual(["%2E.%2F..%2Fescape", "a%2Fb", "plain"]);
    }
  });

  test.each(["netcdf", "zarr", "zarr3"] as const)(
    "group attributes name Phlox as the inference library (%s)",
    (fmt) => {
      const attrs = oracle.read[fmt].vars.posterior.__attrs__;
      expect(attrs.inference_library).toBe("phlox");
      expect(attrs.arviz_version).toBe("0.23.4");
      expect(typeof attrs.created_at).toBe("string");
      expect(typeof attrs.inference_library_version).toBe("string");
    },
  );

  test("xarray.open_datatree (ArviZ 1.x's reader) opens the netCDF file with Phlox's dims", () => {
    expect(Object.keys(oracle.read.datatree).sort()).toEqual([...EXPECTED_GROUPS].sort());
    expect(oracle.read.datatree.posterior).toEqual(["chain", "draw", "school"]);
  });

  test("the values Python reads from netCDF are the draws Phlox wrote", () => {
    const theta = idata.variable("posterior", "theta").data as Float64Array;
    expect(oracle.read.theta_first.flat()).toEqual(Array.from(theta.subarray(0, 24)));
  });

  test.each(FORMATS)("az.summary, az.rhat and az.ess agree with @phlox/diagnostics (%s)", (fmt) => {
    const d = oracle.read[fmt];
    const draws = idata.draws("posterior");
    const schools = EIGHT_SCHOOLS.schools;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    const rows = summaryArviz(draws);
    const elements = Object.values(draws).reduce(
      (a, x) => a + x.shape.slice(2).reduce((p, k) => p * k, 1),
      0,
    );
    expect(rows.length).toBe(elements);
    for (const row of rows) {
      const label = row.index.length === 0 ? row.variable : `${row.variable}[${schools[row.index[0]]}]`;
      const py = d.summary[label];
      expect(py, label).toBeDefined();
      expect(rel(row.mean, py.mean)).toBeLessThan(1e-9);
      expect(rel(row.sd, py.sd)).toBeLessThan(1e-9);
      expect(rel(row.essBulk, py.ess_bulk)).toBeLessThan(1e-6);
      expect(rel(row.essTail, py.ess_tail)).toBeLessThan(1e-6);
      expect(rel(row.rHat, py.r_hat)).toBeLessThan(1e-9);
      expect(rel(row.mcseMean, py.mcse_mean)).toBeLessThan(1e-6);
    }
    for (const [name, x] of Object.entries(draws)) {
      const flat = (v: number | number[]) => (Array.isArray(v) ? v : [v]);
      const cmp = (ours: Float64Array, theirs: number | number[]) => {
        flat(theirs).forEach((t, i) => {
          expect(rel(ours[i], t), name).toBeLessThan(1e-6);
        });
      };
      cmp(rhat(x), d.rhat[name]);
      cmp(essBulk(x), d.ess_bulk[name]);
      cmp(essTail(x), d.ess_tail[name]);
    }
  });
});

describe("Phlox reads what Python ArviZ writes", () => {
  const check = (got: InferenceData) => {
    const py = oracle.python;
    expect(got.groupNames().sort()).toEqual([...py.groups].sort());
    for (const [key, values] of Object.entries(py.values)) {
      const [g, n] = key.split("/");
      const v = got.variable(g, n);
      expect(v.dims, key).toEqual(py.dims[key]);
      const dtype = py.dtypes[key];
      expect(v.dtype, key).toBe(dtype);
      const ours = Array.from(v.data as ArrayLike<number | bigint>, (x) =>
        dtype === "bool" ? Boolean(x) : Number(x),
      );
      expect(ours, key).toEqual(values);
    }
    expect(Array.from(got.get("posterior").coords.school.data as string[])).toEqual(py.schools);
  };
  test("readNetCDF opens az.to_netcdf output: groups, dims, dtypes (bool, int64), string coords, values", async () => {
    check(await readNetCDF(join(dir, "python.nc")));
  });
  test("a dimension without a coordinate gets the default 0…n−1 coordinate; plain HDF5 gets <var>_dim_<i>", async () => {
    const nocoord = await readNetCDF(join(dir, "python_nocoord.nc"));
    expect(nocoord.variable("posterior", "x").dims).toEqual(["chain", "draw", "k"]);
    expect(Array.from(nocoord.get("posterior").coords.k.data as BigInt64Array, Number)).toEqual([0, 1, 2]);
    const plain = await readNetCDF(join(dir, "python_plain.h5"));
    expect(plain.variable("posterior", "z").dims).toEqual(["z_dim_0", "z_dim_1", "z_dim_2"]);
    expect(Array.from(plain.variable("posterior", "z").data as Float64Array)).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
  });

  test("readJSON opens az.to_json output", async () => {
    check(await readJSON(join(dir, "python.json")));
  });
  test("readZarr opens DataTree.to_zarr output, zarr v2 (zlib) and v3 (gzip)", async () => {
    expect(oracle.python.wrote).toEqual(expect.arrayContaining(["zarr", "zarr3"]));
    check(await readZarr(join(dir, "python.zarr")));
    check(await readZarr(join(dir, "python_v3.zarr")));
  });
  test("readZarr opens DataTree.to_zarr output with zarr 3's defaults (v3 zstd)", async () => {
    check(await readZarr(join(dir, "python_default_v3.zarr")));
  });
  test("zarr v2's default blosc compressor is refused with a clear error that says how to re-save", async () => {
    await expect(readZarr(join(dir, "python_default_v2.zarr"))).rejects.toThrow(/blosc.*Zlib/s);
  });
});
