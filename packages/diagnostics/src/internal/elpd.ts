// Shared by loo and waic: the scale factor, sums and variances, reading a fit's log-likelihood, and the
// ElpdData both return (ArviZ's ELPDData).

import type { DrawsInput } from "../draws.js";
import { DiagnosticsError } from "../errors.js";
import type { ElpdData, FitLike, IcScale } from "../loo.js";
import type { Convention } from "../psis.js";

/** ArviZ's scale_value: 1 for "log", −1 for "negative_log", −2 for "deviance". */
export function scaleValue(scale: IcScale): number {
  if (scale === "log") return 1;
  if (scale === "negative_log") return -1;
  if (scale === "deviance") return -2;
  throw new DiagnosticsError(
    "invalid-argument",
    `scale must be "log", "negative_log" or "deviance", got "${scale}".`,
  );
}

/** [Σ x, Var x with ddof]. */
export function sumVar(x: Float64Array, ddof: number): [number, number] {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return [s, v / (n - ddof)];
}

/** True for a fit ({@link FitLike}): something with `logLikelihood()` and `getSamples()`. */
export function isFit(x: unknown): x is FitLike {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as FitLike).logLikelihood === "function" &&
    typeof (x as FitLike).getSamples === "function"
  );
}

/** The log-likelihood of one observed site of a fit (ArviZ `var_name`), or the draws as given. */
export function pickLogLik(
  input: DrawsInput | FitLike,
  varName: string | undefined,
  where: string,
): DrawsInput {
  if (!isFit(input)) return input;
  const all = input.logLikelihood();
  const names = Object.keys(all);
  const name = varName ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined || !(name in all)) {
    throw new DiagnosticsError(
      "invalid-argument",
      `${where}: the fit has observed sites [${names.join(", ")}]; pass { varName } naming one of them.`,
    );
  }
  return all[name];
}

/** The {@link ElpdData} of pointwise elpd_i and p_i: totals, standard errors and the values on `scale`. */
export function finish(
  method: "loo" | "waic",
  elpdI: Float64Array,
  pI: Float64Array,
  sv: number,
  scale: IcScale,
  convention: Convention,
  ddof: number,
  S: number,
  warning: boolean,
): ElpdData {
  const N = elpdI.length;
  const scaled = elpdI.map((v) => sv * v);
  const [est, varScaled] = sumVar(scaled, ddof);
  const [elpd, varElpd] = sumVar(elpdI, ddof);
  const [p, varP] = sumVar(pI, ddof);
  const elpdSe = Math.sqrt(N * varElpd);
  return {
    method,
    elpd,
    elpdSe,
    estimate: est,
    se: Math.sqrt(N * varScaled),
    p,
    pSe: Math.sqrt(N * varP),
    ic: -2 * elpd,
    icSe: 2 * elpdSe,
    scale,
    convention,
    nSamples: S,
    nDataPoints: N,
    pointwise: scaled,
    pointwiseP: pI,
    warning,
  };
}

/**
 * ArviZ's check that the log-likelihood is pointwise: when every scaled elpd_i equals their sum (one
 * observation, or a log-likelihood summed over the observations), warns unless `warn` is false.
 */
export function warnIfPointwiseIsTotal(res: ElpdData, warn: boolean): void {
  if (!warn) return;
  for (let i = 0; i < res.pointwise.length; i++) if (!(res.pointwise[i] === res.estimate)) return;
  console.warn(
    `${res.method}: the pointwise elpd equals the total (${res.nDataPoints} observation${res.nDataPoints === 1 ? "" : "s"}); ` +
      "check that the log-likelihood has one entry per observation, shape [chain, draw, ...obs], not their sum.",
  );
}
