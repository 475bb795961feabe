import { grad, key, type Tensor, tensor } from "@phlox/tensor";
import { test } from "vitest";
import { Beta } from "./index.js";
test("probe", () => {
  const M = 4000;
  for (const [a, b] of [[2, 3], [0.7, 1.5], [5, 0.8]]) for (const seed of [3, 11]) {
  const k = key(seed);
  const f = (t: Tensor): Tensor => new Beta(t, b).rsample(k, [M]).square().sum().div(M);
  const g = (grad(f)(tensor(a)) as Tensor).item();
  const per = Array.from((grad((t: Tensor) => new Beta(t, b).rsample(k).square().sum())(tensor(new Array(M).fill(a))) as Tensor).dataSync());
  const mean = per.reduce((x, y) => x + y, 0) / M;
  const se = Math.sqrt(per.reduce((x, y) => x + (y - mean) ** 2, 0) / (M - 1) / M);
  const exact = (() => { const E = (x: number) => (x * (x + 1)) / ((x + b) * (x + b + 1)); const h = 1e-6; return (E(a + h) - E(a - h)) / (2 * h); })();
  for (const h of [1e-3, 1e-4, 1e-5]) {
    const fd = (f(tensor(a + h)).item() - f(tensor(a - h)).item()) / (2 * h);
    console.log(a, b, seed, "h", h, "autodiff", g.toFixed(5), "perdraw", mean.toFixed(5), "se", se.toFixed(5), "fd", fd.toFixed(5), "exact", exact.toFixed(5));
  }}
});
