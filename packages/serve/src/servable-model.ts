import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Constraint } from "@phlox/distributions";
import type { Tensor } from "@phlox/tensor";
import { ServeError } from "./errors.js";

/** A number, or nested arrays of numbers (one input's value in JSON). */
export type NestedNumber = number | readonly NestedNumber[];

/** One named input of a row: its per-row shape, element type and support. */
export interface InputSpec {
  /** Shape of the input in one row (default `[]`, a scalar). */
  readonly shape?: readonly number[];
  /** `"float64"` (default) or `"int32"` (indices, counts: JSON integers only). */
  readonly dtype?: "float64" | "int32";
  /**
   * The values the model accepts, as a `@phlox/distributions` constraint (`real`, `positive`, `boolean`,
   * `integerInterval(0, 84)`, ...); values outside it are answered with 400 naming the input. Default: any
   * finite value of the dtype.
   */
  readonly support?: Constraint;
  /** Shown in `GET /model` and the OpenAPI description. */
  readonly description?: string;
}

/**
 * A model ready to serve: the model function, the named inputs of one prediction row, how they become the
 * model's arguments, and which sites are the predictions. A model module exports one as `default` (or as
 * `servable`); build it with {@link defineServable}, which checks it.
 */
export interface ServableModel {
  /** A name for `GET /model` and the logs. */
  readonly name: string;
  /** The model's version (your own scheme), reported by `GET /model`. */
  readonly version?: string;
  /** One line for `GET /model` and the OpenAPI description. */
  readonly description?: string;
  /** The model, called as `model(...args(inputs, numRows))` with the observations left out. */
  readonly model: (...args: never[]) => unknown;
  /** The inputs of one row, by name. */
  readonly inputs: Readonly<Record<string, InputSpec>>;
  /**
   * The model's arguments for `numRows` rows: each input is a tensor `[numRows, ...shape]` (int32 or float64
   * as declared). Serving calls it with `numRows = 1`, per row; it must not read tensor values (it is traced).
   */
  readonly args: (inputs: Readonly<Record<string, Tensor>>, numRows: number) => readonly unknown[];
  /** The predicted sites (sample or deterministic sites the posterior does not hold), e.g. `["log_radon"]`. */
  readonly outputs: readonly string[];
  /** A valid row, used to probe the model at start-up and as the OpenAPI example. */
  readonly example: Readonly<Record<string, NestedNumber>>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
let tsxRegistered = false;

/** The shape of a nested array (checked rectangular), or null when it is not a rectangular array of numbers. */
export function nestedShape(v: unknown): number[] | null {
  if (typeof v === "number") return [];
  if (!Array.isArray(v) || v.length === 0) return Array.isArray(v) ? [0] : null;
  const inner = nestedShape(v[0]);
  if (inner === null) return null;
  for (let i = 1; i < v.length; i++) {
    const s = nestedShape(v[i]);
    if (s === null || s.length !== inner.length || s.some((d, j) => d !== inner[j])) return null;
  }
  return [v.length, ...inner];
}

/**
 * Checks a {@link ServableModel} description and returns it (frozen), so that a mistake in it shows at
 * start-up with a message saying what to fix, not at the first request.
 * @param spec - the description.
 * @returns the same description, frozen.
 * @throws ServeError `bad-model` naming the field at fault.
 * @example
 * const servable = defineServable({
 *   name: "linear",
 *   model: (x) => { const b = sample("b", new Normal(0, 1)); plate("rows", x.shape[0], () => sample("y", new Normal(b.mul(x), 1))); },
 *   inputs: { x: {} },
 *   args: (inputs) => [inputs.x],
 *   outputs: ["y"],
 *   example: { x: 1.5 },
 * });
 * servable.outputs; // → ["y"]
 */
export function defineServable(spec: ServableModel): ServableModel {
  const bad = (msg: string): never => {
    throw new ServeError("bad-model", `defineServable(${JSON.stringify(spec?.name ?? "?")}): ${msg}`);
  };
  if (spec === null || typeof spec !== "object")
    bad("pass an object { name, model, inputs, args, outputs, example }.");
  if (typeof spec.name !== "string" || spec.name.length === 0) bad("name must be a non-empty string.");
  if (typeof spec.model !== "function") bad("model must be the model function.");
  if (typeof spec.args !== "function")
    bad(
      "args must be a function (inputs, numRows) => the model's arguments, e.g. (i) => [i.county, i.floor].",
    );
  if (spec.inputs === null || typeof spec.inputs !== "object" || Object.keys(spec.inputs).length === 0)
    bad("inputs must name at least one input, e.g. { x: { shape: [] } }.");
  for (const [name, s] of Object.entries(spec.inputs)) {
    if (!NAME.test(name))
      bad(`input name "${name}" must match ${NAME} (it is a JSON property and a URL-safe name).`);
    const shape = s.shape ?? [];
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1))
      bad(`input "${name}": shape must be an array of positive integers, got ${JSON.stringify(s.shape)}.`);
    if (s.dtype !== undefined && s.dtype !== "float64" && s.dtype !== "int32")
      bad(`input "${name}": dtype must be "float64" or "int32", got ${JSON.stringify(s.dtype)}.`);
  }
  if (
    !Array.isArray(spec.outputs) ||
    spec.outputs.length === 0 ||
    spec.outputs.some((o) => typeof o !== "string")
  )
    bad('outputs must list the predicted site names, e.g. ["y"].');
  if (spec.example === null || typeof spec.example !== "object")
    bad("example must be one valid row of inputs.");
  for (const [name, s] of Object.entries(spec.inputs)) {
    const v = spec.example[name];
    if (v === undefined) bad(`example has no value for input "${name}".`);
    const got = nestedShape(v);
    const want = s.shape ?? [];
    if (got === null || got.length !== want.length || got.some((d, i) => d !== want[i]))
      bad(
        `example input "${name}" has shape ${JSON.stringify(got)}, but the input's shape is ${JSON.stringify(want)}.`,
      );
  }
  for (const name of Object.keys(spec.example))
    if (!(name in spec.inputs)) bad(`example has "${name}", which is not one of the inputs.`);
  return Object.freeze({ ...spec });
}

function isServable(x: unknown): x is ServableModel {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as ServableModel).model === "function" &&
    typeof (x as ServableModel).args === "function"
  );
}

/**
 * Imports a model module (a `.js`/`.mjs` file, or `.ts` when a TypeScript loader is active — `tsx` is
 * registered when installed) and returns its servable model: the `default` export, or the one named
 * `servable`, checked by {@link defineServable}.
 * @param path - the module's path (relative to the working directory) or a `file:` URL.
 * @returns the servable model.
 * @throws ServeError `bad-model` when the module cannot be imported or exports no servable model.
 */
export async function loadModelModule(path: string): Promise<ServableModel> {
  const url = path.startsWith("file:") ? path : pathToFileURL(isAbsolute(path) ? path : resolve(path)).href;
  if (/\.[mc]?ts$/.test(path) && !tsxRegistered) {
    // Node cannot import TypeScript by itself: register tsx's loader first when it is installed (a failed
    // import is cached by URL, so this must come before the first try).
    try {
      const api = "tsx/esm/api";
      ((await import(api)) as { register: () => unknown }).register();
      tsxRegistered = true;
    } catch {
      // not installed: the import below fails with a message saying what to do
    }
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ServeError(
      "bad-model",
      code === "ERR_UNKNOWN_FILE_EXTENSION"
        ? `loadModelModule: cannot import the TypeScript module ${path}; install tsx, run node with ` +
            "--import tsx, or compile the module to JavaScript."
        : `loadModelModule: cannot import ${path}: ${(e as Error).message ?? String(e)}`,
    );
  }
  const found = mod.default ?? mod.servable;
  if (!isServable(found)) {
    throw new ServeError(
      "bad-model",
      `loadModelModule: ${path} exports no servable model; export default defineServable({ name, model, ` +
        "inputs, args, outputs, example }) (or export it as `servable`).",
    );
  }
  return defineServable(found);
}
