/**
 * Batching rule of `randomBits`: the primitive takes a batch of keys `[...K, 2]` and gives each key's bits, as if
 * drawn one key at a time, so a batched key only moves its batch axis to the front. A vmapped sampler therefore
 * draws exactly what a loop over the keys would draw.
 */
import type { Tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { randomBitsP } from "../primitives/random-bits.js";
import { moveAxis } from "./axes.js";
import { type BatchingRule, registerBatchingRule } from "./rules.js";

const randomBitsRule: BatchingRule<"randomBits"> = (_prim, [key], [d], p) => [
  bind(randomBitsP, [moveAxis(key as Tensor, d as number, 0)], p),
  0,
];

/** Registers the random-bits rule (called once by `./register.js`). */
export function registerRandomRules(): void {
  registerBatchingRule("randomBits", randomBitsRule);
}
