import type { PosteriorPredictor } from "./predictor.js";

/** A JSON Schema (draft-07 subset, as Fastify's Ajv and OpenAPI 3.1 read it). */
export type JsonSchema = { readonly [key: string]: unknown };

/** The limits and defaults a server applies to requests. */
export interface RequestLimits {
  /** Most draws one request may ask for. */
  readonly maxDraws: number;
  /** Draws used when a request names none (at most the posterior's; default min(1000, maxDraws)). */
  readonly defaultDraws: number;
  /** Most rows in one `POST /predict/batch`. */
  readonly maxBatchRows: number;
  /** Most values returned as draws in one answer (rows × draws × output size). */
  readonly maxReturnedValues: number;
  /** Largest request body in bytes. */
  readonly bodyLimit: number;
  /** Quantiles when a request names none. */
  readonly defaultQuantiles: readonly number[];
  /** HDI mass when a request names none. */
  readonly defaultHdiProb: number;
}

function valueSchema(shape: readonly number[], dtype: "float64" | "int32"): JsonSchema {
  let s: JsonSchema =
    dtype === "int32" ? { type: "integer", minimum: -2147483648, maximum: 2147483647 } : { type: "number" };
  for (let i = shape.length - 1; i >= 0; i--)
    s = { type: "array", minItems: shape[i], maxItems: shape[i], items: s };
  return s;
}

/** The schema of one row of inputs: every input required, with its shape and type, nothing else. */
export function rowSchema(p: PosteriorPredictor): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const s of p.inputs) {
    const d = p.spec.inputs[s.name]?.description;
    const support = s.support === null ? "" : ` Support: ${s.support.toString()}.`;
    properties[s.name] = {
      ...valueSchema(s.shape, s.dtype),
      description: `${d ?? s.name} (shape [${s.shape.join(", ")}], ${s.dtype}).${support}`,
    };
  }
  return {
    type: "object",
    required: p.inputs.map((s) => s.name),
    additionalProperties: false,
    properties,
    examples: [p.spec.example],
  };
}

function optionSchemas(limits: RequestLimits): Record<string, JsonSchema> {
  return {
    seed: {
      type: "integer",
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 0,
      description:
        "The request key: the answer is a function of the inputs, the posterior and this seed (key(seed)).",
    },
    numDraws: {
      type: "integer",
      minimum: 2,
      maximum: limits.maxDraws,
      description: `Posterior draws to use, evenly spaced over the posterior (default ${limits.defaultDraws} or all it has).`,
    },
    quantiles: {
      type: "array",
      maxItems: 32,
      items: { type: "number", minimum: 0, maximum: 1 },
      description: `Quantile probabilities (default ${JSON.stringify(limits.defaultQuantiles)}).`,
    },
    hdiProb: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1,
      description: `Mass of the highest-density interval (default ${limits.defaultHdiProb}).`,
    },
    returnDraws: { type: "boolean", default: false, description: "Also return the predictive draws." },
  };
}

/** Body schema of `POST /predict`. */
export function predictBodySchema(p: PosteriorPredictor, limits: RequestLimits): JsonSchema {
  return {
    type: "object",
    required: ["inputs"],
    additionalProperties: false,
    properties: { inputs: rowSchema(p), ...optionSchemas(limits) },
  };
}

/** Body schema of `POST /predict/batch`. */
export function batchBodySchema(p: PosteriorPredictor, limits: RequestLimits): JsonSchema {
  return {
    type: "object",
    required: ["rows"],
    additionalProperties: false,
    properties: {
      rows: { type: "array", minItems: 1, maxItems: limits.maxBatchRows, items: rowSchema(p) },
      ...optionSchemas(limits),
    },
  };
}

const nested: JsonSchema = {
  description: "A number, or nested arrays shaped like the site",
  oneOf: [{ type: "number" }, { type: "array", items: {} }],
};

function siteSummarySchema(): JsonSchema {
  return {
    type: "object",
    required: ["shape", "mean", "sd", "quantiles", "hdi"],
    properties: {
      shape: { type: "array", items: { type: "integer" } },
      mean: nested,
      sd: { ...nested, description: "Standard deviation over draws (ddof 1)" },
      quantiles: { type: "object", additionalProperties: nested, description: "By probability" },
      hdi: {
        type: "object",
        properties: { prob: { type: "number" }, lower: nested, upper: nested },
      },
      draws: { ...nested, description: "[numDraws, ...shape], when returnDraws" },
    },
  };
}

function outputsSchema(p: PosteriorPredictor): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const o of p.outputs)
    properties[o.name] = { ...siteSummarySchema(), description: `shape [${o.shape.join(", ")}]` };
  return { type: "object", properties };
}

const errorSchema: JsonSchema = {
  type: "object",
  required: ["statusCode", "error", "code", "message"],
  properties: {
    statusCode: { type: "integer" },
    error: { type: "string" },
    code: { type: "string", description: "bad-input, bad-option, body-too-large, malformed-json, ..." },
    message: { type: "string", description: "What was wrong, naming the input" },
  },
};

/**
 * The OpenAPI 3.1 description of a server's endpoints, with the request schemas the server validates with.
 * @param p - the compiled model.
 * @param limits - the request limits.
 * @param version - the serve package's version.
 * @returns the OpenAPI document.
 */
export function openApiDocument(p: PosteriorPredictor, limits: RequestLimits, version: string): JsonSchema {
  const json = (schema: JsonSchema) => ({ content: { "application/json": { schema } } });
  const errors = {
    "400": {
      description: "Malformed JSON, a missing or ill-shaped input, a value outside its support",
      ...json(errorSchema),
    },
    "413": { description: "Request body or batch larger than the limits", ...json(errorSchema) },
    "415": { description: "Not application/json", ...json(errorSchema) },
  };
  const head = {
    model: { type: "string" },
    posterior: { type: "string" },
    seed: { type: "integer" },
    numDraws: { type: "integer" },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: `${p.spec.name} posterior predictive`,
      version: p.spec.version ?? version,
      description:
        p.spec.description ?? `Posterior predictive of the model "${p.spec.name}", served by @phlox/serve.`,
    },
    paths: {
      "/predict": {
        post: {
          summary: "Predictive summary (and optionally draws) of each output site for one row of inputs",
          requestBody: { required: true, ...json(predictBodySchema(p, limits)) },
          responses: {
            "200": {
              description: "Per output site",
              ...json({ type: "object", properties: { ...head, outputs: outputsSchema(p) } }),
            },
            ...errors,
          },
        },
      },
      "/predict/batch": {
        post: {
          summary: `Predictions for up to ${limits.maxBatchRows} rows; row i equals POST /predict of that row with the same seed`,
          requestBody: { required: true, ...json(batchBodySchema(p, limits)) },
          responses: {
            "200": {
              description: "One entry per row, in order",
              ...json({
                type: "object",
                properties: {
                  ...head,
                  predictions: {
                    type: "array",
                    items: { type: "object", properties: { outputs: outputsSchema(p) } },
                  },
                },
              }),
            },
            ...errors,
          },
        },
      },
      "/health": {
        get: { summary: "Liveness and the posterior served", responses: { "200": { description: "ok" } } },
      },
      "/model": {
        get: {
          summary: "Sites, shapes, posterior summary, limits and versions",
          responses: { "200": { description: "The model" } },
        },
      },
      "/openapi.json": {
        get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } },
      },
    },
  };
}
