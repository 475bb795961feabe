/**
 * The browser check (built by Vite in src/browser.test.ts, run in headless Chromium): a tiny NUTS model on the
 * wasm backend (its potential runs as wasm kernels, read synchronously) and on the WebGPU backend (its
 * potential runs as WebGPU kernels, read back with `await`, so NUTS takes it as an `asyncPotentialFn`), plus
 * the WebGPU value and gradient against the JS backend's, and elementwise fusion (fused vs `fuse: false`) in
 * Chrome's WebGPU. Results go to `window.__phlox`.
 */
import { MCMC, NUTS } from "@phlox/mcmc";
import {
  registerBackend,
  setBackend,
  silenceWarnings,
  softplus,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import plain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import simd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import threaded from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";
import { jitOnBackend as jitWasm, scope, wasm } from "../../backend-wasm/src/index.js";
import { countDispatches } from "../src/dispatch-counter.js";
import { disposeTensors, jitOnBackend, webgpu } from "../src/index.js";

silenceWarnings(true);
const Y = [
  1.2, 0.4, 2.1, 1.7, 0.9, 1.5, 1.1, 2.4, 0.3, 1.8, 1.3, 0.7, 1.9, 1.0, 1.6, 0.8, 2.2, 1.4, 1.1, 1.2,
];
const n = Y.length;
const mean = Y.reduce((a, b) => a + b, 0) / n;
const posteriorMean = (n * mean) / (n + 1 / 100); // y ~ N(mu, 1), mu ~ N(0, 10)
const potential = (mu: Tensor, y: Tensor): Tensor =>
  y.sub(mu).square().sum().mul(0.5).add(mu.square().sum().div(200));

async function run(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { posteriorMean };
  const bw = await wasm({
    fallbacks: "js",
    wasmPaths: {
      "tfjs-backend-wasm.wasm": plain,
      "tfjs-backend-wasm-simd.wasm": simd,
      "tfjs-backend-wasm-threaded-simd.wasm": threaded,
    },
  });
  registerBackend(bw);
  setBackend("wasm");
  const yw = tensor(Y);
  const vg = jitWasm((z: Tensor, y: Tensor) => valueAndGrad((m: Tensor) => potential(m, y))(z), bw);
  const U = (z: Float64Array, g: Float64Array): number =>
    scope(() => {
      const [v, gr] = vg(tensor(z), yw) as [Tensor, Tensor];
      g.set(gr.dataSync());
      return v.item();
    });
  const mcmc = new MCMC(new NUTS({ potentialFn: U, initParams: [0] }), {
    numWarmup: 150,
    numSamples: 200,
    numChains: 1,
  });
  await mcmc.run(0);
  const draws = Float64Array.from(mcmc.getSamples().z?.dataSync() ?? []);
  out.wasm = {
    draws: draws.length,
    mean: draws.reduce((a, b) => a + b, 0) / draws.length,
    bytes: bw.numBytes(),
  };

  const bg = await webgpu();
  registerBackend(bg);
  setBackend("webgpu");
  const yg = tensor(Y);
  const vgg = jitOnBackend((z: Tensor, y: Tensor) => valueAndGrad((m: Tensor) => potential(m, y))(z), bg);
  const [v0, g0] = vgg(tensor([0.5]), yg) as [Tensor, Tensor];
  const value = (await v0.data())[0];
  const gradient = (await g0.data())[0];
  disposeTensors([v0, g0]);
  const Ug = async (z: Float64Array, g: Float64Array): Promise<number> => {
    const zt = tensor(z);
    const [v, gr] = vgg(zt, yg) as [Tensor, Tensor];
    const [vv, gg] = await Promise.all([v.data(), gr.data()]);
    disposeTensors([zt, v, gr]);
    g.set(gg);
    return vv[0] as number;
  };
  const bytesBefore = bg.numBytes();
  const gpuMcmc = new MCMC(new NUTS({ asyncPotentialFn: Ug, initParams: [0] }), {
    numWarmup: 150,
    numSamples: 200,
    numChains: 1,
  });
  await gpuMcmc.run(0);
  const gpuDraws = Float64Array.from(gpuMcmc.getSamples().z?.dataSync() ?? []);
  setBackend("js");
  const ref = valueAndGrad((m: Tensor) => potential(m, tensor(Y)))(tensor([0.5])) as [Tensor, Tensor];
  out.webgpu = {
    value,
    gradient,
    refValue: ref[0].item(),
    refGradient: ref[1].dataSync()[0],
    draws: gpuDraws.length,
    mean: gpuDraws.reduce((a, b) => a + b, 0) / gpuDraws.length,
    bytesBefore,
    bytesAfter: bg.numBytes(),
  };
  // Elementwise fusion in the browser's WebGPU: the same program, fused (the default) and unfused.
  const bu = await webgpu({ name: "webgpu-unfused", fuse: false });
  registerBackend(bu);
  const len = 300;
  const xs = Float64Array.from({ length: len }, (_, i) => Math.sin(i));
  const ws = Float64Array.from({ length: len }, (_, i) => Math.cos(0.7 * i));
  const elementwise = (w: Tensor, x: Tensor): Tensor =>
    softplus(x.mul(w)).sub(x.mul(w).mul(0.3)).add(w.mul(w).mul(0.5)).sum();
  const fusion: { value: number; gradient: number[]; dispatches: number }[] = [];
  for (const be of [bg, bu]) {
    setBackend(be.name);
    const vgf = jitOnBackend(
      (w: Tensor, x: Tensor) => valueAndGrad((ww: Tensor) => elementwise(ww, x))(w),
      be,
    );
    const args = [tensor(ws), tensor(xs)];
    disposeTensors(vgf(...(args as [Tensor, Tensor]))); // compile
    const counter = countDispatches();
    const [v, g] = vgf(...(args as [Tensor, Tensor])) as [Tensor, Tensor];
    const dispatches = counter.count;
    counter.stop();
    const [vv, gg] = await Promise.all([v.data(), g.data()]);
    fusion.push({ value: vv[0] as number, gradient: Array.from(gg), dispatches });
    disposeTensors([args, v, g]);
  }
  setBackend("js");
  const fusionRef = valueAndGrad((w: Tensor) => elementwise(w, tensor(xs.map(Math.fround))))(
    tensor(ws.map(Math.fround)),
  ) as [Tensor, Tensor];
  out.fusion = {
    fused: fusion[0],
    unfused: fusion[1],
    refValue: fusionRef[0].item(),
    refGradient: Array.from(fusionRef[1].dataSync()),
  };
  return out;
}

run().then(
  (r) => {
    (window as unknown as { __phlox: unknown }).__phlox = r;
    (document.getElementById("out") as HTMLElement).textContent = JSON.stringify(r, null, 2);
  },
  (e: unknown) => {
    (window as unknown as { __phlox: unknown }).__phlox = { error: String((e as Error)?.stack ?? e) };
  },
);
