/** Type-level key of {@link Model}'s site names; never set at run time. */
declare const modelSites: unique symbol;

/**
 * A Phlox model: a plain function of its data that calls `sample`, `plate`, `deterministic`, ... (as a
 * NumPyro model is a Python function). `Args` are the model's parameter types and `Sites` the names of its
 * sites; both are type-level only, so any function is a `Model` and nothing changes at run time.
 *
 * The samplers (`NUTS`, `HMC`, `SVI`, `Predictive`, ...) infer `Args` from the function, so
 * `mcmc.run(key, ...args)` only compiles with the model's arguments. Site names cannot be read from a
 * function's type: annotate the model with `Model<Args, Sites>` to have results keyed by them (then
 * `mcmc.getSamples().muu` is a compile error). Without `Sites`, results are `Record<string, Tensor>`.
 * @typeParam Args - the model's parameter types, as a tuple (inferred from the function).
 * @typeParam Sites - the names of the model's sample and deterministic sites (default: any string).
 * @example
 * const model: Model<[sigma: number, y: Tensor], "mu" | "tau"> = (sigma, y) => {
 *   const mu = sample("mu", new Normal(0, 5));
 *   const tau = sample("tau", new HalfCauchy(5));
 *   sample("obs", new Normal(mu, sigma), { obs: y });
 * };
 * const tr = trace(seed(model, key(0))).getTrace(1, tensor(0.5));
 * [...tr.keys()]; // → ["mu", "tau", "obs"]
 */
export type Model<Args extends readonly unknown[] = never[], Sites extends string = string> = ((
  ...args: Args
) => unknown) & { readonly [modelSites]?: Sites };

/** The argument tuple of a {@link Model} (or of any function). */
export type ModelArgs<M> = M extends (...args: infer A) => unknown ? A : never;

/** The site names of a {@link Model} (`string` for a plain function). */
export type ModelSites<M> = M extends { readonly [modelSites]?: infer S extends string } ? S : string;

/**
 * The arguments a sampler's `run` accepts for a model with argument types `Args`: `Args` itself, except
 * that the bare {@link Model} type's `never[]` (which admits every function) accepts anything.
 */
export type ModelCallArgs<Args extends readonly unknown[]> = Args extends readonly never[]
  ? never[] extends Args
    ? readonly unknown[]
    : Args
  : Args;
