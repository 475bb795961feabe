import { type Constraint, circular, independent, positive, real } from "../constraints/constraint.js";
import { logI0, VonMises } from "../continuous/von-mises.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  and,
  asTensor,
  broadcastTo,
  cos,
  div,
  floor,
  type Key,
  log,
  logSumExp,
  lt,
  maximum,
  mul,
  not,
  or,
  reshape,
  sin,
  sliceAxis,
  splitKey,
  sqrt,
  square,
  stackLast,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
} from "../internal/ops.js";
import { atan, promote } from "../internal/util.js";

/** Orders m = 0 … 49 of the normalising series, and k = 0 … 399 terms of each Bessel series Iₘ. */
const ORDERS = 50;
const TERMS = 400;
const TINY = 2.2250738585072014e-308;

let besselTables: { power: Tensor; logDen: Tensor; seriesConst: Tensor } | undefined;
/** (2k + m) and log(k!(k + m)!) as `[ORDERS, TERMS]`, and log C(2m, m) − … as `[ORDERS]`, built once. */
function tables(): { power: Tensor; logDen: Tensor; seriesConst: Tensor } {
  if (besselTables) return besselTables;
  const logFact = [0];
  for (let i = 1; i <= TERMS + ORDERS + 2 * ORDERS; i++) logFact.push(logFact[i - 1]! + Math.log(i));
  const power: number[][] = [];
  const logDen: number[][] = [];
  for (let m = 0; m < ORDERS; m++) {
    power.push(Array.from({ length: TERMS }, (_, k) => 2 * k + m));
    logDen.push(Array.from({ length: TERMS }, (_, k) => logFact[k]! + logFact[k + m]!));
  }
  const lbinom = Array.from({ length: ORDERS }, (_, m) => logFact[2 * m]! - 2 * logFact[m]!);
  besselTables = { power: asTensor(power), logDen: asTensor(logDen), seriesConst: asTensor(lbinom) };
  return besselTables;
}

/** log Iₘ(κ) for m = 0 … 49 by the power series Σₖ (κ/2)^{2k+m}/(k!(k+m)!) (400 terms): `[...κ.shape, 50]`. */
function logBesselOrders(kappa: Tensor): Tensor {
  const { power, logDen } = tables();
  const lk = reshape(log(div(kappa, 2)), [...kappa.shape, 1, 1]);
  return logSumExp(sub(mul(power, lk), logDen), -1);
}

/** The correlation of a {@link SineBivariateVonMises}: λ itself, or NumPyro's `weightedCorrelation` w with λ = w√(κ₁κ₂). */
export type SineCorrelation = TensorLike | { weightedCorrelation: TensorLike };

/**
 * Sine bivariate von Mises on the torus (NumPyro's `SineBivariateVonMises`, Singh, Hnizdo & Demchuk 2002):
 * log p(φ, ψ) = κ₁ cos(φ − μ) + κ₂ cos(ψ − ν) + λ sin(φ − μ) sin(ψ − ν) − log C with
 * C = 4π² Σₘ C(2m, m) (λ²/(4κ₁κ₂))ᵐ Iₘ(κ₁) Iₘ(κ₂), the series summed to m = 49 as NumPyro does. The Bessel
 * series use 400 terms, exact to rounding for concentrations up to about 250. The density is unimodal when
 * λ² < κ₁κ₂. Sampling draws φ from its marginal ∝ exp(κ₁ cos φ) I₀(√(κ₂² + λ² sin²φ)) by rejection from a
 * von Mises proposal (60 vectorised rounds), then ψ | φ ~ VonMises(atan(λ sin φ/κ₂), √(κ₂² + λ² sin²φ)).
 * @param phiLoc - μ, the location of the first angle.
 * @param psiLoc - ν, the location of the second angle.
 * @param phiConcentration - κ₁ > 0.
 * @param psiConcentration - κ₂ > 0.
 * @param correlation - λ, or `{ weightedCorrelation: w }` for λ = w√(κ₁κ₂).
 * @example
 * new SineBivariateVonMises(0, 0, 1, 1, 0).logProb([0, 0]).item(); // → -2.1475828498330474
 */
export class SineBivariateVonMises extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    phiLoc: circular,
    psiLoc: circular,
    phiConcentration: positive,
    psiConcentration: positive,
    correlation: real,
  };
  static override readonly support: Constraint = independent(circular, 1);
  readonly phiLoc: Tensor;
  readonly psiLoc: Tensor;
  readonly phiConcentration: Tensor;
  readonly psiConcentration: Tensor;
  readonly correlation: Tensor;
  constructor(
    phiLoc: TensorLike,
    psiLoc: TensorLike,
    phiConcentration: TensorLike,
    psiConcentration: TensorLike,
    correlation: SineCorrelation,
    options?: DistributionOptions,
  ) {
    const weighted =
      typeof correlation === "object" && correlation !== null && "weightedCorrelation" in correlation;
    const corrIn = weighted
      ? mul(
          (correlation as { weightedCorrelation: TensorLike }).weightedCorrelation,
          sqrt(mul(phiConcentration, psiConcentration)),
        )
      : (correlation as TensorLike);
    const { ps, batchShape } = promote(
      "SineBivariateVonMises",
      phiLoc,
      psiLoc,
      phiConcentration,
      psiConcentration,
      corrIn,
    );
    super(batchShape, [2], options, {
      phiLoc: ps[0],
      psiLoc: ps[1],
      phiConcentration: ps[2],
      psiConcentration: ps[3],
      correlation: ps[4],
    });
    [this.phiLoc, this.psiLoc, this.phiConcentration, this.psiConcentration, this.correlation] = ps as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
  }
  /** log C, the log normalising constant, shape `batchShape`. */
  get normConst(): Tensor {
    const { seriesConst } = tables();
    const k1 = this.phiConcentration;
    const k2 = this.psiConcentration;
    const ratio = sub(log(maximum(square(this.correlation), TINY)), log(mul(4, mul(k1, k2))));
    const m = asTensor(Array.from({ length: ORDERS }, (_, i) => i));
    const fs = add(
      add(seriesConst, mul(m, reshape(ratio, [...ratio.shape, 1]))),
      add(logBesselOrders(k1), logBesselOrders(k2)),
    );
    return add(logSumExp(fs, -1), 2 * Math.log(2 * Math.PI));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const v = asTensor(value);
    const lead = v.shape.slice(0, -1);
    const phi = sub(reshape(sliceAxis(v, -1, 0, 1), lead), this.phiLoc);
    const psi = sub(reshape(sliceAxis(v, -1, 1, 2), lead), this.psiLoc);
    const indv = add(mul(this.phiConcentration, cos(phi)), mul(this.psiConcentration, cos(psi)));
    return sub(add(indv, mul(this.correlation, mul(sin(phi), sin(psi)))), this.normConst);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const shape = [...sampleShape, ...this.batchShape];
    const k1 = broadcastTo(this.phiConcentration, shape);
    const k2 = broadcastTo(this.psiConcentration, shape);
    const lam = broadcastTo(this.correlation, shape);
    const rounds = 60;
    const keys = splitKey(key, 2 * rounds + 1);
    const proposal = new VonMises(0, k1);
    // accept φ with probability I₀(√(κ₂² + λ² sin²φ)) / I₀(√(κ₂² + λ²)) ≤ 1
    const logBound = logI0(sqrt(add(square(k2), square(lam))));
    let phi = broadcastTo(0, shape);
    let done = broadcastTo(false, shape);
    for (let i = 0; i < rounds; i++) {
      const cand = proposal.sample(keys[2 * i]!);
      const alpha = sqrt(add(square(k2), square(mul(lam, sin(cand)))));
      const accept = lt(log(uniform(keys[2 * i + 1]!, shape)), sub(logI0(alpha), logBound));
      phi = where(and(accept, not(done)), cand, phi);
      done = or(done, accept);
    }
    const alpha = sqrt(add(square(k2), square(mul(lam, sin(phi)))));
    const beta = atan(div(mul(lam, sin(phi)), k2));
    const psi = new VonMises(beta, alpha).sample(keys[2 * rounds]!);
    const wrap = (t: Tensor): Tensor => {
      const s = add(t, Math.PI);
      return sub(sub(s, mul(2 * Math.PI, floor(div(s, 2 * Math.PI)))), Math.PI);
    };
    return stackLast([wrap(add(phi, this.phiLoc)), wrap(add(psi, this.psiLoc))]);
  }
  /** The circular mean (μ, ν) wrapped to [−π, π). */
  override get mean(): Tensor {
    const s = add(stackLast([this.phiLoc, this.psiLoc]), Math.PI);
    return sub(sub(s, mul(2 * Math.PI, floor(div(s, 2 * Math.PI)))), Math.PI);
  }
}
