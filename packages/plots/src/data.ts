import { type ArrayInput, fromArrays, fromMCMC, InferenceData, type McmcSource } from "@phlox/arviz-io";
import { PlotsError } from "./errors.js";

/**
 * What every plot accepts: an `InferenceData` (`@phlox/arviz-io`), an `MCMC` object after `run` (anything
 * with `getSamples({ groupByChain: true })`), or posterior draws per variable (`{ data, shape: [chain,
 * draw, ...] }` or nested arrays `[chain][draw]...`).
 */
export type PlotInput = InferenceData | McmcSource | Readonly<Record<string, ArrayInput>>;

function isMcmc(x: unknown): x is McmcSource {
  return typeof x === "object" && x !== null && typeof (x as McmcSource).getSamples === "function";
}

/**
 * Normalises a {@link PlotInput} to an InferenceData (an MCMC object goes through `fromMCMC`, a draws record
 * becomes the `posterior` group).
 * @param data - the plot input.
 * @param where - the calling plot, for error messages.
 * @returns the InferenceData.
 * @throws PlotsError `invalid-input` for anything else.
 * @example
 * toInferenceData({ mu: [[1, 2, 3, 4]] }, "plotTrace").groupNames(); // → ["posterior"]
 */
export function toInferenceData(data: PlotInput, where: string): InferenceData {
  if (data instanceof InferenceData) return data;
  if (isMcmc(data)) return fromMCMC(data);
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    return fromArrays({ posterior: data as Readonly<Record<string, ArrayInput>> });
  }
  throw new PlotsError(
    "invalid-input",
    `${where}: expected an InferenceData, an MCMC object or a record of draws { name: { data, shape: [chain, draw, ...] } }, got ${Array.isArray(data) ? "an array" : typeof data}.`,
  );
}
