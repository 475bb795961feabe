"""Gaussian mixture (K=3) with the assignments enumerated, under NumPyro's NUTS: the NumPyro column of
bench/src/gmm-nuts.bench.ts, which writes the data and runs this script with the oracle's python.

usage: python gmm_enum.py DATA_JSON OUT_JSON NUM_WARMUP NUM_SAMPLES NUM_CHAINS

DATA_JSON holds {"y": [...]}. The model is the bench's: w ~ Dirichlet(1), locs ~ Normal([-5, 0, 5], 1.5) in a
plate of 3, sigma ~ HalfNormal(2), z ~ Categorical(w) per point (enumerated by config_enumerate), y ~ Normal.
Chains run one after another (chain_method="sequential") in float64, started by init_to_median (as the bench's
Phlox runs: the mixture is not identified, and randomly started chains settle on different labellings). The
MCMC runs twice with different keys on the same MCMC object (NumPyro reuses part of the first run's compiled
code). Compile time is the union of JAX's tracing, lowering and XLA-compile time spans (jax.monitoring) during
each run. OUT_JSON gets, per run, the wall and process CPU seconds, the compile seconds, the divergences and
the draws of the continuous sites grouped by chain ({"data": flat, "shape": [chain, draw, ...]}) so the bench
computes bulk ESS of every engine with the same code, plus ArviZ's ess_bulk minimum as a cross-check.
"""
import json
import sys
import time

import numpy as np
import jax
import numpyro
import numpyro.distributions as dist
from numpyro.infer import MCMC, NUTS, init_to_median
from numpyro.infer.util import initialize_model
from numpyro.contrib.funsor import config_enumerate
import arviz as az
from jax import monitoring

COMPILE_EVENTS = {
    "/jax/core/compile/jaxpr_trace_duration",
    "/jax/core/compile/jaxpr_to_mlir_module_duration",
    "/jax/core/compile/backend_compile_duration",
}
spans = []
monitoring.register_event_time_span_listener(
    lambda event, start, end, **kw: spans.append((start, end)) if event in COMPILE_EVENTS else None)


def union_seconds(intervals):
    total, cur_s, cur_e = 0.0, None, None
    for s, e in sorted(intervals):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    return total + (cur_e - cur_s if cur_e is not None else 0.0)


numpyro.enable_x64()

data_path, out_path = sys.argv[1], sys.argv[2]
num_warmup, num_samples, num_chains = (int(a) for a in sys.argv[3:6])
with open(data_path) as f:
    y = np.asarray(json.load(f)["y"], dtype=np.float64)


@config_enumerate
def gmm(data):
    w = numpyro.sample("w", dist.Dirichlet(np.ones(3)))
    with numpyro.plate("K", 3):
        locs = numpyro.sample("locs", dist.Normal(np.array([-5.0, 0.0, 5.0]), 1.5))
    sigma = numpyro.sample("sigma", dist.HalfNormal(2.0))
    with numpyro.plate("N", data.shape[0]):
        z = numpyro.sample("z", dist.Categorical(w))
        numpyro.sample("y", dist.Normal(locs[z], sigma), obs=data)


SITES = ("w", "locs", "sigma")

# The compiled marginal potential's value+grad, for the per-call cost beside the bench's Phlox figure.
info = initialize_model(jax.random.PRNGKey(0), gmm, model_args=(y,),
                        init_strategy=init_to_median)
vg = jax.jit(jax.value_and_grad(info.potential_fn))
z0 = info.param_info.z
jax.block_until_ready(vg(z0))
reps = 2000
t0 = time.perf_counter()
for _ in range(reps):
    out = vg(z0)
jax.block_until_ready(out)
vg_us = (time.perf_counter() - t0) / reps * 1e6

mcmc = MCMC(NUTS(gmm, init_strategy=init_to_median), num_warmup=num_warmup, num_samples=num_samples,
            num_chains=num_chains, chain_method="sequential", progress_bar=False)
runs = []
for key in (1, 2):
    spans.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    mcmc.run(jax.random.PRNGKey(key), y)
    samples = mcmc.get_samples(group_by_chain=True)
    jax.block_until_ready(samples)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    compile_s = union_seconds(spans)
    draws = {k: {"data": np.asarray(samples[k]).ravel().tolist(), "shape": list(np.shape(samples[k]))}
             for k in SITES}
    ess = az.ess(az.convert_to_dataset({k: np.asarray(samples[k]) for k in SITES}), method="bulk")
    arviz_min = float(min(float(np.min(ess[k].values)) for k in SITES))
    div = int(np.sum(np.asarray(mcmc.get_extra_fields()["diverging"])))
    runs.append({"key": key, "wall": wall, "cpu": cpu, "compile": compile_s, "draws": draws,
                 "arvizMinEssBulk": arviz_min, "divergences": div})

with open(out_path, "w") as f:
    json.dump({"numpyro": numpyro.__version__, "jax": jax.__version__, "valueGradUs": vg_us, "runs": runs}, f)
print(f"numpyro {numpyro.__version__}, jax {jax.__version__}: value+grad {vg_us:.1f} us; "
      + "; ".join(f"run {r['key']} wall {r['wall']:.2f} s (compile {r['compile']:.2f} s), "
                  f"ArviZ min ess_bulk {r['arvizMinEssBulk']:.0f}, "
                  f"divergences {r['divergences']}" for r in runs))
