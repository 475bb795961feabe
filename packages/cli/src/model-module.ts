import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PhloxError, type Tensor, tensor } from "@phlox/tensor";
import { CliError } from "./errors.js";
import type { DataRecord } from "./files.js";

/** A model function, as `MCMC`, `SVI` and `Predictive` take it. */
export type ModelFn = (...args: never[]) => unknown;

/**
 * A model module as the `phlox` commands use it (see the README, "Model modules"):
 * - the model: the named export `model`, or the default export when it is a function;
 * - `args(data)`, optional: the model's positional arguments built from the data JSON (observations included).
 *   Without it the model gets one argument: the data object with every numeric entry as a float64 Tensor;
 * - `name`, optional: a display name (default: the file name).
 */
export interface ModelModule {
  /** The model function. */
  readonly model: ModelFn;
  /** Maps the data JSON to the model's arguments. */
  readonly args: (data: DataRecord) => unknown[];
  /** Display name. */
  readonly name: string;
  /** The path it was loaded from. */
  readonly path: string;
  /** Every export, for commands that need more (e.g. `servable` for `phlox serve`). */
  readonly exports: Readonly<Record<string, unknown>>;
}

let tsxRegistered = false;

/**
 * Runs a step that calls the user's model (fitting, predicting) and turns a plain JavaScript error thrown
 * there (a TypeError from an argument the model did not get, ...) into a `bad-model` CliError naming the model
 * and pointing at `args(data)`; Phlox errors pass through unchanged.
 * @param mod - the model module.
 * @param who - the command, for messages.
 * @param step - the work.
 * @returns what the step returns.
 * @throws CliError `bad-model` for a non-Phlox error thrown by the step.
 */
export async function withModel<T>(mod: ModelModule, who: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof PhloxError) throw e;
    throw new CliError(
      "bad-model",
      `${who}: model "${mod.name}" (${mod.path}) failed on this data: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}. ` +
        "Check that args(data) gives the model the arguments it expects (without args, it gets one object of Tensors).",
    );
  }
}

/**
 * Registers tsx's ESM loader once, so `.ts`/`.mts` model modules import without a build step.
 */
async function registerTypeScript(): Promise<void> {
  if (tsxRegistered) return;
  const { register } = await import("tsx/esm/api");
  register();
  tsxRegistered = true;
}

function isNumericArray(v: unknown): boolean {
  if (typeof v === "number" || typeof v === "boolean") return true;
  return Array.isArray(v) && v.every(isNumericArray);
}

/**
 * The default `args`: one object holding every numeric entry of the data (numbers, booleans, rectangular
 * arrays of them) as a float64 Tensor; other entries (strings, objects) are passed as they are.
 * @param data - the data JSON.
 * @returns `[{ name: Tensor | value }]`.
 * @throws CliError `bad-data` for a ragged array.
 * @example
 * defaultArgs({ y: [1, 2] })[0].y.shape; // → [2]
 */
export function defaultArgs(data: DataRecord): [Record<string, Tensor | unknown>] {
  const out: Record<string, Tensor | unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (!isNumericArray(v)) {
      out[k] = v;
      continue;
    }
    try {
      out[k] = tensor(v as number[]);
    } catch (e) {
      throw new CliError(
        "bad-data",
        `data entry "${k}" is not a rectangular array of numbers: ${(e as Error).message}`,
      );
    }
  }
  return [out];
}

/**
 * Imports a model module (`.ts`, `.mts`, `.js`, `.mjs`; TypeScript is loaded through tsx, no build step) and
 * finds its model and argument mapping.
 * @param path - the module's path, relative to the working directory or absolute.
 * @param who - the command, for messages.
 * @returns the model module.
 * @throws CliError `missing-file` when it does not exist; `bad-model` when it cannot be imported or exports no
 * model function, or `args` is not a function.
 */
export async function loadModelModule(path: string, who: string): Promise<ModelModule> {
  const abs = isAbsolute(path) ? path : resolve(path);
  try {
    await stat(abs);
  } catch {
    throw new CliError("missing-file", `${who}: model module "${path}" does not exist.`);
  }
  if (/\.[mc]?tsx?$/.test(abs)) await registerTypeScript();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    throw new CliError("bad-model", `${who}: cannot import model module "${path}": ${(e as Error).message}`);
  }
  const def = mod.default as { model?: unknown } | undefined;
  const model =
    typeof mod.model === "function"
      ? mod.model
      : typeof def === "function"
        ? def
        : typeof def?.model === "function"
          ? def.model
          : undefined;
  if (typeof model !== "function")
    throw new CliError(
      "bad-model",
      `${who}: model module "${path}" exports no model function; add \`export function model(...) {...}\` ` +
        `(or make the model the default export). It exports: ${Object.keys(mod).join(", ") || "nothing"}.`,
    );
  if (mod.args !== undefined && typeof mod.args !== "function")
    throw new CliError(
      "bad-model",
      `${who}: model module "${path}" exports \`args\` as ${typeof mod.args}; it must be a function (data) => model arguments.`,
    );
  const userArgs = mod.args as ((data: DataRecord) => unknown) | undefined;
  const name =
    typeof mod.name === "string" ? mod.name : (abs.split(/[\\/]/).pop() ?? path).replace(/\.[^.]+$/, "");
  const args = (data: DataRecord): unknown[] => {
    if (!userArgs) return defaultArgs(data);
    let a: unknown;
    try {
      a = userArgs(data);
    } catch (e) {
      throw new CliError("bad-model", `${who}: args(data) of "${path}" failed: ${(e as Error).message}`);
    }
    if (!Array.isArray(a))
      throw new CliError(
        "bad-model",
        `${who}: args(data) of "${path}" must return an array of model arguments, got ${typeof a}.`,
      );
    return a;
  };
  return { model: model as ModelFn, args, name, path, exports: mod };
}
