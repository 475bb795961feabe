/**
 * AutoSemiDAIS's flat parameter vector ↔ named constrained parameters: the global guide's block first (its own
 * `GuideSetup` maps it), then the local DAIS block (real, positive = exp, interval(0, high) = high·sigmoid).
 */
import { ConstraintError, PhloxError, ShapeError, tensor } from "@phlox/tensor";
import type { GuideSetup, Params, ParamValue } from "@phlox/vi";
import type { ParamSpec } from "./family.js";
import {
  type LocalGuideInfo,
  localGuideParams,
  unconstrainLocalGuideParam,
} from "./semi-dais-local-guide.js";

/** Where the blocks of AutoSemiDAIS's flat vector lie: global guide, chain, local guide (after `chainSize`). */
export interface SemiLayout {
  globalSetup: GuideSetup | null;
  numGlobal: number;
  localSpecs: readonly ParamSpec[];
  localGuide: LocalGuideInfo | null;
  chainSize: number;
}

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

/** Named constrained parameters: the global guide's, the chain's, then the local guide's. */
export function constrainAll(st: SemiLayout, u: Float64Array): Params {
  const out = constrainSemi(st.globalSetup, st.numGlobal, st.localSpecs, u);
  if (st.localGuide) {
    const b = st.numGlobal + st.chainSize;
    const p = localGuideParams(
      st.localGuide,
      tensor(Float64Array.from(u.subarray(b, b + st.localGuide.size))),
    );
    for (const [name, t] of Object.entries(p))
      out[name] = { data: Float64Array.from(t.dataSync() as ArrayLike<number>), shape: [...t.shape] };
  }
  return out;
}

/** The flat vector for named constrained parameters (names left out keep `u0`'s values). */
export function unconstrainAll(st: SemiLayout, p: Readonly<Params>, u0: Float64Array): Float64Array {
  const lg = new Map((st.localGuide?.params ?? []).map((q) => [q.name, q]));
  const rest: Params = {};
  const own: [string, ParamValue][] = [];
  for (const [name, v] of Object.entries(p)) {
    if (lg.has(name)) own.push([name, v]);
    else rest[name] = v;
  }
  const u = unconstrainSemi(st.globalSetup, st.numGlobal, st.localSpecs, rest, u0);
  for (const [name, v] of own)
    unconstrainLocalGuideParam(
      lg.get(name) as NonNullable<ReturnType<typeof lg.get>>,
      v.data,
      u,
      st.numGlobal + st.chainSize,
    );
  return u;
}
