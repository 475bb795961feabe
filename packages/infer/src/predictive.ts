import {
  type Message,
  type Model,
  type ModelCallArgs,
  mask,
  type Seed,
  seed,
  substitute,
  type Trace,
  trace,
} from "@phlox/handlers";
import { inferDiscrete } from "./enum/infer-discrete.js";
import { enumPointwiseLogLik, pointwiseEnumPlan } from "./enum/pointwise.js";
import {
  compiledLogLikelihood,
  type FlatSite,
  logLikelihoodTrace,
  observedLogProbs,
} from "./internal/compiled-log-likelihood.js";
import {
  CountingSeed,
  compiledPredictive,
  splitWords,
  vectorizedKeyedPredictive,
} from "./internal/compiled-predictive.js";
import {
  dataOf,
  fromData,
  fromKeyWords,
  type Key,
  PhloxError,
  splitKey,
  type Tensor,
  type TensorLike,
  toKey,
} from "./internal/ops.js";
import { type SiteValue, siteTensor } from "./site-values.js";

type AnyModel = (...args: never[]) => unknown;
type Samples = Readonly<Record<string, Tensor | TensorLike | SiteValue>>;

const callModel = (model: AnyModel, args: readonly unknown[]): unknown =>
  (model as (...a: readonly unknown[]) => unknown)(...args);

/** Draws stacked along leading batch dimensions, split into per-draw tensors. */
interface Batched {
  batchShape: number[];
  numDraws: number;
  /** Each site's draws as one flat array (`numDraws` rows of `size` elements). */
  sites: FlatSite[];
  draw(i: number): Record<string, Tensor>;
}

function batchSamples(samples: Samples, batchNdims: number, who: string): Batched {
  const entries = Object.entries(samples).map(([k, v]) => [k, siteTensor(v)] as const);
  if (entries.length === 0) return { batchShape: [], numDraws: 0, sites: [], draw: () => ({}) };
  const batchShape = entries[0][1].shape.slice(0, batchNdims);
  for (const [k, t] of entries) {
    const b = t.shape.slice(0, batchNdims);
    if (b.length < batchNdims || b.some((d, i) => d !== batchShape[i])) {
      throw new PhloxError(
        "sample-batch-shape",
        `${who}: samples of site "${k}" have shape [${t.shape.join(", ")}], whose first ${batchNdims} dimension(s) ` +
          `differ from [${batchShape.join(", ")}] of site "${entries[0][0]}". All sites need the same leading ` +
          `(chain/draw) dimensions; set batchNdims to their number.`,
      );
    }
  }
  const numDraws = batchShape.reduce((a, b) => a * b, 1);
  const flat = entries.map(([k, t]) => {
    const rest = t.shape.slice(batchNdims);
    const n = rest.reduce((a, b) => a * b, 1);
    return { k, rest, n, data: dataOf(t) };
  });
  return {
    batchShape,
    numDraws,
    sites: flat.map((f) => ({ name: f.k, shape: f.rest, size: f.n, data: f.data })),
    draw(i) {
      const out: Record<string, Tensor> = Object.create(null);
      for (const f of flat) out[f.k] = fromData(f.data.subarray(i * f.n, (i + 1) * f.n), f.rest);
      return out;
    },
  };
}

/** Stacks per-draw values of each site into `[...batchShape, ...siteShape]` tensors. */
function stack(
  perDraw: Record<string, Tensor>[],
  batchShape: readonly number[],
  who: string,
): Record<string, Tensor> {
  const out: Record<string, Tensor> = Object.create(null);
  if (perDraw.length === 0) return out;
  for (const name of Object.keys(perDraw[0])) {
    const shape = perDraw[0][name].shape;
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(n * perDraw.length);
    perDraw.forEach((d, i) => {
      const v = d[name];
      if (v === undefined || v.size !== n) {
        throw new PhloxError(
          "site-shape-varies",
          `${who}: site "${name}" has shape [${v?.shape.join(", ")}] at draw ${i} but [${shape.join(", ")}] at draw 0; ` +
            `a returned site must have the same shape in every draw.`,
        );
      }
      data.set(dataOf(v), i * n);
    });
    out[name] = fromData(data, [...batchShape, ...shape]);
  }
  return out;
}

/** Options of {@link Predictive}. */
export interface PredictiveOptions {
  /** Posterior draws by site name, each with `batchNdims` leading dimensions (e.g. from `mcmc.getSamples()`). */
  posteriorSamples?: Samples;
  /** A guide whose draws (with `params`) give the latent values. */
  guide?: AnyModel;
  /** Parameters substituted into the guide (and the model). */
  params?: Samples;
  /** Number of draws when there are no posterior samples (prior predictive, or from the guide). */
  numSamples?: number;
  /** Sites to return; default every sample site not in `posteriorSamples`, plus deterministic sites. */
  returnSites?: readonly string[];
  /** Number of leading batch dimensions of `posteriorSamples` (1: `[draw]`, 2: `[chain, draw]`); default 1. */
  batchNdims?: number;
  /**
   * Recompute deterministic sites instead of substituting their values from `posteriorSamples` (default
   * true, as in NumPyro).
   */
  excludeDeterministic?: boolean;
  /**
   * Compile the model (default true): without a guide, the model is traced once with the posterior sites and
   * the draw's key substituted from a flat row, and every draw runs through one generated loop
   * (`@phlox/backend-js`); the traced samplers draw bit-identical numbers from the same keys. Falls back to
   * running the model eagerly once per draw when it does not trace (data-dependent control flow, host-side
   * samplers such as Poisson's) or when the compiled draws are not identical to the eager ones at the first
   * and last draw.
   */
  jit?: boolean;
  /**
   * Vectorise over draws (NumPyro's `parallel=True`): the draw is staged once under `vmap` and all draws run
   * as one program over whole batches (`[numDraws, …]` arrays) instead of a loop of per-draw code. The draws
   * are the same as without it for the same key (bit-identical: every sampler draws from the same keys);
   * with a guide, the guide and the model run under `vmap` too. Falls back to the loop when the model does not
   * trace. Default false. Ignored with `jit: false`.
   */
  parallel?: boolean;
  /**
   * Draw the discrete latent sites that `posteriorSamples` do not give from their posterior given each draw
   * (NumPyro's `infer_discrete=True`): the model runs under {@link inferDiscrete} with `temperature: 1`
   * (forward-filter backward-sample), so enumerated mixtures and HMMs get their assignments and states back.
   * Runs eagerly, one draw at a time.
   */
  inferDiscrete?: boolean;
}

/**
 * Prior and posterior predictive draws (NumPyro's `Predictive`): for each posterior draw (or each of
 * `numSamples` prior / guide draws), runs the model with the latent values substituted and a fresh key,
 * and collects the returned sites.
 * @example
 * const model = (n) => {
 *   const mu = sample("mu", new Normal(0, 1));
 *   plate("data", n, () => sample("y", new Normal(mu, 1)));
 * };
 * new Predictive(model, { numSamples: 100 }).run(key(0), 3).y.shape; // → [100, 3]
 * new Predictive(model, { posteriorSamples: { mu: tensor([0, 1]) } }).run(key(1), 3).y.shape; // → [2, 3]
 * @typeParam Args - the model's argument types, inferred from the model: `run(key, ...args)` only compiles
 *   with arguments the model accepts (default: anything).
 * @typeParam Sites - the model's site names, from a `Model<Args, Sites>` annotation (`@phlox/handlers`),
 *   which key `run`'s result (default: any string).
 */
export class Predictive<Args extends readonly unknown[] = readonly unknown[], Sites extends string = string> {
  /** The model. */
  readonly model: Model<Args, Sites>;
  /** The options given to the constructor. */
  readonly options: PredictiveOptions;

  /**
   * @param model - the model.
   * @param options - `posteriorSamples`, or `guide` (+ `params`), or `numSamples`; `returnSites`, `batchNdims`.
   * @throws PhloxError when neither samples nor `numSamples` say how many draws to make.
   */
  constructor(model: Model<Args, Sites>, options: PredictiveOptions = {}) {
    this.model = model;
    this.options = options;
    const b = options.batchNdims ?? 1;
    if (!Number.isInteger(b) || b < 0) {
      throw new PhloxError(
        "bad-batch-ndims",
        `Predictive: batchNdims must be a non-negative integer, got ${b}.`,
      );
    }
    if (options.posteriorSamples === undefined && options.numSamples === undefined) {
      throw new PhloxError(
        "predictive-num-samples",
        "Predictive: pass posteriorSamples, or numSamples (for the prior predictive or draws from a guide).",
      );
    }
  }

  /**
   * Runs the predictive.
   * @param rngKey - key, integer seed or uint32 pair.
   * @param args - the model's (and guide's) arguments.
   * @returns draws by site name, each of shape `[...batch, ...siteShape]` (batch = the samples' leading
   *   dimensions, or `[numSamples]`).
   */
  run(rngKey: Key | number | readonly [number, number], ...args: ModelCallArgs<Args>): Record<Sites, Tensor> {
    return this.draws(rngKey, args) as Record<Sites, Tensor>;
  }

  private draws(
    rngKey: Key | number | readonly [number, number],
    args: readonly unknown[],
  ): Record<string, Tensor> {
    const o = this.options;
    const who = "Predictive.run";
    const params: Record<string, Tensor> = Object.create(null);
    for (const [k, v] of Object.entries(o.params ?? {})) params[k] = siteTensor(v);
    let batched: Batched;
    if (o.posteriorSamples !== undefined) {
      batched = batchSamples(o.posteriorSamples, o.batchNdims ?? 1, who);
      if (o.numSamples !== undefined && o.numSamples !== batched.numDraws) {
        throw new PhloxError(
          "predictive-num-samples",
          `${who}: numSamples is ${o.numSamples} but posteriorSamples hold ${batched.numDraws} draws; leave numSamples out.`,
        );
      }
    } else {
      const n = o.numSamples as number;
      batched = { batchShape: [n], numDraws: n, sites: [], draw: () => ({}) };
    }
    const baseKey = toKey(rngKey);
    splitKey(baseKey, 0); // checks the key's dtype and shape
    // keyAt(i) is split(baseKey, numDraws)[i], without making numDraws tensors up front.
    const drawKeys = splitWords(Uint32Array.from(baseKey.dataSync() as ArrayLike<number>), batched.numDraws);
    const keyAt = (i: number): Key => fromKeyWords(drawKeys.subarray(2 * i, 2 * i + 2));
    const m = this.model;
    const keepDeterministic = o.excludeDeterministic === false;
    // mask(false): log densities are not needed, so getMask() lets models skip expensive factors.
    const run = mask(() => callModel(m, args), false);
    const modelTrace = (latent: Record<string, Tensor>, seeder: Seed): Trace => {
      const values = { ...params, ...latent };
      const sub = (msg: Message): Tensor | undefined =>
        (msg.type === "deterministic" && !keepDeterministic) || !Object.hasOwn(values, msg.name)
          ? undefined
          : values[msg.name];
      if (o.inferDiscrete === true) {
        // values go inside inferDiscrete: its enumerated runs are hidden from the handlers around it
        const inner = inferDiscrete(substitute(m as unknown as (...a: unknown[]) => unknown, sub), {
          temperature: 1,
        });
        return trace(() => seeder.run(() => inner(...args))).getTrace();
      }
      return trace(substitute(() => seeder.run(run), sub)).getTrace();
    };
    let sites: Set<string> | null = o.returnSites ? new Set(o.returnSites) : null;
    const pick = (tr: Trace, returned: Set<string>): Map<string, Tensor> => {
      const out = new Map<string, Tensor>();
      for (const name of returned) {
        const v = tr.get(name)?.value;
        if (v) out.set(name, v);
      }
      return out;
    };
    let keysUsed = 0;
    /** The guide's draws added to `latent` (with the guide's half of `k`), and the model's half of `k`. */
    const withGuide = (latent0: Record<string, Tensor>, k0: Key): [Record<string, Tensor>, Key] => {
      const guide = o.guide;
      if (guide === undefined) return [latent0, k0];
      const [kg, km] = splitKey(k0, 2);
      const gt = trace(
        substitute(
          seed(() => callModel(guide, args), kg),
          params,
        ),
      ).getTrace();
      const latent = Object.assign(Object.create(null) as Record<string, Tensor>, latent0);
      for (const [name, site] of gt)
        if (site.type === "sample" && site.value !== null) latent[name] = site.value;
      return [latent, km];
    };
    const eagerAt = (i: number): Map<string, Tensor> => {
      const [latent, k] = withGuide(batched.draw(i), keyAt(i));
      const seeder = new CountingSeed(k);
      const tr = modelTrace(latent, seeder);
      if (i === 0) keysUsed = seeder.used;
      if (sites === null) {
        sites = new Set();
        for (const [name, site] of tr) {
          if ((site.type === "sample" && !Object.hasOwn(latent, name)) || site.type === "deterministic")
            sites.add(name);
        }
      }
      return pick(tr, sites);
    };
    if (batched.numDraws === 0) return {};
    const first = eagerAt(0);
    const returned = sites as unknown as Set<string>;
    const signature = JSON.stringify([
      batched.sites.map((f) => [f.name, f.shape]),
      [...returned],
      keepDeterministic,
    ]);
    const stacked = (fast: Map<string, { data: Float64Array; shape: number[] }>): Record<string, Tensor> => {
      const out: Record<string, Tensor> = Object.create(null);
      for (const [name, v] of fast) out[name] = fromData(v.data, [...batched.batchShape, ...v.shape]);
      return out;
    };
    const eagerOrFirst = (i: number): Map<string, Tensor> => (i === 0 ? first : eagerAt(i));
    const compile = o.jit !== false && o.inferDiscrete !== true;
    if (o.guide !== undefined && o.parallel === true && compile && batched.numDraws > 2) {
      const fast = vectorizedKeyedPredictive(
        m,
        [...args, o.params, o.guide],
        signature,
        batched.sites,
        drawKeys,
        batched.numDraws,
        (latent0, k0) => {
          const [latent, k] = withGuide(latent0, k0);
          return pick(modelTrace(latent, new CountingSeed(k)), returned);
        },
        eagerOrFirst,
      );
      if (fast !== null) return stacked(fast);
    }
    if (o.guide === undefined && compile && batched.numDraws > 2) {
      const fast = compiledPredictive(
        m,
        [...args, o.params],
        signature,
        batched.sites,
        drawKeys,
        keysUsed,
        batched.numDraws,
        (latent, seeder) => pick(modelTrace(latent, seeder), returned),
        eagerOrFirst,
        o.parallel === true,
      );
      if (fast !== null) return stacked(fast);
    }
    const perDraw: Record<string, Tensor>[] = [Object.fromEntries(first)];
    for (let i = 1; i < batched.numDraws; i++) perDraw.push(Object.fromEntries(eagerAt(i)));
    return stack(perDraw, batched.batchShape, who);
  }
}

/**
 * Pointwise log-likelihood of each observed site at each posterior draw (NumPyro's `log_likelihood`), as WAIC
 * and PSIS-LOO need: `fn.logProb(obs)` without summing, unscaled; `factor` sites included. Discrete latent sites
 * with finite support that the samples do not give are summed out of each observation: for an observation
 * inside plates, log Σ_z p(z) p(y_i | z) per element (the mixture likelihood of each point).
 * @param model - the model (with its observations given through `args`).
 * @param posteriorSamples - draws by site name with `batchNdims` leading dimensions.
 * @param args - the model's arguments.
 * @param options - `batchNdims` (default 1); `jit` (default true): trace the model once with the posterior sites
 *   substituted from a flat draw, compile the observed sites' log densities with `@phlox/backend-js` and map
 *   every draw through one generated loop. It falls back to running the model eagerly once per draw when the
 *   model does not trace (data-dependent control flow, host-side samplers, values read with `item()`), or when
 *   the compiled values differ from the eager ones at the first or last draw (beyond 1e-12 relative);
 *   `parallel` (default false, NumPyro's `parallel=True`): vectorise over draws with `vmap`, one program over
 *   `[numDraws, …]` arrays instead of a loop of per-draw code (same values; ignored with `jit: false`).
 * @returns by observed site name, tensors of shape `[...batch, ...siteBatchShape]`.
 * @example
 * const model = (y) => {
 *   const mu = sample("mu", new Normal(0, 1));
 *   plate("data", 2, () => sample("y", new Normal(mu, 1), { obs: y }));
 * };
 * logLikelihood(model, { mu: tensor([0, 1, 2]) }, [tensor([0.5, 1])]).y.shape; // → [3, 2]
 */
export function logLikelihood(
  model: AnyModel,
  posteriorSamples: Samples,
  args: readonly unknown[] = [],
  options: { batchNdims?: number; jit?: boolean; parallel?: boolean } = {},
): Record<string, Tensor> {
  const who = "logLikelihood";
  const batched = batchSamples(posteriorSamples, options.batchNdims ?? 1, who);
  // Discrete latent sites the samples do not give are summed out of each observation's likelihood.
  const firstTrace = batched.numDraws === 0 ? null : logLikelihoodTrace(model, args, batched.draw(0));
  const fad =
    firstTrace === null ? null : pointwiseEnumPlan(firstTrace, new Set(Object.keys(posteriorSamples)));
  const pointwise =
    fad === null
      ? null
      : (values: Record<string, Tensor>): Map<string, Tensor> =>
          enumPointwiseLogLik(model, args, values, fad);
  const eagerAt = (i: number): Map<string, Tensor> =>
    pointwise !== null
      ? pointwise(batched.draw(i))
      : observedLogProbs(
          i === 0 && firstTrace !== null ? firstTrace : logLikelihoodTrace(model, args, batched.draw(i)),
        );
  // With two draws or fewer the check against the eager run already computes every draw.
  if (options.jit !== false && batched.numDraws > 2) {
    const fast = compiledLogLikelihood(
      model,
      args,
      batched.sites,
      batched.numDraws,
      eagerAt,
      options.parallel === true,
      pointwise,
    );
    if (fast !== null) {
      const out: Record<string, Tensor> = Object.create(null);
      for (const [name, v] of fast) out[name] = fromData(v.data, [...batched.batchShape, ...v.shape]);
      return out;
    }
  }
  const perDraw: Record<string, Tensor>[] = [];
  for (let i = 0; i < batched.numDraws; i++) perDraw.push(Object.fromEntries(eagerAt(i)));
  return stack(perDraw, batched.batchShape, who);
}
