import { choleskyOfInverse } from "../multivariate/mvn.js";
import {
  add,
  asTensor,
  cholesky,
  diagEmbed,
  gammaSample,
  type Key,
  lgamma,
  mul,
  normal,
  reshape,
  splitKey,
  sqrt,
  sub,
  type Tensor,
  type TensorLike,
  asTensor as t,
  toFloat,
  trilMask,
} from "./ops.js";

/** Scale of a Wishart: one of `scaleMatrix`, `rateMatrix` (its inverse) or `scaleTril`. */
export type WishartScale =
  | { scaleMatrix: TensorLike; rateMatrix?: undefined; scaleTril?: undefined }
  | { rateMatrix: TensorLike; scaleMatrix?: undefined; scaleTril?: undefined }
  | { scaleTril: TensorLike; scaleMatrix?: undefined; rateMatrix?: undefined };

/** log Γ_p(a), the multivariate log-gamma function. */
export function mvlgamma(a: Tensor, p: number): Tensor {
  let r = mul(a, 0).add((p * (p - 1) * Math.log(Math.PI)) / 4);
  for (let j = 1; j <= p; j++) r = add(r, lgamma(add(a, (1 - j) / 2)));
  return r;
}

export function scaleTrilOf(s: WishartScale): Tensor {
  if (s.scaleTril !== undefined) return toFloat(asTensor(s.scaleTril));
  if (s.scaleMatrix !== undefined) return cholesky(toFloat(asTensor(s.scaleMatrix)));
  return choleskyOfInverse(toFloat(asTensor(s.rateMatrix!)));
}

/** Bartlett decomposition: lower-triangular A with Aᵢᵢ² ~ χ²(ν − i), Aᵢⱼ ~ N(0, 1) below. */
export function bartlett(key: Key, df: Tensor, shape: readonly number[], n: number): Tensor {
  const [k1, k2] = splitKey(key, 2) as [Key, Key];
  const dfs = sub(reshape(df, [...df.shape, 1]), t(Array.from({ length: n }, (_, i) => i)));
  const chi2 = mul(2, gammaSample(k1, mul(0.5, dfs), [...shape, n]));
  const z = mul(normal(k2, [...shape, n, n]), trilMask(n, -1));
  return add(z, diagEmbed(sqrt(chi2)));
}
