// First-call (cold JIT) time of `summary` and `formatSummary` in a fresh Node process, on the draws of
// Phlox's eight-schools job: mu, tau, theta_raw[8], theta[8] (18 elements) × 4 chains × 1000 draws.
// Run from the repository root after `pnpm --filter @phlox/diagnostics build`:
//   node packages/diagnostics/bench/summary-cold.mjs [runs=9] [path/to/dist/index.node.js ...]
// Starts `runs` fresh child processes per function (and per module path, interleaved: give the old and
// the new build to compare them on a noisy machine) and prints the median first-call time, then the
// median warm time (after 50 warm-up calls) from one more process. Asserts nothing.
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(import.meta.url);
const [mode, arg1, arg2] = process.argv.slice(2);

// AR(1) chains (φ = 0.7) from a fixed-seed generator, so every process times the same draws.
function makeSamples() {
  let state = 2024;
  const uniform = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const mk = (k) => {
    const d = new Float64Array(4000 * k);
    let x = 0;
    for (let i = 0; i < d.length; i++) {
      x = 0.7 * x + uniform() - 0.5;
      d[i] = x;
    }
    return d;
  };
  return {
    mu: { data: mk(1), shape: [4, 1000] },
    tau: { data: mk(1), shape: [4, 1000] },
    theta_raw: { data: mk(8), shape: [4, 1000, 8] },
    theta: { data: mk(8), shape: [4, 1000, 8] },
  };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

if (mode === "--child") {
  // arg1: "summary" | "formatSummary" | "warm"; arg2: module URL.
  const mod = await import(arg2);
  const samples = makeSamples();
  if (arg1 === "warm") {
    const times = { summary: [], formatSummary: [] };
    for (let i = 0; i < 50; i++) {
      mod.summary(samples);
      mod.formatSummary(samples);
    }
    for (let i = 0; i < 31; i++) {
      for (const f of ["summary", "formatSummary"]) {
        const t0 = performance.now();
        mod[f](samples);
        times[f].push(performance.now() - t0);
      }
    }
    console.log(
      JSON.stringify({ summary: median(times.summary), formatSummary: median(times.formatSummary) }),
    );
  } else {
    const t0 = performance.now();
    mod[arg1](samples);
    const t1 = performance.now();
    mod[arg1](samples);
    const t2 = performance.now();
    console.log(JSON.stringify({ first: t1 - t0, second: t2 - t1 }));
  }
} else {
  // Several module paths: their runs interleave, so a busy machine slows them alike.
  const runs = Number(mode ?? 9);
  const paths = process.argv.slice(3);
  const targets =
    paths.length > 0
      ? paths.map((p) => pathToFileURL(p).href)
      : [new URL("../dist/index.node.js", import.meta.url).href];
  const child = (what, target) => {
    const r = spawnSync(process.execPath, [here, "--child", what, target], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`child ${what} failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const res = targets.map(() => ({
    summary: { first: [], second: [] },
    formatSummary: { first: [], second: [] },
  }));
  for (let i = 0; i < runs; i++) {
    for (const f of ["summary", "formatSummary"]) {
      targets.forEach((t, k) => {
        const r = child(f, t);
        res[k][f].first.push(r.first);
        res[k][f].second.push(r.second);
      });
    }
  }
  console.log(`eight-schools draws (18 elements × 4 × 1000), ${runs} fresh processes per function`);
  targets.forEach((t, k) => {
    console.log(t);
    for (const f of ["summary", "formatSummary"]) {
      const { first, second } = res[k][f];
      console.log(
        `  ${f.padEnd(14)} first call ${median(first).toFixed(1).padStart(6)} ms (min ${Math.min(...first).toFixed(1)}, max ${Math.max(...first).toFixed(1)})   second ${median(second).toFixed(1).padStart(5)} ms`,
      );
    }
    const w = child("warm", t);
    console.log(
      `  warm (median of 31 after 50 calls): summary ${w.summary.toFixed(2)} ms, formatSummary ${w.formatSummary.toFixed(2)} ms`,
    );
  });
}
