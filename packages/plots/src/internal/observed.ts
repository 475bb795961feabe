import type { InferenceData } from "@phlox/arviz-io";
import { PlotsError } from "../errors.js";

/** One observed variable: its observations and the matching draws of another group, `[sample][obs]`. */
export interface ObservedPair {
  name: string;
  observed: Float64Array;
  /** Draws row-major `[chain·draw, obs]`. */
  draws: Float64Array;
  numChains: number;
  numDraws: number;
  numObs: number;
}

/** The observed variables to use: `varNames`, or all variables of `observed_data` present in `group`. */
export function observedPairs(
  idata: InferenceData,
  group: string,
  varNames: readonly string[] | undefined,
  where: string,
): ObservedPair[] {
  for (const g of ["observed_data", group]) {
    if (!idata.has(g))
      throw new PlotsError(
        "missing-group",
        `${where}: the data has no "${g}" group (it has ${idata.groupNames().join(", ")}).`,
      );
  }
  const obs = idata.get("observed_data").variables;
  const grp = idata.get(group).variables;
  const names = varNames ?? Object.keys(obs).filter((k) => k in grp);
  if (names.length === 0)
    throw new PlotsError("missing-group", `${where}: no variable is in both observed_data and ${group}.`);
  return names.map((name) => {
    const o = obs[name];
    const d = grp[name];
    if (!o || !d)
      throw new PlotsError(
        "unknown-variable",
        `${where}: "${name}" must be in both observed_data and ${group}.`,
      );
    const [C, D] = d.shape as [number, number];
    const numObs = d.shape.slice(2).reduce((a, b) => a * b, 1);
    const observed = Float64Array.from(o.data as ArrayLike<number>, Number);
    if (observed.length !== numObs) {
      throw new PlotsError(
        "invalid-input",
        `${where}: observed_data.${name} has ${observed.length} values but ${group}.${name} has ${numObs} per draw.`,
      );
    }
    return {
      name,
      observed,
      draws: Float64Array.from(d.data as ArrayLike<number>, Number),
      numChains: C,
      numDraws: D,
      numObs,
    };
  });
}
