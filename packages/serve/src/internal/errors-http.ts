import { ServeError } from "../errors.js";

/** One Ajv error, as Fastify attaches them to a validation error. */
export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Builds an error body. */
export function errorBody(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? "Error", code, message };
}

/** "/rows/3/county/1" → `row 3, input "county"[1]`; "/inputs/x" → `input "x"`; "/numDraws" → `numDraws`. */
function describePath(path: string, extra?: string): string {
  const parts = path.split("/").slice(1);
  if (extra !== undefined) parts.push(extra);
  if (parts[0] === "inputs" && parts.length >= 2) {
    const idx = parts
      .slice(2)
      .map((i) => `[${i}]`)
      .join("");
    return `input "${parts[1]}"${idx}`;
  }
  if (parts[0] === "rows" && parts.length >= 3) {
    const idx = parts
      .slice(3)
      .map((i) => `[${i}]`)
      .join("");
    return `row ${parts[1]}, input "${parts[2]}"${idx}`;
  }
  if (parts[0] === "rows" && parts.length === 2) return `row ${parts[1]}`;
  return parts.length === 0 ? "the body" : parts.join(".");
}

/**
 * A 4xx answer for a schema failure, naming the input: `input "county": must be integer`, `input "floor" is
 * missing`, `"foo" is not an input (inputs: county, floor)`, `rows: 20001 rows, more than the limit 10000`.
 */
export function fromValidation(errors: readonly AjvError[], inputNames: readonly string[]): ServeError {
  const e = errors[0];
  const path = e.instancePath;
  if (e.keyword === "required") {
    const missing = String(e.params.missingProperty);
    return new ServeError("bad-input", `${describePath(path, missing)} is missing.`);
  }
  if (e.keyword === "additionalProperties") {
    const extra = String(e.params.additionalProperty);
    const isInputs = /^\/(inputs|rows\/\d+)$/.test(path);
    return new ServeError(
      "bad-input",
      isInputs
        ? `${describePath(path)}: "${extra}" is not an input of the model; its inputs are ${inputNames.join(", ")}.`
        : `${describePath(path)}: unknown field "${extra}".`,
    );
  }
  if (path === "/rows" && e.keyword === "maxItems") {
    return new ServeError(
      "bad-input",
      `rows: more than the limit of ${e.params.limit} rows per batch; split the batch.`,
      413,
    );
  }
  if ((e.keyword === "minItems" || e.keyword === "maxItems") && /^\/(inputs|rows\/\d+)\//.test(path)) {
    return new ServeError(
      "bad-input",
      `${describePath(path)}: wrong shape: ${e.message ?? ""} (the input's shape fixes each dimension).`,
    );
  }
  return new ServeError("bad-input", `${describePath(path)}: ${e.message ?? e.keyword}.`);
}
