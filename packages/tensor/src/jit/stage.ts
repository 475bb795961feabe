/** Staging helpers shared by `jit` and the compilers: value-and-gradient programs of flat-vector functions. */
import { valueAndGrad } from "../autodiff/grad.js";
import type { DType } from "../core/dtype.js";
import type { Program } from "../core/ir.js";
import { makeProgram } from "../core/staging.js";
import type { Tensor } from "../core/tensor.js";

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
