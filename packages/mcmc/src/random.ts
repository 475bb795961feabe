/**
 * Counter-based randomness for the samplers: `@phlox/tensor`'s scalar threefry-2x32 stream, re-exported under
 * the names this package has always exported (a chain's stream is a `ChainRandom` keyed by the chain's key).
 */
export {
  ChainRandom,
  type ChainRandomState,
  type KeyLike,
  type KeyPair,
  splitKey,
  threefry2x32,
  toKeyPair,
} from "@phlox/tensor";
