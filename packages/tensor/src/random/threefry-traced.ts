/**
 * Threefry-2x32 written with tensor primitives, so key derivation (`split`, `foldIn`) works on a traced key
 * under `jit`/`makeProgram`. The uint32 words travel as float64 integers in [0, 2³²); every step is exact in
 * float64 (sums stay below 2⁵³, scalings are by powers of two, rotate-and-xor goes bit by bit over a 32-wide
 * axis), so the result is bit-identical to the scalar `threefry2x32`. It costs about 600 equations per call
 * (≈ 7 µs per call once compiled by backend-js) and needs a float64-exact backend; concrete keys take the
 * scalar path instead.
 */
import type { Tensor } from "../core/tensor.js";
import { tensor } from "../core/tensor.js";
import { add } from "../primitives/add.js";
import { cast } from "../primitives/cast.js";
import { concatenate } from "../primitives/concatenate.js";
import { floor } from "../primitives/floor.js";
import { mul } from "../primitives/mul.js";
import { sum } from "../primitives/reduce-sum.js";
import { reshape } from "../primitives/reshape.js";
import { slice } from "../primitives/slice.js";
import { sub } from "../primitives/sub.js";

const P32 = 4294967296;
const ROT = [13, 15, 26, 6, 17, 29, 16, 24];

/** y mod 2³² for an integer 0 ≤ y < 2⁶³ held exactly in float64. */
const mod32 = (y: Tensor): Tensor => sub(y, mul(floor(mul(y, 1 / P32)), P32));

/** (a + b) mod 2³². */
const add32 = (a: Tensor, b: Tensor | number): Tensor => mod32(add(a, b));

const POW = Float64Array.from({ length: 32 }, (_, j) => 2 ** j);

/**
 * @internal rotl(a, r) xor b for [n] tensors of 32-bit words. Bit j of rotl(a, r) is bit (j − r) mod 32 of a, and bit k
 * of x is the parity of ⌊x / 2ᵏ⌋; the parity of a sum is the xor of the parities, so with s_j =
 * ⌊a / 2^((j−r) mod 32)⌋ + ⌊b / 2ʲ⌋ (exact below 2³³) the result is Σ_j 2ʲ (s_j mod 2).
 */
export function rotlXor(a: Tensor, r: number, b: Tensor): Tensor {
  const n = a.shape[0] as number;
  const invA = Float64Array.from({ length: 32 }, (_, j) => 2 ** -((j - r + 32) % 32));
  const invB = Float64Array.from({ length: 32 }, (_, j) => 2 ** -j);
  const s = add(
    floor(mul(reshape(a, [n, 1]), reshape(tensor(invA), [1, 32]))),
    floor(mul(reshape(b, [n, 1]), reshape(tensor(invB), [1, 32]))),
  );
  return sum(mul(sub(s, mul(floor(mul(s, 0.5)), 2)), tensor(POW)), 1);
}

/**
 * @internal Threefry-2x32 blocks of the counters (0, c) for each `c` in `counters` under the key `k` (uint32
 * [2], possibly traced), as a uint32 tensor [counters.length, 2]; row i equals `threefry2x32(k, 0, c_i)`.
 */
export function threefryBlocks(k: Tensor, counters: readonly number[]): Tensor {
  const n = counters.length;
  const kf = cast(k, "float64");
  const ks0 = slice(kf, [0], [1]);
  const ks1 = slice(kf, [1], [2]);
  const ks2 = rotlXor(rotlXor(ks0, 0, ks1), 0, tensor([0x1bd11bda]));
  const ks = [ks0, ks1, ks2];
  let x0 = add(ks0, tensor(new Float64Array(n))); // counter word 0 is 0 (broadcast to [n])
  let x1 = add32(tensor(Float64Array.from(counters)), ks1);
  for (let g = 1; g <= 5; g++) {
    const r = (g & 1) === 1 ? 0 : 4;
    for (let j = 0; j < 4; j++) {
      x0 = add32(x0, x1);
      x1 = rotlXor(x1, ROT[r + j] as number, x0);
    }
    x0 = add32(x0, ks[g % 3] as Tensor);
    x1 = add32(add(x1, ks[(g + 1) % 3] as Tensor), g);
  }
  return cast(concatenate([reshape(x0, [n, 1]), reshape(x1, [n, 1])], 1), "uint32");
}
