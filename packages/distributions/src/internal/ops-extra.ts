import * as T from "@phlox/tensor";
import type { Tensor, TensorLike } from "./ops.js";

/** tan(x), the tensor primitive. */
export const tan = (x: TensorLike): Tensor => T.tan(x);
