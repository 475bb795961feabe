/**
 * Batching rules of the elementwise primitives: unary ones (and `cast`, `polygamma`) keep the batch axis where it
 * is; binary ones and `select` line every input up on the first batched input's axis, repeating unbatched inputs
 * along it (binary primitives take operands of identical shapes).
 */
import type { PrimitiveName } from "../core/primitive.js";
import type { Tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { batchAt } from "./axes.js";
import { type BatchingRule, registerBatchingRule } from "./rules.js";

/** Primitives of one input whose output has the input's shape. */
export const UNARY: readonly PrimitiveName[] = [
  "neg",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "sin",
  "cos",
  "tan",
  "tanh",
  "logistic",
  "abs",
  "sign",
  "floor",
  "ceil",
  "round",
  "lgamma",
  "digamma",
  "erf",
  "erfc",
  "ndtri",
  "isnan",
  "isfinite",
  "logicalNot",
  "stopGradient",
  "polygamma",
  "cast",
];

/** Elementwise primitives of several inputs of identical shape. */
export const NARY: readonly PrimitiveName[] = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "lt",
  "le",
  "gt",
  "ge",
  "eq",
  "ne",
  "logicalAnd",
  "logicalOr",
  "select",
];

const unaryRule: BatchingRule = (prim, [x], [d], params) => [bind(prim, [x as Tensor], params), d ?? null];

const naryRule: BatchingRule = (prim, vals, dims, params, size) => {
  const d = dims.find((x) => x !== null) as number;
  const ins = vals.map((v, i) => batchAt(v, dims[i] as number | null, d, size));
  return [bind(prim, ins, params), d];
};

/** Registers the elementwise rules (called once by `./register.js`). */
export function registerElementwiseRules(): void {
  for (const name of UNARY) registerBatchingRule(name, unaryRule);
  for (const name of NARY) registerBatchingRule(name, naryRule);
}
