/**
 * Benchmark: logistic regression value + gradient (N = 100k, D = 20 by default) on the compiled JS backend
 * (`compileValueAndGrad` from @phlox/backend-js, float64) vs the wasm backend (float32; `jitOnBackend`, i.e. the
 * IR run as wasm kernels, and eager `valueAndGrad`), measured in the same run. Each call uploads z and reads
 * the value and gradient back (the PotentialFn contract). Run from the repository root:
 *   node --expose-gc --conditions=@phlox/source --import tsx packages/backend-wasm/bench/logistic.bench.ts [N] [D]
 * Prints medians (ms per call) and ratios; asserts nothing.
 */
import { compileValueAndGrad } from "@phlox/backend-js";
import { jitOnBackend, scope } from "@phlox/backend-tfjs";
import {
  registerBackend,
  setBackend,
  silenceWarnings,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import { wasm, wasmHasSimd } from "../src/wasm.js";
import { makeData, potential, timeMs } from "./logistic.js";

silenceWarnings(true);
const N = Number(process.argv[2] ?? 100_000);
const D = Number(process.argv[3] ?? 20);
const { x, y } = makeData(N, D);
const z = new Float64Array(D).map((_, j) => 0.1 * Math.cos(j));
const g = new Float64Array(D);

const { fn, compiled } = compileValueAndGrad((w: Tensor, xt: Tensor, yt: Tensor) => potential(w, xt, yt), D, {
  extraInputs: [
    { shape: [N, D], dtype: "float64" },
    { shape: [N], dtype: "float64" },
  ],
});
const jsMs = await timeMs(() => fn(z, g, x, y), 5, 7);
const jsValue = fn(z, g, x, y);
const jsGrad = Float64Array.from(g);

const be = await wasm({ fallbacks: "js" });
registerBackend(be);
setBackend("wasm");
const xw = tensor(x, { shape: [N, D] });
const yw = tensor(y);
const vg = jitOnBackend(
  (w: Tensor, xt: Tensor, yt: Tensor) => valueAndGrad((ww: Tensor) => potential(ww, xt, yt))(w),
  be,
);
const wasmJit = (): number =>
  scope(() => {
    const [v, gr] = vg(tensor(z), xw, yw) as [Tensor, Tensor];
    g.set(gr.dataSync());
    return v.item();
  });
const wasmEager = (): number =>
  scope(() => {
    const [v, gr] = valueAndGrad((w: Tensor) => potential(w, xw, yw))(tensor(z)) as [Tensor, Tensor];
    g.set(gr.dataSync());
    return v.item();
  });
const jitMs = await timeMs(wasmJit, 5, 7);
const eagerMs = await timeMs(wasmEager, 5, 7);
const wasmValue = wasmJit();
let maxRel = 0;
for (let j = 0; j < D; j++)
  maxRel = Math.max(
    maxRel,
    Math.abs((g[j] as number) - (jsGrad[j] as number)) / (Math.abs(jsGrad[j] as number) + 1e-3),
  );
setBackend("js");

console.log(
  `logistic regression value+gradient, N=${N} D=${D}, Node ${process.version}, wasm SIMD=${wasmHasSimd()}`,
);
console.log(
  `  backend-js compileValueAndGrad (${compiled ? "compiled" : "interpreted"}, f64): ${jsMs.toFixed(3)} ms/call`,
);
console.log(`  backend-wasm jitOnBackend (f32):                    ${jitMs.toFixed(3)} ms/call`);
console.log(`  backend-wasm eager valueAndGrad (f32):              ${eagerMs.toFixed(3)} ms/call`);
console.log(
  `  ratio wasm-jit / js-compiled: ${(jitMs / jsMs).toFixed(2)}; wasm-eager / js-compiled: ${(eagerMs / jsMs).toFixed(2)}`,
);
console.log(
  `  agreement: value ${wasmValue.toFixed(3)} vs ${jsValue.toFixed(3)}; gradient max rel diff ${maxRel.toExponential(2)}`,
);
console.log(`  live tfjs bytes: ${be.numBytes()}`);
