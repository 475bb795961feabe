/**
 * Memory bench: 10⁵ iterations (default) of potential + gradient (eager `valueAndGrad`, and `jitOnBackend`) on
 * the wasm backend, each inside `scope`, with a gradient step carried between iterations; prints tfjs's live
 * bytes and tensors every 10% (they must stay flat). Run from the repository root:
 *   node --expose-gc --conditions=@phlox/source --import tsx packages/backend-wasm/bench/memory.bench.ts [iterations]
 */
import { jitOnBackend, scope } from "@phlox/backend-tfjs";
import {
  registerBackend,
  setBackend,
  silenceWarnings,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import { wasm } from "../src/wasm.js";
import { makeData, potential } from "./logistic.js";

silenceWarnings(true);
const ITERS = Number(process.argv[2] ?? 100_000);
const N = 200;
const D = 5;
const be = await wasm({ fallbacks: "js" });
registerBackend(be);
setBackend("wasm");
const { x, y } = makeData(N, D);
const xw = tensor(x, { shape: [N, D] });
const yw = tensor(y);
const vgJit = jitOnBackend(
  (w: Tensor, xt: Tensor, yt: Tensor) => valueAndGrad((ww: Tensor) => potential(ww, xt, yt))(w),
  be,
);

for (const mode of ["eager", "jit"] as const) {
  let w = tensor(new Float64Array(D));
  const t0 = performance.now();
  let first = { bytes: 0, tensors: 0 };
  for (let k = 0; k <= ITERS; k++) {
    const old = w;
    w = scope(() => {
      const [, g] = (
        mode === "eager" ? valueAndGrad((ww: Tensor) => potential(ww, xw, yw))(w) : vgJit(w, xw, yw)
      ) as [Tensor, Tensor];
      return w.sub(g.mul(1e-4));
    });
    be.dispose(old.buf);
    if (k === 0) first = { bytes: be.numBytes(), tensors: be.numTensors() };
    if (k % (ITERS / 10) === 0)
      console.log(`${mode} iteration ${k}: numBytes ${be.numBytes()} numTensors ${be.numTensors()}`);
  }
  const ms = (performance.now() - t0) / (ITERS + 1);
  console.log(
    `${mode}: ${ITERS} iterations, ${ms.toFixed(3)} ms each; numBytes ${first.bytes} → ${be.numBytes()}, numTensors ${first.tensors} → ${be.numTensors()}; w[0] = ${w.dataSync()[0]?.toFixed(6)}`,
  );
  be.dispose(w.buf);
}
