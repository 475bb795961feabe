"""NumPyro 0.21's log-densities and their gradients (with respect to every float parameter and, for continuous
distributions, the value) at edge points: shape parameters of exactly 1, values at or near the ends of the
support, probabilities at 0 and 1, counts of 0. For src/grad-parity.test.ts, which builds the same distributions
through testing/cases.ts's FIXTURE_BUILDERS (parameter names as NumPyro's keyword arguments, camel-cased).

Run:  <oracle python> packages/distributions/scripts/grad_parity_fixtures.py
Writes packages/distributions/fixtures/grad-parity.json (non-finite numbers as "inf", "-inf", "nan").
"""

import json
import math
import os

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)
import numpyro.distributions as nd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "grad-parity.json")

# name -> (NumPyro constructor taking the parameters in this order, parameter names, discrete?, cases).
# A case is (parameters, value). Parameter names are NumPyro's keyword arguments, camel-cased as Phlox's.
C = {
    "Normal": (nd.Normal, ["loc", "scale"], False, [((0.0, 1.0), 0.0), ((1.0, 2.0), -3.0)]),
    "HalfNormal": (nd.HalfNormal, ["scale"], False, [((1.0,), 1e-300), ((2.0,), 1.0)]),
    "LogNormal": (nd.LogNormal, ["loc", "scale"], False, [((0.0, 1.0), 1.0), ((0.5, 1.0), 1e-8)]),
    "StudentT": (nd.StudentT, ["df", "loc", "scale"], False, [((1.0, 0.0, 1.0), 0.0), ((2.0, 1.0, 1.0), 1.0)]),
    "Cauchy": (nd.Cauchy, ["loc", "scale"], False, [((0.0, 1.0), 0.0)]),
    "Laplace": (nd.Laplace, ["loc", "scale"], False, [((0.0, 1.0), 2.0), ((1.0, 2.0), -1.0)]),
    "AsymmetricLaplace": (nd.AsymmetricLaplace, ["loc", "scale", "asymmetry"], False, [((0.0, 1.0, 1.0), 0.5), ((0.0, 1.0, 2.0), -1.0)]),
    "Logistic": (nd.Logistic, ["loc", "scale"], False, [((0.0, 1.0), 0.0), ((0.0, 1.0), 40.0)]),
    "Gumbel": (nd.Gumbel, ["loc", "scale"], False, [((0.0, 1.0), 0.0), ((0.0, 1.0), -5.0)]),
    "Exponential": (nd.Exponential, ["rate"], False, [((1.0,), 0.0), ((2.0,), 3.0)]),
    "Gamma": (nd.Gamma, ["concentration", "rate"], False, [((1.0, 1.0), 0.5), ((1.0, 2.0), 3.0), ((2.0, 1.0), 1e-8)]),
    "InverseGamma": (nd.InverseGamma, ["concentration", "rate"], False, [((1.0, 1.0), 0.5), ((2.0, 1.0), 3.0)]),
    "Chi2": (nd.Chi2, ["df"], False, [((2.0,), 0.5), ((1.0,), 3.0)]),
    "Beta": (nd.Beta, ["concentration1", "concentration0"], False, [((1.0, 1.0), 0.3), ((1.0, 2.0), 0.3), ((2.0, 1.0), 0.7), ((0.5, 0.5), 1e-6)]),
    "BetaProportion": (nd.BetaProportion, ["mean", "concentration"], False, [((0.5, 2.0), 0.3), ((0.25, 4.0), 0.5)]),
    "Kumaraswamy": (nd.Kumaraswamy, ["concentration1", "concentration0"], False, [((1.0, 1.0), 0.4), ((1.0, 2.0), 0.4), ((2.0, 1.0), 0.9)]),
    "Pareto": (nd.Pareto, ["scale", "alpha"], False, [((1.0, 1.0), 2.0), ((2.0, 3.0), 2.5)]),
    "Weibull": (nd.Weibull, ["scale", "concentration"], False, [((1.0, 1.0), 0.5), ((2.0, 1.5), 1e-6)]),
    "Gompertz": (nd.Gompertz, ["concentration", "rate"], False, [((1.0, 1.0), 0.5), ((2.0, 0.5), 2.0)]),
    "Levy": (nd.Levy, ["loc", "scale"], False, [((0.0, 1.0), 1.0)]),
    "SoftLaplace": (nd.SoftLaplace, ["loc", "scale"], False, [((0.0, 1.0), 0.0), ((0.0, 1.0), 30.0)]),
    "VonMises": (nd.VonMises, ["loc", "concentration"], False, [((0.0, 1.0), 0.5), ((0.0, 1e-8), 1.0), ((0.0, 50.0), 0.1)]),
    "Bernoulli": (lambda p: nd.Bernoulli(probs=p), ["probs"], True, [((0.3,), 0.0), ((0.3,), 1.0), ((1e-12,), 0.0)]),
    "Binomial": (lambda n, p: nd.Binomial(total_count=n, probs=p), ["totalCount", "probs"], True, [((5.0, 0.3), 0.0), ((5.0, 0.3), 5.0), ((5.0, 0.5), 2.0)]),
    "Poisson": (nd.Poisson, ["rate"], True, [((1.0,), 0.0), ((2.5,), 3.0), ((1e-8,), 0.0)]),
    "Geometric": (lambda p: nd.Geometric(probs=p), ["probs"], True, [((0.3,), 0.0), ((0.3,), 4.0), ((1.0,), 0.0)]),
    "NegativeBinomial2": (nd.NegativeBinomial2, ["mean", "concentration"], True, [((2.0, 1.0), 0.0), ((2.0, 3.0), 4.0)]),
    "GammaPoisson": (nd.GammaPoisson, ["concentration", "rate"], True, [((1.0, 1.0), 0.0), ((2.0, 0.5), 3.0)]),
    "BetaBinomial": (lambda a, b, n: nd.BetaBinomial(a, b, total_count=n), ["concentration1", "concentration0", "totalCount"], True, [((1.0, 1.0, 5.0), 2.0), ((1.0, 2.0, 5.0), 0.0)]),
    "ZeroInflatedPoisson": (nd.ZeroInflatedPoisson, ["gate", "rate"], True, [((0.2, 1.0), 0.0), ((0.2, 1.0), 2.0)]),
    "Uniform": (nd.Uniform, ["low", "high"], False, [((0.0, 1.0), 0.5), ((-1.0, 3.0), 2.9)]),
    "LogUniform": (nd.LogUniform, ["low", "high"], False, [((1.0, 10.0), 2.0)]),
    "TruncatedNormal": (lambda m, s, lo, hi: nd.TruncatedNormal(m, s, low=lo, high=hi), ["loc", "scale", "low", "high"], False, [((0.0, 1.0, 0.0, 2.0), 0.5), ((1.0, 0.5, -1.0, 1.0), 0.99)]),
    "TruncatedCauchy": (lambda m, s, lo, hi: nd.TruncatedCauchy(m, s, low=lo, high=hi), ["loc", "scale", "low", "high"], False, [((0.0, 1.0, 0.0, 2.0), 0.5)]),
    "NegativeBinomial": (lambda n, p: nd.NegativeBinomialProbs(n, probs=p), ["totalCount", "probs"], True, [((1.0, 0.3), 0.0), ((3.0, 0.6), 4.0)]),
    "ZeroInflatedNegativeBinomial2": (lambda m, c, g: nd.ZeroInflatedNegativeBinomial2(m, c, gate=g), ["mean", "concentration", "gate"], True, [((2.0, 1.0, 0.3), 0.0), ((2.0, 1.0, 0.3), 3.0)]),
    # a bound at the loc: the base cdf's derivative at its median (atan′(0), Laplace's cdf at its loc)
    "LeftTruncatedLaplace": (lambda m, s, lo: nd.TruncatedDistribution(nd.Laplace(m, s), low=lo), ["loc", "scale", "low"], False, [((0.0, 1.0, 0.0), 0.5), ((1.0, 2.0, 0.0), 0.5)]),
    "FoldedNormal": (lambda m, s: nd.FoldedDistribution(nd.Normal(m, s)), ["loc", "scale"], False, [((0.0, 1.0), 0.5), ((1.0, 2.0), 1e-8)]),
    # NumPyro-only distributions (built by grad-parity.test.ts itself, positional arguments in this order)
    "AsymmetricLaplaceQuantile": (nd.AsymmetricLaplaceQuantile, ["loc", "scale", "quantile"], False, [((0.0, 1.0, 0.25), 1.0), ((0.0, 2.0, 0.5), -1.0)]),
    "Dagum": (nd.Dagum, ["concentration", "sharpness", "scale"], False, [((1.0, 1.0, 1.0), 0.5), ((2.0, 3.0, 1.5), 1.0)]),
    "DoublyTruncatedPowerLaw": (nd.DoublyTruncatedPowerLaw, ["alpha", "low", "high"], False, [((0.5, 1.0, 3.0), 2.0), ((0.0, 1.0, 3.0), 2.0), ((-1.0, 1.0, 3.0), 2.0)]),
    "LowerTruncatedPowerLaw": (nd.LowerTruncatedPowerLaw, ["alpha", "low"], False, [((-2.5, 1.0), 2.0), ((-1.5, 0.5), 0.5)]),
    "BetaNegativeBinomial": (nd.BetaNegativeBinomial, ["concentration1", "concentration0", "n"], True, [((1.0, 1.0, 2.0), 0.0), ((2.0, 3.0, 4.0), 3.0)]),
    # vector parameters and values (Dirichlet(ones) is a common prior)
    "Dirichlet": (nd.Dirichlet, ["concentration"], False, [(([1.0, 1.0, 1.0],), [0.2, 0.3, 0.5]), (([1.0, 2.0, 0.5],), [0.1, 0.6, 0.3])]),
    "DirichletMultinomial": (lambda a, n: nd.DirichletMultinomial(a, total_count=n), ["concentration", "totalCount"], True, [(([1.0, 1.0, 1.0], 5.0), [2.0, 0.0, 3.0])]),
    "Multinomial": (lambda n, p: nd.Multinomial(total_count=n, probs=p), ["totalCount", "probs"], True, [((5.0, [0.2, 0.3, 0.5]), [0.0, 2.0, 3.0])]),
    "Categorical": (lambda p: nd.Categorical(probs=p), ["probs"], True, [(([0.2, 0.8],), 0.0), (([0.0, 1.0],), 1.0)]),
    "MultivariateNormal": (lambda m, L: nd.MultivariateNormal(m, scale_tril=L), ["loc", "scaleTril"], False, [(([0.0, 1.0], [[1.0, 0.0], [0.5, 2.0]]), [0.0, 1.0]), (([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]), [0.3, -0.2])]),
    "MultivariateStudentT": (lambda df, m, L: nd.MultivariateStudentT(df, m, L), ["df", "loc", "scaleTril"], False, [((1.0, [0.0, 1.0], [[1.0, 0.0], [0.5, 2.0]]), [0.0, 1.0])]),
    "LowRankMultivariateNormal": (nd.LowRankMultivariateNormal, ["loc", "covFactor", "covDiag"], False, [(([0.0, 1.0], [[1.0], [0.5]], [1.0, 2.0]), [0.0, 1.0])]),
    "GaussianRandomWalk": (lambda s, n: nd.GaussianRandomWalk(s, num_steps=int(n)), ["scale", "numSteps"], False, [((1.0, 3), [0.0, 0.0, 0.0]), ((2.0, 3), [0.5, -1.0, 0.0])]),
    "MixtureSameFamilyNormal": (lambda w, m, sd: nd.MixtureSameFamily(nd.Categorical(probs=w), nd.Normal(m, sd)), ["probs", "loc", "scale"], False, [(([0.3, 0.7], [0.0, 0.0], [1.0, 1.0]), 0.0), (([0.2, 0.3, 0.5], [-1.0, 0.0, 2.0], [1.0, 0.5, 2.0]), 0.7), (([1.0, 3.0], [0.0, 1.0], [1.0, 1.0]), 0.5)]),
    "LKJCholesky": (lambda d, c: nd.LKJCholesky(int(d), c), ["dimension", "concentration"], False, [((3, 1.0), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), ((2, 2.0), [[1.0, 0.0], [0.6, 0.8]])]),
    "OrderedLogistic": (nd.OrderedLogistic, ["predictor", "cutpoints"], True, [((0.0, [-1.0, 0.0, 1.0]), 0.0), ((0.0, [-1.0, 0.0, 1.0]), 3.0), ((0.5, [-1.0, 0.0, 1.0]), 2.0)]),
}
INT_PARAMS = {"totalCount", "numSteps", "dimension"}


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, (list, tuple)):
        return [enc(u) for u in v]
    if isinstance(v, dict):
        return {k: enc(u) for k, u in v.items()}
    return v


out = {"numpyro": __import__("numpyro").__version__, "jax": jax.__version__, "cases": []}
for name, (ctor, names, discrete, cases) in C.items():
    for params, value in cases:
        def lp(ps, x, ctor=ctor):
            return ctor(*ps).log_prob(x)

        # integer parameters (counts, steps) stay Python numbers: only the float ones are differentiated
        ps = [p if n in INT_PARAMS else jnp.asarray(p) for n, p in zip(names, params)]
        x = jnp.asarray(value, dtype=jnp.int32 if name in ("Categorical", "OrderedLogistic") else None)
        fl = [i for i, n in enumerate(names) if n not in INT_PARAMS]

        def lp_float(fs, x, ps=ps, fl=fl, lp=lp):
            full = list(ps)
            for i, f in zip(fl, fs):
                full[i] = f
            return lp(full, x)

        grads = jax.grad(lp_float)([ps[i] for i in fl], x)
        row = {
            "dist": name,
            "params": dict(zip(names, params)),
            "value": value,
            "logProb": float(lp(ps, x)),  # one event: a scalar
            "grad": {names[i]: np.asarray(g).tolist() for i, g in zip(fl, grads)},
        }
        if not discrete:
            row["dValue"] = np.asarray(jax.grad(lambda x: lp(ps, x))(x)).tolist()
        out["cases"].append(row)

with open(OUT, "w") as f:
    json.dump(enc(out), f, separators=(",", ":"))
print("wrote", OUT, len(out["cases"]), "cases")
