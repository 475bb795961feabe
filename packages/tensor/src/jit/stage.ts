/** Staging helpers shared by `jit` and the compilers: value-and-gradient programs of flat-vector functions. */
import { valueAndGrad } from "../autodiff/grad.js";
import { evalProgram } from "../control/body.js";
import type { DType } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import type { Program } from "../core/ir.js";
import { makeProgram } from "../core/staging.js";
import type { Tensor } from "../core/tensor.js";
import { vmap } from "../vmap/vmap.js";

/** Shape and dtype of an abstract input. */
export interface AbstractInput {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * Traces the value and gradient of `f(z, ...extra)` with respect to `z` (float64, shape `[dim]`) into one
 * program whose inputs are `z` then the extra inputs and whose outputs are the value (shape `[]`) and the
 * gradient (shape `[dim]`). A one-element result of any shape is reshaped to a scalar.
 * @throws ConcretizationError (unchanged) when `f` reads a traced value; ShapeError when `f` does not return
 *   one element.
 * @example
 * stageValueAndGrad((z) => z.square().sum(), 3).outputs.length; // → 2
 */
export function stageValueAndGrad(
  f: (z: Tensor, ...extra: Tensor[]) => Tensor,
  dim: number,
  extraInputs: readonly AbstractInput[] = [],
): Program {
  const scalar = (z: Tensor, ...ex: Tensor[]): Tensor => {
    const v = f(z, ...ex);
    return v.shape.length > 0 && v.size === 1 ? v.reshape([]) : v;
  };
  const avals = [
    { shape: [dim], dtype: "float64" as DType },
    ...extraInputs.map((e) => ({ shape: [...e.shape], dtype: e.dtype })),
  ];
  const { program } = makeProgram(
    (z: Tensor, ...ex: Tensor[]) => valueAndGrad((zz: Tensor) => scalar(zz, ...ex))(z),
    avals,
  );
  return program;
}

/**
 * The program that runs `program` on a batch of `batchSize` inputs at once: `program` replayed under
 * {@link vmap}, staged again. Input k gains a leading axis of length `batchSize` when `mapped[k]` is true
 * (default: every input mapped) and is shared by the whole batch otherwise; every output gains a leading
 * axis. Row i of each output is what `program` computes on row i of the mapped inputs: what vectorized MCMC
 * chains use to evaluate every chain's potential and gradient in one compiled call.
 * @throws ShapeError when `batchSize` is not a positive integer or `mapped` has the wrong length.
 * @example
 * const { program } = makeProgram((x) => x.mul(x).sum(), [{ shape: [3], dtype: "float64" }]);
 * batchProgram(program, 4).outputs[0].shape; // → [4]
 */
export function batchProgram(program: Program, batchSize: number, mapped?: readonly boolean[]): Program {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ShapeError(
      "batch-program-size",
      `batchProgram: batchSize must be a positive integer, got ${batchSize}.`,
    );
  const m = mapped ?? program.inputs.map(() => true);
  if (m.length !== program.inputs.length)
    throw new ShapeError(
      "batch-program-mapped",
      `batchProgram: mapped has ${m.length} entries but the program takes ${program.inputs.length} inputs.`,
    );
  const avals = program.inputs.map((v, k) => ({
    shape: m[k] ? [batchSize, ...v.shape] : [...v.shape],
    dtype: v.dtype,
  }));
  const inAxes = m.map((b) => (b ? 0 : null));
  const { program: batched } = makeProgram(
    (...xs: Tensor[]) =>
      vmap((...ys: Tensor[]) => evalProgram(program, ys), { inAxes, axisSize: batchSize })(...xs),
    avals,
  );
  return batched;
}
