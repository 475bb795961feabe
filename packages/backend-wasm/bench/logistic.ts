/**
 * The benchmark model shared by the wasm and webgpu benches: logistic regression with a standard normal prior,
 * U(w) = Σᵢ softplus(xᵢ·w) − yᵢ (xᵢ·w) + ½|w|², on deterministic synthetic data.
 */
import { matmul, softplus, type Tensor } from "@phlox/tensor";

/** Synthetic data: X uniform in (−1, 1) from an LCG, y = 1 where X·w* > 0 (w*ⱼ = (−1)ʲ/2). */
export function makeData(n: number, d: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  let s = 12345 >>> 0;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const v = s / 2147483648 - 1;
      x[i * d + j] = v;
      dot += v * (j % 2 === 0 ? 0.5 : -0.5);
    }
    y[i] = dot > 0 ? 1 : 0;
  }
  return { x, y };
}

/** The potential (negative log joint) of `w` (shape [d]) given x [n, d] and y [n]. */
export function potential(w: Tensor, x: Tensor, y: Tensor): Tensor {
  const d = w.shape[0] as number;
  const n = y.shape[0] as number;
  const logits = matmul(x, w.reshape([d, 1])).reshape([n]);
  return softplus(logits).sub(y.mul(logits)).sum().add(w.mul(w).sum().mul(0.5));
}

/** Median of a list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Median milliseconds per call of `fn` over `blocks` blocks of `calls` calls, after `warm` warm-up calls. */
export async function timeMs(fn: () => unknown, calls: number, blocks: number, warm = 2): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const per: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await fn();
    per.push((performance.now() - t0) / calls);
  }
  return median(per);
}
