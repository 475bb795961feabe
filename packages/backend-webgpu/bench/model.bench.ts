/**
 * Benchmark: the model path on WebGPU — a logistic-regression *model* (Bernoulli with logits, β ~ N(0, 1)),
 * compiled for the device by `initializeModel(..., { backend })` (no hand-written potential):
 * - value + gradient of the model's compiled potential (upload of z, the program, read-back of U and ∇U),
 *   median ms/call and GPU dispatches/call at each fusion level (none; elementwise; elementwise + reductions +
 *   matvecs), beside the CPU potential (backend-js compiled, f64, one core) in the same run;
 * - one `NUTS(model, { backend })` run: wall time (initialisation included) and leapfrog steps while sampling.
 *   node --conditions=@phlox/source --import tsx packages/backend-webgpu/bench/model.bench.ts [N] [D] [calls] [warmup] [samples]
 * or the esbuild bundle that bench/h100.sh runs on a GPU host. `PHLOX_BENCH_LEVELS=full` times only the fully
 * fused backend (each level initialises the model once: seconds at N = 1M). Prints; asserts nothing. On
 * SwiftShader (a CPU Vulkan driver) the figures check the path, not GPU speed.
 */
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import { registerBackend, silenceWarnings, type Tensor, tensor } from "@phlox/tensor";
import { makeData, timeMs } from "../../backend-wasm/bench/logistic.js";
import { countDispatches } from "../src/dispatch-counter.js";
import { nodeGpu } from "../src/node.js";
import { type WebGpuBackend, webgpu } from "../src/webgpu.js";

silenceWarnings(true);
const N = Number(process.argv[2] ?? 1_000_000);
const D = Number(process.argv[3] ?? 100);
const CALLS = Number(process.argv[4] ?? 10);
const WARMUP = Number(process.argv[5] ?? 100);
const SAMPLES = Number(process.argv[6] ?? 100);
const LEVELS = (process.env.PHLOX_BENCH_LEVELS ?? "none,elementwise,full").split(",");

function logistic(X: Tensor, y?: Tensor): void {
  const [n, d] = X.shape as [number, number];
  const beta = sample("beta", new Normal(0, 1).expand([d]).toEvent(1));
  plate("data", n, () => sample("y", new Bernoulli({ logits: X.matmul(beta) }), { obs: y }));
}

const { x, y } = makeData(N, D);
const X = tensor(x, { shape: [N, D] });
const Y = tensor(y);
const z = new Float64Array(D).map((_, j) => 0.1 * Math.cos(j));
const grad = new Float64Array(D);

const gpu = await nodeGpu();
const backends: Record<string, WebGpuBackend> = {};
const make: Record<string, () => Promise<WebGpuBackend>> = {
  none: () => webgpu({ gpu, name: "webgpu-none", fuse: false }),
  elementwise: () => webgpu({ gpu, name: "webgpu-elementwise", fuseReductions: false }),
  full: () => webgpu({ gpu, name: "webgpu-full" }),
};
for (const level of LEVELS) {
  const be = await (make[level] as () => Promise<WebGpuBackend>)();
  registerBackend(be);
  backends[level] = be;
}
const adapter = (backends[LEVELS[0] as string] as WebGpuBackend).adapterInfo as {
  vendor?: string;
  device?: string;
  description?: string;
} | null;
console.log(
  `logistic-regression model (Bernoulli logits), N=${N} D=${D}, Node ${process.version}, adapter: ${
    adapter ? [adapter.vendor, adapter.device, adapter.description].filter(Boolean).join(" / ") : "unknown"
  }`,
);

let cpuMs = Number.NaN;
let cpuValue = Number.NaN;
for (const level of LEVELS) {
  const be = backends[level] as WebGpuBackend;
  const t0 = performance.now();
  const info = initializeModel(0, logistic as never, [X, Y], { backend: be, checkCompiled: false });
  const initS = (performance.now() - t0) / 1000;
  const U = info.asyncPotentialFn as NonNullable<typeof info.asyncPotentialFn>;
  let value = await U(z, grad);
  const c = countDispatches();
  await U(z, grad);
  const dispatches = c.count;
  c.stop();
  const ms = await timeMs(
    async () => {
      value = await U(z, grad);
    },
    CALLS,
    3,
    2,
  );
  if (Number.isNaN(cpuMs)) {
    const g = new Float64Array(D);
    cpuMs = await timeMs(
      () => {
        cpuValue = info.potentialFn(z, g);
      },
      Math.max(1, Math.min(CALLS, 3)),
      3,
      1,
    );
  }
  console.log(
    `  webgpu, fusion ${level.padEnd(11)}: ${ms.toFixed(3)} ms/call, ${dispatches} dispatches/call ` +
      `(initializeModel ${initS.toFixed(1)} s; U ${value.toFixed(2)} vs CPU ${cpuValue.toFixed(2)})`,
  );
}
console.log(`  backend-js compiled potential (f64, 1 core): ${cpuMs.toFixed(3)} ms/call`);

if (WARMUP + SAMPLES > 0) {
  const be = backends[LEVELS[LEVELS.length - 1] as string] as WebGpuBackend;
  const mcmc = new MCMC(new NUTS(logistic, { backend: be }), {
    numWarmup: WARMUP,
    numSamples: SAMPLES,
    progressBar: false,
  });
  const t0 = performance.now();
  await mcmc.run(1, X, Y);
  const s = (performance.now() - t0) / 1000;
  const steps = Array.from(mcmc.getExtraFields().numSteps.dataSync(), Number).reduce((a, b) => a + b, 0);
  const beta = mcmc.getSamples().beta.dataSync();
  let m0 = 0;
  for (let i = 0; i < beta.length; i += D) m0 += Number(beta[i]) / SAMPLES;
  console.log(
    `  NUTS(model, { backend }) ${WARMUP}+${SAMPLES} draws: ${s.toFixed(2)} s incl. initialisation; ` +
      `${steps} leapfrog steps in the sampling phase; mean beta[0] ${m0.toFixed(3)}`,
  );
}
for (const be of Object.values(backends)) be.destroy();
