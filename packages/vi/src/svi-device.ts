/**
 * SVI on a device backend: the guide's particle is synchronous CPU code that calls the model's potential, so
 * each step runs it once to record the points z it asks for (answered provisionally), awaits U(z) and ∇U(z)
 * from the model's program compiled for the device, and runs it again with those answers. The particle is a
 * deterministic function of (params, noise, key), so the second run asks for the same points; a guide whose
 * points depend on U's value gets further rounds.
 */
import { type DeviceModel, interceptDevicePotentials } from "@phlox/infer";
import { PhloxError } from "@phlox/tensor";
import type { Objective } from "./elbo.js";

/** An {@link Objective} that resolves after the device has evaluated the model's potential. */
export type AsyncObjective = (u: Float64Array, grad: Float64Array, k0: number, k1: number) => Promise<number>;

/** Rounds of record-and-replay before giving up (one for every reparameterised autoguide). */
const MAX_ROUNDS = 8;

interface Answer {
  readonly model: DeviceModel;
  readonly z: Float64Array;
  readonly grad: Float64Array;
  value: number;
}

const sameZ = (a: Float64Array, b: Float64Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};

/**
 * The asynchronous objective of `objective` whose model potentials run on the device.
 * @param objective - the loss's objective over a guide set up under `withModelBackend`.
 * @returns the objective awaiting the device.
 * @throws PhloxError `svi-device-rounds` (from the returned function) when the particle keeps asking for new points.
 */
export function deviceObjective(objective: Objective): AsyncObjective {
  return async (u, grad, k0, k1) => {
    const answers: Answer[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const missing: Answer[] = [];
      const loss = interceptDevicePotentials(
        (model, z, g) => {
          const hit = answers.find((a) => a.model === model && sameZ(a.z, z));
          if (hit !== undefined) {
            g.set(hit.grad);
            return hit.value;
          }
          if (!missing.some((a) => a.model === model && sameZ(a.z, z)))
            missing.push({ model, z: Float64Array.from(z), grad: new Float64Array(z.length), value: 0 });
          g.fill(0);
          return 0;
        },
        () => objective(u, grad, k0, k1),
      );
      if (missing.length === 0) return loss;
      await Promise.all(
        missing.map(async (a) => {
          a.value = await a.model.asyncPotentialFn(a.z, a.grad);
        }),
      );
      answers.push(...missing);
    }
    throw new PhloxError(
      "svi-device-rounds",
      `SVI: the guide asked for new potential evaluations in each of ${MAX_ROUNDS} rounds on the device backend; ` +
        "its draws depend on the potential's value. Run this guide on the CPU (leave out the backend option).",
    );
  };
}
