/**
 * Benchmark: post-processing at radon's size (4 chains × 1000 draws × 919 observations) against ArviZ, side by
 * side in one run (asserts nothing). Run from the repository root:
 *   PHLOX_ORACLE=<python with arviz> node --conditions=@phlox/source --import tsx bench/src/postprocess.bench.ts
 * The log-likelihood is synthetic but shaped like radon's (normal log densities of 919 observations under
 * 4000 posterior draws of a location and scale), the same bytes for both sides. Prints the median of 5 runs
 * of `loo` (ArviZ r_eff from a posterior), `waic`, and `compare` of two models from precomputed loo results,
 * each for Phlox and ArviZ (`az.loo(idata)`, `az.waic`, `az.compare` of two idata), in seconds.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compare, loo, waic } from "@phlox/diagnostics";

const C = 4;
const D = 1000;
const N = 919;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** A deterministic uniform stream (LCG) for reproducible synthetic draws. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

function synth(seed: number, shift: number): { ll: Float64Array; mu: Float64Array; sigma: Float64Array } {
  const u = lcg(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const y = Float64Array.from({ length: N }, () => normal() * 0.8 + (u() < 0.02 ? 4 : 0));
  const mu = new Float64Array(C * D);
  const sigma = new Float64Array(C * D);
  let m = 0;
  for (let s = 0; s < C * D; s++) {
    m = 0.6 * m + 0.8 * 0.03 * normal(); // autocorrelated chains
    mu[s] = shift + m;
    sigma[s] = 0.8 * Math.exp(0.02 * normal());
  }
  const ll = new Float64Array(C * D * N);
  for (let s = 0; s < C * D; s++) {
    const inv = 1 / sigma[s];
    const c = -Math.log(sigma[s]) - 0.5 * Math.log(2 * Math.PI);
    for (let i = 0; i < N; i++) {
      const z = (y[i] - mu[s]) * inv;
      ll[s * N + i] = c - 0.5 * z * z;
    }
  }
  return { ll, mu, sigma };
}

function timeIt<T>(f: () => T, runs = 5): [number, T] {
  const ts: number[] = [];
  let r: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    r = f();
    ts.push((performance.now() - t0) / 1000);
  }
  return [median(ts), r as T];
}

const a = synth(1, 0);
const b = synth(2, 0.3);
const post = (x: typeof a) => ({
  mu: { data: x.mu, shape: [C, D] },
  sigma: { data: x.sigma, shape: [C, D] },
});
const llA = { data: a.ll, shape: [C, D, N] };
const llB = { data: b.ll, shape: [C, D, N] };
const [tLoo, looA] = timeIt(() => loo(llA, { posterior: post(a), warn: false }));
const [tWaic] = timeIt(() => waic(llA, { warn: false }));
const looB = loo(llB, { posterior: post(b), warn: false });
const [tCompare] = timeIt(() => compare({ a: looA, b: looB }));
const [tCompareRaw] = timeIt(() => compare({ a: llA, b: llB }), 3);

let arviz: Record<string, number> | undefined;
const python = process.env.PHLOX_ORACLE;
if (python) {
  const dir = mkdtempSync(join(tmpdir(), "phlox-postprocess-"));
  try {
    for (const [name, x] of Object.entries({ a, b })) {
      writeFileSync(join(dir, `${name}_ll.bin`), x.ll);
      writeFileSync(join(dir, `${name}_mu.bin`), x.mu);
      writeFileSync(join(dir, `${name}_sigma.bin`), x.sigma);
    }
    const script = `
import json, sys, time, warnings
import numpy as np, arviz as az
warnings.simplefilter("ignore")
d = sys.argv[1]
def load(n):
    r = lambda k, s: np.fromfile(f"{d}/{n}_{k}.bin", dtype="<f8").reshape(s)
    return az.from_dict(posterior={"mu": r("mu", (${C}, ${D})), "sigma": r("sigma", (${C}, ${D}))},
                        log_likelihood={"y": r("ll", (${C}, ${D}, ${N}))})
A, B = load("a"), load("b")
def t(f, runs=5):
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2]
out = {"loo": t(lambda: az.loo(A)), "waic": t(lambda: az.waic(A))}
out["compare"] = t(lambda: az.compare({"a": A, "b": B}), 3)
out["elpd_loo"] = float(az.loo(A).elpd_loo)
print(json.dumps(out))
`;
    const r = spawnSync(python, ["-c", script, dir], { encoding: "utf8" });
    if (r.status === 0) arviz = JSON.parse(r.stdout.trim().split("\n").pop() as string);
    else console.error(`oracle failed: ${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const row = (name: string, phlox: number, py?: number): string =>
  `${name.padEnd(40)} ${phlox.toFixed(3).padStart(8)} s ${py === undefined ? "" : `${py.toFixed(3).padStart(8)} s   ratio ${(phlox / py).toFixed(2)}`}`;
console.log(`post-processing, ${C} chains × ${D} draws × ${N} observations (Phlox | ArviZ, median of runs)`);
console.log(row("loo (ArviZ r_eff from the posterior)", tLoo, arviz?.loo));
console.log(row("waic", tWaic, arviz?.waic));
console.log(row("compare of 2 precomputed loo results", tCompare));
console.log(row("compare of 2 log-likelihoods (2 loo inside)", tCompareRaw, arviz?.compare));
console.log(`compare(precomputed) / (2 × loo) = ${(tCompare / (2 * tLoo)).toFixed(3)}`);
if (arviz) console.log(`elpd_loo: Phlox ${looA.estimate.toFixed(4)}, ArviZ ${arviz.elpd_loo.toFixed(4)}`);
