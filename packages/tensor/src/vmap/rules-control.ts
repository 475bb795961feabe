/**
 * Batching rules of the control-flow primitives (JAX's): the body programs are re-traced under a batch trace
 * with the batched inputs' batch axis first, and the primitive is bound again with the batched bodies.
 * - `scan`: a carry is batched when its initial value is, or when the body makes it so (found by iterating to
 *   a fixed point); batched xs and ys keep time first and the batch axis second.
 * - `cond`/`switchCase`: with an unbatched index the branches are batched (their outputs batched when any
 *   branch's is); with a batched index every branch runs on the whole batch and each slice selects its own.
 * - `whileLoop` (and `foriLoop` with traced bounds): with an unbatched predicate as `scan`; with a batched one
 *   the loop runs while any slice's predicate holds, and slices whose predicate is false keep their carry.
 */

import { evalProgram, maxVarId, traceBody } from "../control/body.js";
import type { Program, Var } from "../core/ir.js";
import type { Aval, CondParams, MultiPrimitive, ScanParams, WhileLoopParams } from "../core/primitive.js";
import type { Tensor } from "../core/tensor.js";
import { bindMulti } from "../core/trace.js";
import { cast } from "../primitives/cast.js";
import { eq } from "../primitives/eq.js";
import { gt } from "../primitives/gt.js";
import { maximum } from "../primitives/maximum.js";
import { minimum } from "../primitives/minimum.js";
import { sum } from "../primitives/reduce-sum.js";
import { where } from "../primitives/select.js";
import { batchAt, broadcastToShape, moveAxis, reshapeTo } from "./axes.js";
import { endBatch, startBatch } from "./batch-trace.js";
import { type MultiBatchingRule, registerMultiBatchingRule } from "./rules.js";

/** Runs `program` on values with batch axes `dims` under a fresh batch trace: outputs and their batch axes. */
function evalBatched(
  program: Program,
  vals: readonly Tensor[],
  dims: readonly (number | null)[],
  size: number,
): [Tensor[], (number | null)[]] {
  const t = startBatch(size);
  try {
    const outs = evalProgram(
      program,
      vals.map((v, i) => t.wrap(v, dims[i] ?? null)),
    ).map((o) => t.unwrap(o));
    return [outs.map((o) => o[0]), outs.map((o) => o[1])];
  } finally {
    endBatch(t);
  }
}

const batchedAval = (a: Aval, batched: boolean, size: number): Aval =>
  batched ? { shape: [size, ...a.shape], dtype: a.dtype } : a;

/** A program re-traced with its batched inputs (batch axis first), and which outputs come out batched. */
interface BatchedProgram {
  program: Program;
  captured: Tensor[];
  outBatched: boolean[];
}

/**
 * Traces `program` with inputs `inBatched` carrying a leading batch axis; outputs batched by the body, or listed
 * in `force`, come out with a leading batch axis.
 */
function batchProgram(
  where: string,
  program: Program,
  inBatched: readonly boolean[],
  size: number,
  force: readonly boolean[] = [],
): BatchedProgram {
  const outBatched: boolean[] = [];
  const avals = program.inputs.map((v, i) => batchedAval(v, inBatched[i] === true, size));
  const tb = traceBody(where, avals, (ins) => {
    const [outs, dims] = evalBatched(
      program,
      ins,
      ins.map((_, i) => (inBatched[i] === true ? 0 : null)),
      size,
    );
    return outs.map((o, k) => {
      const d = dims[k] ?? null;
      const b = d !== null || force[k] === true;
      outBatched.push(b);
      return b ? batchAt(o, d, 0, size) : o;
    });
  });
  return { program: tb.program, captured: tb.captured, outBatched };
}

/** Iterates the carries' batchedness through `trace` to a fixed point; returns the last consistent trace. */
function fixCarry(
  initial: readonly boolean[],
  trace: (carry: readonly boolean[]) => BatchedProgram,
  carryOut: (b: BatchedProgram) => boolean[],
): { carry: boolean[]; res: BatchedProgram } {
  let carry = [...initial];
  for (;;) {
    const res = trace(carry);
    const out = carryOut(res);
    const next = carry.map((b, i) => b || out[i] === true);
    if (next.every((b, i) => b === carry[i])) return { carry, res };
    carry = next;
  }
}

const scanRule: MultiBatchingRule<"scan"> = (prim, vals, dims, p, size) => {
  const nc = p.numConsts;
  const nh = p.numCarry;
  const inB = dims.map((d) => d !== null);
  const ny = p.body.outputs.length - nh;
  const { carry, res } = fixCarry(
    inB.slice(nc, nc + nh),
    (c) =>
      batchProgram(
        `${p.name} body (vmap)`,
        p.body,
        [...inB.slice(0, nc), ...c, ...inB.slice(nc + nh)],
        size,
        [...c, ...new Array<boolean>(ny).fill(false)],
      ),
    (r) => r.outBatched.slice(0, nh),
  );
  const ins = vals.map((v, i) => {
    const d = dims[i] ?? null;
    if (i < nc) return d === null ? v : moveAxis(v, d, 0);
    if (i < nc + nh) return carry[i - nc] ? batchAt(v, d, 0, size) : v;
    return d === null ? v : moveAxis(v, d, 1);
  });
  const params: ScanParams = { ...p, body: res.program, numConsts: res.captured.length + nc };
  const outs = bindMulti(prim as MultiPrimitive<"scan">, [...res.captured, ...ins], params);
  const outDims = outs.map((_, k) => (k < nh ? (carry[k] ? 0 : null) : res.outBatched[k] ? 1 : null));
  return [outs, outDims];
};

/** Branch programs with one shared list of captured inputs (`captured`), then the operands. */
function shareCaptures(traced: readonly BatchedProgram[]): { branches: Program[]; captured: Tensor[] } {
  const captured: Tensor[] = [];
  for (const t of traced) for (const c of t.captured) if (!captured.includes(c)) captured.push(c);
  const branches = traced.map((t) => {
    const own = t.program.inputs.slice(0, t.captured.length);
    let next = maxVarId(t.program) + 1;
    const shared: Var[] = captured.map((c) => {
      const j = t.captured.indexOf(c);
      return j >= 0 ? (own[j] as Var) : { id: next++, shape: [...c.shape], dtype: c.dtype };
    });
    return { ...t.program, inputs: [...shared, ...t.program.inputs.slice(t.captured.length)] };
  });
  return { branches, captured };
}

const condRule: MultiBatchingRule<"cond"> = (prim, vals, dims, p, size) => {
  const n = p.branches.length;
  const opB = dims.slice(1).map((d) => d !== null);
  const ops = vals.slice(1);
  const opDims = dims.slice(1);
  const idxDim = dims[0] ?? null;
  if (idxDim === null) {
    const trace = (force: readonly boolean[]) =>
      p.branches.map((br, k) => batchProgram(`${p.name} branch ${k} (vmap)`, br, opB, size, force));
    let traced = trace([]);
    const union = (traced[0] as BatchedProgram).outBatched.map((_, j) => traced.some((t) => t.outBatched[j]));
    if (traced.some((t) => t.outBatched.some((b, j) => b !== union[j]))) traced = trace(union);
    const { branches, captured } = shareCaptures(traced);
    const ins = ops.map((v, i) => {
      const d = opDims[i] ?? null;
      return d === null ? v : moveAxis(v, d, 0);
    });
    const params: CondParams = { ...p, branches };
    const outs = bindMulti(prim as MultiPrimitive<"cond">, [vals[0] as Tensor, ...captured, ...ins], params);
    return [outs, union.map((b) => (b ? 0 : null))];
  }
  // A batched index: every branch on the whole batch, then each slice picks its branch's outputs.
  const results = p.branches.map((br) => {
    const [outs, ds] = evalBatched(br, ops, opDims, size);
    return outs.map((o, j) => batchAt(o, ds[j] ?? null, 0, size));
  });
  const idx = minimum(maximum(moveAxis(vals[0] as Tensor, idxDim, 0), 0), n - 1);
  const outs = (results[0] as Tensor[]).map((_, j) => {
    let acc = (results[n - 1] as Tensor[])[j] as Tensor;
    for (let k = n - 2; k >= 0; k--) {
      const o = (results[k] as Tensor[])[j] as Tensor;
      const pick = broadcastToShape(reshapeTo(eq(idx, k), [size, ...o.shape.slice(1).map(() => 1)]), o.shape);
      acc = where(pick, o, acc);
    }
    return acc;
  });
  return [outs, outs.map(() => 0)];
};

const whileRule: MultiBatchingRule<"whileLoop"> = (prim, vals, dims, p, size) => {
  const ncc = p.numCondConsts;
  const nbc = p.numBodyConsts;
  const inB = dims.map((d) => d !== null);
  const ccB = inB.slice(0, ncc);
  const bcB = inB.slice(ncc, ncc + nbc);
  const { carry } = fixCarry(
    inB.slice(ncc + nbc),
    (c) => batchProgram(`${p.name} body (vmap)`, p.body, [...bcB, ...c], size, c),
    (r) => r.outBatched,
  );
  const predTrace = batchProgram(`${p.name} cond (vmap)`, p.cond, [...ccB, ...carry], size);
  const at0 = (v: Tensor, i: number): Tensor => {
    const d = dims[i] ?? null;
    return d === null ? v : moveAxis(v, d, 0);
  };
  const cc = vals.slice(0, ncc).map((v, i) => at0(v, i));
  const bc = vals.slice(ncc, ncc + nbc).map((v, i) => at0(v, ncc + i));
  const carryVals = vals.slice(ncc + nbc);
  const carryDims = dims.slice(ncc + nbc);
  if (predTrace.outBatched[0] !== true) {
    const body = batchProgram(`${p.name} body (vmap)`, p.body, [...bcB, ...carry], size, carry);
    const ins = carryVals.map((v, i) => (carry[i] ? batchAt(v, carryDims[i] ?? null, 0, size) : v));
    const params: WhileLoopParams = {
      ...p,
      cond: predTrace.program,
      body: body.program,
      numCondConsts: predTrace.captured.length + ncc,
      numBodyConsts: body.captured.length + nbc,
    };
    const outs = bindMulti(
      prim as MultiPrimitive<"whileLoop">,
      [...predTrace.captured, ...cc, ...body.captured, ...bc, ...ins],
      params,
    );
    return [outs, carry.map((b) => (b ? 0 : null))];
  }
  // A batched predicate: every carry is batched; run while any slice's predicate holds, freezing the others.
  const carryAvals = p.body.inputs.slice(nbc).map((v) => batchedAval(v, true, size));
  const ccAvals = p.cond.inputs.slice(0, ncc).map((v, i) => batchedAval(v, ccB[i] === true, size));
  const bcAvals = p.body.inputs.slice(0, nbc).map((v, i) => batchedAval(v, bcB[i] === true, size));
  const predOf = (c: readonly Tensor[], h: readonly Tensor[]): Tensor => {
    const [[pr], [d]] = evalBatched(
      p.cond,
      [...c, ...h],
      [...ccB.map((b) => (b ? 0 : null)), ...h.map(() => 0)],
      size,
    );
    return batchAt(pr as Tensor, d ?? null, 0, size);
  };
  const anyCond = traceBody(`${p.name} cond (vmap)`, [...ccAvals, ...carryAvals], (ins) => [
    gt(sum(cast(predOf(ins.slice(0, ncc), ins.slice(ncc)), "float64")), 0),
  ]);
  const maskedBody = traceBody(`${p.name} body (vmap)`, [...ccAvals, ...bcAvals, ...carryAvals], (ins) => {
    const c = ins.slice(0, ncc);
    const b = ins.slice(ncc, ncc + nbc);
    const h = ins.slice(ncc + nbc);
    const pred = predOf(c, h);
    const [next, nd] = evalBatched(
      p.body,
      [...b, ...h],
      [...bcB.map((x) => (x ? 0 : null)), ...h.map(() => 0)],
      size,
    );
    return next.map((o, j) => {
      const old = h[j] as Tensor;
      const nv = batchAt(o, nd[j] ?? null, 0, size);
      const mask = broadcastToShape(reshapeTo(pred, [size, ...old.shape.slice(1).map(() => 1)]), old.shape);
      return where(mask, nv, old);
    });
  });
  const ins = carryVals.map((v, i) => batchAt(v, carryDims[i] ?? null, 0, size));
  const params: WhileLoopParams = {
    ...p,
    cond: anyCond.program,
    body: maskedBody.program,
    numCondConsts: anyCond.captured.length + ncc,
    numBodyConsts: maskedBody.captured.length + ncc + nbc,
  };
  const outs = bindMulti(
    prim as MultiPrimitive<"whileLoop">,
    [...anyCond.captured, ...cc, ...maskedBody.captured, ...cc, ...bc, ...ins],
    params,
  );
  return [outs, outs.map(() => 0)];
};

/** Registers the control-flow rules (called once by `./register.js`). */
export function registerControlRules(): void {
  registerMultiBatchingRule("scan", scanRule);
  registerMultiBatchingRule("cond", condRule);
  registerMultiBatchingRule("whileLoop", whileRule);
}
