import { type Message, Seed } from "@phlox/handlers";
import { PhloxError } from "@phlox/tensor";
import {
  CompileCache,
  type CompiledSites,
  compileSites,
  type FlatSite,
  runChecked,
  type StackedSite,
  unflattenDraw,
} from "./compiled-log-likelihood.js";
import { castUint32, type Key, slice1, type Tensor, threefry2x32 } from "./ops.js";

type AnyModel = (...args: never[]) => unknown;

/** `seed` that counts the keys it hands out (it behaves exactly as `Seed`). */
export class CountingSeed extends Seed {
  used = 0;
  override processMessage(msg: Message): void {
    const had = msg.key;
    super.processMessage(msg);
    if (msg.key !== had) this.used++;
  }
}

/**
 * `seed` whose j-th key is `keys[j]` instead of the j-th split of its own key: the same sites get keys as
 * with `Seed` (it decides which), but the keys come from the staged input, precomputed on the host.
 */
class FeedSeed extends Seed {
  private next = 0;
  constructor(private readonly keys: readonly Key[]) {
    super(0);
  }
  override processMessage(msg: Message): void {
    const had = msg.key;
    super.processMessage(msg);
    if (msg.key === had) return;
    if (this.next >= this.keys.length)
      throw new PhloxError(
        "predictive-keys",
        "Predictive: the model asks for more keys than in the first draw",
      );
    msg.key = this.keys[this.next++];
  }
}

/** How `Predictive` runs one draw: the returned sites' values, given the latent values and a seed handler. */
export type PredictiveDraw = (latent: Record<string, Tensor>, seeder: Seed) => Map<string, Tensor>;

/** The draws' keys as uint32 words: key i of `base` split `n` ways (as `split(base, n)[i]`) at `[2i, 2i + 1]`. */
export function splitWords(base: Uint32Array, n: number): Uint32Array {
  const w = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) threefry2x32(base[0], base[1], 0, i, w, 2 * i);
  return w;
}

const cache = new CompileCache();

/**
 * `Predictive` for all draws through one generated loop: the model traced once with the posterior sites and
 * the keys its sites get taken from a flat row `[latent…, key₀, key₁, …]`. `seed` hands site j the second half
 * of the j-th split of the draw's key; those keys are computed here on the host (threefry, as `split`), so
 * the staged program holds only the samplers, which draw bit-identical numbers from the same keys.
 * @param cacheKey - everything besides the posterior draws that the traced program bakes in (the model's
 *   arguments, the substituted params), compared by identity to reuse a compiled program.
 * @param signature - the draws' layout and the options that change the program (return sites, ...).
 * @param drawKeys - the draws' keys, {@link splitWords}.
 * @param numKeys - how many keys `seed` hands out in one draw (counted in the first eager draw).
 * @param runDraw - one draw, traceable (the function the eager path runs).
 * @param eagerAt - the eager draw i (the reference for the check).
 * @param vectorized - run all draws as one `vmap`-ped program (`Predictive`'s `parallel`) instead of a loop.
 * @returns the stacked values by site, or `null` when the model does not compile or the compiled draws are not
 *   bit-identical to the eager ones at the first and last draw.
 */
export function compiledPredictive(
  model: AnyModel,
  cacheKey: readonly unknown[],
  signature: string,
  sites: readonly FlatSite[],
  drawKeys: Uint32Array,
  numKeys: number,
  numDraws: number,
  runDraw: PredictiveDraw,
  eagerAt: (i: number) => Map<string, Tensor>,
  vectorized = false,
): Map<string, StackedSite> | null {
  if (numDraws === 0) return null;
  const latentDim = sites.reduce((a, s) => a + s.size, 0);
  const dim = latentDim + 2 * numKeys;
  const tag = `${signature}|${numKeys}|${vectorized ? numDraws : 0}`;
  const compiled: CompiledSites | null = cache.get(model, cacheKey, tag, () =>
    compileSites(
      (z) => {
        const latent = unflattenDraw(slice1(z, 0, latentDim), sites);
        const words = castUint32(slice1(z, latentDim, dim));
        const keys: Key[] = [];
        for (let j = 0; j < numKeys; j++) keys.push(slice1(words, 2 * j, 2 * j + 2));
        return runDraw(latent, new FeedSeed(keys));
      },
      dim,
      vectorized ? numDraws : undefined,
    ),
  );
  if (compiled === null) return null;
  const rows = new Float64Array(numDraws * dim);
  let off = 0;
  for (const s of sites) {
    const n = s.size;
    for (let i = 0; i < numDraws; i++) rows.set(s.data.subarray(i * n, (i + 1) * n), i * dim + off);
    off += n;
  }
  const w = new Uint32Array(2);
  for (let i = 0; i < numDraws; i++) {
    let k0 = drawKeys[2 * i];
    let k1 = drawKeys[2 * i + 1];
    let o = i * dim + latentDim;
    for (let j = 0; j < numKeys; j++) {
      // seed: [next, sub] = split(key, 2); the site gets sub (block 1), the handler keeps next (block 0).
      threefry2x32(k0, k1, 0, 1, w, 0);
      rows[o++] = w[0];
      rows[o++] = w[1];
      threefry2x32(k0, k1, 0, 0, w, 0);
      k0 = w[0];
      k1 = w[1];
    }
  }
  return runChecked(compiled, rows, numDraws, eagerAt, true);
}

/** One draw of a guide-based `Predictive` from the draw's key (guide, then model), traceable. */
export type KeyedDraw = (latent: Record<string, Tensor>, key: Key) => Map<string, Tensor>;

/**
 * `Predictive` with a guide for all draws as one `vmap`-ped program (`parallel: true`): each row is
 * `[latent…, key₀, key₁]` (the draw's key), and the guide and the model split it with the traced threefry,
 * bit-identical to the eager draws. Returns `null` (the caller falls back) as {@link compiledPredictive}.
 */
export function vectorizedKeyedPredictive(
  model: AnyModel,
  cacheKey: readonly unknown[],
  signature: string,
  sites: readonly FlatSite[],
  drawKeys: Uint32Array,
  numDraws: number,
  runDraw: KeyedDraw,
  eagerAt: (i: number) => Map<string, Tensor>,
): Map<string, StackedSite> | null {
  if (numDraws === 0) return null;
  const latentDim = sites.reduce((a, s) => a + s.size, 0);
  const dim = latentDim + 2;
  const compiled = cache.get(model, cacheKey, `${signature}|keyed|${numDraws}`, () =>
    compileSites(
      (z) => runDraw(unflattenDraw(slice1(z, 0, latentDim), sites), castUint32(slice1(z, latentDim, dim))),
      dim,
      numDraws,
    ),
  );
  if (compiled === null) return null;
  const rows = new Float64Array(numDraws * dim);
  let off = 0;
  for (const s of sites) {
    const n = s.size;
    for (let i = 0; i < numDraws; i++) rows.set(s.data.subarray(i * n, (i + 1) * n), i * dim + off);
    off += n;
  }
  for (let i = 0; i < numDraws; i++) {
    rows[i * dim + latentDim] = drawKeys[2 * i];
    rows[i * dim + latentDim + 1] = drawKeys[2 * i + 1];
  }
  return runChecked(compiled, rows, numDraws, eagerAt, true);
}
