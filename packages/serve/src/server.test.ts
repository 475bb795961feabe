import { hpdi, quantile } from "@phlox/diagnostics";
import { Predictive } from "@phlox/infer";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawIndices } from "./predictor.js";
import { createServer, type PhloxServer } from "./server.js";
import { RADON_POSTERIOR, radonSamples } from "./testing/fixtures.js";
import { getJson, postJson } from "./testing/http.js";
import radonServable, { radon } from "./testing/radon-model.js";

type Summary = {
  shape: number[];
  mean: number;
  sd: number;
  quantiles: Record<string, number>;
  hdi: { prob: number; lower: number; upper: number };
  draws?: number[];
};
type Answer = {
  model: string;
  posterior: string;
  seed: number;
  numDraws: number;
  outputs: { log_radon: Summary };
};

let server: PhloxServer;
let url: string;
let samples: Record<string, Tensor>;

beforeAll(async () => {
  server = await createServer({ model: radonServable, posterior: RADON_POSTERIOR, logger: false });
  url = await server.listen({ port: 0 });
  samples = await radonSamples();
}, 120_000);
afterAll(() => server.close());

/** `Predictive` run directly: the draws of log_radon for one house, from the first-`n`-spaced posterior draws. */
function direct(
  row: { county: number; log_uppm: number; floor: number },
  seed: number,
  n = 1000,
): Float64Array {
  const idx = Array.from(drawIndices(1000, n));
  const sub: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(samples)) {
    const per = v.size / 1000;
    const d = v.dataSync() as Float64Array;
    const out = new Float64Array(n * per);
    idx.forEach((i, j) => {
      out.set(d.subarray(i * per, (i + 1) * per), j * per);
    });
    sub[k] = tensor(out, { shape: [n, ...v.shape.slice(1)] });
  }
  const p = new Predictive(radon, { posteriorSamples: sub, returnSites: ["log_radon"] });
  const out = p.run(
    key(seed),
    tensor(new Int32Array([row.county]), { dtype: "int32" }),
    tensor([row.log_uppm]),
    tensor([row.floor]),
  );
  expect(out.log_radon.shape).toEqual([n, 1]);
  return Float64Array.from(out.log_radon.dataSync() as ArrayLike<number>);
}

describe("POST /predict (radon, committed netCDF posterior, real HTTP on a free loopback port)", () => {
  it("listens on loopback and answers GET /health", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const h = await getJson(`${url}/health`);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({
      status: "ok",
      model: "radon",
      posterior: server.posterior.id,
      compiled: true,
    });
  });

  it("draws equal Predictive run directly on the same posterior and key, bit for bit; the summary is theirs", async () => {
    for (const [row, seed] of [
      [{ county: 25, log_uppm: 0.5, floor: 0 }, 0],
      [{ county: 0, log_uppm: -0.9, floor: 1 }, 12345],
      [{ county: 84, log_uppm: 0.1, floor: 1 }, 2 ** 40 + 3],
    ] as const) {
      const r = await postJson(`${url}/predict`, { inputs: row, seed, returnDraws: true, numDraws: 1000 });
      expect(r.status).toBe(200);
      const a = r.body as unknown as Answer;
      expect(a).toMatchObject({ model: "radon", posterior: server.posterior.id, seed, numDraws: 1000 });
      const want = direct(row, seed);
      const s = a.outputs.log_radon;
      expect(s.draws).toEqual(Array.from(want));
      expect(s.shape).toEqual([]);
      const mean = want.reduce((x, y) => x + y, 0) / 1000;
      expect(s.mean).toBeCloseTo(mean, 12);
      expect(s.sd).toBeCloseTo(Math.sqrt(want.reduce((x, y) => x + (y - mean) ** 2, 0) / 999), 12);
      expect(s.quantiles).toEqual({
        "0.05": quantile(want, 0.05),
        "0.5": quantile(want, 0.5),
        "0.95": quantile(want, 0.95),
      });
      const [lo, hi] = hpdi(want, 0.9);
      expect(s.hdi).toEqual({ prob: 0.9, lower: lo, upper: hi });
    }
  }, 120_000);

  it("numDraws picks evenly spaced posterior draws, equal to Predictive on those draws", async () => {
    const row = { county: 40, log_uppm: 0.3, floor: 0 };
    const r = await postJson(`${url}/predict`, { inputs: row, seed: 9, numDraws: 37, returnDraws: true });
    expect((r.body as unknown as Answer).outputs.log_radon.draws).toEqual(Array.from(direct(row, 9, 37)));
  }, 120_000);

  it("is deterministic per request key: the same seed gives the same answer, another seed another", async () => {
    const body = { inputs: { county: 3, log_uppm: 0.2, floor: 1 }, seed: 77 };
    const a = await postJson(`${url}/predict`, body);
    const b = await postJson(`${url}/predict`, body);
    const c = await postJson(`${url}/predict`, { ...body, seed: 78 });
    expect(a.body).toEqual(b.body);
    expect(c.body).not.toEqual(a.body);
  });

  it("honours quantiles and hdiProb; the default draw count is min(1000, the posterior's)", async () => {
    const r = await postJson(`${url}/predict`, {
      inputs: { county: 3, log_uppm: 0.2, floor: 1 },
      quantiles: [0.1, 0.9],
      hdiProb: 0.5,
    });
    const s = (r.body as unknown as Answer).outputs.log_radon;
    expect((r.body as unknown as Answer).numDraws).toBe(1000);
    expect(Object.keys(s.quantiles)).toEqual(["0.1", "0.9"]);
    expect(s.hdi.prob).toBe(0.5);
    expect(s.draws).toBeUndefined();
  });
});

describe("POST /predict/batch", () => {
  it("answers each row as POST /predict of that row with the same seed", async () => {
    const rows = [
      { county: 1, log_uppm: 0.1, floor: 0 },
      { county: 70, log_uppm: -0.4, floor: 1 },
      { county: 1, log_uppm: 0.1, floor: 1 },
    ];
    const r = await postJson(`${url}/predict/batch`, { rows, seed: 5, numDraws: 200, returnDraws: true });
    expect(r.status).toBe(200);
    const preds = r.body.predictions as { outputs: Answer["outputs"] }[];
    expect(preds).toHaveLength(3);
    for (let i = 0; i < rows.length; i++) {
      const one = await postJson(`${url}/predict`, {
        inputs: rows[i],
        seed: 5,
        numDraws: 200,
        returnDraws: true,
      });
      expect(preds[i].outputs).toEqual((one.body as unknown as Answer).outputs);
      expect(preds[i].outputs.log_radon.draws).toEqual(Array.from(direct(rows[i], 5, 200)));
    }
  }, 120_000);
});

describe("GET /model and GET /openapi.json", () => {
  it("describes sites, shapes, the posterior summary, limits and versions", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: reading a JSON document
    const m = (await getJson(`${url}/model`)).body as Record<string, any>;
    expect(m.name).toBe("radon");
    expect(m.inputs.county).toEqual({
      shape: [],
      dtype: "int32",
      support: "integerInterval(0, 84)",
      description: "County index",
    });
    expect(m.outputs).toEqual({ log_radon: { shape: [] } });
    expect(m.posterior).toMatchObject({
      id: server.posterior.id,
      numChains: 4,
      drawsPerChain: 250,
      numDraws: 1000,
    });
    expect(m.posterior.sites.alpha.shape).toEqual([85]);
    expect(m.posterior.sites.alpha.mean).toHaveLength(85);
    const beta = samples.beta.dataSync() as Float64Array;
    const b0 = Float64Array.from({ length: 1000 }, (_, i) => beta[2 * i]);
    expect(m.posterior.sites.beta.quantiles["0.5"][0]).toBe(quantile(b0, 0.5));
    expect(m.compiled).toBe(true);
    expect(m.limits).toMatchObject({ maxDraws: 4000, maxBatchRows: 10_000 });
    expect(Object.keys(m.versions)).toEqual(["serve", "phlox", "fastify", "node"]);
  });

  it("serves an OpenAPI 3.1 document whose request schemas are the ones the server validates with", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: reading a JSON document
    const o = (await getJson(`${url}/openapi.json`)).body as Record<string, any>;
    expect(o.openapi).toBe("3.1.0");
    expect(Object.keys(o.paths)).toEqual([
      "/predict",
      "/predict/batch",
      "/health",
      "/model",
      "/openapi.json",
    ]);
    const schema = o.paths["/predict"].post.requestBody.content["application/json"].schema;
    expect(schema.properties.inputs.required).toEqual(["county", "log_uppm", "floor"]);
    expect(schema.properties.inputs.properties.county.type).toBe("integer");
    expect(schema.properties.numDraws.maximum).toBe(4000);
    expect(
      o.paths["/predict/batch"].post.requestBody.content["application/json"].schema.properties.rows.maxItems,
    ).toBe(10_000);
  });
});
