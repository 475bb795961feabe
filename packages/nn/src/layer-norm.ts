/** Layer normalisation over the last axis (Flax's `nn.LayerNorm`). */
import { mean, type Tensor } from "@phlox/tensor";
import { alignDraws, checkInput, ModuleError } from "./errors.js";
import { ones, zeros } from "./initializers.js";
import { type Initializer, type Module, type ModuleSpec, ParamSpec, type SpecTree } from "./module.js";

/** Parameters of a {@link LayerNorm}: `scale` and `bias`, each `[features]` (absent when switched off). */
export type LayerNormParams = { scale?: Tensor; bias?: Tensor };

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-6, as Flax). */
  epsilon?: number;
  /** Learn a per-feature scale (default true). */
  useScale?: boolean;
  /** Learn a per-feature bias (default true). */
  useBias?: boolean;
  /** Scale initialiser (default ones). */
  scaleInit?: Initializer;
  /** Bias initialiser (default zeros). */
  biasInit?: Initializer;
}

/**
 * y = (x − mean(x)) / √(var(x) + ε) · scale + bias, the mean and (biased) variance taken over the last axis.
 * @example
 * new LayerNorm().spec([4, 3]).outputShape; // → [4, 3]
 */
export class LayerNorm implements Module<LayerNormParams, Tensor> {
  /** `"LayerNorm"`. */
  readonly label = "LayerNorm";
  /** The variance offset ε. */
  readonly epsilon: number;
  private readonly useScale: boolean;
  private readonly useBias: boolean;
  private readonly scaleInit: Initializer;
  private readonly biasInit: Initializer;

  /**
   * @param options - `epsilon`, `useScale`, `useBias`, initialisers.
   * @throws ModuleError `nn-layer` when `epsilon` is negative or not finite.
   */
  constructor(options: LayerNormOptions = {}) {
    this.epsilon = options.epsilon ?? 1e-6;
    if (!(this.epsilon >= 0) || !Number.isFinite(this.epsilon)) {
      throw new ModuleError(
        "nn-layer",
        "",
        this.label,
        `epsilon must be finite and ≥ 0, got ${this.epsilon}.`,
      );
    }
    this.useScale = options.useScale ?? true;
    this.useBias = options.useBias ?? true;
    this.scaleInit = options.scaleInit ?? ones();
    this.biasInit = options.biasInit ?? zeros();
  }

  /** Declares `scale` and `bias` of the last axis' length; the output has the input's shape. */
  spec(inputShape: readonly number[]): ModuleSpec<Tensor> {
    checkInput(this.label, inputShape, 1);
    const f = inputShape[inputShape.length - 1] as number;
    const params: Record<string, ParamSpec> = {};
    if (this.useScale) params.scale = new ParamSpec([f], this.scaleInit);
    if (this.useBias) params.bias = new ParamSpec([f], this.biasInit);
    return { params: params as SpecTree, outputShape: [...inputShape] };
  }

  /** Normalises over the last axis, then scales and shifts. */
  apply(params: LayerNormParams, x: Tensor): Tensor {
    const p = params.scale ?? params.bias;
    const f = p === undefined ? undefined : p.shape[p.shape.length - 1];
    checkInput(this.label, x.shape, 1, f);
    const centred = x.sub(mean(x, -1, true));
    const variance = mean(centred.mul(centred), -1, true);
    let y = centred.mul(variance.add(this.epsilon).rsqrt());
    if (params.scale !== undefined) y = y.mul(alignDraws(params.scale, x.shape.length));
    if (params.bias !== undefined) y = y.add(alignDraws(params.bias, x.shape.length));
    return y;
  }
}
