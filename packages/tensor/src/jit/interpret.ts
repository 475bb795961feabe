/**
 * The IR interpreter: runs a {@link Program} equation by equation through the primitives' reference
 * kernels. It defines the semantics that compiled code must match, runs `jit` programs where no compiler
 * is registered or `new Function` is forbidden (strict CSP), and is the oracle in the compiler's tests.
 */
import { allocate, type DType, type TypedArray } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { type Atom, isLiteral, type Program } from "../core/ir.js";
import {
  type CondParams,
  getMultiPrimitive,
  getPrimitive,
  type KernelArg,
  type PrimitiveName,
  type ScanParams,
  type WhileLoopParams,
} from "../core/primitive.js";

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A one-element typed array holding `v` as dtype `d`. */
export function scalarArray(v: number, d: DType): TypedArray {
  const a = allocate(d, 1);
  a[0] = v;
  return a;
}

/**
 * Runs one primitive's reference kernel on typed arrays.
 * @returns the output typed array (shape `shape`, dtype `dtype`).
 */
export function runKernel(
  primitive: PrimitiveName,
  inputs: readonly KernelArg[],
  params: unknown,
  shape: readonly number[],
  dtype: DType,
): TypedArray {
  const prim = getPrimitive(primitive);
  return prim.kernel(inputs, params as never, shape, dtype);
}

/**
 * Evaluates `program` on typed arrays, one per program input (flattened pytree leaves, in order).
 * @param program - the IR program.
 * @param inputs - one typed array per `program.inputs[i]`, of its size and dtype.
 * @returns one typed array per program output.
 * @throws ShapeError when an input has the wrong number of elements; MissingRuleError for an unknown
 *   primitive.
 * @example
 * const { program } = makeProgram((x) => x.mul(2), [{ shape: [2], dtype: "float64" }]);
 * interpretProgram(program, [new Float64Array([1, 2])]); // → [Float64Array [2, 4]]
 */
export function interpretProgram(program: Program, inputs: readonly TypedArray[]): TypedArray[] {
  if (inputs.length !== program.inputs.length)
    throw new ShapeError(
      "interpret-arity",
      `interpretProgram: the program takes ${program.inputs.length} inputs, got ${inputs.length}.`,
    );
  const env = new Map<number, TypedArray>();
  program.inputs.forEach((v, k) => {
    const a = inputs[k] as TypedArray;
    if (a.length !== sizeOf(v.shape))
      throw new ShapeError(
        "interpret-input-size",
        `interpretProgram: input ${k} should have ${sizeOf(v.shape)} elements (shape [${v.shape.join(", ")}]), got ${a.length}.`,
      );
    env.set(v.id, a);
  });
  for (const c of program.constants) env.set(c.v.id, c.value);
  const read = (a: Atom): KernelArg =>
    isLiteral(a)
      ? { shape: [], dtype: a.dtype, buf: scalarArray(a.literal, a.dtype) }
      : { shape: a.shape, dtype: a.dtype, buf: env.get(a.id) };
  for (const e of program.eqns) {
    const args = e.inputs.map(read);
    if (getMultiPrimitive(e.primitive) !== undefined) {
      const outs = interpretMulti(e.primitive, args, e.params);
      e.outputs.forEach((o, k) => {
        env.set(o.id, (outs[k] as InterpretedValue).data);
      });
      continue;
    }
    for (const o of e.outputs) {
      const out = runKernel(e.primitive, args, e.params, o.shape, o.dtype);
      env.set(o.id, out);
    }
  }
  return program.outputs.map((o) =>
    isLiteral(o) ? scalarArray(o.literal, o.dtype) : (env.get(o.id) as TypedArray),
  );
}

/** A typed array with its shape and dtype (a result of {@link interpretMulti}). */
export interface InterpretedValue {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

const atomAval = (a: Atom): { shape: readonly number[]; dtype: DType } =>
  isLiteral(a) ? { shape: [], dtype: a.dtype } : a;

/**
 * Runs a control-flow primitive (`scan`, `cond`, `whileLoop`) on typed arrays: its body programs go through
 * {@link interpretProgram} once per step.
 * @param name - the primitive.
 * @param args - its inputs (typed-array buffers with shapes and dtypes).
 * @param params - its params.
 */
export function interpretMulti(
  name: string,
  args: readonly KernelArg[],
  params: unknown,
): InterpretedValue[] {
  const bufs = args.map((a) => a.buf as TypedArray);
  if (name === "scan") return interpretScan(bufs, params as ScanParams);
  if (name === "cond") {
    const p = params as CondParams;
    const n = p.branches.length;
    const i = Math.min(Math.max(Math.trunc((bufs[0] as TypedArray)[0] as number), 0), n - 1);
    const br = p.branches[i] as Program;
    return interpretProgram(br, bufs.slice(1)).map((data, k) => ({
      data,
      ...atomAval(br.outputs[k] as Atom),
    }));
  }
  if (name === "whileLoop") {
    const p = params as WhileLoopParams;
    const cc = bufs.slice(0, p.numCondConsts);
    const bc = bufs.slice(p.numCondConsts, p.numCondConsts + p.numBodyConsts);
    let carry = bufs.slice(p.numCondConsts + p.numBodyConsts);
    while ((interpretProgram(p.cond, [...cc, ...carry])[0] as TypedArray)[0] !== 0)
      carry = interpretProgram(p.body, [...bc, ...carry]);
    return carry.map((data, k) => ({ data, ...atomAval(p.body.outputs[k] as Atom) }));
  }
  throw new ShapeError("unknown-control-flow", `interpretMulti: "${name}" is not a control-flow primitive.`);
}

function interpretScan(bufs: readonly TypedArray[], p: ScanParams): InterpretedValue[] {
  const nc = p.numConsts;
  const nh = p.numCarry;
  const T = p.length;
  const consts = bufs.slice(0, nc);
  let carry = bufs.slice(nc, nc + nh);
  const xs = bufs.slice(nc + nh);
  const body = p.body;
  const xSizes = body.inputs.slice(nc + nh).map((v) => sizeOf(v.shape));
  const outAvals = body.outputs.map(atomAval);
  const ys = outAvals.slice(nh).map((a) => allocate(a.dtype, T * sizeOf(a.shape)));
  const ySizes = outAvals.slice(nh).map((a) => sizeOf(a.shape));
  for (let s = 0; s < T; s++) {
    const t = p.reverse ? T - 1 - s : s;
    const xt = xs.map((x, j) => {
      const m = xSizes[j] as number;
      return x.length === m * T ? x.subarray(t * m, (t + 1) * m) : x; // a broadcast literal operand
    });
    const outs = interpretProgram(body, [...consts, ...carry, ...xt]);
    carry = outs.slice(0, nh);
    for (let j = 0; j < ys.length; j++)
      (ys[j] as TypedArray).set(outs[nh + j] as TypedArray, t * (ySizes[j] as number));
  }
  return [
    ...carry.map((data, k) => ({ data, ...(outAvals[k] as { shape: readonly number[]; dtype: DType }) })),
    ...ys.map((data, j) => {
      const a = outAvals[nh + j] as { shape: readonly number[]; dtype: DType };
      return { data, shape: [T, ...a.shape], dtype: a.dtype };
    }),
  ];
}
