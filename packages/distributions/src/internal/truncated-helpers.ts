import type { Distribution } from "../distribution.js";
import type { Tensor, TensorLike } from "./ops.js";

/** Truncation bounds; omit one for a one-sided truncation. */
export interface TruncationBounds {
  low?: TensorLike;
  high?: TensorLike;
}

export interface SymmetricBase extends Distribution {
  loc: Tensor;
}

export const hasLoc = (d: Distribution): d is SymmetricBase =>
  (d as Partial<SymmetricBase>).loc !== undefined;

export const SYMMETRIC = new Set(["Normal", "Cauchy", "Laplace", "Logistic", "SoftLaplace", "StudentT"]);
