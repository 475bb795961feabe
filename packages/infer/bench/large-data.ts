/**
 * initializeModel on 10⁷ observations (a Normal location-scale model in a plate): wall time, the array
 * buffers it keeps (after − before, against the data's size) and the peak RSS growth during the call.
 * Targets: ≤ 2 s, buffers ≤ 3× the data. Pass another N as the first argument.
 * Run: node --expose-gc --import tsx --conditions=@phlox/source packages/infer/bench/large-data.ts [N]
 */
import { HalfNormal, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import { initializeModel } from "../src/initialize-model.js";

const N = Number(process.argv[2] ?? 1e7);
const data = new Float64Array(N);
for (let i = 0; i < N; i++) data[i] = Math.sin(i);
const y = tensor(data);
const model = (yy: Tensor) => {
  const mu = sample("mu", new Normal(0, 1));
  const s = sample("sigma", new HalfNormal(1));
  plate("N", N, () => sample("y", new Normal(mu, s), { obs: yy }));
};
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const before = process.memoryUsage();
const rss0 = process.resourceUsage().maxRSS * 1024;
const t0 = performance.now();
const info = initializeModel(0, model, [y]);
const ms = performance.now() - t0;
const rss1 = process.resourceUsage().maxRSS * 1024;
gc?.();
const after = process.memoryUsage();
const g = new Float64Array(info.dim);
const t1 = performance.now();
info.potentialFn(info.initialZ, g);
const callMs = performance.now() - t1;
const bytes = 8 * N;
const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
console.log(
  `N = ${N}: initializeModel ${ms.toFixed(0)} ms (compiled: ${info.compiled}); data ${mb(bytes)}; buffers kept ` +
    `${mb(after.arrayBuffers - before.arrayBuffers)} (${((after.arrayBuffers - before.arrayBuffers) / bytes).toFixed(2)}× the data); ` +
    `peak RSS growth ${mb(rss1 - rss0)} (${((rss1 - rss0) / bytes).toFixed(2)}×); one potential + gradient ${callMs.toFixed(0)} ms`,
);
