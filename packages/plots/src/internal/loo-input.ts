import type { InferenceData } from "@phlox/arviz-io";
import { PlotsError } from "../errors.js";

/** The pointwise log-likelihood of one observed variable as `[chain, draw, obs]` draws. */
export function logLikDraws(
  idata: InferenceData,
  varName: string | undefined,
  where: string,
): { name: string; data: Float64Array; shape: number[] } {
  if (!idata.has("log_likelihood")) {
    throw new PlotsError(
      "missing-group",
      `${where}: the data has no "log_likelihood" group; build it with fromMCMC (logLikelihood) or pass one.`,
    );
  }
  const vars = idata.get("log_likelihood").variables;
  const names = Object.keys(vars);
  let name = varName;
  if (name === undefined) {
    if (names.length !== 1) {
      throw new PlotsError(
        "invalid-argument",
        `${where}: log_likelihood has ${names.length} variables (${names.join(", ")}); choose one with \`y\`/\`varName\`.`,
      );
    }
    name = names[0]!;
  }
  const v = vars[name];
  if (!v)
    throw new PlotsError(
      "unknown-variable",
      `${where}: no "${name}" in log_likelihood; it has ${names.join(", ")}.`,
    );
  const [C, D] = v.shape as [number, number];
  const N = v.shape.slice(2).reduce((a, b) => a * b, 1);
  return { name, data: Float64Array.from(v.data as ArrayLike<number>, Number), shape: [C, D, N] };
}

/** Posterior draws per variable (for ArviZ's default r_eff). */
export function posteriorArrays(idata: InferenceData): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  if (!idata.has("posterior")) return out;
  const vars = idata.get("posterior").variables;
  for (const k of Object.keys(vars)) {
    const v = vars[k]!;
    if (v.dtype === "string") continue;
    out[k] = Float64Array.from(v.data as ArrayLike<number>, Number);
  }
  return out;
}
