/**
 * AutoSemiDAIS's flat parameter vector ↔ named constrained parameters: the global guide's block first (its own
 * `GuideSetup` maps it), then the local DAIS block (real, positive = exp, interval(0, high) = high·sigmoid).
 */
import { ConstraintError, PhloxError, ShapeError } from "@phlox/tensor";
import type { GuideSetup, Params } from "@phlox/vi";
import type { ParamSpec } from "./family.js";

/** Named constrained parameters from the flat vector `u`. */
export function constrainSemi(
  globalSetup: GuideSetup | null,
  numGlobal: number,
  localSpecs: readonly ParamSpec[],
  u: Float64Array,
): Params {
  const out: Params = globalSetup ? globalSetup.constrainParams(u.subarray(0, numGlobal)) : {};
  for (const s of localSpecs) {
    const b = u.subarray(numGlobal + s.offset, numGlobal + s.offset + s.size);
    const hi = s.high ?? 1;
    const data =
      s.constraint === "real"
        ? Float64Array.from(b)
        : s.constraint === "positive"
          ? Float64Array.from(b, Math.exp)
          : Float64Array.from(b, (x) => hi / (1 + Math.exp(-x)));
    out[s.name] = { data, shape: [...s.shape] };
  }
  return out;
}

/**
 * The flat vector for named constrained parameters; names left out keep `u0`'s values.
 * @throws PhloxError for an unknown name; ShapeError for a wrong size; ConstraintError for a value outside
 *   its parameter's support.
 */
export function unconstrainSemi(
  globalSetup: GuideSetup | null,
  numGlobal: number,
  localSpecs: readonly ParamSpec[],
  p: Readonly<Params>,
  u0: Float64Array,
): Float64Array {
  const who = "AutoSemiDAIS.unconstrainParams";
  const u = Float64Array.from(u0);
  const own = new Map(localSpecs.map((s) => [s.name, s]));
  const globalNames = new Set<string>();
  if (globalSetup)
    for (const k of Object.keys(globalSetup.constrainParams(u0.subarray(0, numGlobal)))) globalNames.add(k);
  const gp: Params = {};
  for (const [name, v] of Object.entries(p)) {
    if (globalNames.has(name)) {
      gp[name] = v;
      continue;
    }
    const s = own.get(name);
    if (s === undefined)
      throw new PhloxError(
        "unknown-param",
        `${who}: unknown parameter "${name}"; this guide has ${[...globalNames, ...own.keys()].join(", ")}.`,
      );
    if (v.data.length !== s.size)
      throw new ShapeError(
        "autoguide-param-shape",
        `${who}: parameter "${name}" must have shape [${s.shape}] (${s.size} values), got ${v.data.length}.`,
      );
    const hi = s.high ?? 1;
    for (let i = 0; i < s.size; i++) {
      const x = v.data[i];
      const ok =
        s.constraint === "real" ? Number.isFinite(x) : s.constraint === "positive" ? x > 0 : x > 0 && x < hi;
      if (!ok)
        throw new ConstraintError(
          "autoguide-param-value",
          `${who}: parameter "${name}"[${i}] = ${x} is outside its support (${s.constraint === "interval" ? `(0, ${hi})` : s.constraint}).`,
        );
      u[numGlobal + s.offset + i] =
        s.constraint === "real"
          ? x
          : s.constraint === "positive"
            ? Math.log(x)
            : Math.log(x / hi) - Math.log1p(-x / hi);
    }
  }
  if (globalSetup) u.set(globalSetup.unconstrainParams(gp), 0);
  return u;
}
