/** Several heads on one input (stax's `FanOut` + `parallel`), returning a record of outputs. */
import type { Tensor } from "@phlox/tensor";
import { within } from "./errors.js";
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

/** A head of a {@link Parallel}: any module (its output may itself be a record) or an activation. */
export type Head = Layer | Module<never, unknown>;

/**
 * The output record of a {@link Parallel} over heads `H` (a head whose output type was inferred as `unknown`, as
 * a `Sequential` ending in an activation is inside the object literal, outputs a tensor).
 */
export type ParallelOutput<H extends Record<string, Head>> = {
  [K in keyof H]: H[K] extends Module<never, infer O> ? (unknown extends O ? Tensor : O) : Tensor;
};

/**
 * Applies each named head to the same input and returns their outputs by name; each head's parameters sit
 * under its name. A VAE encoder's `{ loc, scale }` heads:
 * @example
 * const heads = new Parallel({ loc: new Dense(2), scale: new Sequential([new Dense(2), exp]) });
 * heads.spec([5, 8]).outputShape; // → { loc: [5, 2], scale: [5, 2] }
 */
export class Parallel<H extends Record<string, Head>> implements Module<ParamTree, ParallelOutput<H>> {
  /** `"Parallel"`. */
  readonly label = "Parallel";
  private readonly heads: [string, Module<ParamTree, unknown>][];

  /** @param heads - modules (or activation functions) by output name. */
  constructor(heads: H) {
    this.heads = Object.entries(heads).map(([k, l]) => [
      k,
      (typeof l === "function" ? asModule(l) : l) as Module<ParamTree, unknown>,
    ]);
  }

  /** Each head's spec on the same input shape. */
  spec(inputShape: readonly number[]): ModuleSpec<ParallelOutput<H>> {
    const params: Record<string, SpecTree> = {};
    const outputShape: Record<string, unknown> = {};
    for (const [name, head] of this.heads) {
      const s = within(name, () => head.spec(inputShape));
      if (!isEmptySpec(s.params)) params[name] = s.params;
      outputShape[name] = s.outputShape;
    }
    return { params, outputShape: outputShape as OutputShape<ParallelOutput<H>> };
  }

  /** Each head applied to `x`. */
  apply(params: ParamTree, x: Tensor): ParallelOutput<H> {
    const out: Record<string, unknown> = {};
    for (const [name, head] of this.heads) {
      out[name] = within(name, () => head.apply((params[name] ?? {}) as ParamTree, x));
    }
    return out as ParallelOutput<H>;
  }
}
