"""Generate fixtures/arviz-edge.json: ArviZ 0.23.4 and NumPyro 0.21.0 at edge inputs.

Degenerate and extreme draws (constant chains, 1e-300 and 1e300 magnitudes, ties, +/-inf and NaN, one
chain, 4 draws, odd draw counts, AR(1) chains with rho = 0.999 and rho = -0.9, 100k draws), HDI
probabilities near 0 and 1, and log-likelihoods with -inf entries, huge magnitudes, constant columns,
few draws, Pareto k above 0.7 and 1, r_eff choices, and identical models for compare. The test
src/arviz-edge.test.ts checks @phlox/diagnostics against every number here (and the warnings ArviZ
emits), with the deliberate differences pinned in its DEVIATIONS table.

Run from the repository root with the oracle environment (ArviZ 0.23.4, NumPyro 0.21.0):

    <oracle python> packages/diagnostics/scripts/arviz_edge_fixtures.py

Seeded. Long chains are not stored: they are AR(1) chains driven by a 32-bit LCG, innovations u - 1/2
(u = state / 2**32, exact) and updates phi * prev + eps, the same IEEE double operations in Python and in
JavaScript, so the test regenerates the same bits ("gen" entries). NaN is written as null and +/-inf as
"inf"/"-inf".
"""

import json
import math
import os
import warnings

import arviz as az
import numpy as np
import numpyro
import numpyro.diagnostics as nd
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "arviz-edge.json")
rng = np.random.default_rng(20261215)
QPROB = 0.25


def enc(x):
    """Encode numbers (and nested lists/arrays) for JSON, NaN -> None, inf -> strings."""
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, np.ndarray):
        return enc(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(x, str) or x is None:
        return x
    raise TypeError(type(x))


def lcg_ar1(shape, phi, seed):
    """AR(1) chains along axis 1 from a 32-bit LCG (Numerical Recipes constants), bit-reproducible in JS."""
    state = seed
    out = np.empty(shape)
    for c in range(shape[0]):
        prev = 0.0
        for t in range(shape[1]):
            state = (1664525 * state + 1013904223) % 2**32
            eps = state / 2**32 - 0.5
            prev = eps if t == 0 else phi * prev + eps
            out[c, t] = prev
    return out


def call(fn):
    """Run fn, returning its value or {"error": "<Type>: <message>"}."""
    try:
        with np.errstate(all="ignore"):
            return fn()
    except Exception as e:  # noqa: BLE001 - the error itself is the fixture value
        return {"error": f"{type(e).__name__}: {str(e).strip()}"}


def arviz_warnings(fn):
    """Run fn, returning (value or error, [ArviZ UserWarning messages])."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call(fn)
    msgs = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return value, msgs


# ---------------------------------------------------------------- convergence
def ar1(shape, phi):
    eps = rng.normal(size=shape)
    out = np.empty(shape)
    out[:, 0] = eps[:, 0]
    for t in range(1, shape[1]):
        out[:, t] = phi * out[:, t - 1] + eps[:, t]
    return out


conv_data = {}
conv_gen = {}
conv_data["constant_2x6"] = np.full((2, 6), -0.25)
one_const = rng.normal(size=(2, 50))
one_const[0] = 0.37
conv_data["one_of_two_chains_constant"] = one_const
conv_data["chains_constant_at_different_values"] = np.repeat(np.arange(4.0)[:, None], 30, axis=1)
conv_data["tiny_1e-300"] = 1e-300 * rng.normal(size=(4, 50))
conv_data["offset_spread_1e-12"] = 1.0 + 2.0**-40 * rng.normal(size=(4, 50))
conv_data["spread_below_resolution"] = 1.0 + np.array([0.0, 2.0**-52, 2.0**-51])[rng.integers(0, 3, size=(4, 50))]
conv_data["huge_1e300"] = 1e300 * rng.normal(size=(4, 50))
conv_data["huge_1e200"] = 1e200 * rng.normal(size=(4, 50))
conv_data["offset_1e10"] = 1e10 + rng.normal(size=(4, 50))
conv_data["binary_draws"] = (rng.random(size=(4, 100)) < 0.3).astype(float)
mostly_zero = np.zeros((4, 100))
mostly_zero[1, 10] = 1.0
mostly_zero[3, 77] = 2.0
mostly_zero[0, 3] = -1.0
conv_data["mostly_zero"] = mostly_zero
conv_data["integer_ties"] = rng.integers(0, 4, size=(3, 60)).astype(float)
conv_data["one_chain_200"] = ar1((1, 200), 0.3)
conv_data["one_chain_7"] = rng.normal(size=(1, 7))
conv_data["one_chain_4"] = rng.normal(size=(1, 4))
conv_data["chains2_draws3"] = rng.normal(size=(2, 3))
conv_data["chains2_draws4"] = rng.normal(size=(2, 4))
conv_data["chains2_draws5"] = rng.normal(size=(2, 5))
conv_data["chains4_draws5"] = rng.normal(size=(4, 5))
conv_data["chains3_draws9"] = ar1((3, 9), 0.5)
with_inf = rng.normal(size=(2, 50))
with_inf[1, 20] = np.inf
conv_data["one_plus_inf"] = with_inf
with_ninf = rng.normal(size=(2, 50))
with_ninf[0, 3] = -np.inf
conv_data["one_minus_inf"] = with_ninf
both_inf = rng.normal(size=(2, 50))
both_inf[0, 5] = np.inf
both_inf[1, 6] = -np.inf
conv_data["plus_and_minus_inf"] = both_inf
conv_data["all_plus_inf"] = np.full((2, 10), np.inf)
conv_data["all_nan"] = np.full((2, 10), np.nan)
vec = rng.normal(size=(2, 40, 3))
vec[:, :, 0] = 2.0
vec[1, 7, 1] = np.inf
vec[0, 9, 2] = np.nan
conv_data["vector_constant_inf_nan"] = vec
bimodal = rng.normal(size=(4, 100)) * 0.3
bimodal[::2] += 3.0
conv_data["bimodal_chains"] = bimodal
conv_gen["ar1_rho0999_4x1000"] = {"shape": [4, 1000], "phi": 0.999, "seed": 11}
conv_gen["ar1_rho-09_4x500"] = {"shape": [4, 500], "phi": -0.9, "seed": 12}
conv_gen["ar1_rho-09_1x101"] = {"shape": [1, 101], "phi": -0.9, "seed": 13}
conv_gen["long_1x100000_rho05"] = {"shape": [1, 100000], "phi": 0.5, "seed": 14}
conv_gen["long_1x100000_rho0999"] = {"shape": [1, 100000], "phi": 0.999, "seed": 15}
conv_gen["long_2x50000_rho-05"] = {"shape": [2, 50000], "phi": -0.5, "seed": 16}


def flat_values(d):
    return np.asarray(d["x"].values, dtype=float).reshape(-1)


def arviz_convergence(x):
    """ArviZ diagnostics per element of one [chain, draw, ...] array, flattened row-major."""
    ds = az.convert_to_dataset({"x": x})
    out = {}
    for key, fn in [
        ("rhat", lambda: az.rhat(ds, method="rank")),
        ("rhat_split", lambda: az.rhat(ds, method="split")),
        ("rhat_identity", lambda: az.rhat(ds, method="identity")),
        ("ess_bulk", lambda: az.ess(ds, method="bulk")),
        ("ess_tail", lambda: az.ess(ds, method="tail")),
        ("ess_tail_10_90", lambda: az.ess(ds, method="tail", prob=(0.1, 0.9))),
        ("ess_mean", lambda: az.ess(ds, method="mean")),
        ("ess_sd", lambda: az.ess(ds, method="sd")),
        ("ess_median", lambda: az.ess(ds, method="median")),
        ("ess_quantile", lambda: az.ess(ds, method="quantile", prob=QPROB)),
        ("ess_quantile_0", lambda: az.ess(ds, method="quantile", prob=0.0)),
        ("ess_quantile_1", lambda: az.ess(ds, method="quantile", prob=1.0)),
        ("mcse_mean", lambda: az.mcse(ds, method="mean")),
        ("mcse_sd", lambda: az.mcse(ds, method="sd")),
        ("mcse_median", lambda: az.mcse(ds, method="median")),
        ("mcse_quantile", lambda: az.mcse(ds, method="quantile", prob=QPROB)),
    ]:
        v = call(fn)
        out[key] = v if isinstance(v, dict) and "error" in v else flat_values(v)
    h = call(lambda: az.hdi(ds, hdi_prob=0.9)["x"].values)
    out["hdi90"] = h if isinstance(h, dict) else np.asarray(h).reshape(-1, 2)

    def summ():
        s = az.summary(ds, round_to="none")
        return {c: s[c].to_numpy(dtype=float) for c in s.columns}

    out["summary"] = call(summ)
    return out


def numpyro_convergence(x):
    flat = x.reshape((-1,) + x.shape[2:])
    out = {
        "split_gelman_rubin": call(lambda: np.asarray(nd.split_gelman_rubin(x)).reshape(-1)),
        "gelman_rubin": call(lambda: np.asarray(nd.gelman_rubin(x)).reshape(-1)),
        "effective_sample_size": call(lambda: np.asarray(nd.effective_sample_size(x)).reshape(-1)),
        "effective_sample_size_unbiased": call(
            lambda: np.asarray(nd.effective_sample_size(x, bias=False)).reshape(-1)
        ),
        "hpdi90": call(lambda: np.asarray(nd.hpdi(flat, prob=0.9)).reshape(2, -1)),
    }

    def summ():
        s = nd.summary({"x": x}, prob=0.9)["x"]
        return {k: np.asarray(v, dtype=float).reshape(-1) for k, v in s.items()}

    out["summary"] = call(summ)
    return out


def numpyro_ess_direct(x, bias=True):
    """NumPyro's effective_sample_size of [C, N] draws with each chain's autocovariance summed directly
    instead of NumPyro's autocorrelation gamma_k / gamma_0 times the variance: a constant chain adds 0, where
    NumPyro's 0/0 is NaN when the chain's mean rounds to its value (and rounding noise near 0 otherwise)."""
    C, N = x.shape
    xc = x - x.mean(axis=1, keepdims=True)
    raw = np.stack([np.correlate(xc[c], xc[c], mode="full")[N - 1 :] for c in range(C)])
    gamma = raw / N if bias else raw / np.arange(N, 0, -1)
    var_within, var_estimator = nd._compute_chain_variance_stats(x)
    rho = 1.0 - (var_within - gamma.mean(axis=0)) / var_estimator
    rho[0] = 1.0
    pairs = rho[:-1:2] + rho[1::2]
    pairs = np.concatenate([pairs[:1], np.minimum.accumulate(np.clip(pairs[1:], 0, None))])
    return np.array([C * N / (-1.0 + 2.0 * pairs.sum())])


convergence = {}
for name, x in conv_data.items():
    convergence[name] = {"shape": list(x.shape), "data": x.reshape(-1)}
for name, g in conv_gen.items():
    convergence[name] = {"shape": g["shape"], "gen": g}
    conv_data[name] = lcg_ar1(tuple(g["shape"]), g["phi"], g["seed"])
# Draws offset by a constant that their differences from it are exact (Sterbenz) and scaled by a power of
# two: the oracle on (x - offset) * scale, which keeps every digit, gives the exact location-invariant
# statistics (scale-equivariant ones divided back), where the oracle on x itself loses digits.
EXACT = {"offset_1e10": (1e10, 1.0), "offset_spread_1e-12": (1.0, 2.0**40), "spread_below_resolution": (1.0, 2.0**52)}
SCALED = {"mcse_mean", "mcse_sd", "mcse_median", "mcse_quantile", "sd", "std"}
for name, x in conv_data.items():
    convergence[name]["arviz"] = arviz_convergence(x)
    convergence[name]["numpyro"] = numpyro_convergence(x)
    if name in EXACT:
        off, sc = EXACT[name]
        y = (x - off) * sc
        assert np.array_equal(y / sc + off, x)
        exact = {"arviz": arviz_convergence(y), "numpyro": numpyro_convergence(y)}
        for group in exact.values():
            for key in list(group):
                if key in ("hdi90", "hpdi90"):
                    del group[key]
                elif key == "summary":
                    group[key] = {c: v / sc if c in SCALED else v for c, v in group[key].items() if c in (SCALED | {"ess_bulk", "ess_tail", "r_hat", "n_eff"})}
                elif key in SCALED:
                    group[key] = group[key] / sc
        convergence[name]["exact"] = exact
    if name in ("one_of_two_chains_constant", "mostly_zero", "chains_constant_at_different_values"):
        ess_direct = numpyro_ess_direct(x)
        convergence[name]["exact"] = {
            "numpyro": {
                "effective_sample_size": ess_direct,
                "effective_sample_size_unbiased": numpyro_ess_direct(x, bias=False),
                "summary": {"n_eff": ess_direct},
            }
        }
    if "gen" in convergence[name]:
        # the last draw, so the test knows it rebuilt the same chain bit for bit
        convergence[name]["gen"]["last"] = float(x.reshape(-1)[-1])

# ---------------------------------------------------------------- HDI
hdi_cases = {}
normal1000 = rng.normal(size=1000)
bimodal1000 = np.concatenate([rng.normal(-3, 0.5, size=600), rng.normal(3, 0.5, size=400)])
rng.shuffle(bimodal1000)
hdi_inputs = {
    "normal_1000": normal1000,
    "bimodal_1000": bimodal1000,
    "n1": np.array([0.7]),
    "n2": np.array([2.0, -1.0]),
    "n3": np.array([5.0, 1.0, 2.0]),
    "all_equal": np.full(20, 3.25),
    "integer_ties": rng.integers(0, 5, size=50).astype(float),
    "with_nan": np.where(np.arange(30) == 4, np.nan, rng.normal(size=30)),
    "with_plus_inf": np.where(np.arange(30) == 4, np.inf, rng.normal(size=30)),
    "inf_both_ends": np.concatenate([[-np.inf, np.inf], rng.normal(size=18)]),
    "huge_1e308": 1e308 * np.array([-1.5, -1.0, 0.5, 1.0, 1.7]),
}
hdi_probs = [1e-12, 0.001, 0.05, 0.5, 0.94, 0.999, 0.9999, 1.0, 0.0]
for name, x in hdi_inputs.items():
    res = {}
    for p in hdi_probs:
        res[repr(p)] = {
            "arviz": call(lambda: np.asarray(az.hdi(x, hdi_prob=p))),
            "numpyro": call(lambda: np.asarray(nd.hpdi(x, prob=p))),
        }
    hdi_cases[name] = {"x": x, "hdi": res}

# ---------------------------------------------------------------- WAIC / PSIS-LOO
def normal_loglik(y, mu, sigma):
    return -0.5 * ((y - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)


def normal_model(C, D, N, y_outlier=None):
    y = rng.normal(size=N)
    if y_outlier is not None:
        y[0] = y_outlier
    mu = 0.2 * ar1((C, D), 0.5)
    sigma = np.exp(0.1 * ar1((C, D), 0.3))
    ll = normal_loglik(y[None, None, :], mu[..., None], sigma[..., None])
    return {"mu": mu, "sigma": sigma}, ll


arrays = {}  # shared draws, stored once; cases name them in a build spec


def store(name, x):
    arrays[name] = {"shape": list(x.shape), "data": x.reshape(-1)}
    return {"array": name}


def build(spec):
    """The array a spec describes (the test rebuilds it the same way, with the same IEEE operations)."""
    if "gen" in spec:
        g = spec["gen"]
        x = lcg_ar1(tuple(g["shape"]), g["phi"], g["seed"])
        return np.stack([-0.5 * x * x, -1.0 - 0.25 * x], axis=-1)  # two observations from one chain
    a = arrays[spec["array"]]
    x = np.asarray(a["data"], dtype=float).reshape(a["shape"]).copy()
    if "affine" in spec:
        x = spec["affine"][0] * x + spec["affine"][1]
    for j, v in spec.get("column", []):
        x[..., j] = v
    for i, v in spec.get("set", []):
        x.reshape(-1)[i] = v
    return x


ic_cases = {}


def add_ic(name, ll_spec, post_spec, reff=None, note=""):
    """ArviZ loo and waic of a log-likelihood [C, D, N]; reff None -> ArviZ's default from the posterior."""
    ll = build(ll_spec)
    posterior = {k: build(v) for k, v in post_spec.items()}
    idata = az.from_dict(posterior=posterior, log_likelihood={"y": ll})
    case = {"shape": list(ll.shape), "log_lik": ll_spec, "posterior": post_spec, "note": note}
    if reff is not None:
        case["reff"] = reff

    def loo():
        r = az.loo(idata, pointwise=True, reff=reff)
        return {
            "elpd_loo": r["elpd_loo"], "se": r["se"], "p_loo": r["p_loo"], "warning": bool(r["warning"]),
            "loo_i": r["loo_i"].values, "pareto_k": r["pareto_k"].values, "good_k": r["good_k"],
        }

    def loo_dev():
        r = az.loo(idata, pointwise=True, reff=reff, scale="deviance")
        return {"elpd_loo": r["elpd_loo"], "se": r["se"], "p_loo": r["p_loo"], "loo_i": r["loo_i"].values}

    def waic():
        r = az.waic(idata, pointwise=True)
        return {
            "elpd_waic": r["elpd_waic"], "se": r["se"], "p_waic": r["p_waic"], "warning": bool(r["warning"]),
            "waic_i": r["waic_i"].values,
        }

    case["loo"], case["loo_warnings"] = arviz_warnings(loo)
    case["loo_deviance"], _ = arviz_warnings(loo_dev)
    case["waic"], case["waic_warnings"] = arviz_warnings(waic)
    ic_cases[name] = case


def model_specs(name, C, D, N, y_outlier=None):
    post, ll = normal_model(C, D, N, y_outlier)
    return store(f"{name}_ll", ll), {k: store(f"{name}_{k}", v) for k, v in post.items()}


ll, post = model_specs("base", 4, 100, 5)
add_ic("baseline_4x100x5", ll, post)
add_ic("one_minus_inf_entry", {**ll, "set": [[(2 * 100 + 17) * 5 + 1, -np.inf]]}, post)
add_ic("column_all_minus_inf", {**ll, "column": [[3, -np.inf]]}, post, reff=0.8)
add_ic("one_nan_entry", {**ll, "set": [[(1 * 100 + 40) * 5 + 2, np.nan]]}, post, reff=0.8)
add_ic("huge_magnitude_spread_1e3", {**ll, "affine": [1e3, -1e4]}, post, note="spread > 600 nats")
add_ic("huge_magnitude_offset", {**ll, "affine": [1.0, -1e6]}, post)
add_ic("magnitude_1e300", {**ll, "affine": [1e298, 0.0]}, post, reff=1.0)
add_ic("constant_column", {**ll, "column": [[0, -1.3]]}, post)
add_ic(
    "all_columns_constant",
    store("const_ll", np.full((2, 50, 3), -0.7)),
    {"mu": store("const_mu", rng.normal(size=(2, 50)))},
)
for label, (C, D) in [("draws_10_one_chain", (1, 10)), ("draws_2x5", (2, 5)), ("draws_2x4", (2, 4))]:
    add_ic(label, *model_specs(label, C, D, 3))
add_ic("draws_2x3", *model_specs("draws_2x3", 2, 3, 3), reff=1.0, note="3 draws per chain")
# heavy tails: an observation far from the posterior predictive gives k > 0.7, and a wild one k > 1
ph, llh = normal_model(4, 250, 4, y_outlier=6.0)
llh[:, :, 1] = -np.exp(1.2 * rng.standard_t(1.5, size=(4, 250)))
llh[:, :, 2] = -np.exp(3.0 * ar1((4, 250), 0.2))
llh_spec = store("heavy_ll", llh)
ph_spec = {k: store(f"heavy_{k}", v) for k, v in ph.items()}
add_ic("pareto_k_large", llh_spec, ph_spec)
for r in [0.05, 0.5, 1.0, 3.0]:
    add_ic(f"reff_{r}", llh_spec, ph_spec, reff=r)
add_ic("reff_zero", llh_spec, ph_spec, reff=0.0, note="3*sqrt(S/0) = inf, M = S/5")
add_ic("reff_nan", llh_spec, ph_spec, reff=float("nan"), note="Python min(S/5, nan) = S/5")
add_ic("reff_negative", llh_spec, ph_spec, reff=-1.0, note="sqrt of a negative: nan, M = S/5")
add_ic(
    "posterior_with_nan",
    llh_spec,
    {"mu": {**ph_spec["mu"], "set": [[5, np.nan]]}, "sigma": ph_spec["sigma"]},
    note="ESS of mu is NaN, so ArviZ's r_eff is NaN",
)
add_ic(
    "posterior_with_constant",
    llh_spec,
    {"mu": ph_spec["mu"], "tau": store("tau_const", np.full((4, 250), 2.0))},
    note="ESS of a constant is S",
)
add_ic("one_chain", *model_specs("one_chain", 1, 200, 3))
add_ic("one_observation", *model_specs("one_observation", 4, 100, 1), note="pointwise = total")
gen_long = {"gen": {"shape": [1, 100000], "phi": 0.5, "seed": 21}}
add_ic("long_1x100000", gen_long, {}, reff=1.0)

# psislw alone at edges
psis_cases = {}
for name, lr, r in [
    ("short_5", rng.normal(size=5), 1.0),
    ("constant_100", np.full(100, 0.3), 1.0),
    ("two_values", np.where(np.arange(200) < 190, 0.0, 1.0), 1.0),
    ("huge_ratio", np.concatenate([rng.normal(size=199), [800.0]]), 1.0),
    ("with_minus_inf", np.concatenate([rng.normal(size=99), [-np.inf]]), 1.0),
    ("with_plus_inf", np.concatenate([rng.normal(size=99), [np.inf]]), 1.0),
    ("cauchy_1000", rng.standard_cauchy(size=1000), 0.7),
]:
    res = call(lambda: az.psislw(lr, reff=r))
    case = {"log_ratios": lr, "reff": r}
    if isinstance(res, dict):
        case["error"] = res["error"]
    else:
        case["log_weights"], case["k"] = np.asarray(res[0]), float(res[1])
    psis_cases[name] = case

# ---------------------------------------------------------------- compare
compare_cases = {}
llc, pc = model_specs("cmp_a", 4, 100, 8)
llc2, _ = model_specs("cmp_b", 4, 100, 8)
compare_inputs = {
    "identical_pair": {"a": llc, "b": llc},
    "identical_plus_other": {"a": llc, "b": llc2, "c": llc},
    "huge_pointwise": {"a": {**llc, "affine": [400.0, 0.0]}, "b": {**llc2, "affine": [400.0, 0.0]}},
}
for name, specs in compare_inputs.items():
    group = {
        k: az.from_dict(posterior={v: build(s) for v, s in pc.items()}, log_likelihood={"y": build(spec)})
        for k, spec in specs.items()
    }
    res = {}
    for ic in ["loo", "waic"]:
        for method in ["stacking", "pseudo-BMA", "BB-pseudo-BMA"]:
            for scale in ["log", "deviance"]:

                def cmp():
                    df = az.compare(group, ic=ic, method=method, scale=scale, seed=7)
                    cols = ["rank", f"elpd_{ic}", f"p_{ic}", "elpd_diff", "weight", "se", "dse"]
                    return {
                        "names": list(df.index),
                        "columns": {c: df[c].to_numpy(dtype=float) for c in cols},
                        "warning": [bool(w) for w in df["warning"]],
                    }

                value, msgs = arviz_warnings(cmp)
                res[f"{ic}_{method}_{scale}"] = {"value": value, "warnings": msgs}
    compare_cases[name] = {"log_lik": specs, "posterior": pc, "results": res}

# ArviZ's stacking objective exponentiates the pointwise elpd unshifted, so |elpd_i| > 745 underflows to 0
# and SLSQP stops at its start (equal weights). The same objective, each row shifted by its max, solved tightly:
for ic in ["loo", "waic"]:
    fn = az.loo if ic == "loo" else az.waic
    group = compare_inputs["huge_pointwise"]
    names = compare_cases["huge_pointwise"]["results"][f"{ic}_stacking_log"]["value"]["names"]
    post = {v: build(s) for v, s in pc.items()}
    cols = []
    for m in names:
        idata = az.from_dict(posterior=post, log_likelihood={"y": build(group[m])})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cols.append(np.asarray(fn(idata, pointwise=True)[f"{ic}_i"].values))
    mat = np.column_stack(cols)
    mat = np.exp(mat - mat.max(axis=1, keepdims=True))
    k = mat.shape[1]
    with np.errstate(divide="ignore"):  # SLSQP may step onto a face where a column's weight is 0
        res = minimize(
            lambda w: -np.sum(np.log(mat @ w)), np.full(k, 1 / k),
            jac=lambda w: -np.sum(mat / (mat @ w)[:, None], axis=0),
            bounds=[(0, 1)] * k, constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1}],
            method="SLSQP", options={"ftol": 1e-15, "maxiter": 10000},
        )
    compare_cases["huge_pointwise"][f"{ic}_stacking_weight_shifted"] = res.x

# ---------------------------------------------------------------- NumPyro's 1-D helpers and quantiles
sequences = {}
for name, seq in [
    ("constant", np.full(8, 0.37)),
    ("length_1", np.array([2.5])),
    ("length_2", np.array([1.0, -3.0])),
    ("with_inf", np.array([0.5, np.inf, -1.0, 2.0])),
    ("offset_1e10", 1e10 + np.array([0.25, -1.5, 0.75, 2.0, -0.5, 1.25])),
]:
    sequences[name] = {
        "x": seq,
        "autocorrelation": call(lambda: np.asarray(nd.autocorrelation(seq))),
        "autocorrelation_unbiased": call(lambda: np.asarray(nd.autocorrelation(seq, bias=False))),
        "autocovariance": call(lambda: np.asarray(nd.autocovariance(seq))),
        "quantile": call(lambda: np.quantile(seq, [0.0, 0.1, 0.5, 0.9, 1.0])),
    }

fixture = {
    "arviz_version": az.__version__,
    "numpyro_version": numpyro.__version__,
    "quantile_prob": QPROB,
    "convergence": convergence,
    "hdi": hdi_cases,
    "arrays": arrays,
    "ic": ic_cases,
    "psislw": psis_cases,
    "compare": compare_cases,
    "sequences": sequences,
}
with open(OUT, "w") as f:
    json.dump(enc(fixture), f, separators=(",", ":"), allow_nan=False)
print(os.path.relpath(OUT), os.path.getsize(OUT), "bytes")
