/** A fully connected layer (Flax's `nn.Dense`, stax's `Dense`). */
import { matmul, type Tensor } from "@phlox/tensor";
import { alignDraws, checkInput, ModuleError } from "./errors.js";
import { lecunNormal, zeros } from "./initializers.js";
import { type Initializer, type Module, type ModuleSpec, ParamSpec, type SpecTree } from "./module.js";

/** Parameters of a {@link Dense} layer: `kernel` `[in, features]`, `bias` `[features]` (absent without bias). */
export type DenseParams = { kernel: Tensor; bias?: Tensor };

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** Add a bias (default true). */
  useBias?: boolean;
  /** Kernel initialiser (default LeCun normal, as Flax). */
  kernelInit?: Initializer;
  /** Bias initialiser (default zeros). */
  biasInit?: Initializer;
}

/**
 * y = x·kernel + bias over the last axis of x: inputs `[..., in]`, outputs `[..., features]`.
 * @example
 * const dense = new Dense(3);
 * dense.spec([10, 2]).outputShape; // → [10, 3]
 */
export class Dense implements Module<DenseParams, Tensor> {
  /** `"Dense(features)"`. */
  readonly label: string;
  /** Whether the layer has a bias. */
  readonly useBias: boolean;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;

  /**
   * @param features - number of output features (a positive integer).
   * @param options - `useBias`, `kernelInit`, `biasInit`.
   * @throws ModuleError `nn-layer` when `features` is not a positive integer.
   */
  constructor(
    readonly features: number,
    options: DenseOptions = {},
  ) {
    this.label = `Dense(${features})`;
    if (!Number.isInteger(features) || features < 1) {
      throw new ModuleError(
        "nn-layer",
        "",
        this.label,
        `features must be a positive integer, got ${features}.`,
      );
    }
    this.useBias = options.useBias ?? true;
    this.kernelInit = options.kernelInit ?? lecunNormal();
    this.biasInit = options.biasInit ?? zeros();
  }

  /** Declares `kernel` `[in, features]` and `bias` `[features]` for inputs `[..., in]`. */
  spec(inputShape: readonly number[]): ModuleSpec<Tensor> {
    checkInput(this.label, inputShape, 1);
    const fanIn = inputShape[inputShape.length - 1] as number;
    const params: Record<string, ParamSpec> = {
      kernel: new ParamSpec([fanIn, this.features], this.kernelInit),
    };
    if (this.useBias) params.bias = new ParamSpec([this.features], this.biasInit);
    return { params: params as SpecTree, outputShape: [...inputShape.slice(0, -1), this.features] };
  }

  /**
   * x·kernel + bias. Parameters with leading draw dimensions (`kernel` `[S, in, features]`, `bias`
   * `[S, features]`, e.g. posterior draws) give outputs `[S, ..., features]`: the network under every draw.
   */
  apply(params: DenseParams, x: Tensor): Tensor {
    const k = params.kernel.shape;
    checkInput(this.label, x.shape, 1, k[k.length - 2]);
    const y = matmul(x, params.kernel);
    return params.bias === undefined ? y : y.add(alignDraws(params.bias, x.shape.length));
  }
}
