import type { InferenceData, Variable } from "@phlox/arviz-io";
import { PlotsError } from "./errors.js";

/** Variable and coordinate selection shared by the plots (ArviZ's `var_names`, `filter_vars`, `coords`). */
export interface SelectOptions {
  /** Variables to plot; a name prefixed with `~` excludes it. Default: every variable of the group. */
  varNames?: readonly string[];
  /** How `varNames` match: exactly (default), `"like"` (substring) or `"regex"`. */
  filterVars?: "like" | "regex";
  /** Coordinate values to keep per dimension, e.g. `{ school: ["Choate", "Deerfield"] }`. */
  coords?: Readonly<Record<string, readonly (string | number)[]>>;
  /**
   * Panel and row labels (ArviZ's `labeller`): from the variable name and the element's coordinate labels.
   * Default `name` for scalars, `name[a, b]` for elements.
   */
  labeller?: (varName: string, coordLabels: readonly string[]) => string;
}

/** One scalar quantity (a variable, or one element of it) with its draws, chain-major `[chain, draw]`. */
export interface Scalar {
  varName: string;
  /** `mu`, or `theta[Choate]` for an element. */
  label: string;
  /** Coordinate labels of the element (empty for a scalar variable). */
  coordLabels: string[];
  data: Float64Array;
  numChains: number;
  numDraws: number;
}

function toF64(v: Variable, where: string): Float64Array {
  const d = v.data;
  if (d instanceof Float64Array) return d;
  if (Array.isArray(d))
    throw new PlotsError("invalid-input", `${where}: string variables cannot be plotted.`);
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = Number((d as ArrayLike<number | bigint>)[i]);
  return out;
}

/** Resolves `varNames` against the variables present, as ArviZ's `_var_names`. */
export function resolveVarNames(
  available: readonly string[],
  o: SelectOptions,
  where: string,
  group: string,
): string[] {
  if (!o.varNames || o.varNames.length === 0) return [...available];
  const matches = (pattern: string, name: string): boolean => {
    if (o.filterVars === "like") return name.includes(pattern);
    if (o.filterVars === "regex") return new RegExp(pattern).test(name);
    return name === pattern;
  };
  const include = o.varNames.filter((v) => !v.startsWith("~"));
  const exclude = o.varNames.filter((v) => v.startsWith("~")).map((v) => v.slice(1));
  let names =
    include.length > 0 ? available.filter((n) => include.some((p) => matches(p, n))) : [...available];
  names = names.filter((n) => !exclude.some((p) => matches(p, n)));
  if (o.filterVars === undefined) {
    for (const p of include) {
      if (!available.includes(p)) {
        throw new PlotsError(
          "unknown-variable",
          `${where}: no variable "${p}" in ${group}; it has ${available.join(", ") || "none"}.`,
        );
      }
    }
    // keep the caller's order for exact names
    if (include.length > 0) names = include.filter((n) => names.includes(n));
  }
  if (names.length === 0) {
    throw new PlotsError(
      "unknown-variable",
      `${where}: varNames [${o.varNames.join(", ")}] select nothing in ${group} (${available.join(", ")}).`,
    );
  }
  return names;
}

/**
 * Every selected scalar of a sampled group (dims `chain, draw, ...`), one per element of each variable, in
 * ArviZ's order (variables as selected, elements row-major), honouring `coords`.
 * @param idata - the data.
 * @param group - e.g. `"posterior"`.
 * @param o - varNames, filterVars, coords.
 * @param where - the calling plot, for errors.
 * @returns the scalars, each with its own chain-major copy of the draws.
 * @throws PlotsError for a missing group, an unknown variable or coordinate.
 */
export function selectScalars(
  idata: InferenceData,
  group: string,
  o: SelectOptions,
  where: string,
): Scalar[] {
  if (!idata.has(group)) {
    throw new PlotsError(
      "missing-group",
      `${where}: the data has no "${group}" group (it has ${idata.groupNames().join(", ")}).`,
    );
  }
  const ds = idata.get(group);
  const numeric = Object.keys(ds.variables).filter((k) => ds.variables[k]!.dtype !== "string");
  const names = resolveVarNames(numeric, o, where, group);
  const out: Scalar[] = [];
  for (const name of names) {
    const v = ds.variables[name]!;
    if (v.dims[0] !== "chain" || v.dims[1] !== "draw") {
      throw new PlotsError(
        "invalid-input",
        `${where}: ${group}.${name} has dims [${v.dims.join(", ")}], not [chain, draw, ...].`,
      );
    }
    const [C, D] = v.shape as [number, number];
    const data = toF64(v, `${where}(${name})`);
    const elShape = v.shape.slice(2);
    const elDims = v.dims.slice(2);
    const E = elShape.reduce((a, b) => a * b, 1);
    // per dim: the kept indices and their labels
    const keep: number[][] = [];
    const labels: string[][] = [];
    elDims.forEach((dim, k) => {
      const cv = ds.coords[dim];
      const all = cv
        ? Array.isArray(cv.data)
          ? cv.data.map(String)
          : Array.from(cv.data as ArrayLike<number>, String)
        : Array.from({ length: elShape[k]! }, (_, i) => String(i));
      const want = o.coords?.[dim];
      if (want) {
        const idx = want.map((w) => {
          const i = all.indexOf(String(w));
          if (i < 0)
            throw new PlotsError(
              "invalid-argument",
              `${where}: coords.${dim} value "${w}" is not one of ${all.join(", ")}.`,
            );
          return i;
        });
        keep.push(idx);
        labels.push(idx.map((i) => all[i]!));
      } else {
        keep.push(all.map((_, i) => i));
        labels.push(all);
      }
    });
    const strides = elShape.map((_, k) => elShape.slice(k + 1).reduce((a, b) => a * b, 1));
    const combos: number[][] = [[]];
    for (const ks of keep) {
      const next: number[][] = [];
      for (const c of combos) for (const i of ks) next.push([...c, i]);
      combos.splice(0, combos.length, ...next);
    }
    for (const combo of combos) {
      const e = combo.reduce((a, i, k) => a + i * strides[k]!, 0);
      const x = new Float64Array(C * D);
      for (let s = 0; s < C * D; s++) x[s] = data[s * E + e]!;
      const coordLabels = combo.map((i, k) => labels[k]![keep[k]!.indexOf(i)]!);
      out.push({
        varName: name,
        label: o.labeller
          ? o.labeller(name, coordLabels)
          : coordLabels.length
            ? `${name}[${coordLabels.join(", ")}]`
            : name,
        coordLabels,
        data: x,
        numChains: C,
        numDraws: D,
      });
    }
  }
  return out;
}

/** One chain's draws of a scalar (a view). */
export function chainOf(s: Scalar, c: number): Float64Array {
  return s.data.subarray(c * s.numDraws, (c + 1) * s.numDraws);
}

/** Divergent draws from `sample_stats.diverging`, chain-major; undefined when absent. */
export function divergences(idata: InferenceData): Uint8Array | undefined {
  if (!idata.has("sample_stats")) return undefined;
  const v = idata.get("sample_stats").variables.diverging;
  if (!v) return undefined;
  const out = new Uint8Array(v.data.length);
  for (let i = 0; i < out.length; i++)
    out[i] = Number((v.data as ArrayLike<number | bigint | string>)[i]) ? 1 : 0;
  return out;
}
