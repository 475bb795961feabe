/**
 * The `randomBits` kernel as a custom WGSL program run by tfjs-backend-webgpu: threefry-2x32 with the counter
 * (0, i) per element, output x0 ⊕ x1 — bit-identical to the JS reference kernel (and to JAX).
 */
import type { KernelSpec, TfTensor } from "@phlox/backend-tfjs";
import * as tf from "@tensorflow/tfjs-core";

const ROT = [13, 15, 26, 6, 17, 29, 16, 24];

/** The WGSL body: unrolled threefry-2x32 (20 rounds, 5 key injections). */
function threefryBody(): string {
  const lines: string[] = [];
  for (let g = 1; g <= 5; g++) {
    const r = (g & 1) === 1 ? 0 : 4;
    for (let j = 0; j < 4; j++) {
      lines.push(`x0 = x0 + x1; x1 = rotl(x1, ${ROT[r + j]}u); x1 = x1 ^ x0;`);
    }
    const a = ["ks0", "ks1", "ks2"][g % 3];
    const b = ["ks0", "ks1", "ks2"][(g + 1) % 3];
    lines.push(`x0 = x0 + ${a}; x1 = x1 + ${b} + ${g}u;`);
  }
  return lines.join("\n          ");
}

/** A tfjs-backend-webgpu program (its WebGPUProgram interface). */
class ThreefryProgram {
  readonly variableNames = ["k"];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;

  /**
   * @param n - the number of outputs.
   * @param perKey - with a batch of keys (vmap), the outputs per key: output i uses key ⌊i / perKey⌋ and counter
   *   i mod perKey. Omitted: one key, counter i.
   */
  constructor(
    n: number,
    private readonly perKey?: number,
  ) {
    this.shaderKey = perKey === undefined ? "phloxThreefry2x32" : `phloxThreefry2x32b${perKey}`;
    this.outputShape = [n];
    this.dispatchLayout = { x: [0] };
    // tfjs's runWebGPUProgram reshapes dispatches above the 65535-workgroup limit.
    this.dispatch = [Math.ceil(n / 64), 1, 1];
  }

  getUserCode(): string {
    return `
      fn rotl(x : u32, r : u32) -> u32 { return (x << r) | (x >> (32u - r)); }
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${
            this.perKey === undefined
              ? "let kk = 0; let c = index;"
              : `let kk = index / ${this.perKey}; let c = index - kk * ${this.perKey};`
          }
          let ks0 = bitcast<u32>(k[2 * kk]);
          let ks1 = bitcast<u32>(k[2 * kk + 1]);
          let ks2 = ks0 ^ ks1 ^ 0x1bd11bdau;
          var x0 = 0u + ks0;
          var x1 = u32(c) + ks1;
          ${threefryBody()}
          setOutputAtIndexI32(index, bitcast<i32>(x0 ^ x1));
        }
      }
    `;
  }
}

interface ProgramRunner {
  runWebGPUProgram(program: ThreefryProgram, inputs: tf.TensorInfo[], dtype: "int32"): tf.TensorInfo;
}

/**
 * `randomBits` on the GPU (uint32 bits stored as int32). A batch of keys `[...K, 2]` (vmap over keys) gives
 * `[...K, ...shape]` in one program, each key's bits as if drawn alone.
 */
export const randomBitsKernel: KernelSpec<"randomBits"> = {
  primitive: "randomBits",
  run: ([k], p) => {
    const key = k as TfTensor;
    const n = p.shape.reduce((a, b) => a * b, 1);
    const keys = key.size / 2;
    const shape = [...key.shape.slice(0, -1), ...p.shape];
    if (n * keys === 0) return tf.zeros(shape, "int32");
    const be = tf.backend() as unknown as ProgramRunner;
    const program = key.shape.length === 1 ? new ThreefryProgram(n) : new ThreefryProgram(n * keys, n);
    const info = be.runWebGPUProgram(program, [key], "int32");
    const out = tf.engine().makeTensorFromTensorInfo(info) as TfTensor;
    return tf.reshape(out, shape);
  },
};
