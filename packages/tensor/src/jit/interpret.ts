/**
 * The IR interpreter: runs a {@link Program} equation by equation through the primitives' reference
 * kernels. It defines the semantics that compiled code must match, runs `jit` programs where no compiler
 * is registered or `new Function` is forbidden (strict CSP), and is the oracle in the compiler's tests.
 */
import { allocate, type DType, type TypedArray } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { type Atom, isLiteral, type Program } from "../core/ir.js";
import { getPrimitive, type KernelArg, type PrimitiveName } from "../core/primitive.js";

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
    for (const o of e.outputs) {
      const out = runKernel(e.primitive, args, e.params, o.shape, o.dtype);
      env.set(o.id, out);
    }
  }
  return program.outputs.map((o) =>
    isLiteral(o) ? scalarArray(o.literal, o.dtype) : (env.get(o.id) as TypedArray),
  );
}
