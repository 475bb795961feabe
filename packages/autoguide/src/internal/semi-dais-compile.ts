/**
 * AutoSemiDAIS's particle loss and its gradient as a plain function of flat arrays: compiled once with
 * `@phlox/backend-js` when the model traces and the compiled function agrees with eager autodiff at a test
 * point, eager `@phlox/tensor` autodiff otherwise.
 */
import { compileValueAndGrad } from "@phlox/backend-js";
import { type Tensor, tensor, valueAndGrad } from "@phlox/tensor";

/** Loss and gradient (written into `g`) for parameters+z_g `w`, noise `xi`, indices `idx` and key `kk`. */
export type ChainLossAndGrad = (
  w: Float64Array,
  g: Float64Array,
  xi: Float64Array,
  idx: Int32Array,
  kk: Uint32Array,
) => number;

/**
 * @param f - the loss of (w, ξ, indices, key) as tensors.
 * @param W - length of w; `noise` the length of ξ; `B` the number of indices.
 * @param w0 - the test point of the compiled-vs-eager guard; `key` its PRNG key pair.
 */
export function chainLossAndGrad(
  f: (w: Tensor, xi: Tensor, idx: Tensor, kk: Tensor) => Tensor,
  W: number,
  noise: number,
  B: number,
  w0: Float64Array,
  key: Uint32Array,
): ChainLossAndGrad {
  const eager = valueAndGrad(f);
  const vg: ChainLossAndGrad = (w, g, xi, idx, kk) => {
    const [v, gr] = eager(
      tensor(Float64Array.from(w)),
      tensor(Float64Array.from(xi)),
      tensor(Int32Array.from(idx), { dtype: "int32" }),
      tensor(Uint32Array.from(kk), { dtype: "uint32" }),
    ) as unknown as [Tensor, Tensor];
    g.set(gr.dataSync() as Float64Array);
    return (v.dataSync() as Float64Array)[0];
  };
  try {
    const c = compileValueAndGrad(f, W, {
      extraInputs: [
        { shape: [noise], dtype: "float64" },
        { shape: [B], dtype: "int32" },
        { shape: [2], dtype: "uint32" },
      ],
    }).fn as ChainLossAndGrad;
    // guard: compiled and eager agree at the test point (a model that traces differently falls back)
    const xi0 = Float64Array.from({ length: noise }, (_, i) => Math.sin(i + 1));
    const i0 = Int32Array.from({ length: B }, (_, i) => i);
    const g1 = new Float64Array(W);
    const g2 = new Float64Array(W);
    const k0 = Uint32Array.of(key[0], key[1]);
    const a = c(w0, g1, xi0, i0, k0);
    const b = vg(w0, g2, xi0, i0, k0);
    let same = Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(b));
    for (let i = 0; i < W && same; i++) same = Math.abs(g1[i] - g2[i]) <= 1e-8 * Math.max(1, Math.abs(g2[i]));
    if (same) return c;
  } catch {
    // the model does not trace: eager autodiff
  }
  return vg;
}
