/**
 * Benchmark: enumeration (discrete sites summed out by tensor variable elimination) against the same models
 * marginalised by hand, measured side by side in one run (asserts nothing); times are CPU time of this
 * process (user + system), so other load on the machine does not inflate them. From the repository root:
 *   node --conditions=@phlox/source --import tsx bench/src/enum.bench.ts
 * Prints, per case: the compile time of both potentials (initializeModel), the median over 7 interleaved
 * rounds of the least µs per value+gradient call among 3 blocks, their ratio, and the largest relative
 * difference of value and gradient; for the mixture also NUTS wall time and ESS/s of both. The HMM is written
 * three ways against the hand-written forward algorithm: a `markov` loop (unrolled), the model-level `scan`
 * (one compiled loop), and the forward algorithm by hand with `@phlox/tensor`'s `scan`. Pass `--hmm` to run
 * the HMM cases only.
 */
import { essBulk } from "@phlox/diagnostics";
import { Categorical, Dirichlet, HalfNormal, Normal } from "@phlox/distributions";
import { factor, markov, plate, sample, scan } from "@phlox/handlers";
import { initializeModel } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import * as T from "@phlox/tensor";

type Tensor = T.Tensor;
type Fn = (z: Float64Array, g: Float64Array) => number;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const par = { infer: { enumerate: "parallel" } };

/** Milliseconds of CPU time this process has used (user + system): steadier than wall time on a busy machine. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

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

function compare(a: Fn, b: Fn, z0: Float64Array): { a: number; b: number; err: number } {
  const n = z0.length;
  const ga = new Float64Array(n);
  const gb = new Float64Array(n);
  const va = a(z0.slice(), ga);
  const vb = b(z0.slice(), gb);
  let err = Math.abs(va - vb) / Math.max(1, Math.abs(va));
  for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(ga[i] - gb[i]) / Math.max(1, Math.abs(ga[i])));
  const za = z0.slice();
  const zb = z0.slice();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < 7; r++) {
    ta.push(time(a, za, ga, 40, 3));
    tb.push(time(b, zb, gb, 40, 3));
  }
  return { a: median(ta), b: median(tb), err };
}

const lcg = (seed: number) => {
  let s = seed >>> 0;
  return (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
};
const gauss = (r: () => number): number =>
  Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());

const rows: string[][] = [["case", "hand µs", "enum µs", "ratio", "max rel err", "compile ms (hand / enum)"]];

const hmmOnly = process.argv.includes("--hmm");

// ---- Gaussian mixture, N = 1000, K = 3 -------------------------------------------------------------------
const N = 1000;
const r = lcg(7);
const yd = Array.from({ length: N }, (_, i) => [-4, 0.5, 4.5][i % 3] + gauss(r));
const y = T.tensor(yd);
function gmmEnum(data: Tensor): void {
  const w = sample("w", new Dirichlet(T.ones([3])));
  const locs = plate("K", 3, () => sample("locs", new Normal(T.tensor([-5, 0, 5]), 1.5)));
  const sigma = sample("sigma", new HalfNormal(2));
  plate("N", data.shape[0], () => {
    const z = sample("z", new Categorical(w), par);
    sample("y", new Normal(T.take(locs, T.cast(z, "int32"), 0), sigma), { obs: data });
  });
}
function gmmHand(data: Tensor): void {
  const w = sample("w", new Dirichlet(T.ones([3])));
  const locs = plate("K", 3, () => sample("locs", new Normal(T.tensor([-5, 0, 5]), 1.5)));
  const sigma = sample("sigma", new HalfNormal(2));
  const comp = T.add(T.log(w), new Normal(locs, sigma).logProb(T.reshape(data, [data.shape[0], 1])));
  factor("y", T.sum(T.logSumExp(comp, -1)));
}
if (!hmmOnly) {
  let t0 = performance.now();
  const hand = initializeModel(0, gmmHand, [y]);
  const handMs = performance.now() - t0;
  t0 = performance.now();
  const en = initializeModel(0, gmmEnum, [y]);
  const enMs = performance.now() - t0;
  const c = compare(hand.potentialFn, en.potentialFn, hand.initialZ);
  rows.push([
    "GMM N=1000 K=3 value+grad",
    c.a.toFixed(1),
    c.b.toFixed(1),
    (c.b / c.a).toFixed(2),
    c.err.toExponential(1),
    `${handMs.toFixed(0)} / ${enMs.toFixed(0)} (compiled: ${hand.compiled} / ${en.compiled})`,
  ]);
  const nuts = async (model: (d: Tensor) => void): Promise<{ wall: number; essPerS: number }> => {
    const mcmc = new MCMC(new NUTS(model), { numWarmup: 500, numSamples: 1000, progressBar: false });
    const s0 = performance.now();
    await mcmc.run(3, y);
    const wall = (performance.now() - s0) / 1000;
    const locs: unknown = mcmc.getSamples({ groupByChain: true }).locs;
    const draws =
      locs instanceof T.Tensor
        ? { data: Float64Array.from(locs.dataSync() as ArrayLike<number>), shape: [...locs.shape] }
        : {
            data: Float64Array.from((locs as { data: ArrayLike<number> }).data),
            shape: [...(locs as { shape: number[] }).shape],
          };
    const ess = Math.min(...Array.from(essBulk(draws) as ArrayLike<number>));
    return { wall, essPerS: ess / wall };
  };
  const h = await nuts(gmmHand);
  const e = await nuts(gmmEnum);
  rows.push([
    "GMM NUTS 500+1000 wall s",
    h.wall.toFixed(2),
    e.wall.toFixed(2),
    (e.wall / h.wall).toFixed(2),
    `min ESS_bulk(locs)/s: hand ${h.essPerS.toFixed(0)}, enum ${e.essPerS.toFixed(0)}`,
    "",
  ]);
}

// ---- HMM, T = 1000, K = 4 --------------------------------------------------------------------------------
const TT = 1000;
const K = 4;
const r2 = lcg(11);
const ys: number[] = [];
{
  let x = 0;
  for (let t = 0; t < TT; t++) {
    x = r2() < 0.8 ? x : Math.floor(r2() * K);
    ys.push(2 * x - 3 + gauss(r2));
  }
}
const yh = T.tensor(ys);
const priors = (): { trans: Tensor; locs: Tensor } => {
  const trans = plate("rows", K, () => sample("trans", new Dirichlet(T.ones([K]))), { dim: -1 });
  const locs = plate("states", K, () => sample("locs", new Normal(T.tensor([-3, -1, 1, 3]), 1)));
  return { trans, locs };
};
function hmmEnum(data: Tensor): void {
  const { trans, locs } = priors();
  let x: Tensor = T.scalar(0, "int32");
  for (const t of markov(Array.from({ length: data.shape[0] }, (_, i) => i))) {
    x = T.cast(sample(`x_${t}`, new Categorical(T.take(trans, x, 0)), par), "int32");
    sample(`y_${t}`, new Normal(T.take(locs, x, 0), 1), { obs: T.reshape(T.slice(data, [t], [t + 1]), []) });
  }
}
/** The forward algorithm written by hand with tensor ops: α_t = logsumexp(α_{t−1} + log A) + log p(y_t | ·). */
function hmmHand(data: Tensor): void {
  const { trans, locs } = priors();
  const logA = T.log(trans);
  const emis = new Normal(locs, 1).logProb(T.reshape(data, [data.shape[0], 1])); // [T, K]
  const row = (t: number): Tensor => T.reshape(T.slice(emis, [t, 0], [t + 1, K]), [K]);
  let alpha = T.add(T.reshape(T.slice(logA, [0, 0], [1, K]), [K]), row(0));
  for (let t = 1; t < data.shape[0]; t++) {
    alpha = T.add(T.logSumExp(T.add(T.reshape(alpha, [K, 1]), logA), 0), row(t));
  }
  factor("y", T.logSumExp(alpha));
}
/** The HMM with the model-level scan: the states are enumerated through it (one compiled loop). */
function hmmScan(data: Tensor): void {
  const { trans, locs } = priors();
  scan(
    (x: Tensor, yt: Tensor) => {
      const xt = T.cast(sample("x", new Categorical(T.take(trans, x, 0)), par), "int32");
      sample("y", new Normal(T.take(locs, xt, 0), 1), { obs: yt });
      return [xt, null];
    },
    T.scalar(0, "int32"),
    data,
  );
}
/** The forward algorithm by hand as one loop: `@phlox/tensor`'s scan over the emission rows. */
function hmmHandScan(data: Tensor): void {
  const { trans, locs } = priors();
  const logA = T.log(trans);
  const emis = new Normal(locs, 1).logProb(T.reshape(data, [data.shape[0], 1])); // [T, K]
  const first = T.add(
    T.reshape(T.slice(logA, [0, 0], [1, K]), [K]),
    T.reshape(T.slice(emis, [0, 0], [1, K]), [K]),
  );
  const [alpha] = T.scan(
    (a: Tensor, e: Tensor) => [T.add(T.logSumExp(T.add(T.reshape(a, [K, 1]), logA), 0), e), null] as const,
    first,
    T.slice(emis, [1, 0]),
  );
  factor("y", T.logSumExp(alpha));
}
{
  const init = (m: (d: Tensor) => void): { info: ReturnType<typeof initializeModel>; ms: number } => {
    const t0 = cpuMs();
    const info = initializeModel(0, m, [yh]);
    return { info, ms: cpuMs() - t0 };
  };
  const hand = init(hmmHand);
  const handScan = init(hmmHandScan);
  const viaScan = init(hmmScan);
  const cases: [string, typeof hand, typeof hand][] = [
    ["HMM T=1000 K=4 scan (enum) vs hand-written", hand, viaScan],
    ["HMM T=1000 K=4 scan (enum) vs hand-written T.scan", handScan, viaScan],
  ];
  if (!hmmOnly || process.argv.includes("--markov")) {
    cases.unshift(["HMM T=1000 K=4 markov loop (enum) vs hand-written", hand, init(hmmEnum)]);
  }
  for (const [name, a, b] of cases) {
    const c = compare(a.info.potentialFn, b.info.potentialFn, a.info.initialZ);
    rows.push([
      `${name}, value+grad`,
      c.a.toFixed(1),
      c.b.toFixed(1),
      (c.b / c.a).toFixed(2),
      c.err.toExponential(1),
      `${a.ms.toFixed(0)} / ${b.ms.toFixed(0)} (compiled: ${a.info.compiled} / ${b.info.compiled})`,
    ]);
  }
}

for (const row of rows) console.log(row.join(" | "));
