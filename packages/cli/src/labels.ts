import type { InferenceData } from "@phlox/arviz-io";

/**
 * ArviZ's label for one element of a variable (`az.summary`'s index): the name, then the coordinate value of
 * each non-sample dimension in brackets, `theta[0]`, `theta[Choate]`, `beta[0, 1]`; plain indices where a
 * dimension has no coordinate.
 * @param idata - the InferenceData.
 * @param group - the group, e.g. `"posterior"`.
 * @param name - the variable.
 * @param index - the element's index over the dimensions after `chain, draw`.
 * @returns the label.
 * @example
 * const idata = fromArrays({ posterior: { theta: [[[1, 2, 3], [4, 5, 6]]] } });
 * arvizLabel(idata, "posterior", "theta", [2]); // → "theta[2]"
 */
export function arvizLabel(
  idata: InferenceData,
  group: string,
  name: string,
  index: readonly number[],
): string {
  if (index.length === 0) return name;
  const ds = idata.get(group);
  const dims = ds.variables[name]?.dims.slice(2) ?? [];
  const parts = index.map((i, k) => {
    const coord = dims[k] !== undefined ? ds.coords[dims[k]] : undefined;
    const v = coord ? coord.data[i] : undefined;
    return v === undefined ? String(i) : String(v);
  });
  return `${name}[${parts.join(", ")}]`;
}
