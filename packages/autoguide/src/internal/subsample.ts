/**
 * Models with subsampled plates (`plate("N", size, fn, { subsampleSize })`), NumPyro's minibatch SVI: every
 * particle draws fresh minibatch indices for each subsampled plate from its own key, and the model's potential
 * is evaluated on that minibatch (its observed sites inside the plate scaled by size / subsampleSize by the
 * plate). The potential is compiled once with the indices as int32 inputs.
 */
import { compileValueAndGrad } from "@phlox/backend-js";
import { type Message, seed, substitute, trace } from "@phlox/handlers";
import { initializeModel, type ModelInfo, potentialEnergy } from "@phlox/infer";
import { ChainRandom, PhloxError, reshape, slice, type Tensor, tensor, valueAndGrad } from "@phlox/tensor";

/** A plate whose minibatch changes from particle to particle. */
export interface SubsampledPlate {
  name: string;
  size: number;
  subsampleSize: number;
}

type AnyModel = (...a: never[]) => unknown;

/**
 * The subsampled plates of a model (from one seeded run), after checking that no latent site lives inside one:
 * the autoguides over the flat latent vector fit global latent variables only (NumPyro's AutoContinuous refuses
 * local ones too); put local latents in a full plate, or give them an amortised hand-written guide.
 * @throws PhloxError naming the site and plate for a local latent variable in a subsampled plate.
 */
export function subsampledPlates(
  who: string,
  model: AnyModel,
  args: readonly unknown[],
  key: Uint32Array,
): SubsampledPlate[] {
  const call = model as (...a: readonly unknown[]) => unknown;
  const k = tensor(Uint32Array.of(key[0], key[1]), { dtype: "uint32" });
  const tr = trace(seed(() => call(...args), k)).getTrace();
  const plates = new Map<string, SubsampledPlate>();
  for (const m of tr.values() as Iterable<Message>) {
    if (m.type !== "plate") continue;
    const [size, sub] = m.args;
    if (sub < size) plates.set(m.name, { name: m.name, size, subsampleSize: sub });
  }
  if (plates.size === 0) return [];
  for (const m of tr.values() as Iterable<Message>) {
    if (m.type !== "sample" || m.isObserved) continue;
    const local = m.condIndepStack.find((f) => plates.has(f.name));
    if (local) {
      const p = plates.get(local.name) as SubsampledPlate;
      throw new PhloxError(
        "autoguide-local-latent",
        `${who}: latent site "${m.name}" is inside the subsampled plate("${p.name}", ${p.size}, { subsampleSize: ${p.subsampleSize} }): ` +
          "a local latent variable, which an autoguide over the model's flat latent vector cannot fit from minibatches. " +
          `Use a full plate for "${p.name}", or fit "${m.name}" with an amortised guide of your own (param + sample) ` +
          "and the global sites with this autoguide (AutoGuideList).",
      );
    }
  }
  return [...plates.values()];
}

/** What {@link subsampledModel} returns: the model's info at a first minibatch, and a per-key potential. */
export interface SubsampledModel {
  info: ModelInfo;
  /** The model with its plates fixed at the first minibatch (for transforms and postprocessing). */
  fixedModel: AnyModel;
  /** U(z) on the minibatch drawn from the key (k0, k1): writes ∇U into `grad`. */
  potential(z: Float64Array, grad: Float64Array, k0: number, k1: number): number;
}

/** Draws `out.length` distinct indices from [0, size) (Floyd's algorithm): a function of the stream only. */
export function drawIndices(rng: ChainRandom, size: number, out: Int32Array, seen: Set<number>): void {
  seen.clear();
  const n = out.length;
  let w = 0;
  for (let j = size - n; j < size; j++) {
    const t = Math.min(j, Math.floor(rng.uniform() * (j + 1)));
    const pick = seen.has(t) ? j : t;
    seen.add(pick);
    out[w++] = pick;
  }
}

/**
 * Sets the model up for minibatch SVI: `initializeModel` on the model with the plates' indices fixed at a first
 * minibatch (layout, starting point, postprocess), and the potential with the indices as compiled inputs (eager
 * autodiff if the model does not trace).
 */
export function subsampledModel(
  model: AnyModel,
  args: readonly unknown[],
  key: Uint32Array,
  plates: readonly SubsampledPlate[],
  initStrategy: unknown,
): SubsampledModel {
  const call = model as (...a: readonly unknown[]) => unknown;
  const withIndices =
    (idx: readonly Tensor[]) =>
    (...a: readonly unknown[]) =>
      substitute(() => call(...a), Object.fromEntries(plates.map((p, i) => [p.name, idx[i]])))();
  const bufs = plates.map((p) => new Int32Array(p.subsampleSize));
  const seen = new Set<number>();
  let last0 = -1;
  let last1 = -1;
  const draw = (k0: number, k1: number) => {
    if (k0 === last0 && k1 === last1) return;
    last0 = k0;
    last1 = k1;
    const rng = new ChainRandom([k0, k1]);
    plates.forEach((p, i) => {
      drawIndices(rng, p.size, bufs[i], seen);
    });
  };
  draw(key[0], key[1] ^ 0x5bd1e995);
  const first = bufs.map((b) => tensor(Int32Array.from(b), { dtype: "int32" }));
  const fixedModel = withIndices(first) as AnyModel;
  const info = initializeModel([key[0], key[1]], fixedModel, args, { initStrategy });
  const { layout, dim } = info;
  const U = (z: Tensor, ...idx: Tensor[]): Tensor => {
    const values: Record<string, Tensor> = {};
    for (const l of layout) values[l.name] = reshape(slice(z, [l.offset], [l.offset + l.size]), l.shape);
    return potentialEnergy(withIndices(idx) as (...a: unknown[]) => unknown, [...args], values);
  };
  const eager = valueAndGrad(U);
  const eagerFn = (z: Float64Array, g: Float64Array): number => {
    const [v, gr] = eager(
      tensor(Float64Array.from(z)),
      ...bufs.map((b) => tensor(Int32Array.from(b), { dtype: "int32" })),
    ) as unknown as [Tensor, Tensor];
    g.set(gr.dataSync() as Float64Array);
    return (v.dataSync() as Float64Array)[0];
  };
  let fn: (z: Float64Array, g: Float64Array) => number = eagerFn;
  try {
    const c = compileValueAndGrad(U, dim, {
      extraInputs: plates.map((p) => ({ shape: [p.subsampleSize], dtype: "int32" as const })),
    }).fn as (z: Float64Array, g: Float64Array, ...idx: Int32Array[]) => number;
    // guard: compiled and eager agree at the starting point
    const g1 = new Float64Array(dim);
    const g2 = new Float64Array(dim);
    const a = c(info.initialZ, g1, ...bufs);
    const b = eagerFn(info.initialZ, g2);
    let same = Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(b));
    for (let i = 0; i < dim && same; i++)
      same = Math.abs(g1[i] - g2[i]) <= 1e-8 * Math.max(1, Math.abs(g2[i]));
    if (same) fn = (z, g) => c(z, g, ...bufs);
  } catch {
    // the model does not trace with traced indices: eager autodiff
  }
  return {
    info,
    fixedModel,
    potential(z, grad, k0, k1) {
      draw(k0, k1);
      return fn(z, grad);
    },
  };
}
