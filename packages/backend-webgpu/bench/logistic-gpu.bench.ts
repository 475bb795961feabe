/**
 * Benchmark: logistic regression value + gradient (N = 1M, D = 100 by default) on the WebGPU backend in Node
 * (Dawn through the `webgpu` package; the Vulkan driver follows VK_ICD_FILENAMES / VK_DRIVER_FILES), vs the
 * compiled JS backend (backend-js `compileValueAndGrad`, f64, one CPU core) in the same run. Each GPU call
 * uploads w, runs the program and awaits the value and the gradient (read-back included).
 *   node --conditions=@phlox/source --import tsx packages/backend-webgpu/bench/logistic-gpu.bench.ts [N] [D] [calls]
 * or the esbuild bundle that bench/h100.sh runs on the GPU host. Prints medians and ratios; asserts nothing.
 */
import { compileValueAndGrad } from "@phlox/backend-js";
import { disposeTensors, jitOnBackend } from "@phlox/backend-tfjs";
import {
  matmul,
  registerBackend,
  setBackend,
  sigmoid,
  silenceWarnings,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import { makeData, potential, timeMs } from "../../backend-wasm/bench/logistic.js";
import { nodeGpu } from "../src/node.js";
import { webgpu } from "../src/webgpu.js";

silenceWarnings(true);
const N = Number(process.argv[2] ?? 1_000_000);
const D = Number(process.argv[3] ?? 100);
const CALLS = Number(process.argv[4] ?? 20);
const SKIP_JS = process.env.PHLOX_BENCH_SKIP_JS === "1";
const { x, y } = makeData(N, D);
const z = new Float64Array(D).map((_, j) => 0.1 * Math.cos(j));

const be = await webgpu({ gpu: await nodeGpu() });
const info = be.adapterInfo as {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
} | null;
registerBackend(be);
setBackend("webgpu");
const xw = tensor(x, { shape: [N, D] });
const yw = tensor(y);

const autodiff = jitOnBackend(
  (w: Tensor, xt: Tensor, yt: Tensor) => valueAndGrad((ww: Tensor) => potential(ww, xt, yt))(w),
  be,
);
// The hand-written formula: ∇U = Xᵀ(σ(Xw) − y) + w.
const formula = jitOnBackend((w: Tensor, xt: Tensor, yt: Tensor) => {
  const logits = matmul(xt, w.reshape([D, 1])).reshape([N]);
  const r = sigmoid(logits).sub(yt).reshape([N, 1]);
  const g = matmul(xt.T, r).reshape([D]).add(w);
  return [potential(w, xt, yt), g];
}, be);

let value = 0;
const gpuGrad = new Float64Array(D);
const call = (f: typeof autodiff) => async (): Promise<void> => {
  const w = tensor(z);
  const [v, g] = f(w, xw, yw) as [Tensor, Tensor];
  const [vd, gd] = await Promise.all([v.data(), g.data()]);
  value = vd[0] as number;
  gpuGrad.set(gd);
  disposeTensors([w, v, g]);
};
const blocks = 5;
const autoMs = await timeMs(call(autodiff), CALLS, blocks, 3);
const autoValue = value;
const autoGrad = Float64Array.from(gpuGrad);
const formulaMs = await timeMs(call(formula), CALLS, blocks, 3);
setBackend("js");

console.log(
  `logistic regression value+gradient, N=${N} D=${D}, Node ${process.version}, adapter: ${
    info
      ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" / ")
      : "unknown"
  }`,
);
console.log(
  `  backend-webgpu jitOnBackend(valueAndGrad) (f32):  ${autoMs.toFixed(3)} ms/call (median of ${blocks}×${CALLS})`,
);
console.log(`  backend-webgpu jitOnBackend(formula) (f32):       ${formulaMs.toFixed(3)} ms/call`);
if (!SKIP_JS) {
  const { fn } = compileValueAndGrad((w: Tensor, xt: Tensor, yt: Tensor) => potential(w, xt, yt), D, {
    extraInputs: [
      { shape: [N, D], dtype: "float64" },
      { shape: [N], dtype: "float64" },
    ],
  });
  const g = new Float64Array(D);
  const jsMs = await timeMs(() => fn(z, g, x, y), 1, 3, 1);
  const jsValue = fn(z, g, x, y);
  let maxRel = 0;
  for (let j = 0; j < D; j++)
    maxRel = Math.max(
      maxRel,
      Math.abs((autoGrad[j] as number) - (g[j] as number)) / (Math.abs(g[j] as number) + 1e-3),
    );
  console.log(`  backend-js compileValueAndGrad (f64, 1 core):     ${jsMs.toFixed(3)} ms/call`);
  console.log(
    `  ratio js / webgpu-autodiff: ${(jsMs / autoMs).toFixed(1)}×; js / webgpu-formula: ${(jsMs / formulaMs).toFixed(1)}×`,
  );
  console.log(
    `  agreement: value ${autoValue.toFixed(2)} vs ${jsValue.toFixed(2)}; gradient max rel diff ${maxRel.toExponential(2)}`,
  );
}
{
  // Kernel probe: how tfjs-webgpu's ops behind the gradient perform at this size (ms per op, read-back included).
  const tf = await import("@tensorflow/tfjs-core");
  await tf.setBackend("webgpu");
  const X = tf.tensor2d(Float32Array.from(x), [N, D]);
  const w1 = tf.randomUniform([D, 1]);
  const r1 = tf.randomUniform([N, 1]);
  const rrow = tf.randomUniform([1, N]);
  const v1 = tf.randomUniform([N]);
  const probe = async (label: string, f: () => import("@tensorflow/tfjs-core").Tensor): Promise<void> => {
    const ms = await timeMs(
      async () => {
        const t = f();
        await t.data();
        t.dispose();
      },
      5,
      3,
      2,
    );
    console.log(`  probe ${label}: ${ms.toFixed(3)} ms`);
  };
  await probe("X@w [N,D]x[D,1]", () => tf.matMul(X, w1));
  await probe("matMul(X, r, transposeA) [D,N]x[N,1]", () => tf.matMul(X, r1, true, false));
  await probe("matMul(r, X, transposeA) [1,N]x[N,D]", () => tf.matMul(r1, X, true, false));
  await probe("matMul(rrow, X) [1,N]x[N,D]", () => tf.matMul(rrow, X));
  await probe("sum(X*r, 0)", () => tf.tidy(() => tf.sum(tf.mul(X, r1), 0)));
  await probe("exp [N]", () => tf.exp(v1));
  await probe("sum [N]", () => tf.sum(v1));
  await probe("read-back only (tiny)", () => tf.add(w1, 1));
}
console.log(
  "  anchors (DESIGN.md, H100): JAX 0.71 ms; tfjs-webgpu formula 4.0 ms; tfjs-webgpu autodiff 13.2 ms",
);
process.exit(0);
