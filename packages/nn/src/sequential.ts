/** Layers applied one after another (Flax's `nn.Sequential`, stax's `serial`). */
import type { Tensor } from "@phlox/tensor";
import { ModuleError, within } from "./errors.js";
import {
  asModule,
  isEmptySpec,
  type Layer,
  type Module,
  type ModuleSpec,
  type OutputShape,
  type ParamTree,
  type SpecTree,
} from "./module.js";

/**
 * Applies its layers in order; each layer's parameters sit under `layers_<i>` (its index in the list, as
 * Flax names them). Activation functions may stand in the list; every layer but the last maps tensor to tensor,
 * and the last may return a record (a {@link Parallel} head).
 * @example
 * const mlp = new Sequential([new Dense(8), tanh, new Dense(1)]);
 * Object.keys(flattenSpecs(mlp.spec([5, 2]).params)); // → ["layers_0.kernel", "layers_0.bias", "layers_2.kernel", "layers_2.bias"]
 */
export class Sequential<Out = Tensor> implements Module<ParamTree, Out> {
  /** `"Sequential"`. */
  readonly label = "Sequential";
  /** The layers, functions wrapped as {@link Activation}s. */
  readonly layers: readonly Module<ParamTree, unknown>[];

  /**
   * @param layers - modules or activation functions; the last one fixes the output type.
   * @throws ModuleError `nn-layer` when the list is empty.
   */
  constructor(layers: readonly [...Layer[], Module<never, Out>]);
  constructor(layers: readonly Layer[]);
  constructor(layers: readonly (Layer | Module<never, unknown>)[]) {
    if (layers.length === 0) throw new ModuleError("nn-layer", "", this.label, "needs at least one layer.");
    this.layers = layers.map((l) => asModule(l as Layer)) as Module<ParamTree, unknown>[];
  }

  /** Chains the layers' specs, each layer's output shape being the next one's input shape. */
  spec(inputShape: readonly number[]): ModuleSpec<Out> {
    const params: Record<string, SpecTree> = {};
    let shape: unknown = [...inputShape];
    this.layers.forEach((layer, i) => {
      const name = `layers_${i}`;
      if (!Array.isArray(shape)) {
        throw new ModuleError(
          "nn-layer",
          name,
          layer.label,
          "follows a layer with a record output; only the last layer may return a record.",
        );
      }
      const s = within(name, () => layer.spec(shape as number[]));
      if (!isEmptySpec(s.params)) params[name] = s.params;
      shape = s.outputShape;
    });
    return { params, outputShape: shape as OutputShape<Out> };
  }

  /** Applies the layers in order. */
  apply(params: ParamTree, x: Tensor): Out {
    let y: unknown = x;
    this.layers.forEach((layer, i) => {
      const name = `layers_${i}`;
      const p = (params[name] ?? {}) as ParamTree;
      y = within(name, () => layer.apply(p, y as Tensor));
    });
    return y as Out;
  }
}
