// Fastify or Hono? Throughput of the two on the same trivial predict endpoint (POST a JSON row, answer a JSON
// summary), each server in its own child process on loopback, autocannon in this one. Rounds alternate
// between the frameworks so that a busy machine penalises both alike; bounded: ROUNDS × 2 runs of SECONDS.
// Run from packages/serve:  node --conditions=@phlox/source --import tsx bench/frameworks.ts [seconds] [rounds]
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const SECONDS = Number(process.argv[3] === undefined ? (process.argv[2] ?? 5) : process.argv[2]);
const ROUNDS = Number(process.argv[3] ?? 3);
const body = JSON.stringify({ inputs: { county: 25, log_uppm: 0.5, floor: 0 }, seed: 1 });
const answer = (x: { inputs: { county: number; log_uppm: number; floor: number } }) => ({
  outputs: { y: { mean: x.inputs.log_uppm + x.inputs.floor, sd: 1, quantiles: { "0.5": x.inputs.county } } },
});

async function runServer(kind: string): Promise<void> {
  if (kind === "fastify") {
    const { default: Fastify } = await import("fastify");
    const app = Fastify({ logger: false });
    const num = { type: "number" };
    app.post(
      "/predict",
      {
        schema: {
          body: {
            type: "object",
            required: ["inputs"],
            properties: {
              inputs: {
                type: "object",
                required: ["county", "log_uppm", "floor"],
                properties: { county: { type: "integer" }, log_uppm: num, floor: num },
              },
              seed: { type: "integer" },
            },
          },
        },
      },
      async (req) => answer(req.body as Parameters<typeof answer>[0]),
    );
    await app.listen({ host: "127.0.0.1", port: 0 });
    const a = app.server.address();
    process.send?.(typeof a === "object" && a !== null ? a.port : 0);
  } else {
    const { Hono } = await import("hono");
    const { serve } = await import("@hono/node-server");
    const app = new Hono();
    app.post("/predict", async (c) => {
      const x = (await c.req.json()) as Parameters<typeof answer>[0];
      const i = x?.inputs;
      if (
        typeof i !== "object" ||
        !Number.isInteger(i.county) ||
        typeof i.log_uppm !== "number" ||
        typeof i.floor !== "number"
      )
        return c.json({ message: "bad input" }, 400);
      return c.json(answer(x));
    });
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) =>
      process.send?.(info.port),
    );
    void server;
  }
}

function start(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ["server", kind], { execArgv: process.execArgv });
  return new Promise((res, rej) => {
    child.once("message", (port) => res({ child, port: port as number }));
    child.once("exit", (c) => rej(new Error(`${kind} server exited with ${c}`)));
  });
}

async function measure(kind: string, connections: number) {
  const { child, port } = await start(kind);
  const opts = {
    url: `http://127.0.0.1:${port}/predict`,
    method: "POST" as const,
    headers: { "content-type": "application/json" },
    body,
    connections,
  };
  await autocannon({ ...opts, duration: 1 }); // warm-up
  const r = await autocannon({ ...opts, duration: SECONDS });
  child.kill();
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

if (process.argv[2] === "server") {
  await runServer(process.argv[3]);
} else {
  const results: Record<string, { rps: number[]; p50: number[]; p99: number[] }> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? ["fastify", "hono"] : ["hono", "fastify"]) {
      const m = await measure(kind, 10);
      if (m.errors > 0) throw new Error(`${kind}: ${m.errors} failed requests`);
      const r = (results[kind] ??= { rps: [], p50: [], p99: [] });
      r.rps.push(m.rps);
      r.p50.push(m.p50);
      r.p99.push(m.p99);
      console.log(
        `round ${round + 1} ${kind.padEnd(7)} ${m.rps.toFixed(0)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms`,
      );
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`\nmedian over ${ROUNDS} rounds of ${SECONDS} s, 10 connections, loopback:`);
  for (const [k, r] of Object.entries(results))
    console.log(`${k.padEnd(7)} ${med(r.rps).toFixed(0)} req/s  p50 ${med(r.p50)} ms  p99 ${med(r.p99)} ms`);
  const ratio = med(results.fastify.rps) / med(results.hono.rps);
  console.log(`fastify / hono throughput: ${ratio.toFixed(2)}×`);
}
