/**
 * Batching rules of the reductions and the shape primitives: reductions, argmax/argmin, cumsum, slice and pad map
 * their axes past the batch axis and keep it where it is; reshape, broadcastTo, transpose and concatenate move it
 * to the front first.
 */
import type { PrimitiveParams } from "../core/primitive.js";
import type { Tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { broadcastToP } from "../primitives/broadcast-to.js";
import { concatenateP } from "../primitives/concatenate.js";
import { padP } from "../primitives/pad.js";
import { reshapeP } from "../primitives/reshape.js";
import { sliceP } from "../primitives/slice.js";
import { transposeP } from "../primitives/transpose.js";
import { batchAt, insertAt, moveAxis, physicalAxis, reshapeTo } from "./axes.js";
import { type BatchingRule, registerBatchingRule } from "./rules.js";

const reduceRule: BatchingRule<"reduceSum" | "reduceMax" | "reduceMin" | "reduceProd"> = (
  prim,
  [x],
  [d],
  p,
) => {
  const b = d as number;
  const axes = p.axes.map((a) => physicalAxis(a, b));
  const out = bind(prim, [x as Tensor], { axes, keepDims: p.keepDims } as never);
  return [out, p.keepDims ? b : b - p.axes.filter((a) => a < b).length];
};

const argRule: BatchingRule<"argmax" | "argmin"> = (prim, [x], [d], p) => {
  const b = d as number;
  const out = bind(prim, [x as Tensor], { axis: physicalAxis(p.axis, b), keepDims: p.keepDims } as never);
  return [out, p.keepDims || p.axis >= b ? b : b - 1];
};

const cumsumRule: BatchingRule<"cumsum"> = (prim, [x], [d], p) => {
  const b = d as number;
  return [bind(prim, [x as Tensor], { axis: physicalAxis(p.axis, b), reverse: p.reverse } as never), b];
};

const reshapeRule: BatchingRule<"reshape"> = (_prim, [x], [d], p, size) => [
  bind(reshapeP, [moveAxis(x as Tensor, d as number, 0)], { shape: [size, ...p.shape] }),
  0,
];

const broadcastRule: BatchingRule<"broadcastTo"> = (_prim, [x], [d], p, size) => {
  const v = moveAxis(x as Tensor, d as number, 0);
  const extra = p.shape.length - (v.shape.length - 1);
  const lifted = reshapeTo(v, [size, ...new Array<number>(Math.max(extra, 0)).fill(1), ...v.shape.slice(1)]);
  return [bind(broadcastToP, [lifted], { shape: [size, ...p.shape] }), 0];
};

const transposeRule: BatchingRule<"transpose"> = (_prim, [x], [d], p) => [
  bind(transposeP, [moveAxis(x as Tensor, d as number, 0)], { perm: [0, ...p.perm.map((a) => a + 1)] }),
  0,
];

const sliceRule: BatchingRule<"slice"> = (_prim, [x], [d], p, size) => {
  const b = d as number;
  return [bind(sliceP, [x as Tensor], { start: insertAt(p.start, b, 0), end: insertAt(p.end, b, size) }), b];
};

const padRule: BatchingRule<"pad"> = (_prim, [x], [d], p) => {
  const b = d as number;
  return [bind(padP, [x as Tensor], { lo: insertAt(p.lo, b, 0), hi: insertAt(p.hi, b, 0) }), b];
};

const concatenateRule: BatchingRule<"concatenate"> = (_prim, vals, dims, p, size) => {
  const ins = vals.map((v, i) => batchAt(v, dims[i] as number | null, 0, size));
  return [bind(concatenateP, ins, { axis: (p as PrimitiveParams["concatenate"]).axis + 1 }), 0];
};

/** Registers the reduction and shape rules (called once by `./register.js`). */
export function registerStructuralRules(): void {
  registerBatchingRule("reduceSum", reduceRule);
  registerBatchingRule("reduceMax", reduceRule);
  registerBatchingRule("reduceMin", reduceRule);
  registerBatchingRule("reduceProd", reduceRule);
  registerBatchingRule("argmax", argRule);
  registerBatchingRule("argmin", argRule);
  registerBatchingRule("cumsum", cumsumRule);
  registerBatchingRule("reshape", reshapeRule);
  registerBatchingRule("broadcastTo", broadcastRule);
  registerBatchingRule("transpose", transposeRule);
  registerBatchingRule("slice", sliceRule);
  registerBatchingRule("pad", padRule);
  registerBatchingRule("concatenate", concatenateRule);
}
