import * as T from "./src/index.js";
import type { Tensor } from "./src/index.js";
const f = (h0: Tensor, xs: Tensor): Tensor[] => {
  const [h, ys] = T.scan((h: Tensor, x: Tensor) => { const hn = T.tanh(T.add(T.mul(h, 0.9), x)); return [hn, T.sum(T.square(hn))] as [Tensor, Tensor]; }, h0, xs);
  return [h, ys];
};
const { program } = T.makeProgram(T.vmap(f) as never, [{ shape: [3, 2], dtype: "float64" }, { shape: [3, 5, 2], dtype: "float64" }]);
const s = T.simplify(program);
console.log(T.printProgram(s));
const { program: p2 } = T.makeProgram(f as never, [{ shape: [2], dtype: "float64" }, { shape: [5, 2], dtype: "float64" }]);
console.log(T.printProgram(T.simplify(p2)));
