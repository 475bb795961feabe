import { Beta } from "./continuous/beta.js";
import { Exponential } from "./continuous/exponential.js";
import { Gamma } from "./continuous/gamma.js";
import { Kumaraswamy } from "./continuous/kumaraswamy.js";
import { Normal } from "./continuous/normal.js";
import { Weibull } from "./continuous/weibull.js";
import { Bernoulli } from "./discrete/bernoulli.js";
import { Categorical } from "./discrete/categorical.js";
import { Distribution, ExpandedDistribution, Independent, MaskedDistribution } from "./distribution.js";
import { halfSpectrumWeights, rfftMatrices } from "./internal/dft.js";
import {
  add,
  and,
  asTensor,
  betaln,
  broadcastTo,
  diagonal,
  digamma,
  div,
  exp,
  gt,
  lgamma,
  log,
  matmul,
  mul,
  neg,
  PhloxError,
  sliceAxis,
  solveTrilVec,
  square,
  sub,
  sum,
  sumRightmost,
  type Tensor,
  triangularSolve,
  where,
  xlog1py,
  xlogy,
} from "./internal/ops.js";
import { broadcastShapes } from "./internal/shape.js";
import { EULER_GAMMA } from "./internal/util.js";
import { Delta } from "./meta/delta.js";
import { CirculantNormal } from "./multivariate/circulant-normal.js";
import { Dirichlet } from "./multivariate/dirichlet.js";
import { MultivariateNormal } from "./multivariate/mvn.js";

// biome-ignore lint/suspicious/noExplicitAny: registry keys are arbitrary distribution classes
type DistClass<D extends Distribution = Distribution> = abstract new (...args: any[]) => D;
/** A closed-form KL(p ‖ q), shape `batchShape`. */
export type KLFn<P extends Distribution = Distribution, Q extends Distribution = Distribution> = (
  p: P,
  q: Q,
) => Tensor;

const KEY = Symbol.for("phlox.distributions.kl");
type Table = Map<DistClass, Map<DistClass, KLFn>>;

function table(): Table {
  const g = globalThis as unknown as Record<symbol, Table | undefined>;
  let t = g[KEY];
  if (!t) {
    t = new Map();
    g[KEY] = t;
    installDefaults();
  }
  return t;
}

/**
 * Registers the closed form of KL(p ‖ q) for a pair of distribution classes (NumPyro `register_kl`); dispatch
 * picks the most specific registered pair along both class hierarchies. A later registration replaces one
 * for the same pair.
 * @example
 * class Shifted extends Normal {}
 * registerKL(Shifted, Shifted, (p, q) => klDivergence(new Normal(p.loc, p.scale), new Normal(q.loc, q.scale)).mul(2));
 * klDivergence(new Shifted(0, 1), new Shifted(1, 1)).item(); // → 1
 */
export function registerKL<P extends Distribution, Q extends Distribution>(
  P: DistClass<P>,
  Q: DistClass<Q>,
  fn: KLFn<P, Q>,
): void {
  const t = table();
  let row = t.get(P as DistClass);
  if (!row) {
    row = new Map();
    t.set(P as DistClass, row);
  }
  row.set(Q as DistClass, fn as KLFn);
}

function chain(d: Distribution): DistClass[] {
  const out: DistClass[] = [];
  let proto: object | null = Object.getPrototypeOf(d);
  while (proto && proto !== Object.prototype) {
    out.push((proto as { constructor: DistClass }).constructor);
    proto = Object.getPrototypeOf(proto);
  }
  return out;
}

/**
 * KL(p ‖ q) in closed form.
 * @returns tensor of shape broadcast(p.batchShape, q.batchShape).
 * @throws PhloxError when no closed form is registered for the pair.
 * @example
 * klDivergence(new Normal(0, 1), new Normal(1, 1)).item(); // → 0.5
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  const t = table();
  const cp = chain(p);
  const cq = chain(q);
  for (let s = 0; s < cp.length + cq.length; s++) {
    for (let i = 0; i <= s && i < cp.length; i++) {
      const j = s - i;
      if (j >= cq.length) continue;
      const fn = t.get(cp[i]!)?.get(cq[j]!);
      if (fn) return fn(p, q);
    }
  }
  throw new PhloxError(
    "kl-unregistered",
    `klDivergence(${p.name}, ${q.name}): no closed form is registered for this pair. ` +
      `Register one with registerKL(${p.constructor.name}, ${q.constructor.name}, fn), or estimate it by Monte Carlo.`,
  );
}

const bshape = (p: Distribution, q: Distribution): number[] =>
  broadcastShapes("klDivergence", p.batchShape, q.batchShape);

let installing = false;
function installDefaults(): void {
  if (installing) return;
  installing = true;
  registerKL(Normal, Normal, (p, q) => {
    const r = div(p.scale, q.scale);
    return mul(0.5, sub(add(square(r), square(div(sub(p.loc, q.loc), q.scale))), add(1, mul(2, log(r)))));
  });
  registerKL(MultivariateNormal, MultivariateNormal, (p, q) => {
    const n = p.eventShape[0]!;
    const shape = bshape(p, q);
    const Lq = broadcastTo(q.scaleTril, [...shape, n, n]);
    const Lp = broadcastTo(p.scaleTril, [...shape, n, n]);
    const M = triangularSolve(Lq, Lp, { lower: true });
    const tr = sum(square(M), [-2, -1]);
    const z = solveTrilVec(Lq, sub(q.loc, p.loc));
    const maha = sum(square(z), -1);
    const logDet = mul(2, sub(sum(log(diagonal(Lq)), -1), sum(log(diagonal(Lp)), -1)));
    return mul(0.5, add(sub(add(tr, maha), n), logDet));
  });
  registerKL(Beta, Beta, (p, q) => {
    const [ap, bp, aq, bq] = [p.concentration1, p.concentration0, q.concentration1, q.concentration0];
    const tp = add(ap, bp);
    return add(
      add(
        sub(betaln(aq, bq), betaln(ap, bp)),
        add(mul(sub(ap, aq), digamma(ap)), mul(sub(bp, bq), digamma(bp))),
      ),
      mul(sub(add(aq, bq), tp), digamma(tp)),
    );
  });
  registerKL(Gamma, Gamma, (p, q) => {
    const [ap, bp, aq, bq] = [p.concentration, p.rate, q.concentration, q.rate];
    return add(
      add(sub(mul(sub(ap, aq), digamma(ap)), lgamma(ap)), lgamma(aq)),
      add(mul(aq, sub(log(bp), log(bq))), div(mul(ap, sub(bq, bp)), bp)),
    );
  });
  registerKL(Weibull, Gamma, (p, q) => {
    // KL = −H(p) − E_p[log q], E[log X] = log λ − γ/k, E[X] = λ Γ(1 + 1/k)
    const a = q.concentration;
    const b = q.rate;
    const eLog = sub(log(p.scale), div(EULER_GAMMA, p.concentration));
    const eX = p.mean;
    const eLogQ = sub(add(sub(mul(a, log(b)), lgamma(a)), mul(sub(a, 1), eLog)), mul(b, eX));
    return neg(add(p.entropy(), eLogQ));
  });
  registerKL(Exponential, Exponential, (p, q) => {
    const r = div(q.rate, p.rate);
    return sub(sub(r, log(r)), 1);
  });
  registerKL(Dirichlet, Dirichlet, (p, q) => {
    const a = p.concentration;
    const b = q.concentration;
    const a0 = sum(a, -1);
    const a0c = a0.reshape([...a0.shape, 1]);
    return add(
      add(sub(lgamma(a0), lgamma(sum(b, -1))), sub(sum(lgamma(b), -1), sum(lgamma(a), -1))),
      sum(mul(sub(a, b), sub(digamma(a), digamma(a0c))), -1),
    );
  });
  registerKL(Categorical, Categorical, (p, q) => {
    const pp = p.probs;
    const term = where(gt(pp, 0), mul(pp, sub(p.logits, q.logits)), 0);
    return sum(term, -1);
  });
  registerKL(Bernoulli, Bernoulli, (p, q) => {
    const a = p.probs;
    const b = q.probs;
    return sub(add(xlogy(a, a), xlog1py(sub(1, a), neg(a))), add(xlogy(a, b), xlog1py(sub(1, a), neg(b))));
  });
  registerKL(Independent, Independent, (p, q) => {
    // NumPyro: peel the shared reinterpreted axes, pair what is left, sum the shared axes back
    const shared = Math.min(p.reinterpretedBatchNdims, q.reinterpretedBatchNdims);
    const pn = p.reinterpretedBatchNdims - shared;
    const qn = q.reinterpretedBatchNdims - shared;
    const pp = pn > 0 ? new Independent(p.baseDist, pn) : p.baseDist;
    const qq = qn > 0 ? new Independent(q.baseDist, qn) : q.baseDist;
    return sumRightmost(klDivergence(pp, qq), shared);
  });
  registerKL(ExpandedDistribution, Distribution, (p, q) =>
    broadcastTo(klDivergence(p.baseDist, q), bshape(p, q)),
  );
  registerKL(Distribution, ExpandedDistribution, (p, q) =>
    broadcastTo(klDivergence(p, q.baseDist), bshape(p, q)),
  );
  registerKL(ExpandedDistribution, ExpandedDistribution, (p, q) =>
    broadcastTo(klDivergence(p.baseDist, q.baseDist), bshape(p, q)),
  );
  registerKL(Delta, Distribution, (p, q) => add(neg(q.logProb(p.v)), p.logDensity));
  registerKL(MaskedDistribution, MaskedDistribution, (p, q) => {
    const kl = klDivergence(p.baseDist, q.baseDist);
    const [mp, mq] = [p.maskValue, q.maskValue];
    if (mp === false || mq === false) return mul(kl, 0);
    const m = mp === true ? mq : mq === true ? mp : and(mp, mq);
    if (m === true) return kl;
    return where(broadcastTo(m, kl.shape), kl, 0);
  });
  registerKL(Kumaraswamy, Beta, klKumaraswamyBeta);
  registerKL(Independent, CirculantNormal, klNormalCirculant);
  installing = false;
}

/** Terms of the Taylor series in NumPyro's Kumaraswamy–Beta KL (its `KL_KUMARASWAMY_BETA_TAYLOR_ORDER`). */
const KUMARASWAMY_BETA_TAYLOR_ORDER = 10;

/** KL(Kumaraswamy(a, b) ‖ Beta(α, β)), Nalisnick & Smyth 2016 (eq. 12), series truncated as NumPyro does. */
function klKumaraswamyBeta(p: Kumaraswamy, q: Beta): Tensor {
  const [a, b, al, be] = [p.concentration1, p.concentration0, q.concentration1, q.concentration0];
  const rb = div(1, b);
  const ab = mul(a, b);
  const t1 = mul(sub(div(al, a), 1), add(add(EULER_GAMMA, digamma(b)), rb));
  const t2 = add(add(log(ab), betaln(al, be)), sub(rb, 1));
  let series: Tensor = asTensor(0);
  for (let m = 1; m <= KUMARASWAMY_BETA_TAYLOR_ORDER; m++)
    series = add(series, div(exp(betaln(div(m, a), b)), add(m, ab)));
  return add(add(t1, t2), mul(mul(sub(be, 1), b), series));
}

/**
 * KL(Independent(Normal(μ, σ), 1) ‖ CirculantNormal(m, C)) in the Fourier basis, as NumPyro: with r = m − μ,
 * ½(rᵀC⁻¹r + tr(C⁻¹ diag σ²) + log det C − Σ log σ² − n); C⁻¹ has the constant diagonal (1/n) Σₖ 1/λₖ over
 * the full spectrum of eigenvalues λ.
 */
function klNormalCirculant(p: Independent, q: CirculantNormal): Tensor {
  const base = p.baseDist;
  if (!(base instanceof Normal) || p.reinterpretedBatchNdims !== 1)
    throw new PhloxError(
      "kl-unregistered",
      `klDivergence(${p.name}, CirculantNormal): only an Independent Normal with one reinterpreted axis has a ` +
        "closed form (as in NumPyro).",
    );
  const n = q.eventShape[0]!;
  const shape = bshape(p, q);
  const variance = broadcastTo(square(base.scale), [...p.batchShape, n]);
  const r = sub(q.loc, broadcastTo(base.loc, [...p.batchShape, n]));
  const { cos, sin } = rfftMatrices(n);
  const w = asTensor(halfSpectrumWeights(n));
  const lam = q.covarianceRfft;
  // rᵀC⁻¹r = (1/n) Σₖ wₖ |Rₖ|² / λₖ over the half spectrum
  const power = add(square(matmul(r, cos)), square(matmul(r, sin)));
  const quad = div(sum(div(mul(w, power), lam), -1), n);
  const invDiag = div(sum(div(w, lam), -1), n);
  const logLam = log(lam);
  const half = Math.floor((n + 1) / 2);
  const logDetC = add(sum(logLam, -1), half > 1 ? sum(sliceAxis(logLam, -1, 1, half), -1) : 0);
  const kl = mul(
    0.5,
    sub(sub(add(add(quad, mul(invDiag, sum(variance, -1))), logDetC), sum(log(variance), -1)), n),
  );
  return broadcastTo(kl, shape);
}
