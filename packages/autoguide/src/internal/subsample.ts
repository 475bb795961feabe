/**
 * Models with subsampled plates (`plate("N", size, fn, { subsampleSize })`), NumPyro's minibatch SVI: every
 * particle draws fresh minibatch indices for each subsampled plate from its own key, and the model's potential
 * is evaluated on that minibatch (its observed sites inside the plate scaled by size / subsampleSize by the
 * plate). The potential is compiled once with the indices as int32 inputs.
 */
import { compileValueAndGrad } from "@phlox/backend-js";
import { type Message, seed, substitute, trace } from "@phlox/handlers";
import { initializeModel, initToFeasible, type ModelInfo, potentialEnergy } from "@phlox/infer";
import { ChainRandom, PhloxError, reshape, slice, type Tensor, tensor, valueAndGrad } from "@phlox/tensor";

/** A plate whose minibatch changes from particle to particle. */
export interface SubsampledPlate {
  name: string;
  size: number;
  subsampleSize: number;
}

type AnyModel = (...a: never[]) => unknown;

/**
 * The subsampled plates of a model (from one seeded run). Unless `localLatents` is true, latent sites inside
 * one are refused, as NumPyro's AutoContinuous refuses them: a guide over the model's flat latent vector cannot
 * hold one distribution per plate element when only a minibatch of the elements is present. AutoNormal and
 * AutoDelta pass `localLatents: true` (NumPyro's behaviour: full-size parameters indexed by the minibatch).
 * @throws PhloxError (`autoguide-local-latent`) naming the site and plate for a local latent variable in a
 *   subsampled plate, when `localLatents` is false.
 */
export function subsampledPlates(
  who: string,
  model: AnyModel,
  args: readonly unknown[],
  key: Uint32Array,
  localLatents = false,
): SubsampledPlate[] {
  const call = model as (...a: readonly unknown[]) => unknown;
  const k = tensor(Uint32Array.of(key[0], key[1]), { dtype: "uint32" });
  // Continuous latent sites take their feasible point instead of a draw: the run only reads the plates, and
  // a site that cannot be sampled (ImproperUniform) must not stop it, as it does not stop initializeModel.
  const feasible = initToFeasible();
  const atFeasible = (m: Message): Tensor | null =>
    m.type === "sample" && !m.isObserved && m.fn !== null && !m.fn.support.isDiscrete ? feasible(m, k) : null;
  const tr = trace(
    seed(
      substitute(() => call(...args), atFeasible),
      k,
    ),
  ).getTrace();
  const plates = new Map<string, SubsampledPlate>();
  for (const m of tr.values() as Iterable<Message>) {
    if (m.type !== "plate") continue;
    const [size, sub] = m.args;
    if (sub < size) plates.set(m.name, { name: m.name, size, subsampleSize: sub });
  }
  if (plates.size === 0 || localLatents) return [...plates.values()];
  for (const m of tr.values() as Iterable<Message>) {
    if (m.type !== "sample" || m.isObserved) continue;
    const local = m.condIndepStack.find((f) => plates.has(f.name));
    if (local) {
      const p = plates.get(local.name) as SubsampledPlate;
      throw new PhloxError(
        "autoguide-local-latent",
        `${who}: latent site "${m.name}" is inside the subsampled plate("${p.name}", ${p.size}, { subsampleSize: ${p.subsampleSize} }): ` +
          "a local latent variable, and a guide with one distribution over the model's whole flat latent vector " +
          "does not support local latent variables (NumPyro's AutoContinuous raises \"AutoContinuous guide does not " +
          "support local latent variables.\"). Use AutoNormal or AutoDelta, which keep parameters of the plate's full " +
          "size and index them by the minibatch; or AutoSemiDAIS (with a localGuide for an amortised local guide); " +
          `or a full plate for "${p.name}".`,
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
  /** Draws the minibatch of key (k0, k1) (or keeps the pinned one); `potential` with the same key reuses it. */
  select(k0: number, k1: number): void;
  /** The current minibatch indices, one array per plate (in `plates` order; overwritten by the next draw). */
  indices(): readonly Int32Array[];
  /** Incremented whenever the current indices change. */
  version(): number;
  /** The subsampled plates, in the order of {@link indices}. */
  plates: readonly SubsampledPlate[];
  /** Fixes the indices of every plate for all keys (NumPyro's `substitute(data={plate: idx})`), or unfixes them. */
  pin(indices: readonly (ArrayLike<number> | undefined)[] | null): void;
  /** The model with its plates substituted by the given indices. */
  withIndices(idx: readonly Tensor[]): AnyModel;
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
  let pinned: readonly (ArrayLike<number> | undefined)[] | null = null;
  let ver = 0;
  const draw = (k0: number, k1: number) => {
    if (pinned !== null || (k0 === last0 && k1 === last1)) return;
    last0 = k0;
    last1 = k1;
    ver++;
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
    plates,
    select: draw,
    indices: () => bufs,
    version: () => ver,
    pin(indices) {
      if (indices !== null) {
        plates.forEach((p, i) => {
          const idx = indices[i];
          const ok = (j: number) => j >= 0 && j < p.size && Number.isInteger(j);
          if (
            idx?.length !== p.subsampleSize ||
            !Array.from(idx).every(ok) ||
            new Set(Array.from(idx)).size !== idx.length
          ) {
            throw new PhloxError(
              "autoguide-subsample-indices",
              `plate("${p.name}", ${p.size}, { subsampleSize: ${p.subsampleSize} }): expected ${p.subsampleSize} ` +
                `distinct integer indices in [0, ${p.size}), got ${idx === undefined ? "none" : `[${Array.from(idx).join(", ")}]`}.`,
            );
          }
          bufs[i].set(idx);
        });
        ver++;
      }
      pinned = indices;
      last0 = -1;
      last1 = -1;
    },
    withIndices: (idx) => withIndices(idx) as AnyModel,
  };
}
