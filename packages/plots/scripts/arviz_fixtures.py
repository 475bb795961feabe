"""Fixtures for @phlox/plots: the eight-schools InferenceData (a subset of ArviZ's bundled centered_eight,
rounded to 12 significant digits so both sides read the same numbers) and the statistics ArviZ 0.23.4 draws
from it: KDE (experimental bandwidth, boundary correction), HDI, rank histograms, autocorrelation, ESS
(local/quantile/evolution), MCSE, BFMI, LOO-PIT with its ECDF bands, Pareto k.

Run with the oracle's Python (ArviZ 0.23.4): python packages/plots/scripts/arviz_fixtures.py
"""

import json
import os

import arviz as az
import numpy as np
from arviz.plots.plot_utils import compute_ranks
from arviz.stats.density_utils import _fast_kde_2d, _sturges_formula, histogram, kde
from scipy import stats

assert az.__version__ == "0.23.4", az.__version__
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures")
DRAWS = 200


def r12(a):
    return np.array([float(f"{v:.12g}") for v in np.asarray(a, dtype=float).ravel()]).reshape(np.shape(a))


def lst(a):
    return [None if not np.isfinite(v) else float(f"{v:.15g}") for v in np.asarray(a, dtype=float).ravel()]


def load(name):
    full = az.load_arviz_data(name)
    sl = dict(draw=slice(0, DRAWS))
    post = {k: r12(full.posterior[k].isel(**sl).values) for k in ["mu", "theta", "tau"]}
    energy = r12(full.sample_stats["energy"].isel(**sl).values)
    div = full.sample_stats["diverging"].isel(**sl).values.astype(bool)
    ll = r12(full.log_likelihood["obs"].isel(**sl).values)
    pp = r12(full.posterior_predictive["obs"].isel(**sl).values)
    obs = r12(full.observed_data["obs"].values)
    schools = [str(s) for s in full.posterior.school.values]
    coords = {"school": schools}
    dims = {"theta": ["school"], "obs": ["school"]}
    idata = az.from_dict(
        posterior=post,
        sample_stats={"energy": energy, "diverging": div},
        log_likelihood={"obs": ll},
        posterior_predictive={"obs": pp},
        observed_data={"obs": obs},
        coords=coords,
        dims=dims,
    )
    raw = {
        "schools": schools,
        "posterior": {k: lst(v) for k, v in post.items()},
        "energy": lst(energy),
        "diverging": [bool(b) for b in div.ravel()],
        "logLik": lst(ll),
        "posteriorPredictive": lst(pp),
        "observed": lst(obs),
        "chains": int(energy.shape[0]),
        "draws": int(energy.shape[1]),
    }
    return idata, raw


def kde_fx(x, **kw):
    grid, pdf, bw = kde(np.asarray(x, dtype=float), bw_return=True, **kw)
    return {"gridEnds": lst([grid[0], grid[-1]]), "gridLen": len(grid), "pdf": lst(pdf), "bw": float(bw)}


def main():
    idata, raw = load("centered_eight")
    nc_idata, nc_raw = load("non_centered_eight")
    post = idata.posterior
    elems = {
        "mu": post["mu"].values,
        "tau": post["tau"].values,
        "theta0": post["theta"].values[:, :, 0],
        "theta7": post["theta"].values[:, :, 7],
    }
    stats_out = {}
    for name, x in elems.items():
        s = {}
        s["kdeCombined"] = kde_fx(x.ravel())
        if name in ("mu", "tau"):
            s["kdePerChain"] = [kde_fx(x[c]) for c in range(x.shape[0])]
            s["kdeCumulative"] = kde_fx(x.ravel(), cumulative=True)
            s["kdeNoBound"] = kde_fx(x.ravel(), bound_correction=False)
            s["kdeScott"] = kde_fx(x.ravel(), bw="scott")
        s["hdi94"] = lst(az.hdi(x.ravel(), hdi_prob=0.94))
        s["hdi50PerChain"] = [lst(az.hdi(x[c], hdi_prob=0.5)) for c in range(x.shape[0])]
        ranks = compute_ranks(x)
        bins = _sturges_formula(post, mult=2)
        edges = np.histogram_bin_edges(ranks, bins=bins, range=(0, ranks.size))
        s["rankBins"] = int(bins)
        s["rankEdges"] = lst(edges)
        s["rankCounts"] = [lst(histogram(row, bins=edges)[0]) for row in ranks]
        s["autocorr"] = [lst(az.autocorr(x[c])[:100]) for c in range(x.shape[0])]
        n_points = 20
        probs_q = np.linspace(1 / n_points, 1 - 1 / n_points, n_points)
        s["essQuantile"] = lst([az.ess(x, method="quantile", prob=p) for p in probs_q])
        probs_l = np.linspace(0, 1, n_points, endpoint=False)
        s["essLocal"] = lst([az.ess(x, method="local", prob=[p, p + 1 / n_points]) for p in probs_l])
        s["mcseQuantile"] = lst([az.mcse(x, method="quantile", prob=p) for p in probs_q])
        s["essMean"] = float(az.ess(x, method="mean"))
        s["essSd"] = float(az.ess(x, method="sd"))
        s["mcseMean"] = float(az.mcse(x, method="mean"))
        s["mcseSd"] = float(az.mcse(x, method="sd"))
        s["rhat"] = float(az.rhat(x))
        s["essBulk"] = float(az.ess(x, method="bulk"))
        n_draws = x.shape[1]
        divs = np.linspace(n_draws // n_points, n_draws, n_points, dtype=int)
        # plot_ess selects with a label slice (inclusive stop), so each step keeps draws 0..div.
        s["essEvolutionDraws"] = [int(min(d + 1, n_draws)) for d in divs]
        s["essEvolutionBulk"] = lst([az.ess(x[:, : d + 1], method="bulk") for d in divs])
        s["essEvolutionTail"] = lst([az.ess(x[:, : d + 1], method="tail") for d in divs])
        stats_out[name] = s
    # 2-D KDE as plot_pair(kind="kde") computes it
    dens, xmin, xmax, ymin, ymax = _fast_kde_2d(elems["mu"].ravel(), np.log(elems["tau"].ravel()))
    # a 16 x 16 sub-grid (every 8th row and column, offset 3) keeps the fixture small
    kde2d = {
        "stride": 8,
        "offset": 3,
        "density": lst(dens[3::8, 3::8]),
        "shape": list(dens.shape),
        "lims": [xmin, xmax, ymin, ymax],
    }
    energy = idata.sample_stats["energy"].values
    bfmi = lst(az.bfmi(idata))
    energy_kde = {
        "marginal": kde_fx((energy - energy.mean()).ravel()),
        "transition": kde_fx(np.diff(energy, axis=1).ravel()),
    }
    pit = az.loo_pit(idata, y="obs")
    n = pit.size
    unif_ecdf = np.arange(n + 1)
    hdi_prob = 0.94
    p975 = stats.beta.ppf(0.5 + hdi_prob / 2, unif_ecdf + 1, n - unif_ecdf + 1)
    p025 = stats.beta.ppf(0.5 - hdi_prob / 2, unif_ecdf + 1, n - unif_ecdf + 1)
    pit_sorted = np.sort(np.asarray(pit).ravel())
    hdi_ = stats.beta(n / 2, n / 2).ppf((1 - hdi_prob) / 2)
    loo_res = az.loo(idata, pointwise=True)
    looPit = {
        "pit": lst(np.asarray(pit).ravel()),
        "kde": kde_fx(pit_sorted),
        "p975": lst(p975),
        "p025": lst(p025),
        "hdiOdds": [float(hdi_ / (1 - hdi_)), float((1 - hdi_) / hdi_)],
        "paretoK": lst(loo_res.pareto_k.values),
    }
    ppc_kde = {
        "observed": kde_fx(raw["observed"]),
        "draw0": kde_fx(idata.posterior_predictive["obs"].values[0, 0]),
    }
    # tiny and tied inputs: the kernel is wider than the padded grid, or ISJ falls back to Silverman
    small = [[0, 1, 1.5, 2, 4], [1.0, 2.0], [0, 0, 0, 1], [3.0, 1.0, 2.0, 10.0, 2.5, 2.6, 2.7]]
    small_kde = [{"x": [float(v) for v in x], **kde_fx(np.array(x, dtype=float))} for x in small]
    fixture = {
        "arviz": az.__version__,
        "data": raw,
        "nonCenteredLogLik": nc_raw["logLik"],
        "stats": stats_out,
        "kde2d": kde2d,
        "bfmi": bfmi,
        "energyKde": energy_kde,
        "looPit": looPit,
        "ppcKde": ppc_kde,
        "smallKde": small_kde,
    }
    with open(os.path.join(OUT, "eight-schools.json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
