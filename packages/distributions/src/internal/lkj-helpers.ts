import { add, betaln, mul, type Tensor } from "./ops.js";

/** −log of the LKJ normaliser (Lewandowski, Kurowicka & Joe 2009, eq. 16), per batch element. */
export function lkjLogNormaliser(d: number, eta: Tensor): Tensor {
  let total = mul(eta, 0);
  for (let i = 1; i < d; i++) {
    const b = add(eta, (d - 1 - i) / 2);
    const powTwo = mul(add(mul(2, eta), d - i - 2), (d - i) * Math.LN2);
    total = add(total, add(powTwo, mul(d - i, betaln(b, b))));
  }
  return total;
}

export const identity = (n: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
