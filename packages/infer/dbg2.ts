import { HalfNormal, Normal } from "@phlox/distributions";
import { plate, sample, scan } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import { initializeModel } from "./src/index.ts";
const y8 = tensor([28, 8, -3, 7, -1, 1, 18, 12]);
const s8 = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
const schools = (y: Tensor | null, s: Tensor) => {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfNormal(5));
  plate("J", 8, () => { const eta = sample("eta", new Normal(0, 1)); sample("obs", new Normal(mu.add(tau.mul(eta)), s), { obs: y ?? undefined }); });
};
const T = 200;
const localLevel = (y: Tensor) => {
  const sigma = sample("sigma", new HalfNormal(1)); const tau = sample("tau", new HalfNormal(1)); const x0 = sample("x0", new Normal(0, 1));
  scan((xt: Tensor, yt: Tensor) => { const x1 = sample("x", new Normal(xt, tau)); sample("y", new Normal(x1, sigma), { obs: yt }); return [x1, null]; }, x0, y);
};
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const [name, m, args] of [["schools", schools, [y8, s8]], ["level", localLevel, [tensor(Array.from({ length: T }, (_, i) => Math.sin(i)))]]] as const) {
  const info = initializeModel(1, m as never, args as never);
  const d = info.dim; const n = 4;
  const zs = Float64Array.from({ length: n * d }, (_, i) => 0.3 * Math.sin(i)); const gs = new Float64Array(n * d); const vs = new Float64Array(n);
  const b = info.potentialBatch(n)!;
  const g = new Float64Array(d);
  const rows = Array.from({ length: n }, (_, i) => zs.slice(i * d, (i + 1) * d));
  for (let r = 0; r < 3; r++) {
    const K = 20000 / (name === "level" ? 20 : 1);
    let t0 = cpu(); for (let k = 0; k < K; k++) b(zs, gs, vs); const tb = (cpu() - t0) / K * 1000;
    t0 = cpu(); for (let k = 0; k < K; k++) for (let i = 0; i < n; i++) info.potentialFn(rows[i], g); const ts = (cpu() - t0) / K * 1000;
    console.log(name, "batched(4)", tb.toFixed(2), "µs; 4× single", ts.toFixed(2), "µs");
  }
}
