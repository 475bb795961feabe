import { key, normal, split, type Tensor, uniform } from "@phlox/tensor";

/** Seeded standard-normal draws of shape `shape` (simulated data for the examples). */
export function normals(seed: number, shape: number[]): Tensor {
  return normal(key(seed), shape);
}

/** Seeded uniform(0, 1) draws of shape `shape`. */
export function uniforms(seed: number, shape: number[]): Tensor {
  return uniform(split(key(seed), 2)[1], shape);
}
