"""Oracle for Phlox's own netCDF-4 writer: how h5py, netCDF4-C and ArviZ see a file.

usage: python netcdf_writer_check.py FILE...
For each file prints (one JSON object keyed by file):
  h5: every object (path, kind, dtype, shape) with its attributes (dtype, shape, value; object references are
      given as the referenced object's path, so two files compare structurally);
  filters: netCDF4's `Variable.filters()` of every variable (shuffle, zlib, complevel);
  arviz: az.from_netcdf's groups, and per variable its dims, dtype and values (NaN/inf as strings), coords and
      attrs.
"""

import json
import math
import sys

import arviz as az
import h5py
import netCDF4
import numpy as np


def plain(v):
    if isinstance(v, h5py.Reference):
        return None
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return f if math.isfinite(f) else str(f)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def h5_dump(path):
    out = {}
    with h5py.File(path, "r") as f:

        def attrs(obj):
            res = {}
            for k in obj.attrs:
                a = obj.attrs.get_id(k)
                v = obj.attrs[k]
                if k == "DIMENSION_LIST":
                    v = [[f[r].name for r in row] for row in v]
                elif k == "REFERENCE_LIST":
                    v = [[f[row[0]].name, int(row[1])] for row in v]
                else:
                    v = plain(v)
                res[k] = [str(a.dtype), list(a.shape), v]
            return res

        def visit(name, obj):
            kind = "dataset" if isinstance(obj, h5py.Dataset) else "group"
            entry = {"kind": kind, "attrs": attrs(obj)}
            if kind == "dataset":
                entry["dtype"] = str(obj.dtype)
                entry["shape"] = list(obj.shape)
            out["/" + name] = entry

        out["/"] = {"kind": "group", "attrs": attrs(f)}
        f.visititems(visit)
    return out


def filters(path):
    res = {}
    with netCDF4.Dataset(path) as ds:
        for gname, g in ds.groups.items():
            for vname, v in g.variables.items():
                flt = v.filters() or {}
                res[f"{gname}/{vname}"] = {k: flt.get(k) for k in ("shuffle", "zlib", "complevel")}
    return res


def arviz_view(path):
    idata = az.from_netcdf(path)
    out = {"groups": list(idata.groups()), "vars": {}}
    for g in idata.groups():
        ds = getattr(idata, g)
        gv = {}
        for name, da in list(ds.data_vars.items()) + list(ds.coords.items()):
            vals = da.values
            gv[name] = {
                "dims": list(da.dims),
                "dtype": str(vals.dtype) if vals.dtype.kind not in "OU" else "str",
                "values": plain(vals.ravel()),
                "attrs": {k: plain(v) for k, v in da.attrs.items()},
            }
        out["vars"][g] = gv
    return out


result = {}
for path in sys.argv[1:]:
    result[path] = {"h5": h5_dump(path), "filters": filters(path), "arviz": arviz_view(path)}
print(json.dumps(result))
