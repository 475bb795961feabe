import { setImmediate as yieldToLoop } from "node:timers/promises";
import { PHLOX_VERSION } from "@phlox/arviz-io";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from "fastify";
import { ServeError } from "./errors.js";
import { checkInputs } from "./internal/check-inputs.js";
import { type AjvError, errorBody, fromValidation } from "./internal/errors-http.js";
import { loadPosterior, type Posterior, type PosteriorSource } from "./posterior.js";
import { PosteriorPredictor } from "./predictor.js";
import { batchBodySchema, openApiDocument, predictBodySchema, type RequestLimits } from "./schemas.js";
import { loadModelModule, type ServableModel } from "./servable-model.js";
import { type SiteSummary, type SummaryOptions, summarizeDraws } from "./summarize.js";
import { SERVE_VERSION } from "./version.js";

/** Options of {@link createServer} and {@link serve}. */
export interface ServeOptions extends Partial<RequestLimits> {
  /** The servable model, or the path of a module exporting one (see `loadModelModule`). */
  readonly model: ServableModel | string;
  /** The posterior: a file path, InferenceData, MCMC run or draws. */
  readonly posterior: PosteriorSource;
  /** Interface to listen on (default `"127.0.0.1"`, loopback only). */
  readonly host?: string;
  /** Port (default 0: any free port; `url` tells which). */
  readonly port?: number;
  /**
   * Fastify's logger: `false`, `true`, or pino options such as `{ level: "info", stream }` (default
   * `{ level: "warn" }`: refused posteriors and internal errors are logged).
   */
  readonly logger?: FastifyServerOptions["logger"];
}

/** The outcome of the last posterior reload, shown by `GET /health`. */
export interface ReloadStatus {
  readonly ok: boolean;
  readonly at: string;
  readonly source: string;
  readonly posterior?: string;
  readonly error?: string;
}

/** A running (or ready) prediction server; close it when done. */
export interface PhloxServer {
  /** The Fastify instance (routes are registered; `inject` works before `listen`). */
  readonly app: FastifyInstance;
  /** The compiled posterior predictive. */
  readonly predictor: PosteriorPredictor;
  /** The posterior answering requests now. */
  readonly posterior: Posterior;
  /** The request limits in force. */
  readonly limits: RequestLimits;
  /** `http://host:port` once listening, else null. */
  readonly url: string | null;
  /**
   * Starts listening.
   * @returns the URL.
   */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /**
   * Loads and checks another posterior, then swaps it in at once: requests keep being answered from the old
   * one until the new one has passed every check; a posterior that fails is refused, logged, and never served.
   * Reloads run one after another in call order.
   * @param source - the new posterior (default: the last source that loaded, re-read when this reload runs).
   * @returns the posterior now served.
   * @throws ServeError `bad-posterior` when refused (the old posterior stays).
   */
  reloadPosterior(source?: PosteriorSource): Promise<Posterior>;
  /** Stops listening and waits for open requests to finish. */
  close(): Promise<void>;
}

interface PredictBody {
  seed?: number;
  numDraws?: number;
  quantiles?: number[];
  hdiProb?: number;
  returnDraws?: boolean;
}

const sourceLabel = (s: PosteriorSource): string => (typeof s === "string" ? s : "in-process posterior");

/**
 * Builds a prediction server: imports the model (when given a path), probes and compiles its posterior
 * predictive once, loads and checks the posterior, and registers `POST /predict`, `POST /predict/batch`,
 * `GET /health`, `GET /model` and `GET /openapi.json` on a Fastify instance. It does not listen yet.
 * @param options - model, posterior, limits, host/port, logger.
 * @returns the server.
 * @throws ServeError `bad-model` or `bad-posterior` when the model or the posterior is unusable.
 * @example
 * const server = await createServer({ model: servable, posterior: "posterior.nc" });
 * const url = await server.listen(); // http://127.0.0.1:<free port>
 * await fetch(`${url}/predict`, { method: "POST", headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ inputs: { x: 1.5 }, seed: 7 }) });
 * await server.close();
 */
export async function createServer(options: ServeOptions): Promise<PhloxServer> {
  const limits: RequestLimits = {
    maxDraws: options.maxDraws ?? 4000,
    defaultDraws: options.defaultDraws ?? Math.min(1000, options.maxDraws ?? 4000),
    maxBatchRows: options.maxBatchRows ?? 10_000,
    maxReturnedValues: options.maxReturnedValues ?? 1_000_000,
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    defaultQuantiles: options.defaultQuantiles ?? [0.05, 0.5, 0.95],
    defaultHdiProb: options.defaultHdiProb ?? 0.9,
  };
  if (limits.defaultDraws > limits.maxDraws)
    throw new ServeError(
      "bad-option",
      `createServer: defaultDraws (${limits.defaultDraws}) is more than maxDraws (${limits.maxDraws}).`,
      500,
    );
  for (const [k, v] of Object.entries(limits)) {
    if (typeof v === "number" && !(Number.isInteger(v) && v > 0) && k !== "defaultHdiProb")
      throw new ServeError("bad-option", `createServer: ${k} must be a positive integer, got ${v}.`, 500);
  }
  if (!(limits.defaultHdiProb > 0 && limits.defaultHdiProb <= 1))
    throw new ServeError(
      "bad-option",
      `createServer: defaultHdiProb must lie in (0, 1], got ${limits.defaultHdiProb}.`,
      500,
    );
  if (limits.defaultQuantiles.some((q) => !(q >= 0 && q <= 1)))
    throw new ServeError(
      "bad-option",
      `createServer: defaultQuantiles must lie in [0, 1], got ${JSON.stringify(limits.defaultQuantiles)}.`,
      500,
    );
  const spec = typeof options.model === "string" ? await loadModelModule(options.model) : options.model;
  const predictor = new PosteriorPredictor(spec);
  let current = await loadPosterior(options.posterior, predictor.latents);
  let lastSource = options.posterior;
  predictor.verify(current);
  const app = Fastify({
    logger: options.logger ?? { level: "warn" },
    bodyLimit: limits.bodyLimit,
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, useDefaults: true },
    },
  });
  const inputNames = predictor.inputs.map((s) => s.name);
  let lastReload: ReloadStatus | null = null;
  let summaryCache: { id: string; value: Record<string, SiteSummary> } | null = null;
  let url: string | null = null;

  app.setErrorHandler((err: FastifyError, request, reply) => {
    let e: ServeError | null = null;
    if (err.validation) e = fromValidation(err.validation as unknown as AjvError[], inputNames);
    else if (err instanceof ServeError) e = err;
    if (e !== null) return reply.status(e.status).send(errorBody(e.status, e.code, e.message));
    const status = err.statusCode ?? 500;
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return reply
        .status(413)
        .send(
          errorBody(
            413,
            "body-too-large",
            `The request body is larger than the limit of ${limits.bodyLimit} bytes.`,
          ),
        );
    if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
      return reply
        .status(415)
        .send(errorBody(415, "unsupported-media-type", "Send the body as application/json."));
    if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY")
      return reply
        .status(400)
        .send(errorBody(400, "malformed-json", "The body is empty; send a JSON object."));
    if (status === 400 && (err instanceof SyntaxError || err.code === "FST_ERR_CTP_INVALID_JSON_BODY"))
      return reply
        .status(400)
        .send(errorBody(400, "malformed-json", `The body is not valid JSON: ${err.message}`));
    if (status >= 400 && status < 500)
      return reply.status(status).send(errorBody(status, err.code ?? "bad-request", err.message));
    request.log.error({ err }, "prediction failed");
    return reply.status(500).send(errorBody(500, "internal", `Internal error: ${err.message}`));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody(404, "not-found", `No route ${request.method} ${request.url}; see GET /openapi.json.`)),
  );

  /** Options of a request, checked against the posterior served now. */
  const requestOptions = (body: PredictBody, post: Posterior, rows: number) => {
    const numDraws = body.numDraws ?? Math.min(limits.defaultDraws, post.numDraws);
    if (numDraws > post.numDraws)
      throw new ServeError(
        "bad-option",
        `numDraws: ${numDraws} is more than the posterior's ${post.numDraws} draws.`,
      );
    const summary: SummaryOptions = {
      quantiles: body.quantiles ?? limits.defaultQuantiles,
      hdiProb: body.hdiProb ?? limits.defaultHdiProb,
      returnDraws: body.returnDraws === true,
    };
    if (summary.returnDraws) {
      const values = rows * numDraws * predictor.outputs.reduce((a, o) => a + o.size, 0);
      if (values > limits.maxReturnedValues)
        throw new ServeError(
          "bad-option",
          `returnDraws: ${values} values (rows × numDraws × output size) exceed the limit ${limits.maxReturnedValues}; ` +
            "ask for fewer draws or rows.",
          413,
        );
    }
    return { numDraws, seed: body.seed ?? 0, summary };
  };

  let drawBuffers: Float64Array[] = [];
  let drawBuffersFor = 0; // draws the buffers hold
  const answerRow = (
    post: Posterior,
    flat: Float64Array,
    r: number,
    seed: number,
    n: number,
    s: SummaryOptions,
  ) => {
    if (drawBuffersFor < n) {
      drawBuffers = predictor.outputs.map((o) => new Float64Array(n * o.size));
      drawBuffersFor = n;
    }
    // The buffers are reused by every request: each row is summarised before the next one is drawn.
    const draws = predictor.draws(post, flat, r, seed, n, drawBuffers);
    const outputs: Record<string, SiteSummary> = {};
    for (let i = 0; i < predictor.outputs.length; i++)
      outputs[predictor.outputs[i].name] = summarizeDraws(draws[i], n, predictor.outputs[i].shape, s);
    return outputs;
  };

  app.post<{ Body: PredictBody & { inputs: Record<string, unknown> } }>(
    "/predict",
    { schema: { body: predictBodySchema(predictor, limits) } },
    async (request) => {
      const post = current; // one posterior for the whole request
      const body = request.body;
      const o = requestOptions(body, post, 1);
      const flat = predictor.flattenRows([body.inputs]);
      checkInputs(predictor, flat, 1, false);
      return {
        model: spec.name,
        posterior: post.id,
        seed: o.seed,
        numDraws: o.numDraws,
        outputs: answerRow(post, flat, 0, o.seed, o.numDraws, o.summary),
      };
    },
  );

  app.post<{ Body: PredictBody & { rows: Record<string, unknown>[] } }>(
    "/predict/batch",
    { schema: { body: batchBodySchema(predictor, limits) } },
    async (request) => {
      const post = current;
      const body = request.body;
      const n = body.rows.length;
      const o = requestOptions(body, post, n);
      const flat = predictor.flattenRows(body.rows);
      checkInputs(predictor, flat, n, true);
      const predictions: { outputs: Record<string, SiteSummary> }[] = new Array(n);
      let t0 = performance.now();
      for (let r = 0; r < n; r++) {
        predictions[r] = { outputs: answerRow(post, flat, r, o.seed, o.numDraws, o.summary) };
        if (performance.now() - t0 > 20) {
          await yieldToLoop(); // let other requests (health, small predictions) through
          t0 = performance.now();
        }
      }
      return { model: spec.name, posterior: post.id, seed: o.seed, numDraws: o.numDraws, predictions };
    },
  );

  app.get("/health", async () => ({
    status: "ok",
    model: spec.name,
    posterior: current.id,
    compiled: predictor.compiled,
    lastReload,
  }));

  app.get("/model", async () => {
    const post = current;
    if (summaryCache?.id !== post.id) {
      const value: Record<string, SiteSummary> = {};
      for (const s of post.sites)
        value[s.name] = summarizeDraws(s.data, post.numDraws, s.shape, {
          quantiles: [0.05, 0.5, 0.95],
          hdiProb: 0.9,
          returnDraws: false,
        });
      summaryCache = { id: post.id, value };
    }
    const inputs: Record<string, unknown> = {};
    for (const s of predictor.inputs)
      inputs[s.name] = {
        shape: s.shape,
        dtype: s.dtype,
        support: s.support?.toString() ?? null,
        description: spec.inputs[s.name]?.description ?? null,
      };
    const outputs: Record<string, unknown> = {};
    for (const o of predictor.outputs) outputs[o.name] = { shape: o.shape };
    return {
      name: spec.name,
      version: spec.version ?? null,
      description: spec.description ?? null,
      inputs,
      outputs,
      example: spec.example,
      posterior: {
        id: post.id,
        source: post.source,
        numChains: post.numChains,
        drawsPerChain: post.drawsPerChain,
        numDraws: post.numDraws,
        loadedAt: post.loadedAt,
        sites: summaryCache.value,
      },
      compiled: predictor.compiled,
      eagerReason: predictor.eagerReason,
      limits,
      versions: { serve: SERVE_VERSION, phlox: PHLOX_VERSION, fastify: app.version, node: process.version },
    };
  });

  const openapi = openApiDocument(predictor, limits, SERVE_VERSION);
  app.get("/openapi.json", async () => openapi);

  let queue: Promise<unknown> = Promise.resolve();
  const reloadPosterior = (source?: PosteriorSource): Promise<Posterior> => {
    const run = queue.then(async () => {
      const src = source ?? lastSource; // the last good source when this reload runs
      try {
        const next = await loadPosterior(src, predictor.latents);
        current = next; // the swap: one assignment, after every check passed
        lastSource = src;
        lastReload = { ok: true, at: new Date().toISOString(), source: sourceLabel(src), posterior: next.id };
        app.log.info({ posterior: next.id, source: next.source }, "posterior swapped in");
        return next;
      } catch (e) {
        const message = (e as Error).message ?? String(e);
        lastReload = { ok: false, at: new Date().toISOString(), source: sourceLabel(src), error: message };
        app.log.error(
          { source: sourceLabel(src), error: message },
          "posterior refused; still serving the old one",
        );
        throw e;
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };

  await app.ready();
  return {
    app,
    predictor,
    get posterior() {
      return current;
    },
    limits,
    get url() {
      return url;
    },
    async listen(o = {}) {
      await app.listen({ host: o.host ?? options.host ?? "127.0.0.1", port: o.port ?? options.port ?? 0 });
      const addr = app.server.address();
      if (addr === null || typeof addr === "string")
        throw new ServeError("bad-option", "listen: no TCP address", 500);
      const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      url = `http://${host}:${addr.port}`;
      return url;
    },
    reloadPosterior,
    async close() {
      await app.close();
      url = null;
    },
  };
}

/**
 * {@link createServer}, then listens (on `options.host`/`options.port`, loopback and a free port by default).
 * @param options - as for createServer.
 * @returns the listening server (`server.url`).
 * @example
 * const server = await serve({ model: "./radon-model.js", posterior: "radon.nc", port: 8080 });
 * // ... later
 * await server.close();
 */
export async function serve(options: ServeOptions): Promise<PhloxServer> {
  const server = await createServer(options);
  await server.listen();
  return server;
}
