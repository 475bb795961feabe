/** The one place this package touches `@phlox/infer`, `@phlox/tensor` and `@phlox/backend-js` at run time. */
import { compileValueAndGrad } from "@phlox/backend-js";
import { getTransforms, initializeModel, initToMedian, type ModelInfo, potentialEnergy } from "@phlox/infer";
import { PhloxError, reshape, slice, sum, type Tensor, tensor, valueAndGrad } from "@phlox/tensor";
import { isPotentialModel, type PotentialModel } from "@phlox/vi";
import { LocalLatents } from "./local-latents.js";
import { type SubsampledModel, subsampledModel, subsampledPlates } from "./subsample.js";

/**
 * A potential whose value depends on a per-particle key (a model with subsampled plates: the key picks the
 * minibatch); the particle calls `setKey` before evaluating it.
 */
export interface KeyedPotentialModel extends PotentialModel {
  setKey(k0: number, k1: number): void;
  /** The minibatch model (indices, pinning). */
  subsampled: SubsampledModel;
  /** Latent sites inside subsampled plates, when the guide accepts them (`localLatents`) and there are any. */
  local: LocalLatents | null;
}

/** Init strategies by name, for guides whose NumPyro default differs from `initializeModel`'s. */
export type DefaultInit = "uniform" | "median";

type AnyModel = (...a: never[]) => unknown;

/**
 * Σ log|det J| of the model's latent transforms at z, with its gradient: compiled with `@phlox/backend-js`
 * (eager autodiff when compiling fails). Zero for models whose latent sites are all unconstrained.
 */
function buildLogJacobian(
  info: ModelInfo,
  model: AnyModel,
  args: readonly unknown[],
  weights?: ReadonlyMap<string, number>,
): (z: Float64Array, g: Float64Array) => number {
  const transforms = getTransforms(
    model as (...a: unknown[]) => unknown,
    [...args],
    info.constrain(info.initialZ),
  );
  const sites = info.layout.filter((l) => transforms[l.name] !== undefined);
  if (sites.length === 0) {
    return (_z, g) => {
      g.fill(0);
      return 0;
    };
  }
  const f = (z: Tensor): Tensor => {
    let acc: Tensor = tensor(0);
    for (const l of sites) {
      const t = transforms[l.name];
      const u = reshape(slice(z, [l.offset], [l.offset + l.size]), l.shape);
      const w = weights?.get(l.name) ?? 1;
      const ld = sum(t.logAbsDetJacobian(u, t.forward(u)));
      acc = acc.add(w === 1 ? ld : ld.mul(w));
    }
    return acc;
  };
  try {
    return compileValueAndGrad(f, info.dim).fn;
  } catch {
    const vg = valueAndGrad(f);
    return (z, g) => {
      const [v, gr] = vg(tensor(Float64Array.from(z))) as unknown as [Tensor, Tensor];
      g.set(gr.dataSync() as Float64Array);
      return (v.dataSync() as Float64Array)[0];
    };
  }
}

/**
 * A {@link PotentialModel} for a model: returned as is when it already is one, else built by
 * `initializeModel` (compiled potential, layout, postprocess) with the given init strategy, plus a lazily
 * compiled `logJacobianFn` (for AutoDelta's constrained-space MAP).
 * @throws PhloxError when `model` is neither a function nor a PotentialModel.
 */
export function resolveModel(
  who: string,
  model: unknown,
  key: Uint32Array,
  args: readonly unknown[],
  initLocFn: unknown,
  defaultInit: DefaultInit,
  localLatents = false,
): PotentialModel {
  if (isPotentialModel(model)) return model;
  if (typeof model !== "function") {
    throw new PhloxError(
      "autoguide-bad-model",
      `${who}: model must be a model function or a PotentialModel ({ potentialFn, dim, initialZ }), got ${typeof model}.`,
    );
  }
  const initStrategy = initLocFn ?? (defaultInit === "median" ? initToMedian() : undefined);
  const plates = subsampledPlates(who, model as AnyModel, args, key, localLatents);
  if (plates.length > 0) {
    // Minibatch SVI: the potential depends on the particle's key (its minibatch), set by `setKey`.
    const sm = subsampledModel(model as AnyModel, args, key, plates, initStrategy);
    const info = sm.info;
    const local = localLatents ? new LocalLatents(info, plates, sm, args) : null;
    let k0 = key[0];
    let k1 = key[1];
    let logJ: ((z: Float64Array, g: Float64Array) => number) | null = null;
    const pm: KeyedPotentialModel = {
      potentialFn: (z, g) => sm.potential(z, g, k0, k1),
      setKey(a, b) {
        k0 = a;
        k1 = b;
        sm.select(a, b);
      },
      subsampled: sm,
      local: local?.hasLocal ? local : null,
      dim: info.dim,
      initialZ: info.initialZ,
      layout: info.layout,
      compiled: info.compiled,
      postprocess: (z) => info.postprocess(z),
      unconstrain: (values) => info.unconstrain(values),
      logJacobianFn: (z, g) => {
        // a local site's Jacobian is scaled by its plates' size / subsampleSize, as its log density is
        logJ ??= buildLogJacobian(
          info,
          sm.fixedModel,
          args,
          local?.hasLocal ? new Map(local.sites.map((s) => [s.name, s.weight])) : undefined,
        );
        return logJ(z, g);
      },
    };
    return pm;
  }
  const info = initializeModel([key[0], key[1]], model as AnyModel, args, { initStrategy });
  let logJ: ((z: Float64Array, g: Float64Array) => number) | null = null;
  return {
    potentialFn: info.potentialFn,
    dim: info.dim,
    initialZ: info.initialZ,
    // with each site's event dimension (the batched guides read it)
    layout: info.layout.map((l) => ({
      ...l,
      eventDim: info.prototypeTrace.get(l.name)?.fn?.eventDim ?? 0,
    })),
    compiled: info.compiled,
    postprocess: (z) => info.postprocess(z),
    unconstrain: (values) => info.unconstrain(values),
    logJacobianFn: (z, g) => {
      logJ ??= buildLogJacobian(info, model as AnyModel, args);
      return logJ(z, g);
    },
  };
}

/**
 * U(z) of a model function as a traceable tensor function (for guides that differentiate through ∇U, such as
 * AutoDAIS): the flat unconstrained z is split by `layout` and passed to `@phlox/infer`'s `potentialEnergy`.
 * @throws PhloxError when `model` is not a function (a `PotentialModel` gives no tensor potential).
 */
export function tensorPotential(
  who: string,
  model: unknown,
  args: readonly unknown[],
  layout: readonly { name: string; shape: number[]; offset: number; size: number }[],
): (z: Tensor) => Tensor {
  if (typeof model !== "function") {
    throw new PhloxError(
      "autoguide-needs-model-function",
      `${who}: this guide differentiates through the gradient of the potential, so it needs the model function ` +
        "itself, not a PotentialModel ({ potentialFn, dim, initialZ }).",
    );
  }
  return (z: Tensor): Tensor => {
    const values: Record<string, Tensor> = {};
    for (const l of layout) values[l.name] = reshape(slice(z, [l.offset], [l.offset + l.size]), l.shape);
    return potentialEnergy(model as (...a: unknown[]) => unknown, [...args], values);
  };
}
