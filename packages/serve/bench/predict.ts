// POST /predict for the radon model with 1,000 posterior draws (the committed fixture, 4 chains × 250):
// autocannon at 1, 10 and 100 connections (requests/s, p50/p99 latency; target p99 ≤ 5 ms at 10), one run with
// a fresh seed per request, a 10,000-row POST /predict/batch, and side by side in this process the compiled
// predictor against running `Predictive` per request. The server runs in a child process on loopback; every
// phase is bounded in time and the script exits by itself (a watchdog stops it after 6 minutes).
// Run from packages/serve:  node --conditions=@phlox/source --import tsx bench/predict.ts [seconds per run]
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Predictive } from "@phlox/infer";
import { key, tensor } from "@phlox/tensor";
import autocannon from "autocannon";
import { createServer } from "../src/index.js";
import { RADON_POSTERIOR, radonSamples } from "../src/testing/fixtures.js";
import radonServable, { radon } from "../src/testing/radon-model.js";

const SECONDS = Number(process.argv[2] ?? 10);

if (process.argv[2] === "server") {
  const s = await createServer({ model: radonServable, posterior: RADON_POSTERIOR, logger: false });
  await s.listen();
  process.on("message", () => process.send?.(process.cpuUsage())); // the parent asks for CPU time used
  process.send?.(s.url);
} else {
  const watchdog = setTimeout(() => {
    console.error("bench: watchdog, stopping after 6 minutes");
    process.exit(1);
  }, 360_000);
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["server"], {
    execArgv: process.execArgv,
  });
  const url = await new Promise<string>((res, rej) => {
    child.once("message", (u) => res(u as string));
    child.once("exit", (c) => rej(new Error(`server exited with ${c}`)));
  });
  /** CPU time (user + system, ms) the server process has used so far. */
  const serverCpu = () =>
    new Promise<number>((res) => {
      child.once("message", (u) => {
        const c = u as NodeJS.CpuUsage;
        res((c.user + c.system) / 1000);
      });
      child.send("cpu?");
    });
  const rowBody = (i: number, seed?: number) =>
    JSON.stringify({
      inputs: { county: i % 85, log_uppm: ((i % 17) - 8) / 10, floor: i % 2 },
      ...(seed === undefined ? {} : { seed }),
    });
  const run = async (connections: number, freshSeed: boolean) => {
    let i = 0;
    const cpu0 = await serverCpu();
    const r = await autocannon({
      url: `${url}/predict`,
      method: "POST",
      headers: { "content-type": "application/json" },
      connections,
      duration: SECONDS,
      requests: [{ setupRequest: (req) => ({ ...req, body: rowBody(i++, freshSeed ? i : undefined) }) }],
    });
    if (r.errors + r.non2xx > 0) throw new Error(`${r.errors} errors, ${r.non2xx} non-2xx`);
    return {
      ...r,
      cpuPerRequest: (await serverCpu()) - cpu0 > 0 ? ((await serverCpu()) - cpu0) / r.requests.total : 0,
    };
  };
  console.log(
    `radon, ${SECONDS} s per run, loopback, server in a child process; ${new Date().toISOString()}`,
  );
  await run(10, false).catch(() => undefined); // warm-up (JIT, templates)
  console.log("\nPOST /predict, one row, 1000 draws, default seed (inputs vary per request):");
  console.log("connections  req/s    p50 ms  p99 ms  max ms  server CPU ms/request");
  let p99at10 = Number.NaN;
  for (const c of [1, 10, 100]) {
    const r = await run(c, false);
    if (c === 10) p99at10 = r.latency.p99;
    console.log(
      `${String(c).padStart(11)}  ${r.requests.average.toFixed(0).padStart(6)}  ${String(r.latency.p50).padStart(6)}  ${String(r.latency.p99).padStart(6)}  ${String(r.latency.max).padStart(6)}  ${r.cpuPerRequest.toFixed(3)}`,
    );
  }
  const fresh = await run(10, true);
  console.log(
    `10 connections, a new seed per request (keys recomputed): ${fresh.requests.average.toFixed(0)} req/s, p50 ${fresh.latency.p50} ms, p99 ${fresh.latency.p99} ms`,
  );
  console.log(`target p99 ≤ 5 ms at 10 connections: ${p99at10} ms → ${p99at10 <= 5 ? "met" : "NOT met"}`);
  console.log(
    "(one server thread: with 10 requests always in flight, latency ≈ 10 × the CPU time per request, plus waiting " +
      "for a core on a busy machine)",
  );

  // Batch: 10,000 rows × 1000 draws per request.
  const rows = Array.from({ length: 10_000 }, (_, i) => JSON.parse(rowBody(i)).inputs);
  const body = JSON.stringify({ rows });
  const times: number[] = [];
  const deadline = performance.now() + 4 * SECONDS * 1000;
  for (let k = 0; k < 3 && performance.now() < deadline; k++) {
    const t = performance.now();
    const res = await fetch(`${url}/predict/batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const j = (await res.json()) as { predictions: unknown[] };
    if (res.status !== 200 || j.predictions.length !== 10_000) throw new Error(`batch failed: ${res.status}`);
    times.push(performance.now() - t);
  }
  const best = Math.min(...times);
  console.log(
    `\nPOST /predict/batch, 10,000 rows × 1000 draws (${(body.length / 1024).toFixed(0)} KiB in): ` +
      `${times.map((t) => (t / 1000).toFixed(2)).join(", ")} s → ${(10_000 / (best / 1000)).toFixed(0)} rows/s (best), ` +
      `${((10_000 * 1000) / (best / 1000) / 1e6).toFixed(1)} M predictive draws/s`,
  );
  child.kill();

  // Side by side in this process: the server's compiled predictor vs Predictive per request (compiles per input).
  const s = await createServer({ model: radonServable, posterior: RADON_POSTERIOR, logger: false });
  const samples = await radonSamples();
  const p = s.predictor;
  const post = s.posterior;
  const N = 20;
  const M = 200;
  const flat = p.flattenRows(Array.from({ length: M }, (_, i) => JSON.parse(rowBody(1000 + i)).inputs));
  for (let i = 0; i < 50; i++) p.draws(post, flat, i, 0, 1000); // warm-up
  let t = performance.now();
  for (let i = 0; i < M; i++) p.draws(post, flat, i, 0, 1000);
  const compiled = (performance.now() - t) / M;
  const direct = (i: number) => {
    const r = JSON.parse(rowBody(1000 + i)).inputs;
    return new Predictive(radon, { posteriorSamples: samples, returnSites: ["log_radon"] }).run(
      key(0),
      tensor(new Int32Array([r.county]), { dtype: "int32" }),
      tensor([r.log_uppm]),
      tensor([r.floor]),
    );
  };
  direct(0);
  t = performance.now();
  for (let i = 0; i < N; i++) direct(i);
  const perRequest = (performance.now() - t) / N;
  console.log(
    `\nin process, one row × 1000 draws: compiled once ${compiled.toFixed(2)} ms vs Predictive per request ` +
      `${perRequest.toFixed(1)} ms → ${(perRequest / compiled).toFixed(0)}× (same draws)`,
  );
  await s.close();
  clearTimeout(watchdog);
}
