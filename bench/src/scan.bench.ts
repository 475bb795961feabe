/**
 * Benchmark: recursions written with `scan` against hand-written JavaScript, measured side by side in one
 * run (asserts nothing). Run from the repository root:
 *   node --conditions=@phlox/source --import tsx bench/src/scan.bench.ts
 * Prints, per case, the compile (trace + simplify + codegen) time and the median over 9 interleaved rounds of
 * the least µs per value+gradient call among 3 blocks, for the compiled scan and the hand-written loop, with
 * the target for each. Times are CPU time of this process (`process.cpuUsage`), not wall clock: on a
 * shared, oversubscribed machine the wall clock mostly measures waiting for a core.
 */
import { compileValueAndGrad } from "@phlox/backend-js";
import { HalfNormal, Normal } from "@phlox/distributions";
import { scan as modelScan, sample } from "@phlox/handlers";
import { initializeModel, loadPotential } from "@phlox/infer";
import * as T from "@phlox/tensor";
import { type Tensor, tensor } from "@phlox/tensor";
import { garch, lcg } from "../../packages/backend-js/src/testing/densities.js";

type Fn = (z: Float64Array, g: Float64Array) => number;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** CPU milliseconds used by this process so far (user + system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time(fn: Fn, z: Float64Array, g: Float64Array, ms: number, blocks: number): number {
  let sink = 0;
  let calls = 1;
  for (;;) {
    const t0 = cpuMs();
    for (let i = 0; i < calls; i++) sink += fn(z, g);
    if (cpuMs() - t0 > ms / 4) break;
    calls *= 2;
  }
  const per: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const t0 = cpuMs();
    for (let i = 0; i < calls; i++) {
      z[0] = (z[0] as number) + 1e-13;
      sink += fn(z, g);
    }
    per.push(((cpuMs() - t0) * 1000) / calls);
  }
  if (sink === 42) console.log("");
  return Math.min(...per);
}

function warm(fn: Fn, z: Float64Array, g: Float64Array, ms: number): void {
  const t0 = cpuMs();
  while (cpuMs() - t0 < ms) for (let i = 0; i < 20; i++) fn(z, g);
}

/** Median µs of both, interleaved, and the largest relative difference of value and gradient. */
function compare(a: Fn, b: Fn, z0: Float64Array): { a: number; b: number; err: number } {
  const n = z0.length;
  const ga = new Float64Array(n);
  const gb = new Float64Array(n);
  const va = a(z0.slice(), ga);
  const vb = b(z0.slice(), gb);
  let err = Math.abs(va - vb) / Math.max(1, Math.abs(va));
  for (let i = 0; i < n; i++)
    err = Math.max(
      err,
      Math.abs((ga[i] as number) - (gb[i] as number)) / Math.max(1, Math.abs(ga[i] as number)),
    );
  const za = z0.slice();
  const zb = z0.slice();
  warm(a, za, ga, 800);
  warm(b, zb, gb, 800);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < 9; r++) {
    ta.push(time(a, za, ga, 40, 3));
    tb.push(time(b, zb, gb, 40, 3));
  }
  return { a: median(ta), b: median(tb), err };
}

const rows: string[][] = [];
const report = (
  name: string,
  target: string,
  hand: number,
  compiled: number,
  err: number,
  compileMs: number,
  extra = "",
): void => {
  rows.push([
    name,
    target,
    hand.toFixed(2),
    compiled.toFixed(2),
    (compiled / hand).toFixed(2),
    err.toExponential(1),
    compileMs.toFixed(0),
    extra,
  ]);
};

// ---- GARCH(1,1), T = 200 (posteriordb garch11 size): scan, unrolled loop, hand-written -------------------
{
  const c = garch(200);
  const t = 200;
  const at = (z: Tensor, i: number): Tensor => T.reshape(T.slice(z, [i], [i + 1]), []);
  const r = lcg(4);
  const yd = Array.from({ length: t }, () => 5 + (r() - 0.5) * 2);
  const y = tensor(yd);
  const logpScan = (z: Tensor): Tensor => {
    const mu = at(z, 0);
    const a0 = T.exp(at(z, 1));
    const a1 = T.logistic(at(z, 2));
    const u = T.logistic(at(z, 3));
    const b1 = T.mul(u, T.sub(1, a1));
    const [, sig] = T.scan(
      (prev: Tensor, yPrev: Tensor) => {
        const e = T.sub(yPrev, mu);
        const s = T.sqrt(T.add(T.add(a0, T.mul(a1, T.square(e))), T.mul(b1, T.square(prev))));
        return [s, s];
      },
      tensor(0.5),
      T.slice(y, [0], [t - 1]),
    );
    const sigma = T.concatenate([tensor([0.5]), sig as Tensor]);
    const lik = T.sum(
      T.sub(T.mul(T.square(T.div(T.sub(y, mu), sigma)), -0.5), T.add(T.log(sigma), HALF_LOG_2PI)),
    );
    const jac = T.add(
      T.add(at(z, 1), T.log(T.mul(a1, T.sub(1, a1)))),
      T.add(T.log(T.mul(u, T.sub(1, u))), T.log(T.sub(1, a1))),
    );
    return T.add(lik, jac);
  };
  let t0 = cpuMs();
  const scanFn = compileValueAndGrad(logpScan, c.dim).fn;
  const scanMs = cpuMs() - t0;
  t0 = cpuMs();
  const unrolledFn = compileValueAndGrad(c.logp, c.dim).fn;
  const unrolledMs = cpuMs() - t0;
  const s = compare(c.hand, scanFn, c.z);
  report("GARCH T=200 (scan)", "ratio ≤ 1.2", s.a, s.b, s.err, scanMs);
  const u = compare(c.hand, unrolledFn, c.z);
  report("GARCH T=200 (unrolled JS loop)", "(before scan)", u.a, u.b, u.err, unrolledMs);
}

// ---- local level, model-level scan through initializeModel ------------------------------------------
function localLevel(y: Tensor): void {
  const sl = sample("sigma_level", new HalfNormal(1));
  const so = sample("sigma_obs", new HalfNormal(1));
  modelScan(
    (mu: Tensor, yt: Tensor) => {
      const m = sample("level", new Normal(mu, sl));
      sample("y", new Normal(m, so), { obs: yt });
      return [m, null];
    },
    tensor(0),
    y,
  );
}

/** −log p in z = [log σ_level, log σ_obs, level_0 … level_{T−1}] and its gradient, by hand. */
function localLevelHand(yd: Float64Array): Fn {
  const n = yd.length;
  return (z, g) => {
    const ls = z[0] as number;
    const lo = z[1] as number;
    const sl = Math.exp(ls);
    const so = Math.exp(lo);
    const il2 = 1 / (sl * sl);
    const io2 = 1 / (so * so);
    // HalfNormal(1) priors + log-Jacobians
    let lp = -0.5 * sl * sl - 0.5 * so * so + 2 * (Math.log(2) - HALF_LOG_2PI) + ls + lo;
    let gsl = -sl;
    let gso = -so;
    let prev = 0;
    let sumD2 = 0;
    let sumE2 = 0;
    for (let t = 0; t < n; t++) {
      const m = z[2 + t] as number;
      const d = m - prev;
      const e = (yd[t] as number) - m;
      sumD2 += d * d;
      sumE2 += e * e;
      g[2 + t] = -d * il2 + e * io2;
      if (t > 0) g[1 + t] = (g[1 + t] as number) + d * il2;
      prev = m;
    }
    lp += -0.5 * sumD2 * il2 - 0.5 * sumE2 * io2 - n * (ls + lo) - 2 * n * HALF_LOG_2PI;
    gsl += (sumD2 * il2) / sl - n / sl;
    gso += (sumE2 * io2) / so - n / so;
    g[0] = gsl * sl + 1;
    g[1] = gso * so + 1;
    for (let i = 0; i < g.length; i++) g[i] = -(g[i] as number);
    return -lp;
  };
}

for (const n of [2000, 100_000]) {
  const yd = new Float64Array(n);
  let lvl = 0;
  for (let t = 0; t < n; t++) {
    lvl += 0.1 * Math.sin(t * 1.7);
    yd[t] = lvl + 0.3 * Math.cos(t * 2.3);
  }
  const y = tensor(yd);
  const ab0 = process.memoryUsage().arrayBuffers;
  const t0 = cpuMs();
  const info = initializeModel(0, localLevel, [y]);
  const ms = cpuMs() - t0;
  const ab1 = process.memoryUsage().arrayBuffers;
  const z = info.initialZ;
  const c = compare(localLevelHand(yd), info.potentialFn, z);
  // Memory of the compiled value+grad alone, apart from initialisation: the potential rebuilt from its
  // serialised form holds exactly the generated code's constants (y) and preallocated buffers (the stored
  // residuals of the forward scan, the reverse scan's outputs); a call allocates nothing more.
  const spec = info.serialize();
  let extra = `init: array buffers +${((ab1 - ab0) / 1e6).toFixed(1)} MB`;
  if (n === 100_000 && spec !== undefined) {
    const payload = spec.payload as { program: { source: string } };
    const src = payload.program.source;
    // residuals: the T-long buffers the reverse scan reads, one element per step
    const residuals = new Set<string>();
    for (const m of src.matchAll(/for \(let (step\d+) = \d+; \1 >= 0; \1--\)/g)) {
      for (const r of src.matchAll(new RegExp(`= (b\\d+)\\[${m[1]}\\]`, "g"))) residuals.add(r[1] as string);
    }
    const gz = new Float64Array(z.length);
    const m0 = process.memoryUsage();
    const fn = loadPotential(spec.payload as Parameters<typeof loadPotential>[0]);
    const m1 = process.memoryUsage();
    for (let i = 0; i < 20; i++) fn(z, gz);
    const m2 = process.memoryUsage();
    const data = 8 * n;
    const resid = 8 * n * residuals.size;
    const used = m1.arrayBuffers - m0.arrayBuffers + Math.max(0, m2.arrayBuffers - m1.arrayBuffers);
    extra +=
      `; compiled value+grad: array buffers +${(used / 1e6).toFixed(1)} MB (20 calls: +${((m2.arrayBuffers - m1.arrayBuffers) / 1e6).toFixed(1)} MB, ` +
      `heap +${((m2.heapUsed - m1.heapUsed) / 1e6).toFixed(1)} MB), data ${(data / 1e6).toFixed(1)} MB + ` +
      `${residuals.size} residual arrays ${(resid / 1e6).toFixed(1)} MB → ${(used / (data + resid)).toFixed(2)}×`;
  }
  report(
    `local level T=${n} (model scan, initializeModel)`,
    n === 2000 ? "ratio ≤ 1.2, ≤ 100 µs, compile ≤ 100 ms" : "memory ≤ 3× data + residuals",
    c.a,
    c.b,
    c.err,
    ms,
    extra,
  );
}

// ---- HMM forward algorithm, K = 3 hidden states, T = 1000 ---------------------------------------------
{
  const K = 3;
  const n = 1000;
  const yd = new Float64Array(n);
  for (let t = 0; t < n; t++)
    yd[t] = ([-1, 0.5, 2][Math.floor(t / 50) % 3] as number) + 0.4 * Math.sin(t * 1.3);
  const y = tensor(yd);
  const dim = K * K + K;
  const logp = (z: Tensor): Tensor => {
    const theta = T.reshape(T.slice(z, [0], [K * K]), [K, K]);
    const mu = T.slice(z, [K * K], [dim]);
    const logA = T.logSoftmax(theta, 1);
    const emit = (yt: Tensor): Tensor => T.sub(T.mul(T.square(T.sub(yt, mu)), -0.5), HALF_LOG_2PI);
    const a0 = T.add(emit(T.reshape(T.slice(y, [0], [1]), [])), -Math.log(K));
    const [aT] = T.scan(
      (a: Tensor, yt: Tensor) => [T.add(T.logSumExp(T.add(T.reshape(a, [K, 1]), logA), 0), emit(yt)), null],
      a0,
      T.slice(y, [1], [n]),
    );
    const prior = T.mul(T.sum(T.square(z)), -0.5);
    return T.add(T.logSumExp(aT), prior);
  };
  const alpha = new Float64Array(n * K);
  const ga = new Float64Array(K);
  const gaPrev = new Float64Array(K);
  const L = new Float64Array(K * K);
  const gL = new Float64Array(K * K);
  const hand: Fn = (z, g) => {
    for (let i = 0; i < K; i++) {
      let m = -Infinity;
      for (let j = 0; j < K; j++) m = Math.max(m, z[i * K + j] as number);
      let s = 0;
      for (let j = 0; j < K; j++) s += Math.exp((z[i * K + j] as number) - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < K; j++) L[i * K + j] = (z[i * K + j] as number) - lse;
    }
    const mu0 = K * K;
    for (let j = 0; j < K; j++) {
      const e = (yd[0] as number) - (z[mu0 + j] as number);
      alpha[j] = -0.5 * e * e - HALF_LOG_2PI - Math.log(K);
    }
    for (let t = 1; t < n; t++) {
      for (let j = 0; j < K; j++) {
        let m = -Infinity;
        for (let i = 0; i < K; i++)
          m = Math.max(m, (alpha[(t - 1) * K + i] as number) + (L[i * K + j] as number));
        let s = 0;
        for (let i = 0; i < K; i++)
          s += Math.exp((alpha[(t - 1) * K + i] as number) + (L[i * K + j] as number) - m);
        const e = (yd[t] as number) - (z[mu0 + j] as number);
        alpha[t * K + j] = m + Math.log(s) - 0.5 * e * e - HALF_LOG_2PI;
      }
    }
    let m = -Infinity;
    for (let j = 0; j < K; j++) m = Math.max(m, alpha[(n - 1) * K + j] as number);
    let s = 0;
    for (let j = 0; j < K; j++) s += Math.exp((alpha[(n - 1) * K + j] as number) - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < K; j++) ga[j] = Math.exp((alpha[(n - 1) * K + j] as number) - lse);
    gL.fill(0);
    g.fill(0);
    for (let t = n - 1; t >= 1; t--) {
      gaPrev.fill(0);
      for (let j = 0; j < K; j++) {
        const e = (yd[t] as number) - (z[mu0 + j] as number);
        g[mu0 + j] = (g[mu0 + j] as number) + (ga[j] as number) * e;
        const base = (alpha[t * K + j] as number) + 0.5 * e * e + HALF_LOG_2PI; // lse over i
        for (let i = 0; i < K; i++) {
          const w =
            (ga[j] as number) *
            Math.exp((alpha[(t - 1) * K + i] as number) + (L[i * K + j] as number) - base);
          gaPrev[i] = (gaPrev[i] as number) + w;
          gL[i * K + j] = (gL[i * K + j] as number) + w;
        }
      }
      ga.set(gaPrev);
    }
    for (let j = 0; j < K; j++) {
      const e = (yd[0] as number) - (z[mu0 + j] as number);
      g[mu0 + j] = (g[mu0 + j] as number) + (ga[j] as number) * e;
    }
    for (let i = 0; i < K; i++) {
      let tot = 0;
      for (let j = 0; j < K; j++) tot += gL[i * K + j] as number;
      for (let j = 0; j < K; j++)
        g[i * K + j] = (gL[i * K + j] as number) - Math.exp(L[i * K + j] as number) * tot;
    }
    let prior = 0;
    for (let i = 0; i < dim; i++) {
      prior -= 0.5 * (z[i] as number) ** 2;
      g[i] = (g[i] as number) - (z[i] as number);
    }
    return lse + prior;
  };
  const t0 = cpuMs();
  const fn = compileValueAndGrad(logp, dim).fn;
  const ms = cpuMs() - t0;
  const z = Float64Array.from({ length: dim }, (_, i) => 0.3 * Math.sin(i + 1));
  const c = compare(hand, fn, z);
  report(`HMM forward T=${n} K=${K} (scan)`, "ratio ≤ 1.2", c.a, c.b, c.err, ms);
}

const head = ["case", "target", "hand µs", "compiled µs", "ratio", "max rel diff", "compile ms", ""];
const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] as string).length)));
const line = (r: string[]): string => r.map((c, k) => c.padEnd(widths[k] as number)).join(" | ");
console.log(`node ${process.version}, ${new Date().toISOString()}; µs and ms are CPU time of this process`);
console.log(line(head));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) console.log(line(r));
