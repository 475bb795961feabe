import { cos, div, sin, type Tensor, type TensorLike } from "./ops.js";

/** tan(x) = sin(x)/cos(x). */
export const tan = (x: TensorLike): Tensor => div(sin(x), cos(x));
