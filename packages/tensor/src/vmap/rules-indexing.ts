/**
 * Batching rules of `gather` and `scatterAdd`. With unbatched indices the batch axis of the operand becomes one
 * more leading axis. With batched indices every slice gathers from (or scatters into) its own operand: the batch
 * axis and the indexed axis are merged into one axis of length `size · n`, and slice b's indices are offset by
 * `b · n` (an index outside `[-n, n)` is sent to `size · n`, which is out of range too, so it still fails).
 */
import type { Tensor } from "../core/tensor.js";
import { tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { add } from "../primitives/add.js";
import { gatherP } from "../primitives/gather.js";
import { ge } from "../primitives/ge.js";
import { logicalAnd } from "../primitives/logical-and.js";
import { lt } from "../primitives/lt.js";
import { scatterAddP } from "../primitives/scatter-add.js";
import { where } from "../primitives/select.js";
import { transposeP } from "../primitives/transpose.js";
import { batchAt, broadcastToShape, moveAxis, range, reshapeTo } from "./axes.js";
import { type BatchingRule, registerBatchingRule } from "./rules.js";

/** Indices `[size, ...I]` (batch axis first) into an axis of length n, made global for the merged axis. */
function flatIndices(idx: Tensor, n: number, size: number): Tensor {
  const norm = where(lt(idx, 0), add(idx, n), idx);
  const valid = logicalAnd(ge(norm, 0), lt(norm, n));
  const offsets = Int32Array.from({ length: size }, (_, b) => b * n);
  const off = broadcastToShape(
    reshapeTo(tensor(offsets), [size, ...new Array<number>(idx.shape.length - 1).fill(1)]),
    idx.shape,
  );
  return where(valid, add(norm, off), size * n);
}

/** The operand `[size, ...X]` with axis `axis` of X merged into the batch axis: `[size·n, ...X without axis]`. */
function mergeAxis(x: Tensor, axis: number, size: number): Tensor {
  const perm = [0, axis + 1, ...range(1, axis + 1), ...range(axis + 2, x.shape.length)];
  const t = bind(transposeP, [x], { perm });
  return reshapeTo(t, [size * (x.shape[axis + 1] as number), ...t.shape.slice(2)]);
}

const gatherRule: BatchingRule<"gather"> = (_prim, [x, idx], [dx, di], p, size) => {
  const xv = x as Tensor;
  const iv = idx as Tensor;
  if (di === null) return [bind(gatherP, [moveAxis(xv, dx as number, 0), iv], { axis: p.axis + 1 }), 0];
  const i0 = moveAxis(iv, di as number, 0);
  if (dx === null) return [bind(gatherP, [xv, i0], { axis: p.axis }), p.axis];
  const x0 = moveAxis(xv, dx, 0);
  const n = x0.shape[p.axis + 1] as number;
  const out = bind(gatherP, [mergeAxis(x0, p.axis, size), flatIndices(i0, n, size)], { axis: 0 });
  // out: [size, ...I, ...pre, ...post] → [size, ...pre, ...I, ...post]
  const ni = i0.shape.length - 1;
  const perm = [
    0,
    ...range(1 + ni, 1 + ni + p.axis),
    ...range(1, 1 + ni),
    ...range(1 + ni + p.axis, out.shape.length),
  ];
  return [bind(transposeP, [out], { perm }), 0];
};

const scatterAddRule: BatchingRule<"scatterAdd"> = (_prim, [x, idx, u], [dx, di, du], p, size) => {
  const x0 = batchAt(x as Tensor, dx as number | null, 0, size);
  const u0 = batchAt(u as Tensor, du as number | null, 0, size);
  if (di === null) return [bind(scatterAddP, [x0, idx as Tensor, u0], { axis: p.axis + 1 }), 0];
  const i0 = moveAxis(idx as Tensor, di as number, 0);
  const n = x0.shape[p.axis + 1] as number;
  const ni = i0.shape.length - 1;
  // updates: [size, ...pre, ...I, ...post] → [size, ...I, ...pre, ...post]
  const uperm = [
    0,
    ...range(1 + p.axis, 1 + p.axis + ni),
    ...range(1, 1 + p.axis),
    ...range(1 + p.axis + ni, u0.shape.length),
  ];
  const merged = mergeAxis(x0, p.axis, size);
  const out = bind(scatterAddP, [merged, flatIndices(i0, n, size), bind(transposeP, [u0], { perm: uperm })], {
    axis: 0,
  });
  // [size·n, ...rest] → [size, n, ...rest] → [size, ...X]
  const unmerged = reshapeTo(out, [size, n, ...out.shape.slice(1)]);
  const back = [0, ...range(2, 2 + p.axis), 1, ...range(2 + p.axis, unmerged.shape.length)];
  return [bind(transposeP, [unmerged], { perm: back }), 0];
};

/** Registers the indexing rules (called once by `./register.js`). */
export function registerIndexingRules(): void {
  registerBatchingRule("gather", gatherRule);
  registerBatchingRule("scatterAdd", scatterAddRule);
}
