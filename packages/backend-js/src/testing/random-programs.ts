/** Random tensor programs for the compiler's tests. */
import * as T from "@phlox/tensor";
import { type Tensor, tensor } from "@phlox/tensor";
import { seeded } from "./check.js";

/** A small deterministic generator of random tensor programs (fixed seeds: the test never changes). */
export function makeRandomProgram(seed: number): {
  f: (x: Tensor, y: Tensor) => Tensor[];
  x: Tensor;
  y: Tensor;
} {
  const u = seeded(seed, 200, 0, 1);
  let k = 0;
  const next = (): number => u[k++ % u.length] as number;
  const pick = <V>(xs: readonly V[]): V => xs[Math.floor(next() * xs.length)] as V;
  const n = pick([3, 5, 8]);
  const m = pick([2, 4]);
  const steps = 4 + Math.floor(next() * 8);
  const plan: number[] = [];
  for (let i = 0; i < steps * 4; i++) plan.push(next());
  const f = (x: Tensor, y: Tensor): Tensor[] => {
    let p = 0;
    const r = (): number => plan[p++ % plan.length] as number;
    const pool: Tensor[] = [x, y, T.sum(x), T.mul(y, 0.5)];
    const choose = (): Tensor => pool[Math.floor(r() * pool.length)] as Tensor;
    for (let s = 0; s < steps; s++) {
      const a = choose();
      const b = choose();
      const op = Math.floor(r() * 15);
      let out: Tensor;
      try {
        switch (op) {
          case 0:
            out = T.exp(T.tanh(a));
            break;
          case 1:
            out = T.add(a, b);
            break;
          case 2:
            out = T.mul(a, b);
            break;
          case 3:
            out = T.sub(T.sin(a), b);
            break;
          case 4:
            out = T.maximum(a, T.neg(b));
            break;
          case 5:
            out = T.sum(a);
            break;
          case 6:
            out = a.shape.length === 2 ? T.sum(a, 0) : T.sum(a);
            break;
          case 7:
            out = a.shape.length === 2 ? T.transpose(a) : T.reshape(a, [...a.shape, 1]);
            break;
          case 8:
            out =
              a.shape.length >= 1 && (a.shape[0] as number) > 1
                ? T.slice(a, [1], [a.shape[0] as number])
                : T.add(a, 1);
            break;
          case 9:
            out = a.shape.length === 1 ? T.pad(a, [1], [2]) : T.mul(a, 2);
            break;
          case 10:
            out = T.where(T.gt(a, 0), a, T.mul(a, 0.1));
            break;
          case 11:
            out = a.shape.length === 2 && (a.shape[1] as number) === n ? T.matmul(a, x) : T.square(a);
            break;
          case 12:
            out = T.log1p(T.square(a));
            break;
          case 13:
            out = a.shape.length === 1 ? T.concatenate([a, T.exp(a)]) : T.sqrt(T.add(T.square(a), 1));
            break;
          default:
            out =
              a.shape.length === 1 && (a.shape[0] as number) >= 3
                ? T.mul(T.take(a, tensor([2, 0, 0, 1, -1, 2], { dtype: "int32" })), 1.5)
                : T.cos(a);
        }
      } catch {
        out = T.neg(a); // shapes that do not broadcast: any valid op keeps the program going
      }
      pool.push(out);
    }
    return pool.slice(4);
  };
  return {
    f,
    x: tensor(seeded(seed + 1, n, -1.5, 1.5)),
    y: tensor(seeded(seed + 2, m * n, -1.5, 1.5)).reshape([m, n]),
  };
}
