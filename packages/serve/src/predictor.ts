import { type CompiledRowsProgram, compileRows, type IRTypedArray } from "@phlox/backend-js";
import type { Constraint } from "@phlox/distributions";
import type { Trace } from "@phlox/handlers";
import { Predictive } from "@phlox/infer";
import {
  cast,
  type Key,
  key,
  makeProgram,
  reshape,
  simplify,
  slice,
  type Tensor,
  tensor,
  threefry2x32,
} from "@phlox/tensor";
import { ServeError } from "./errors.js";
import { CountingSeed, FeedSeed, predictiveTrace, seedWords } from "./internal/model-run.js";
import { splitAtColumn } from "./internal/split-program.js";
import type { LatentSite, Posterior } from "./posterior.js";
import type { ServableModel } from "./servable-model.js";

/** A predicted site: its shape in one row's answer, and whether its leading axis is the row axis. */
export interface OutputSite {
  readonly name: string;
  /** Shape per row and draw, as answered (the row axis of a plated site removed). */
  readonly shape: readonly number[];
  readonly size: number;
  /** The site's value shape when the model runs on one row (`[1, ...shape]` when it has a row axis). */
  readonly traceShape: readonly number[];
}

/** One input's place in a flat row of inputs. */
export interface InputSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  readonly offset: number;
  readonly dtype: "float64" | "int32";
  readonly support: Constraint | null;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Template rows for one posterior and draw count, with the seed their keys are for. */
interface Template {
  rows: Float64Array;
  seed: number;
  /** The fixed part's output arrays, reused when the seed changes. */
  fixedOut?: IRTypedArray[];
}
const keyOf = (w0: number, w1: number): Key => tensor(new Uint32Array([w0, w1]), { dtype: "uint32" }) as Key;

/** The draws used for `n` of `total`: evenly spaced, `floor(k·total/n)` for k < n (all of them when n = total). */
export function drawIndices(total: number, n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let k = 0; k < n; k++) idx[k] = Math.floor((k * total) / n);
  return idx;
}

/**
 * The posterior predictive of a {@link ServableModel}, compiled once: the model is traced with the latent
 * values, the keys its sites draw from and one row of inputs all read from a flat row, and compiled by
 * `@phlox/backend-js` into one generated loop over draws. The keys are those `@phlox/infer`'s `Predictive`
 * gives draw i of `run(key(seed), ...)` (`split(key, numDraws)[i]`, then `seed`'s splits), so a row's draws
 * equal `new Predictive(model, { posteriorSamples }).run(key(seed), ...args(row, 1))`. A model that does not
 * trace (data-dependent control flow, host-side samplers) is answered by `Predictive` itself, eagerly per draw.
 */
export class PosteriorPredictor {
  readonly spec: ServableModel;
  /** Latent sites the posterior must hold, in the model's order. */
  readonly latents: readonly LatentSite[];
  readonly outputs: readonly OutputSite[];
  readonly inputs: readonly InputSlot[];
  /** Length of a flat row of inputs. */
  readonly inputDim: number;
  /** Keys `seed` hands out per draw. */
  readonly numKeys: number;
  /** Whether key j is drawn from (false: it goes to a plate or a substituted site and is never read). */
  private readonly keyUsed: readonly boolean[];
  private program: CompiledRowsProgram | null;
  /**
   * The part of the compiled loop that reads only latent and key columns (each draw's noise), run once per
   * template into the boundary columns after a row's inputs; null when the loop is not split.
   */
  private fixedProgram: CompiledRowsProgram | null = null;
  /** Elements per template row: latent, keys, inputs, then the fixed part's values. */
  private stride = 0;
  /** Why the model runs eagerly (null when compiled). */
  eagerReason: string | null = null;
  private readonly latentDim: number;
  private readonly dim: number;
  private readonly templates = new Map<string, Template>();
  /** The template used last (a repeat of the same posterior, n and seed skips the map). */
  private lastTemplate: {
    post: Posterior;
    n: number;
    t: Template;
  } | null = null;

  /**
   * Probes the model on the example row (prior draws, then with them substituted, to count keys) and compiles it.
   * @param spec - the servable model.
   * @throws ServeError `bad-model` when the model fails on its example or an output site is missing.
   */
  constructor(spec: ServableModel) {
    this.spec = spec;
    let off = 0;
    this.inputs = Object.entries(spec.inputs).map(([name, s]) => {
      const shape = [...(s.shape ?? [])];
      const slot = {
        name,
        shape,
        size: size(shape),
        offset: off,
        dtype: s.dtype ?? "float64",
        support: s.support ?? null,
      };
      off += slot.size;
      return slot;
    });
    this.inputDim = off;
    const example = this.flattenRows([spec.example as Record<string, unknown>]);
    const fail = (what: string, e: unknown): ServeError =>
      new ServeError("bad-model", `model "${spec.name}": ${what}: ${(e as Error)?.message ?? String(e)}`);
    let prior: Trace;
    try {
      prior = predictiveTrace(
        spec.model,
        spec.args(this.inputTensors(example, 0, 1), 1),
        {},
        new CountingSeed(0),
      );
    } catch (e) {
      throw fail("running it on the example row failed", e);
    }
    for (const o of spec.outputs) {
      const site = prior.get(o);
      if (
        site === undefined ||
        (site.type !== "sample" && site.type !== "deterministic") ||
        site.value === null
      ) {
        throw new ServeError(
          "bad-model",
          `model "${spec.name}": output "${o}" is not a sample or deterministic site of the model; its sites are ` +
            `${[...prior.keys()].map((k) => `"${k}"`).join(", ")}.`,
        );
      }
      if (site.type === "sample" && site.isObserved)
        throw new ServeError(
          "bad-model",
          `model "${spec.name}": output "${o}" is observed; leave its observations out of args.`,
        );
    }
    const outs = new Set(spec.outputs);
    const latents: LatentSite[] = [];
    const latentValues: Record<string, Tensor> = {};
    for (const [name, site] of prior) {
      if (site.type !== "sample" || site.isObserved || outs.has(name) || site.value === null) continue;
      latents.push({
        name,
        shape: [...site.value.shape],
        size: site.value.size,
        support: site.fn?.support ?? null,
      });
      latentValues[name] = site.value;
    }
    this.latents = latents;
    this.latentDim = latents.reduce((a, l) => a + l.size, 0);
    const counter = new CountingSeed(0);
    let one: Trace;
    try {
      one = predictiveTrace(
        spec.model,
        spec.args(this.inputTensors(example, 0, 1), 1),
        latentValues,
        counter,
      );
    } catch (e) {
      throw fail("running it with its latent sites substituted failed", e);
    }
    // Two rows tell which outputs have a row axis; for a model that runs on one row only, a leading 1 is one.
    let two: Trace | null = null;
    try {
      const twice = this.flattenRows([
        spec.example as Record<string, unknown>,
        spec.example as Record<string, unknown>,
      ]);
      two = predictiveTrace(
        spec.model,
        spec.args(this.inputTensors(twice, 0, 2), 2),
        latentValues,
        new CountingSeed(0),
      );
    } catch {
      two = null;
    }
    this.numKeys = counter.used;
    // A key drawn from is one given to a sample site whose value is not substituted (or a prngKey); keys that
    // go to plates and to substituted latent sites are never read, so the host skips computing them.
    this.keyUsed = counter.receivers.map(
      (r) => r.type !== "plate" && !(r.type === "sample" && r.name in latentValues),
    );
    this.outputs = spec.outputs.map((name) => {
      const s1 = [...(one.get(name)?.value?.shape ?? [])];
      const s2 = two === null ? null : (two.get(name)?.value?.shape ?? []);
      const rowAxis =
        s1.length > 0 && s1[0] === 1 && (s2 === null || (s2.length === s1.length && s2[0] === 2));
      const shape = rowAxis ? s1.slice(1) : s1;
      return { name, shape, size: size(shape), traceShape: s1 };
    });
    this.dim = this.latentDim + 2 * this.numKeys + this.inputDim;
    this.stride = this.dim;
    this.program = this.compile();
  }

  /**
   * Whether the compiled loop is split: what does not read a request's inputs (each draw's noise) runs once
   * per posterior, draw count and seed, and a request runs only the rest.
   */
  get split(): boolean {
    return this.program !== null && this.fixedProgram !== null;
  }

  /** Whether predictions run through the compiled loop (false: eagerly per draw; see `eagerReason`). */
  get compiled(): boolean {
    return this.program !== null;
  }

  private compile(): CompiledRowsProgram | null {
    const { latents, latentDim, numKeys, spec } = this;
    try {
      const { program } = makeProgram(
        ((z: Tensor) => {
          const latent: Record<string, Tensor> = {};
          let off = 0;
          for (const l of latents) {
            latent[l.name] = reshape(slice(z, [off], [off + l.size]), [...l.shape]);
            off += l.size;
          }
          const words = cast(slice(z, [latentDim], [latentDim + 2 * numKeys]), "uint32");
          const keys: Key[] = [];
          for (let j = 0; j < numKeys; j++) keys.push(slice(words, [2 * j], [2 * j + 2]) as Key);
          const base = latentDim + 2 * numKeys;
          const inputs: Record<string, Tensor> = {};
          for (const s of this.inputs) {
            const x = reshape(slice(z, [base + s.offset], [base + s.offset + s.size]), [1, ...s.shape]);
            inputs[s.name] = s.dtype === "int32" ? cast(x, "int32") : x;
          }
          const tr = predictiveTrace(spec.model, spec.args(inputs, 1), latent, new FeedSeed(keys));
          return spec.outputs.map((o) => tr.get(o)?.value as Tensor);
        }) as (...a: never[]) => unknown,
        [{ shape: [this.dim], dtype: "float64" }],
      );
      const ir = simplify(program) as unknown as Parameters<typeof compileRows>[0];
      // What does not depend on a request's inputs (the draws' noise) is computed once per posterior, draw
      // count and seed; a request runs only the rest (the same operations on the same values).
      const split = splitAtColumn(ir, latentDim + 2 * numKeys);
      if (split !== null) {
        try {
          const fixed = compileRows(split.fixed);
          const varying = compileRows(split.varying);
          this.fixedProgram = fixed;
          this.stride = split.rowSize;
          return varying;
        } catch {
          this.fixedProgram = null;
          this.stride = this.dim;
        }
      }
      return compileRows(ir);
    } catch (e) {
      this.eagerReason = (e as Error)?.message ?? String(e);
      return null;
    }
  }

  /**
   * Flattens rows of named inputs (already validated: every input present with its shape) into one
   * Float64Array of `rows.length · inputDim` values.
   */
  flattenRows(rows: readonly Readonly<Record<string, unknown>>[]): Float64Array {
    const out = new Float64Array(rows.length * this.inputDim);
    rows.forEach((row, r) => {
      for (const s of this.inputs) {
        const v = row[s.name];
        let o = r * this.inputDim + s.offset;
        if (typeof v === "number") out[o] = v;
        else {
          const flat = (v as unknown[]).flat(Number.POSITIVE_INFINITY) as number[];
          for (const x of flat) out[o++] = x;
        }
      }
    });
    return out;
  }

  /** The inputs of rows `first … first + n − 1` as tensors `[n, ...shape]` (int32 or float64 as declared). */
  inputTensors(flat: Float64Array, first: number, n: number): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const s of this.inputs) {
      const data = new Float64Array(n * s.size);
      for (let r = 0; r < n; r++)
        data.set(
          flat.subarray(
            (first + r) * this.inputDim + s.offset,
            (first + r) * this.inputDim + s.offset + s.size,
          ),
          r * s.size,
        );
      out[s.name] =
        s.dtype === "int32"
          ? tensor(Int32Array.from(data), { shape: [n, ...s.shape], dtype: "int32" })
          : tensor(data, { shape: [n, ...s.shape] });
    }
    return out;
  }

  /**
   * Writes the keys of draw k of n under `seed` into the rows: `seed`'s splits of `split(key(seed), n)[k]`, as
   * the site keys of Predictive's draw k.
   */
  private writeKeys(rows: Float64Array, seed: number, n: number): void {
    const [b0, b1] = seedWords(seed);
    const w = new Uint32Array(4);
    const { stride, latentDim, keyUsed } = this;
    const last = keyUsed.lastIndexOf(true);
    for (let k = 0; k < n; k++) {
      threefry2x32(b0, b1, 0, k, w, 0); // split(key(seed), n)[k]
      let k0 = w[0];
      let k1 = w[1];
      const o = k * stride + latentDim;
      for (let j = 0; j <= last; j++) {
        // seed: [next, sub] = split(key, 2); the site gets sub (block 1), the handler keeps next (block 0).
        if (keyUsed[j]) {
          threefry2x32(k0, k1, 0, 1, w, 2);
          rows[o + 2 * j] = w[2];
          rows[o + 2 * j + 1] = w[3];
        }
        if (j < last) {
          threefry2x32(k0, k1, 0, 0, w, 0);
          k0 = w[0];
          k1 = w[1];
        }
      }
    }
  }

  /**
   * Rows `[latent…, keys…, inputs…]` for n draws: one buffer per posterior and n (the latent values copied
   * once), its key columns rewritten when the seed changes and its input columns per row. Predictions run
   * synchronously, so one buffer is never shared by two at once.
   */
  private template(post: Posterior, n: number, seed: number): Float64Array {
    const last = this.lastTemplate;
    if (last !== null && last.post === post && last.n === n && last.t.seed === seed) return last.t.rows;
    const id = `${post.id}|${n}`;
    let t = this.templates.get(id);
    if (t !== undefined) {
      this.templates.delete(id);
      this.templates.set(id, t);
    } else {
      const { stride } = this;
      const rows = new Float64Array(n * stride);
      const idx = drawIndices(post.numDraws, n);
      let off = 0;
      for (const s of post.sites) {
        for (let k = 0; k < n; k++) {
          const src = idx[k] * s.size;
          for (let j = 0; j < s.size; j++) rows[k * stride + off + j] = s.data[src + j];
        }
        off += s.size;
      }
      t = { rows, seed: -1 };
      this.templates.set(id, t);
      while (this.templates.size > 4) this.templates.delete(this.templates.keys().next().value as string);
    }
    if (t.seed !== seed) {
      this.writeKeys(t.rows, seed, n);
      this.runFixed(t, n);
      t.seed = seed;
    }
    this.lastTemplate = { post, n, t };
    return t.rows;
  }

  /** Fills the boundary columns of n template rows with the fixed part of the loop (after their keys). */
  private runFixed(t: Template, n: number): void {
    const fixed = this.fixedProgram;
    if (fixed === null) return;
    const { stride } = this;
    const rows = t.rows;
    const outs = fixed.run(rows, n, t.fixedOut);
    t.fixedOut = outs;
    let off = this.dim;
    for (const a of outs) {
      const size = a.length / n;
      for (let k = 0; k < n; k++) {
        const o = k * stride + off;
        for (let j = 0; j < size; j++) rows[o + j] = a[k * size + j] as number;
      }
      off += size;
    }
  }

  /** Eager draw k of n under `seed` for row `r` of `flat`: the outputs' values, as Predictive's eager path. */
  eagerDraw(
    post: Posterior,
    flat: Float64Array,
    r: number,
    seed: number,
    n: number,
    k: number,
  ): Float64Array[] {
    const d = drawIndices(post.numDraws, n)[k];
    const latent: Record<string, Tensor> = {};
    for (const s of post.sites)
      latent[s.name] = tensor(s.data.slice(d * s.size, (d + 1) * s.size), { shape: [...s.shape] });
    const w = new Uint32Array(2);
    const [b0, b1] = seedWords(seed);
    threefry2x32(b0, b1, 0, k, w, 0);
    const tr = predictiveTrace(
      this.spec.model,
      this.spec.args(this.inputTensors(flat, r, 1), 1),
      latent,
      new CountingSeed(keyOf(w[0], w[1])),
    );
    return this.outputs.map((o) => {
      const v = tr.get(o.name)?.value;
      if (v === undefined || v === null || v.size !== o.size)
        throw new ServeError(
          "bad-model",
          `model "${this.spec.name}": output "${o.name}" changed shape for this input.`,
        );
      return Float64Array.from(v.dataSync() as ArrayLike<number>);
    });
  }

  /**
   * Posterior predictive draws for row `r` of `flat`: per output site, `n` draws of `size` values, draw-major.
   * @param post - the posterior (checked against {@link latents}).
   * @param flat - rows of inputs from {@link flattenRows}.
   * @param r - the row.
   * @param seed - the request's seed (`key(seed)`).
   * @param n - number of draws (≤ the posterior's), evenly spaced over it ({@link drawIndices}).
   * @param into - arrays to write the draws into (one per output, at least `n · size` each; a server reuses
   *   them across requests instead of allocating); by default new ones. The eager path ignores them.
   */
  draws(
    post: Posterior,
    flat: Float64Array,
    r: number,
    seed: number,
    n: number,
    into?: readonly Float64Array[],
  ): Float64Array[] {
    if (this.program === null) {
      // The model does not trace: @phlox/infer's Predictive itself, eagerly per draw, on the chosen draws.
      const idx = drawIndices(post.numDraws, n);
      const samples: Record<string, Tensor> = {};
      for (const site of post.sites) {
        const data = new Float64Array(n * site.size);
        for (let k = 0; k < n; k++)
          data.set(site.data.subarray(idx[k] * site.size, (idx[k] + 1) * site.size), k * site.size);
        samples[site.name] = tensor(data, { shape: [n, ...site.shape] });
      }
      const out = new Predictive(this.spec.model, {
        posteriorSamples: samples,
        returnSites: this.spec.outputs,
        jit: false,
      }).run(key(seed), ...this.spec.args(this.inputTensors(flat, r, 1), 1));
      return this.outputs.map((o) => {
        const v = out[o.name];
        if (v === undefined || v.size !== n * o.size)
          throw new ServeError(
            "bad-model",
            `model "${this.spec.name}": output "${o.name}" changed shape for this input.`,
          );
        return Float64Array.from(v.dataSync() as ArrayLike<number>);
      });
    }
    const rows = this.template(post, n, seed);
    const { stride, inputDim } = this;
    const base = this.latentDim + 2 * this.numKeys;
    for (let k = 0; k < n; k++)
      for (let j = 0; j < inputDim; j++) rows[k * stride + base + j] = flat[r * inputDim + j];
    const program = this.program;
    const reuse = into !== undefined && program.outputs.every((o) => o.dtype === "float64");
    const out = program.run(rows, n, reuse ? into : undefined);
    for (let i = 0; i < out.length; i++) {
      const a = out[i];
      if (!(a instanceof Float64Array)) out[i] = Float64Array.from(a as ArrayLike<number>);
    }
    return out as Float64Array[];
  }

  /**
   * Checks the compiled loop against the eager model on the example row at the first and last draw (bit for
   * bit); on a mismatch the predictor switches to the eager path for good, and says why in `eagerReason`.
   * @param post - a checked posterior.
   * @returns whether the compiled loop is used.
   */
  verify(post: Posterior): boolean {
    if (this.program === null) return false;
    const flat = this.flattenRows([this.spec.example as Record<string, unknown>]);
    const n = Math.min(post.numDraws, 64);
    let got: Float64Array[];
    try {
      got = this.draws(post, flat, 0, 0, n);
    } catch (e) {
      this.eagerReason = `the compiled loop failed: ${(e as Error).message}`;
      this.program = null;
      return false;
    }
    for (const k of [0, n - 1]) {
      const want = this.eagerDraw(post, flat, 0, 0, n, k);
      for (let i = 0; i < want.length; i++) {
        const sz = this.outputs[i].size;
        for (let j = 0; j < sz; j++) {
          const a = got[i][k * sz + j];
          const b = want[i][j];
          if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) {
            this.eagerReason = `compiled draw ${k} of "${this.outputs[i].name}" is ${a}, eager ${b}`;
            this.program = null;
            return false;
          }
        }
      }
    }
    return true;
  }
}
