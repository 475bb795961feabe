"""Interop oracle for @phlox/arviz-io: Python ArviZ reads what Phlox wrote, and writes files for Phlox to read.

usage: python arviz_interop.py DIR
  DIR holds phlox.nc, phlox.zarr/ and phlox.json written by the JS test. The script
  1. opens each with az.from_netcdf (both engines), az.from_zarr, az.from_json and reports groups, variables,
     dims, dtypes, attrs, az.summary / az.rhat / az.ess of the posterior;
  2. writes an ArviZ example InferenceData (az.from_dict) as python.nc, python.zarr/ (when the zarr package is
     installed) and python.json, and reports what it wrote, so the JS test can compare Phlox's reader.
Prints one JSON object on stdout. One process per test run keeps Python's start-up cost to one.
"""

import json
import math
import warnings
import os
import sys
import zlib

import numpy as np
import xarray as xr
import arviz as az

try:
    import zarr  # noqa: F401

    HAVE_ZARR = True
    ZARR3 = int(zarr.__version__.split(".")[0]) >= 3
except ImportError:
    HAVE_ZARR = False
    ZARR3 = False


def open_zarr(path):
    """ArviZ 0.23 reads zarr 3 stores only through xarray's DataTree (az.from_zarr refuses zarr>=3)."""
    if ZARR3:
        return az.InferenceData.from_datatree(xr.open_datatree(path, engine="zarr"))
    return az.from_zarr(path)


def clean(x):
    """JSON-safe: NaN/inf to strings, numpy scalars to Python."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return x if math.isfinite(x) else str(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


def manual_zarr(path):
    """A minimal zarr v2 reader (consolidated metadata, zlib/none, C order) for when `zarr` is not installed.

    It follows the zarr v2 spec independently of Phlox's reader, and builds the xarray objects ArviZ uses."""
    with open(os.path.join(path, ".zmetadata")) as f:
        meta = json.load(f)["metadata"]
    groups = {}
    for key in meta:
        if not key.endswith("/.zgroup"):
            continue
        group = key[: -len("/.zgroup")]
        data_vars, coords = {}, {}
        for akey, zarray in meta.items():
            if not (akey.startswith(group + "/") and akey.endswith("/.zarray")):
                continue
            name = akey[len(group) + 1 : -len("/.zarray")]
            attrs = dict(meta.get(f"{group}/{name}/.zattrs", {}))
            dims = attrs.pop("_ARRAY_DIMENSIONS")
            dtype = np.dtype(zarray["dtype"])
            shape = tuple(zarray["shape"])
            assert tuple(zarray["chunks"]) == tuple(max(1, s) for s in shape), "one chunk per array expected"
            chunk_key = "0" if len(shape) == 0 else ".".join("0" for _ in shape)
            raw = b""
            if np.prod(shape) > 0:
                with open(os.path.join(path, group, name, chunk_key), "rb") as f:
                    raw = f.read()
                if zarray["compressor"] is not None:
                    assert zarray["compressor"]["id"] == "zlib"
                    raw = zlib.decompress(raw)
            arr = np.frombuffer(raw, dtype=dtype).reshape(shape) if raw else np.zeros(shape, dtype=dtype)
            if attrs.pop("dtype", None) == "bool":
                arr = arr.astype(bool)
            if dims == [name]:
                coords[name] = arr
            else:
                data_vars[name] = (dims, arr, attrs)
        attrs = meta.get(f"{group}/.zattrs", {})
        groups[group] = xr.Dataset(data_vars, coords=coords, attrs=attrs)
    return az.InferenceData(**groups)


def describe(idata):
    out = {"groups": list(idata.groups()), "vars": {}, "phony": False}
    for g in idata.groups():
        ds = getattr(idata, g)
        out["vars"][g] = {
            name: {"dims": list(da.dims), "dtype": str(da.dtype), "shape": list(da.shape)}
            for name, da in ds.data_vars.items()
        }
        out["vars"][g]["__attrs__"] = clean(dict(ds.attrs))
        out["vars"][g]["__coords__"] = {c: clean(ds.coords[c].values) for c in ds.coords}
        if any(str(d).startswith("phony_dim") for d in ds.dims):
            out["phony"] = True
    post = idata.posterior
    summ = az.summary(idata, round_to="none")
    out["summary"] = clean({row: summ.loc[row].to_dict() for row in summ.index})
    rhat = az.rhat(idata)
    ess_bulk = az.ess(idata, method="bulk")
    ess_tail = az.ess(idata, method="tail")
    out["rhat"] = {v: clean(rhat[v].values) for v in post.data_vars}
    out["ess_bulk"] = {v: clean(ess_bulk[v].values) for v in post.data_vars}
    out["ess_tail"] = {v: clean(ess_tail[v].values) for v in post.data_vars}
    if "sample_stats" in idata.groups():
        ss = idata.sample_stats
        out["diverging_sum"] = int(ss.diverging.values.sum()) if "diverging" in ss else None
        if "energy" in ss:
            out["bfmi"] = clean(az.bfmi(idata))
    return out


def read_phlox(d):
    res = {}
    res["netcdf"] = describe(az.from_netcdf(os.path.join(d, "phlox.nc")))
    res["netcdf4_engine"] = describe(az.from_netcdf(os.path.join(d, "phlox.nc"), engine="netcdf4"))
    if HAVE_ZARR:
        res["zarr"] = describe(open_zarr(os.path.join(d, "phlox.zarr")))
    else:
        res["zarr"] = describe(manual_zarr(os.path.join(d, "phlox.zarr")))
    if ZARR3:
        res["zarr3"] = describe(open_zarr(os.path.join(d, "phlox_v3.zarr")))
        # Names are encoded, never paths: a scope()-style name "a/b" is one array, a%2Fb, in both formats.
        res["scoped"] = {
            fmt: sorted(open_zarr(os.path.join(d, f"phlox_scoped_{fmt}.zarr")).posterior.data_vars)
            for fmt in ("v2", "v3")
        }
    res["json"] = describe(az.from_json(os.path.join(d, "phlox.json")))
    # ArviZ 1.x reads through xarray's DataTree: the same file must open there, without phony dims.
    tree = xr.open_datatree(os.path.join(d, "phlox.nc"))
    res["datatree"] = {name: sorted(str(x) for x in node.dims) for name, node in tree.children.items()}
    # The netCDF values themselves, for an exact comparison on the JS side.
    nc = az.from_netcdf(os.path.join(d, "phlox.nc"))
    res["theta_first"] = clean(nc.posterior.theta.values[0, :3].tolist())
    return res


def write_python(d):
    rng = np.random.default_rng(20261126)
    schools = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter", "Hotchkiss", "Lawrenceville", "St. Paul's", "Mt. Hermon"]
    c, n = 2, 50
    mu = rng.normal(4.0, 3.0, size=(c, n))
    tau = np.abs(rng.normal(3.0, 2.0, size=(c, n)))
    theta = mu[..., None] + tau[..., None] * rng.normal(size=(c, n, 8))
    idata = az.from_dict(
        posterior={"mu": mu, "tau": tau, "theta": theta},
        sample_stats={
            "diverging": rng.random((c, n)) < 0.1,
            "n_steps": rng.integers(1, 16, size=(c, n)),
            "lp": rng.normal(-40.0, 3.0, size=(c, n)),
            "energy": rng.normal(45.0, 3.0, size=(c, n)),
        },
        log_likelihood={"obs": rng.normal(-4.0, 1.0, size=(c, n, 8))},
        observed_data={"obs": np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])},
        constant_data={"sigma": np.array([15, 10, 16, 11, 9, 11, 10, 18])},
        coords={"school": schools},
        dims={"theta": ["school"], "obs": ["school"], "sigma": ["school"]},
        attrs={"source": "arviz_interop.py"},
    )
    idata.to_netcdf(os.path.join(d, "python.nc"))
    idata.to_json(os.path.join(d, "python.json"))
    wrote = ["netcdf", "json"]
    if ZARR3:
        import numcodecs
        from zarr.codecs import GzipCodec

        # ArviZ 0.23 with zarr 3 writes through DataTree; Phlox reads zlib/gzip (not the blosc/zstd defaults).
        tree = idata.to_datatree()
        for fmt, comp in ((2, numcodecs.Zlib(4)), (3, GzipCodec(level=4))):
            enc = {f"/{g}": {v: {"compressors": [comp]} for v in getattr(idata, g).variables} for g in idata.groups()}
            name = "python.zarr" if fmt == 2 else "python_v3.zarr"
            tree.to_zarr(os.path.join(d, name), zarr_format=fmt, encoding=enc)
        tree.to_zarr(os.path.join(d, "python_default_v3.zarr"), zarr_format=3)
        tree.to_zarr(os.path.join(d, "python_default_v2.zarr"), zarr_format=2)
        wrote += ["zarr", "zarr3"]
    elif HAVE_ZARR:
        import numcodecs

        enc = {g: {v: {"compressor": numcodecs.Zlib(4)} for v in getattr(idata, g).variables} for g in idata.groups()}
        for g in idata.groups():
            getattr(idata, g).to_zarr(os.path.join(d, "python.zarr"), group=g, mode="a", encoding=enc[g])
        wrote.append("zarr")
    exp = {"wrote": wrote, "groups": list(idata.groups()), "values": {}, "dtypes": {}, "dims": {}}
    for g in idata.groups():
        ds = getattr(idata, g)
        for name, da in ds.data_vars.items():
            exp["values"][f"{g}/{name}"] = clean(da.values.ravel().tolist())
            exp["dtypes"][f"{g}/{name}"] = str(da.dtype)
            exp["dims"][f"{g}/{name}"] = list(da.dims)
    exp["schools"] = schools
    # A dimension without a coordinate variable (netCDF writes a bare dimension scale for it), and a plain
    # HDF5 file without any netCDF dimension machinery (h5py), for the reader's fallbacks.
    bare = xr.Dataset({"x": (("chain", "draw", "k"), rng.normal(size=(c, n, 3)))}, coords={"chain": [0, 1], "draw": np.arange(n)})
    az.InferenceData(posterior=bare).to_netcdf(os.path.join(d, "python_nocoord.nc"))
    import h5py

    with h5py.File(os.path.join(d, "python_plain.h5"), "w") as f:
        f.create_group("posterior").create_dataset("z", data=np.arange(12.0).reshape(2, 3, 2))
    return exp


def main():
    warnings.simplefilter("ignore")
    d = sys.argv[1]
    out = {"arviz_version": az.__version__, "have_zarr": HAVE_ZARR, "zarr3": ZARR3}
    out["read"] = read_phlox(d)
    out["python"] = write_python(d)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
