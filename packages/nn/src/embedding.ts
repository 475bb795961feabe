/** A lookup table of learned vectors (Flax's `nn.Embed`). */
import { ConstraintError, type Tensor, take } from "@phlox/tensor";
import { ModuleError } from "./errors.js";
import { normal } from "./initializers.js";
import { type Initializer, type Module, type ModuleSpec, ParamSpec, type SpecTree } from "./module.js";

/** Parameters of an {@link Embedding}: `embedding` `[numEmbeddings, features]`. */
export type EmbeddingParams = { embedding: Tensor };

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** Initialiser of the table (default Normal(0, 1), as PyTorch's `nn.Embedding`). */
  embeddingInit?: Initializer;
}

/**
 * Maps integer indices `[...]` (any shape; float tensors holding integers are cast) to rows of the table:
 * output `[..., features]`.
 * @example
 * new Embedding(10, 4).spec([3]).outputShape; // → [3, 4]
 */
export class Embedding implements Module<EmbeddingParams, Tensor> {
  /** `"Embedding(numEmbeddings, features)"`. */
  readonly label: string;
  private readonly embeddingInit: Initializer;

  /**
   * @param numEmbeddings - number of rows (the vocabulary size).
   * @param features - length of each vector.
   * @param options - `embeddingInit`.
   * @throws ModuleError `nn-layer` when a size is not a positive integer.
   */
  constructor(
    readonly numEmbeddings: number,
    readonly features: number,
    options: EmbeddingOptions = {},
  ) {
    this.label = `Embedding(${numEmbeddings}, ${features})`;
    for (const [what, v] of [
      ["numEmbeddings", numEmbeddings],
      ["features", features],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new ModuleError("nn-layer", "", this.label, `${what} must be a positive integer, got ${v}.`);
      }
    }
    this.embeddingInit = options.embeddingInit ?? normal(1);
  }

  /** Declares the table; the output appends `features` to the index shape. */
  spec(inputShape: readonly number[]): ModuleSpec<Tensor> {
    return {
      params: {
        embedding: new ParamSpec([this.numEmbeddings, this.features], this.embeddingInit),
      } as SpecTree,
      outputShape: [...inputShape, this.features],
    };
  }

  /**
   * Gathers the rows at the indices.
   * @throws ModuleError `nn-index` for a bool index tensor or (eagerly) an index outside [−n, n).
   */
  apply(params: EmbeddingParams, x: Tensor): Tensor {
    if (x.dtype === "bool") {
      throw new ModuleError("nn-index", "", this.label, "indices must be integers, got a bool tensor.");
    }
    try {
      return take(params.embedding, x, 0);
    } catch (err) {
      if (err instanceof ConstraintError) {
        throw new ModuleError(
          "nn-index",
          "",
          this.label,
          `an index is outside the table of ${params.embedding.shape[0]} rows (${err.message}).`,
        );
      }
      throw err;
    }
  }
}
