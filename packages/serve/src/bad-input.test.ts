import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type PhloxServer } from "./server.js";
import { RADON_POSTERIOR } from "./testing/fixtures.js";
import { getJson, postJson } from "./testing/http.js";
import radonServable from "./testing/radon-model.js";

let server: PhloxServer;
let url: string;
beforeAll(async () => {
  server = await createServer({
    model: radonServable,
    posterior: RADON_POSTERIOR,
    logger: false,
    maxDraws: 2000,
    maxBatchRows: 50,
    bodyLimit: 16 * 1024,
    maxReturnedValues: 5000,
  });
  url = await server.listen();
}, 120_000);
afterAll(() => server.close());

const ok = { county: 3, log_uppm: 0.2, floor: 1 };
const JSON_HEADERS = { "content-type": "application/json" };

// [what, path, body (object, or a raw string), status, code, message fragment]
const cases: [string, string, unknown, number, string, string][] = [
  ["malformed JSON", "/predict", '{"inputs": {"county": 3,', 400, "malformed-json", "not valid JSON"],
  ["an empty body", "/predict", "", 400, "malformed-json", "empty"],
  ["no inputs", "/predict", {}, 400, "bad-input", "inputs is missing"],
  [
    "a missing input",
    "/predict",
    { inputs: { county: 3, floor: 1 } },
    400,
    "bad-input",
    'input "log_uppm" is missing',
  ],
  [
    "an unknown input",
    "/predict",
    { inputs: { ...ok, uranium: 1 } },
    400,
    "bad-input",
    '"uranium" is not an input of the model; its inputs are county, log_uppm, floor',
  ],
  [
    "an array for a scalar input",
    "/predict",
    { inputs: { ...ok, log_uppm: [0.2] } },
    400,
    "bad-input",
    'input "log_uppm": must be number',
  ],
  [
    "a string",
    "/predict",
    { inputs: { ...ok, floor: "1" } },
    400,
    "bad-input",
    'input "floor": must be number',
  ],
  [
    "a fraction for an integer input",
    "/predict",
    { inputs: { ...ok, county: 2.5 } },
    400,
    "bad-input",
    'input "county": must be integer',
  ],
  [
    "null",
    "/predict",
    { inputs: { ...ok, log_uppm: null } },
    400,
    "bad-input",
    'input "log_uppm": must be number',
  ],
  [
    "a county outside the support",
    "/predict",
    { inputs: { ...ok, county: 85 } },
    400,
    "bad-input",
    'input "county": 85 is outside its support integerInterval(0, 84)',
  ],
  [
    "an integer beyond int32 (would wrap around to a valid county)",
    "/predict",
    { inputs: { ...ok, county: 2 ** 32 + 3 } },
    400,
    "bad-input",
    'input "county": must be <= 2147483647',
  ],
  [
    "a negative county",
    "/predict",
    { inputs: { ...ok, county: -1 } },
    400,
    "bad-input",
    'input "county": -1 is outside its support',
  ],
  [
    "floor outside {0, 1}",
    "/predict",
    { inputs: { ...ok, floor: 0.5 } },
    400,
    "bad-input",
    'input "floor": 0.5 is outside its support boolean',
  ],
  [
    "an overflowing number (1e999 parses to Infinity)",
    "/predict",
    '{"inputs": {"county": 3, "log_uppm": 1e999, "floor": 1}}',
    400,
    "bad-input",
    'input "log_uppm"',
  ],
  [
    "too many draws",
    "/predict",
    { inputs: ok, numDraws: 2001 },
    400,
    "bad-input",
    "numDraws: must be <= 2000",
  ],
  [
    "more draws than the posterior holds",
    "/predict",
    { inputs: ok, numDraws: 1500 },
    400,
    "bad-option",
    "numDraws: 1500 is more than the posterior's 1000 draws",
  ],
  ["one draw", "/predict", { inputs: ok, numDraws: 1 }, 400, "bad-input", "numDraws: must be >= 2"],
  ["a negative seed", "/predict", { inputs: ok, seed: -1 }, 400, "bad-input", "seed: must be >= 0"],
  [
    "a quantile above 1",
    "/predict",
    { inputs: ok, quantiles: [0.5, 1.5] },
    400,
    "bad-input",
    "quantiles.1: must be <= 1",
  ],
  ["hdiProb 0", "/predict", { inputs: ok, hdiProb: 0 }, 400, "bad-input", "hdiProb: must be > 0"],
  ["an unknown option", "/predict", { inputs: ok, draws: 10 }, 400, "bad-input", 'unknown field "draws"'],
  [
    "too many draws returned",
    "/predict/batch",
    { rows: Array.from({ length: 10 }, () => ok), returnDraws: true },
    413,
    "bad-option",
    "exceed the limit 5000",
  ],
  [
    "a body over the size limit",
    "/predict",
    { inputs: ok, pad: "x".repeat(20_000) },
    413,
    "body-too-large",
    "larger than the limit of 16384 bytes",
  ],
  [
    "a batch over the row limit",
    "/predict/batch",
    { rows: Array.from({ length: 51 }, () => ok) },
    413,
    "bad-input",
    "more than the limit of 50 rows",
  ],
  [
    "an empty batch",
    "/predict/batch",
    { rows: [] },
    400,
    "bad-input",
    "rows: must NOT have fewer than 1 items",
  ],
  [
    "a bad row in a batch",
    "/predict/batch",
    { rows: [ok, ok, { ...ok, county: 99 }] },
    400,
    "bad-input",
    'row 2, input "county": 99 is outside its support',
  ],
  [
    "a missing input in a batch row",
    "/predict/batch",
    { rows: [ok, { county: 1, floor: 0 }] },
    400,
    "bad-input",
    'row 1, input "log_uppm" is missing',
  ],
];

describe("bad input gets a 4xx naming the input; the server keeps answering", () => {
  it.each(cases)("%s (POST %s) → %i", async (_what, path, body, status, code, message) => {
    const r = await postJson(`${url}${path}`, body, JSON_HEADERS);
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
    expect(r.body.message).toContain(message);
    expect(r.body.statusCode).toBe(status);
  });

  it("a body that is not JSON → 415; an unknown route → 404", async () => {
    const r = await postJson(`${url}/predict`, "county=3", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(r.status).toBe(415);
    expect(r.body.message).toContain("application/json");
    const n = await getJson(`${url}/nope`);
    expect(n.status).toBe(404);
    expect(n.body.message).toContain("GET /nope");
  });

  it("after all of them (and concurrently), the server still answers", async () => {
    const all = await Promise.all(
      cases.map(([, path, body]) => postJson(`${url}${path}`, body, JSON_HEADERS)),
    );
    expect(all.every((r) => r.status >= 400 && r.status < 500)).toBe(true);
    const h = await getJson(`${url}/health`);
    expect(h.status).toBe(200);
    const good = await postJson(`${url}/predict`, { inputs: ok });
    expect(good.status).toBe(200);
  }, 120_000);
});

describe("createServer refuses bad limits, naming them", () => {
  it.each([
    [{ maxDraws: 0 }, "maxDraws must be a positive integer, got 0"],
    [{ maxBatchRows: 2.5 }, "maxBatchRows must be a positive integer, got 2.5"],
    [{ maxDraws: 100, defaultDraws: 200 }, "defaultDraws (200) is more than maxDraws (100)"],
    [{ defaultHdiProb: 1.5 }, "defaultHdiProb must lie in (0, 1], got 1.5"],
    [{ defaultQuantiles: [0.5, -1] }, "defaultQuantiles must lie in [0, 1]"],
  ])(
    "%j",
    async (limits, message) => {
      await expect(
        createServer({ model: radonServable, posterior: RADON_POSTERIOR, logger: false, ...limits }),
      ).rejects.toThrow(message);
    },
    120_000,
  );
});
