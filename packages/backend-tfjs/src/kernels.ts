/**
 * The kernel list: one entry per Phlox primitive that a tfjs backend runs natively (or composes from tfjs ops),
 * written once against tfjs-core's op API so that every tfjs backend (wasm, webgpu) shares it. Primitives
 * missing here run through their JS reference kernels only when the backend opted in (`fallbacks: "js"`).
 */

import type { DType, KernelArg, PrimitiveName, PrimitiveParams } from "@phlox/tensor";
import * as tf from "@tensorflow/tfjs-core";
import type { TfTensor } from "./handles.js";

/** A kernel: tfjs tensors of the inputs (shaped like the Phlox inputs) in, one tfjs tensor out. */
export interface KernelSpec<P extends PrimitiveName = PrimitiveName> {
  readonly primitive: P;
  /**
   * Runs inside `tf.tidy`; may return an input (it is cloned). The result is cast to the output dtype's tfjs
   * dtype afterwards. Return null to decline (dtype not handled here) so the JS fallback runs.
   */
  run(
    xs: TfTensor[],
    params: PrimitiveParams[P],
    inputs: readonly KernelArg[],
    shape: readonly number[],
    dtype: DType,
  ): TfTensor | null;
}

const isF = (d: DType): boolean => d === "float32" || d === "float64";
const toF = (x: TfTensor): TfTensor => (x.dtype === "float32" ? x : tf.cast(x, "float32"));

type Unary = (x: TfTensor) => TfTensor;
const floatUnary = <P extends PrimitiveName>(p: P, f: Unary): KernelSpec<P> => ({
  primitive: p,
  run: (xs, _p, ins) => (ins[0]?.dtype === "uint32" ? null : f(toF(xs[0] as TfTensor))),
});
const sameUnary = <P extends PrimitiveName>(p: P, f: Unary, ints: Unary | null = null): KernelSpec<P> => ({
  primitive: p,
  run: (xs, _p, ins) => {
    const d = ins[0]?.dtype as DType;
    const x = xs[0] as TfTensor;
    if (isF(d)) return f(x);
    if (d === "int32" && ints !== null) return ints(x);
    return null;
  },
});
type Binary = (a: TfTensor, b: TfTensor) => TfTensor;
/** Binary op on float32/int32 (and bool where tfjs takes it); uint32 declines unless `bitSafe`. */
const binary = <P extends PrimitiveName>(p: P, f: Binary, bitSafe = false): KernelSpec<P> => ({
  primitive: p,
  run: (xs, _p, ins) =>
    ins[0]?.dtype === "uint32" && !bitSafe ? null : f(xs[0] as TfTensor, xs[1] as TfTensor),
});

const U32 = 4294967296;

/** a < b for uint32 stored as int32 bits: signed order within a sign class; non-negative bits come first. */
const ltU32 = (a: TfTensor, b: TfTensor): TfTensor => {
  // In int32 0/1 arithmetic (tfjs-wasm's Select mishandles bool operands): same·(a <ₛ b) + (1 − na)·nb.
  const i = (t: TfTensor): TfTensor => tf.cast(t, "int32");
  const na = i(tf.less(a, 0));
  const nb = i(tf.less(b, 0));
  const same = tf.sub(1, tf.abs(tf.sub(na, nb)));
  const v = tf.add(tf.mul(same, i(tf.less(a, b))), tf.mul(tf.sub(1, na), nb));
  return tf.notEqual(v, 0);
};
/**
 * Bit-exact select for integer and bool operands: gather from [y, x] concatenated (tfjs-webgpu's Select goes
 * through float32 for int32, tfjs-wasm's mishandles bool).
 */
const selectExact = (c: TfTensor, x: TfTensor, y: TfTensor): TfTensor => {
  const n = x.size;
  const pick = tf.add(
    tf.range(0, n, 1, "int32"),
    tf.mul(tf.cast(tf.reshape(c, [n]), "int32"), tf.scalar(n, "int32")),
  );
  return tf.reshape(tf.gather(tf.concat([tf.reshape(y, [n]), tf.reshape(x, [n])]), pick), x.shape);
};

/** A comparison that handles uint32 operands through {@link ltU32}. */
const compare = <P extends PrimitiveName>(p: P, f: Binary, u: Binary): KernelSpec<P> => ({
  primitive: p,
  run: (xs, _p, ins) => (ins[0]?.dtype === "uint32" ? u : f)(xs[0] as TfTensor, xs[1] as TfTensor),
});

/** uint32 stored as int32 bits → float32 value in [0, 2³²). */
const u32ToFloat = (x: TfTensor): TfTensor => {
  const f = tf.cast(x, "float32");
  return tf.where(tf.less(f, 0), tf.add(f, U32), f);
};

const castKernel: KernelSpec<"cast"> = {
  primitive: "cast",
  run: ([x], p, [inp]) => {
    const from = (inp as KernelArg).dtype;
    const to = p.dtype;
    const t = x as TfTensor;
    if (to === "bool") return tf.notEqual(t, tf.zerosLike(t));
    if (from === to || (isF(from) && isF(to))) return t;
    if (from === "uint32" && isF(to)) return u32ToFloat(t);
    if (from === "uint32" || to === "uint32") return from === "bool" ? tf.cast(t, "int32") : null;
    if (to === "int32" && isF(from)) return tf.cast(tf.mul(tf.sign(t), tf.floor(tf.abs(t))), "int32");
    return tf.cast(t, to === "int32" ? "int32" : "float32");
  },
};

const reduce = <P extends "reduceSum" | "reduceMax" | "reduceMin" | "reduceProd">(
  p: P,
  f: (x: TfTensor, axes: number[], keep: boolean) => TfTensor,
): KernelSpec<P> => ({
  primitive: p,
  run: ([x], { axes, keepDims }, [inp]) => {
    const d = (inp as KernelArg).dtype;
    if (d === "uint32" || (d === "bool" && p !== "reduceSum")) return null;
    const t = d === "bool" ? tf.cast(x as TfTensor, "int32") : (x as TfTensor);
    if (axes.length === 0) return t;
    return f(t, axes, keepDims);
  },
});

/** float32 sums over more than this many elements are split into blocks of this size (see {@link blockedSum}). */
export const SUM_BLOCK = 128;

/**
 * `tf.sum` in float32 by blocks on the CPU and wasm backends: the reduced elements are summed in blocks of {@link SUM_BLOCK}, then the block
 * sums in blocks, and so on (a pairwise summation with wide leaves). tfjs's CPU/wasm kernels accumulate
 * sequentially in float32, so 3·10⁷ ones summed to 16,777,216 (2²⁴, where adding 1 stops changing the sum)
 * and 10⁶ × 0.1 to 100,958; blocked, the error grows with log N instead of N.
 */
export function blockedSum(t: TfTensor, axes: number[], keepDims: boolean): TfTensor {
  const shape = t.shape;
  const n = axes.reduce((a, ax) => a * shape[ax], 1);
  // WebGPU reduces in workgroup trees already; the CPU and wasm kernels loop sequentially.
  const sequential = tf.getBackend() === "wasm" || tf.getBackend() === "cpu";
  if (t.dtype !== "float32" || n <= SUM_BLOCK || !sequential) return tf.sum(t, axes, keepDims);
  return tf.tidy(() => {
    const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...kept, ...axes];
    const moved = perm.every((p, i) => p === i) ? t : tf.transpose(t, perm);
    const outer = kept.reduce((a, i) => a * shape[i], 1);
    let cur: TfTensor = tf.reshape(moved, [outer, n]);
    let len = n;
    while (len > SUM_BLOCK) {
      const m = Math.ceil(len / SUM_BLOCK);
      const padded =
        m * SUM_BLOCK === len
          ? cur
          : tf.pad(cur, [
              [0, 0],
              [0, m * SUM_BLOCK - len],
            ]);
      cur = tf.sum(tf.reshape(padded, [outer, m, SUM_BLOCK]), 2);
      len = m;
    }
    const out = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((i) => shape[i]);
    return tf.reshape(tf.sum(cur, 1), out);
  });
}

const arg = <P extends "argmax" | "argmin">(
  p: P,
  f: (x: TfTensor, axis: number) => TfTensor,
): KernelSpec<P> => ({
  primitive: p,
  run: ([x], { axis, keepDims }, [inp]) => {
    const d = (inp as KernelArg).dtype;
    if (d === "uint32") return null;
    const r = f(d === "bool" ? tf.cast(x as TfTensor, "int32") : (x as TfTensor), axis);
    return keepDims ? tf.expandDims(r, axis) : r;
  },
});

/** scatterAdd via tf.scatterND (duplicates summed): move `axis` to the front, scatter rows, move it back. */
const scatterAddKernel: KernelSpec<"scatterAdd"> = {
  primitive: "scatterAdd",
  run: ([o, idx, u], { axis }, ins) => {
    const d = (ins[0] as KernelArg).dtype;
    if (!isF(d) && d !== "int32") return null;
    const op = o as TfTensor;
    const r = op.rank;
    const k = (idx as TfTensor).rank;
    const perm = [axis, ...Array.from({ length: r }, (_, i) => i).filter((i) => i !== axis)];
    const ot = tf.transpose(op, perm);
    const uperm = [
      ...Array.from({ length: k }, (_, i) => axis + i),
      ...Array.from({ length: axis }, (_, i) => i),
      ...Array.from({ length: r - 1 - axis }, (_, i) => axis + k + i),
    ];
    const ut = tf.transpose(u as TfTensor, uperm);
    const n = (idx as TfTensor).size;
    const rows = tf.reshape(ut, [n, ...ot.shape.slice(1)]);
    const flatIdx = tf.reshape(tf.cast(idx as TfTensor, "int32"), [n, 1]);
    const summed = tf.add(ot, tf.scatterND(flatIdx, rows, ot.shape));
    const inv = perm.map((_, i) => perm.indexOf(i));
    return tf.transpose(summed, inv);
  },
};

const divKernel: KernelSpec<"div"> = {
  primitive: "div",
  run: ([a, b], _p, [ia]) => {
    const d = (ia as KernelArg).dtype;
    if (isF(d)) return tf.div(a as TfTensor, b as TfTensor);
    if (d !== "int32") return null;
    const q = tf.div(toF(a as TfTensor), toF(b as TfTensor));
    return tf.cast(tf.mul(tf.sign(q), tf.floor(tf.abs(q))), "int32");
  },
};

const identity: Unary = (x) => x;
const k = <P extends PrimitiveName>(primitive: P, run: KernelSpec<P>["run"]): KernelSpec<P> => ({
  primitive,
  run,
});

/** Every natively supported primitive, sorted by name. */
export const kernels: readonly KernelSpec[] = [
  sameUnary("abs", tf.abs, tf.abs),
  binary("add", tf.add),
  arg("argmax", tf.argMax),
  arg("argmin", tf.argMin),
  k("broadcastTo", ([x], p) => tf.broadcastTo(x as TfTensor, p.shape)),
  castKernel,
  sameUnary("ceil", tf.ceil, identity),
  k("concatenate", (xs, p) => (xs.length === 1 ? (xs[0] as TfTensor) : tf.concat(xs, p.axis))),
  floatUnary("cos", tf.cos),
  k("cumsum", ([x], p, [inp]) => {
    const d = (inp as KernelArg).dtype;
    if (d === "uint32") return null;
    return tf.cumsum(
      d === "bool" ? tf.cast(x as TfTensor, "int32") : (x as TfTensor),
      p.axis,
      false,
      p.reverse,
    );
  }),
  divKernel,
  binary("eq", tf.equal, true),
  floatUnary("erf", tf.erf),
  floatUnary("exp", tf.exp),
  floatUnary("expm1", tf.expm1),
  sameUnary("floor", tf.floor, identity),
  k("gather", ([x, i], p) => tf.gather(x as TfTensor, tf.cast(i as TfTensor, "int32"), p.axis)),
  compare("ge", tf.greaterEqual, (a, b) => tf.logicalNot(ltU32(a, b))),
  compare("gt", tf.greater, (a, b) => ltU32(b, a)),
  k("isfinite", ([x], _p, [i]) =>
    isF((i as KernelArg).dtype) ? tf.isFinite(x as TfTensor) : tf.onesLike(x as TfTensor),
  ),
  k("isnan", ([x], _p, [i]) =>
    isF((i as KernelArg).dtype) ? tf.isNaN(x as TfTensor) : tf.zerosLike(x as TfTensor),
  ),
  compare("le", tf.lessEqual, (a, b) => tf.logicalNot(ltU32(b, a))),
  floatUnary("log", tf.log),
  floatUnary("log1p", tf.log1p),
  binary("logicalAnd", (a, b) => tf.logicalAnd(tf.cast(a, "bool"), tf.cast(b, "bool")), true),
  k("logicalNot", ([x]) => tf.logicalNot(tf.cast(x as TfTensor, "bool"))),
  binary("logicalOr", (a, b) => tf.logicalOr(tf.cast(a, "bool"), tf.cast(b, "bool")), true),
  floatUnary("logistic", tf.sigmoid),
  compare("lt", tf.less, ltU32),
  k("matmul", ([a, b], _p, [ia]) => {
    const d = (ia as KernelArg).dtype;
    if (!isF(d) && d !== "int32") return null;
    return tf.matMul(toF(a as TfTensor), toF(b as TfTensor));
  }),
  compare("maximum", tf.maximum, (a, b) => selectExact(ltU32(a, b), b, a)),
  compare("minimum", tf.minimum, (a, b) => selectExact(ltU32(a, b), a, b)),
  binary("mul", tf.mul),
  binary("ne", tf.notEqual, true),
  sameUnary("neg", tf.neg, tf.neg),
  k("pad", ([x], p) =>
    tf.pad(
      x as TfTensor,
      p.lo.map((l, i) => [l, p.hi[i] as number] as [number, number]),
    ),
  ),
  k("pow", ([a, b], _p, [ia]) =>
    isF((ia as KernelArg).dtype) ? tf.pow(a as TfTensor, b as TfTensor) : null,
  ),
  reduce("reduceMax", tf.max),
  reduce("reduceMin", tf.min),
  reduce("reduceProd", tf.prod),
  reduce("reduceSum", blockedSum),
  k("reshape", ([x], p) => tf.reshape(x as TfTensor, p.shape)),
  sameUnary("round", tf.round, identity),
  floatUnary("rsqrt", tf.rsqrt),
  scatterAddKernel,
  k("select", ([c, x, y], _p, ins) =>
    isF(ins[1]?.dtype as DType)
      ? tf.where(tf.cast(c as TfTensor, "bool"), x as TfTensor, y as TfTensor)
      : selectExact(c as TfTensor, x as TfTensor, y as TfTensor),
  ),
  sameUnary("sign", tf.sign, tf.sign),
  floatUnary("sin", tf.sin),
  k("slice", ([x], p) =>
    tf.slice(
      x as TfTensor,
      p.start,
      p.end.map((e, i) => e - (p.start[i] as number)),
    ),
  ),
  floatUnary("sqrt", tf.sqrt),
  k("stopGradient", ([x]) => x as TfTensor),
  binary("sub", tf.sub),
  floatUnary("tan", tf.tan),
  floatUnary("tanh", tf.tanh),
  k("transpose", ([x], p) => tf.transpose(x as TfTensor, p.perm)),
] as KernelSpec[];
