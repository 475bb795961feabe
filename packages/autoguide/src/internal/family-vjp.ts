import { compileValueAndGrad } from "@phlox/backend-js";
import { type Tensor, tensor, valueAndGrad } from "@phlox/tensor";

/** `(u, g, noise, gz) → value`: writes ∂/∂u of the objective into `g` and returns its value. */
export type FamilyVjp = (u: Float64Array, g: Float64Array, noise: Float64Array, gz: Float64Array) => number;

/**
 * The vector–Jacobian product of a tensor-written latent family: `objective(u, noise, gz)` (typically
 * `sum(z(u, noise) · gz) ± log-density term`) compiled for the JS backend with its gradient in the
 * parameters `u`, falling back to eager autodiff when the objective cannot be compiled.
 * @param objective - the scalar objective of the parameters `u`, the noise and the upstream gradient `gz`.
 * @param numParams - the length of `u`.
 * @param noiseDim - the length of the noise vector.
 * @param dim - the latent dimension (the length of `gz`).
 * @returns the VJP as a function on raw arrays.
 */
export function familyVjp(
  objective: (u: Tensor, noise: Tensor, gz: Tensor) => Tensor,
  numParams: number,
  noiseDim: number,
  dim: number,
): FamilyVjp {
  try {
    const c = compileValueAndGrad(objective, numParams, {
      extraInputs: [
        { shape: [noiseDim], dtype: "float64" },
        { shape: [dim], dtype: "float64" },
      ],
    }).fn;
    return (u, g, noise, gz) => c(u, g, noise, gz);
  } catch {
    const vg = valueAndGrad(objective);
    return (u, g, noise, gz) => {
      const [v, gr] = vg(
        tensor(Float64Array.from(u)),
        tensor(Float64Array.from(noise)),
        tensor(Float64Array.from(gz)),
      ) as unknown as [Tensor, Tensor];
      g.set(gr.dataSync() as Float64Array);
      return (v.dataSync() as Float64Array)[0];
    };
  }
}
