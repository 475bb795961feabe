/**
 * Benchmark: elementwise fusion on the WebGPU backend. Logistic regression value + gradient through
 * `jitOnBackend(valueAndGrad)` on two backends in the same run, `webgpu()` (fused, the default) and
 * `webgpu({ fuse: false })` (one tfjs kernel per equation): GPU programs dispatched per call, median ms/call
 * (upload of w, the program, read-back of value and gradient) and the agreement of the two. Then the same for
 * the elementwise part alone (value + gradient of Σ softplus(l) − y·l with respect to the logits l, length N),
 * where the matmuls that dominate on a CPU Vulkan driver (SwiftShader) are absent.
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
 *     node --conditions=@phlox/source --import tsx packages/backend-webgpu/bench/fusion.bench.ts [N] [D] [calls]
 * (defaults N=20000, D=20, 3 calls per block) or the esbuild bundle that bench/h100.sh runs on the GPU host.
 * Prints medians and ratios; asserts nothing.
 */
import { disposeTensors, jitOnBackend } from "@phlox/backend-tfjs";
import {
  registerBackend,
  setBackend,
  silenceWarnings,
  softplus,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import { makeData, potential, timeMs } from "../../backend-wasm/bench/logistic.js";
import { countDispatches } from "../src/dispatch-counter.js";
import { fuseProgram } from "../src/fusion.js";
import { nodeGpu } from "../src/node.js";
import { type WebGpuBackend, webgpu } from "../src/webgpu.js";

silenceWarnings(true);
const N = Number(process.argv[2] ?? 20_000);
const D = Number(process.argv[3] ?? 20);
const CALLS = Number(process.argv[4] ?? 3);
const BLOCKS = 5;
const { x, y } = makeData(N, D);
const z = new Float64Array(D).map((_, j) => 0.1 * Math.cos(j));

const gpu = await nodeGpu();
const fused = await webgpu({ gpu, name: "webgpu" });
const unfused = await webgpu({ gpu, name: "webgpu-unfused", fuse: false });
registerBackend(fused);
registerBackend(unfused);
const info = fused.adapterInfo as { vendor?: string; architecture?: string; description?: string } | null;

interface Row {
  label: string;
  eqns: number;
  dispatches: number;
  ms: number;
  value: number;
  grad: Float64Array;
}

type Model = (w: Tensor, xt: Tensor, yt: Tensor) => Tensor;
/** The whole model: U(w) with X·w inside. */
const whole: Model = (w, xt, yt) => potential(w, xt, yt);
/** Its elementwise part: the same terms as a function of the logits l = X·w (w has length N here). */
const tail: Model = (l, _xt, yt) => softplus(l).sub(yt.mul(l)).sum();

async function measure(be: WebGpuBackend, label: string, model: Model, w0: Float64Array): Promise<Row> {
  setBackend(be.name);
  const xw = tensor(x, { shape: [N, D] });
  const yw = tensor(y);
  const vg = jitOnBackend(
    (w: Tensor, xt: Tensor, yt: Tensor) => valueAndGrad((ww: Tensor) => model(ww, xt, yt))(w),
    be,
  );
  let value = 0;
  const grad = new Float64Array(w0.length);
  const call = async (): Promise<void> => {
    const w = tensor(w0);
    const [v, g] = vg(w, xw, yw) as [Tensor, Tensor];
    const [vd, gd] = await Promise.all([v.data(), g.data()]);
    value = vd[0] as number;
    grad.set(gd);
    disposeTensors([w, v, g]);
  };
  await call(); // trace, compile the shaders
  const counter = countDispatches();
  await call();
  const dispatches = counter.count;
  counter.stop();
  const ms = await timeMs(call, CALLS, BLOCKS, 2);
  const program = vg.lastProgram();
  const eqns =
    program === null ? 0 : be.fuse ? fuseProgram(program).program.eqns.length : program.eqns.length;
  disposeTensors([xw, yw]);
  return { label, eqns, dispatches, ms, value, grad };
}

console.log(
  `elementwise fusion, N=${N} D=${D}, Node ${process.version}, adapter: ${
    info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(" / ") : "unknown"
  }`,
);
const logits = new Float64Array(N).map((_, i) => Math.sin(i));
for (const [title, model, w0] of [
  ["logistic regression value+gradient, jitOnBackend(valueAndGrad)", whole, z],
  ["its elementwise part alone (gradient w.r.t. the N logits, no matmul)", tail, logits],
] as const) {
  // Alternate the order so neither variant always runs first.
  const u1 = await measure(unfused, "unfused", model, w0);
  const f1 = await measure(fused, "fused", model, w0);
  const f2 = await measure(fused, "fused", model, w0);
  const u2 = await measure(unfused, "unfused", model, w0);
  const f = f1.ms <= f2.ms ? f1 : f2;
  const u = u1.ms <= u2.ms ? u1 : u2;
  let maxRel = 0;
  for (let j = 0; j < w0.length; j++)
    maxRel = Math.max(
      maxRel,
      Math.abs((f.grad[j] as number) - (u.grad[j] as number)) / (Math.abs(u.grad[j] as number) + 1e-3),
    );
  console.log(`${title}:`);
  for (const [r, runs] of [
    [u, [u1, u2]],
    [f, [f1, f2]],
  ] as const)
    console.log(
      `  ${r.label.padEnd(8)} ${String(r.eqns).padStart(3)} equations, ${String(r.dispatches).padStart(3)} GPU dispatches/call, ` +
        `${r.ms.toFixed(3)} ms/call (best of two medians of ${BLOCKS}×${CALLS}: ${runs.map((q) => q.ms.toFixed(3)).join(", ")})`,
    );
  console.log(
    `  dispatches ${u.dispatches} → ${f.dispatches} (${(u.dispatches / f.dispatches).toFixed(1)}× fewer); ` +
      `time unfused/fused ${(u.ms / f.ms).toFixed(2)}×; value ${f.value.toFixed(4)} vs ${u.value.toFixed(4)}, ` +
      `gradient max rel diff ${maxRel.toExponential(2)}`,
  );
}
setBackend("js");
process.exit(0);
