/**
 * The batching interpreter behind {@link vmap}: a trace whose tracers carry a value with one extra axis (the
 * batch axis, at position `bdim`) and stand for each slice along it. Every primitive application with a
 * tracer of this trace among its inputs goes through the primitive's batching rule (`./rules.js`), which
 * re-binds ordinary primitives on the batched values, so the trace stacks with autodiff tapes, the staging
 * tracer (jit) and other batch traces (nested vmap), in any order.
 */
import { MissingRuleError } from "../core/errors.js";
import type {
  MultiPrimitive,
  MultiPrimitiveName,
  Primitive,
  PrimitiveName,
  PrimitiveParams,
} from "../core/primitive.js";
import { Tensor } from "../core/tensor.js";
import { bind, bindMulti, popTrace, pushTrace, stackDepth, type Trace } from "../core/trace.js";
import { getBatchingRule, getMultiBatchingRule } from "./rules.js";

/** A tracer of a {@link BatchTrace}: `val` holds every slice, stacked along axis `bdim`. */
export class BatchTracer extends Tensor {
  /** @internal The batched value (one more axis than `shape`). */
  readonly val: Tensor;
  /** @internal Position of the batch axis in `val`. */
  readonly bdim: number;
  constructor(trace: BatchTrace, val: Tensor, bdim: number) {
    const shape = val.shape.slice();
    shape.splice(bdim, 1);
    super(shape, val.dtype, null, null, trace);
    this.val = val;
    this.bdim = bdim;
  }
}

/** The vmap interpreter for one mapped axis of length `size`. */
export class BatchTrace implements Trace {
  readonly level: number;
  /** Length of the mapped axis. */
  readonly size: number;
  constructor(level: number, size: number) {
    this.level = level;
    this.size = size;
  }

  /** Wraps a batched value (batch axis at `bdim`) as a tracer; `bdim === null` returns the value itself. */
  wrap(val: Tensor, bdim: number | null): Tensor {
    return bdim === null ? val : new BatchTracer(this, val, bdim);
  }

  /** The batched value and batch axis of `x` (`null` when `x` is not a tracer of this trace). */
  unwrap(x: Tensor): [Tensor, number | null] {
    return x._trace === this ? [(x as BatchTracer).val, (x as BatchTracer).bdim] : [x, null];
  }

  process<P extends PrimitiveName>(
    prim: Primitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor {
    const vals = new Array<Tensor>(inputs.length);
    const dims = new Array<number | null>(inputs.length);
    let any = false;
    for (let i = 0; i < inputs.length; i++) {
      const [v, d] = this.unwrap(inputs[i] as Tensor);
      vals[i] = v;
      dims[i] = d;
      if (d !== null) any = true;
    }
    if (!any) return bind(prim, vals, params);
    const rule = getBatchingRule(prim.name);
    if (rule === undefined)
      throw new MissingRuleError(
        "missing-batching-rule",
        `vmap: primitive "${prim.name}" has no batching rule, so it cannot run under vmap. ` +
          "Register one with registerBatchingRule, or call the function in a loop.",
      );
    const [out, bdim] = rule(prim as unknown as Primitive, vals, dims, params as never, this.size);
    return this.wrap(out, bdim);
  }

  processMulti<P extends MultiPrimitiveName>(
    prim: MultiPrimitive<P>,
    inputs: readonly Tensor[],
    params: PrimitiveParams[P],
  ): Tensor[] {
    const vals = inputs.map((x) => this.unwrap(x)[0]);
    const dims = inputs.map((x) => this.unwrap(x)[1]);
    if (dims.every((d) => d === null)) return bindMulti(prim, vals, params);
    const rule = getMultiBatchingRule(prim.name);
    if (rule === undefined)
      throw new MissingRuleError(
        "missing-batching-rule",
        `vmap: primitive "${prim.name}" has no batching rule, so it cannot run under vmap. ` +
          "Register one with registerMultiBatchingRule, or call the function in a loop.",
      );
    const [outs, outDims] = rule(prim as unknown as MultiPrimitive, vals, dims, params as never, this.size);
    return outs.map((o, i) => this.wrap(o, outDims[i] ?? null));
  }
}

/** Pushes a new batch trace for an axis of length `size` on the interpreter stack. */
export function startBatch(size: number): BatchTrace {
  const t = new BatchTrace(stackDepth(), size);
  pushTrace(t);
  return t;
}

/** Removes the batch trace from the stack. */
export function endBatch(t: BatchTrace): void {
  popTrace(t);
}
