/**
 * Networks inside models, as NumPyro's `numpyro.contrib.module`: {@link nnModule} registers a module's
 * parameters with `param` (learned by SVI, like `flax_module` / `haiku_module`), {@link randomModule} puts a
 * prior over them with `sample` (inferred by NUTS or SVI, like `random_flax_module`).
 */
import { Distribution } from "@phlox/distributions";
import { param, prngKey, sample, stackIsEmpty } from "@phlox/handlers";
import { key as makeKey, Tensor, tensor } from "@phlox/tensor";
import { fmtShape, ModuleError, within } from "./errors.js";
import type { Module, ParamSpec, ParamTree } from "./module.js";
import { flattenParams, flattenSpecs, initParams, unflattenParams } from "./params.js";

/** Options of {@link nnModule} and {@link randomModule}. */
export interface NNModuleOptions {
  /** Shape of the inputs the network will take, batch dimensions included (NumPyro's `input_shape`). */
  inputShape: readonly number[];
}

/**
 * A prior over a module's parameters: one distribution for all of them, one per dotted parameter path
 * (paths left out stay learnable `param` sites, as in NumPyro), or a function of the path and shape.
 */
export type ModulePrior =
  | Distribution
  | Readonly<Record<string, Distribution>>
  | ((path: string, shape: readonly number[]) => Distribution);

/** The site name of a learnable parameter of module `name` (NumPyro's `"<name>$params"`, one site a leaf). */
export const paramSiteName = (name: string, path: string): string => `${name}$params.${path}`;

/** The site name of a parameter under a prior (NumPyro's scope prefix: `"<name>/<path>"`). */
export const sampleSiteName = (name: string, path: string): string => `${name}/${path}`;

/** Registers one learnable leaf, initialised lazily from the site's own PRNG key (or eagerly without one). */
function registerParam(name: string, path: string, spec: ParamSpec, eager: Tensor | null): Tensor {
  const site = paramSiteName(name, path);
  return eager !== null ? param(site, eager) : param(site, (k) => spec.init(k, spec.shape));
}

/**
 * Eager initial values when no `seed` handler can give keys (NumPyro falls back to `key(0)` likewise), else
 * null: each parameter is then initialised lazily from its own key, and not at all when SVI substitutes it.
 */
function eagerInit<P extends ParamTree, Out>(
  module: Module<P, Out>,
  inputShape: readonly number[],
): Record<string, Tensor> | null {
  if (!stackIsEmpty() && prngKey() !== null) return null;
  return flattenParams(initParams(module, makeKey(0), inputShape));
}

/**
 * Declares a network inside a model or guide with its parameters registered by `param`, one site per
 * parameter named `"<name>$params.<path>"` (`"decoder$params.layers_0.kernel"`), so SVI learns them
 * (NumPyro's `flax_module` / `haiku_module`). Parameters are initialised from the enclosing `seed`'s keys;
 * under SVI's `substitute` the current values are used and no initialiser runs.
 * @param name - the module's name (prefix of its sites).
 * @param module - the network.
 * @param options - `inputShape`: the shape of the inputs (batch dimensions included).
 * @returns the network with its parameters bound: `x => output`.
 * @throws ModuleError `nn-input-shape` (naming the layer) when the module cannot take `inputShape`, or when
 * the returned function gets an input whose shape does not fit; `nn-param-shape` when a substituted value has
 * the wrong shape.
 * @example
 * function guide(x: Tensor) {
 *   const encode = nnModule("encoder", new Sequential([new Dense(8), softplus, new Dense(2)]), { inputShape: x.shape });
 *   const h = encode(x); // [batch, 2]
 * }
 */
export function nnModule<P extends ParamTree, Out>(
  name: string,
  module: Module<P, Out>,
  options: NNModuleOptions,
): (x: Tensor) => Out {
  const specs = within(name, () => module.spec(options.inputShape)).params;
  const eager = eagerInit(module, options.inputShape);
  const values: Record<string, Tensor> = {};
  for (const [path, spec] of Object.entries(flattenSpecs(specs))) {
    values[path] = registerParam(name, path, spec, eager?.[path] ?? null);
  }
  const params = within(name, () => unflattenParams(specs, values, module.label)) as P;
  return (x) => within(name, () => module.apply(params, x));
}

function priorFor(prior: ModulePrior, path: string, shape: readonly number[]): Distribution | undefined {
  if (prior instanceof Distribution) return prior;
  if (typeof prior === "function") return prior(path, shape);
  return prior[path];
}

/**
 * Declares a network whose parameters have a prior: each parameter is a `sample` site named
 * `"<name>/<path>"` (`"bnn/layers_0.kernel"`) drawn from the prior expanded to the parameter's shape with all
 * dimensions as event dimensions (NumPyro's `random_flax_module`). With a record prior, the parameters it
 * does not name stay learnable `param` sites (`"<name>$params.<path>"`).
 * @param name - the module's name (prefix of its sites).
 * @param module - the network.
 * @param prior - a distribution for every parameter, a record by dotted path, or `(path, shape) => dist`.
 * @param options - `inputShape`: the shape of the inputs (batch dimensions included).
 * @returns the network with its sampled parameters bound: `x => output`.
 * @throws ModuleError `nn-prior` when a record prior names a path the module does not have, or a prior's
 * event shape does not end the parameter's shape; `nn-input-shape` as {@link nnModule}.
 * @example
 * function model(X: Tensor, y?: Tensor) {
 *   const net = randomModule("bnn", new Sequential([new Dense(5), tanh, new Dense(1)]), new Normal(0, 1), {
 *     inputShape: X.shape,
 *   });
 *   plate("data", X.shape[0], () => sample("y", new Normal(net(X).reshape([-1]), 0.1), { obs: y }));
 * }
 */
export function randomModule<P extends ParamTree, Out>(
  name: string,
  module: Module<P, Out>,
  prior: ModulePrior,
  options: NNModuleOptions,
): (x: Tensor) => Out {
  const specs = within(name, () => module.spec(options.inputShape)).params;
  const flat = flattenSpecs(specs);
  if (!(prior instanceof Distribution) && typeof prior !== "function") {
    const unknown = Object.keys(prior).filter((p) => !(p in flat));
    if (unknown.length > 0) {
      throw new ModuleError(
        "nn-prior",
        name,
        module.label,
        `the prior names ${unknown.map((u) => `"${u}"`).join(", ")}, which ${unknown.length === 1 ? "is" : "are"} ` +
          `not a parameter; the parameters are ${Object.keys(flat)
            .map((p) => `"${p}"`)
            .join(", ")}.`,
      );
    }
  }
  const values: Record<string, Tensor> = {};
  let eager: Record<string, Tensor> | null | undefined;
  for (const [path, spec] of Object.entries(flat)) {
    const d = priorFor(prior, path, spec.shape);
    if (d === undefined) {
      if (eager === undefined) eager = eagerInit(module, options.inputShape);
      values[path] = registerParam(name, path, spec, eager?.[path] ?? null);
      continue;
    }
    const ev = d.eventShape;
    const nBatch = spec.shape.length - ev.length;
    if (nBatch < 0 || ev.some((e, i) => e !== spec.shape[nBatch + i])) {
      throw new ModuleError(
        "nn-prior",
        name,
        module.label,
        `the prior of "${path}" has event shape ${fmtShape(ev)}, which does not end the parameter's shape ` +
          `${fmtShape(spec.shape)}; give a scalar prior (it is expanded) or one whose event shape matches.`,
      );
    }
    values[path] = sample(sampleSiteName(name, path), d.expand(spec.shape.slice(0, nBatch)).toEvent());
  }
  const params = within(name, () => unflattenParams(specs, values, module.label)) as P;
  return (x) => within(name, () => module.apply(params, x));
}

/** A parameter value as SVI's `getParams` returns it (`{ data, shape }`), or a tensor. */
export type ParamValueLike = Tensor | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

/**
 * The parameter record of module `name` out of values by site name, to apply the network outside the model:
 * fitted parameters (what `SVI.getParams` returns; NumPyro's `params["<name>$params"]`) or, for a
 * {@link randomModule}, posterior draws (`mcmc.getSamples()`: each parameter then has a leading draw dimension,
 * which `Dense` broadcasts, so one `apply` evaluates the network under every draw).
 * @param params - values by site name (`"encoder$params.layers_0.kernel"`, `"bnn/layers_0.kernel"`, ...).
 * @param name - the module's name as given to {@link nnModule}.
 * @param module - the same module.
 * @param options - `inputShape` as given to {@link nnModule}.
 * @returns the nested record `module.apply` takes.
 * @throws ModuleError `nn-param-shape` when a parameter is missing or has the wrong shape.
 * @example
 * const p = moduleParams(svi.getParams(state), "encoder", encoder, { inputShape: x.shape });
 * const { loc } = encoder.apply(p, x);
 */
export function moduleParams<P extends ParamTree, Out>(
  params: Readonly<Record<string, ParamValueLike>>,
  name: string,
  module: Module<P, Out>,
  options: NNModuleOptions,
): P {
  const specs = within(name, () => module.spec(options.inputShape)).params;
  const values: Record<string, Tensor> = {};
  for (const path of Object.keys(flattenSpecs(specs))) {
    const v = params[paramSiteName(name, path)] ?? params[sampleSiteName(name, path)];
    if (v === undefined) continue;
    values[path] = v instanceof Tensor ? v : tensor(Float64Array.from(v.data)).reshape([...v.shape]);
  }
  return within(name, () => unflattenParams(specs, values, module.label, true)) as P;
}
