/**
 * Parallel chains of kernels that hold closures (`HMCGibbs`'s `gibbsFn`, the model of `HMCECS`,
 * `DiscreteHMCGibbs`, `MixedHMC`): a worker cannot receive a function, so it imports the user's module that
 * builds the same kernel (`workerModule`), replays the first chain's `init` on the run's arguments (which
 * rebuilds the model potential exactly as on the main thread), and then continues the chain it was given.
 */
import { type KeyPair, PhloxError, type Tensor, tensor } from "@phlox/tensor";
import { resolveFromHere } from "./internal/potential-source.js";
import { importExport } from "./internal/worker-main.js";
import type { Kernel, SiteLayout, WorkerPotentialSpec } from "./kernel.js";

/**
 * Where a worker finds a function that builds a kernel holding closures: `(await
 * import(module))[exportName](payload)` must return (or resolve to) the same kernel as on the main thread,
 * with the same model, options and (HMCGibbs) `gibbsFn`. `module` is an absolute URL (`import.meta.url` of
 * the module that exports the builder) or a package specifier.
 * @example
 * // kernel.ts
 * export const makeKernel = () =>
 *   new HMCGibbs(new NUTS(model), gibbsFn, ["x"], { workerModule: { module: import.meta.url, exportName: "makeKernel" } });
 */
export interface KernelModuleSpec {
  module: string;
  exportName: string;
  payload?: unknown;
}

/** Payload of the worker spec of a kernel rebuilt from its module ({@link buildModelWorkerKernel}). */
export interface ModelKernelWorkerPayload {
  /** The kernel's name, for messages. */
  kernel: string;
  source: KernelModuleSpec;
  /** The run's model arguments, encoded by `encodeModelArgs`. */
  modelArgs: unknown[];
  /** The key and warmup length of the `init` that built the model potential on the main thread. */
  key: [number, number];
  numWarmup: number;
  /** The main thread's layout, to check that the rebuilt kernel is the same. */
  layout: { name: string; size: number }[];
}

/** An encoded Tensor argument. */
interface EncodedTensor {
  $phloxTensor: { data: ArrayLike<number>; shape: number[]; dtype: string };
}

function isTensor(v: unknown): v is Tensor {
  const t = v as Partial<Tensor> | null;
  return (
    typeof t === "object" &&
    t !== null &&
    typeof t.dataSync === "function" &&
    Array.isArray(t.shape) &&
    typeof t.dtype === "string"
  );
}

function encodeArg(v: unknown, where: string, kernel: string): unknown {
  if (v === undefined || v === null || ["number", "string", "boolean", "bigint"].includes(typeof v)) return v;
  if (isTensor(v)) {
    const data = v.dataSync() as ArrayLike<number>;
    return {
      $phloxTensor: {
        data: ArrayBuffer.isView(data) ? (data as Float64Array).slice() : Array.from(data),
        shape: [...v.shape],
        dtype: v.dtype,
      },
    } satisfies EncodedTensor;
  }
  if (ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map((x, i) => encodeArg(x, `${where}[${i}]`, kernel));
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encodeArg(x, `${where}.${k}`, kernel);
    return out;
  }
  const what = typeof v === "function" ? "a function" : `a ${(v as object).constructor?.name ?? typeof v}`;
  throw new PhloxError(
    "parallel-model-args",
    `${kernel}: chainMethod "parallel" sends the model arguments to each worker, but ${where} is ${what}, which ` +
      "cannot be sent. Pass tensors, typed arrays, numbers, strings, plain arrays or objects of them (build " +
      'other values inside the model\'s module), or use chainMethod "sequential" / "vectorized".',
  );
}

/**
 * The model arguments in a form a worker receives (structured clone): tensors as `{ data, shape, dtype }`.
 * @throws PhloxError (`parallel-model-args`) naming the argument that cannot be sent (a function, a class
 *   instance other than a tensor or typed array).
 */
export function encodeModelArgs(args: readonly unknown[], kernel: string): unknown[] {
  return args.map((a, i) => encodeArg(a, `argument ${i}`, kernel));
}

function decodeArg(v: unknown): unknown {
  if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map(decodeArg);
  const t = (v as Partial<EncodedTensor>).$phloxTensor;
  if (t) {
    const data = ArrayBuffer.isView(t.data) ? t.data : Float64Array.from(t.data);
    return tensor(data as Float64Array, { shape: t.shape, dtype: t.dtype as Tensor["dtype"] });
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decodeArg(x);
  return out;
}

/** The inverse of {@link encodeModelArgs} (in a worker). */
export function decodeModelArgs(args: readonly unknown[]): unknown[] {
  return args.map(decodeArg);
}

/** Checks a kernel's `workerModule` option. */
export function checkWorkerModule(kernel: string, m: unknown): KernelModuleSpec | undefined {
  if (m === undefined) return undefined;
  const spec = m as Partial<KernelModuleSpec> | null;
  if (typeof spec?.module !== "string" || typeof spec.exportName !== "string") {
    throw new PhloxError(
      "kernel-bad-worker-module",
      `${kernel}: workerModule must be { module: string, exportName: string, payload? } (e.g. { module: import.meta.url, exportName: "makeKernel" }).`,
    );
  }
  return { module: spec.module, exportName: spec.exportName, payload: spec.payload };
}

/** What a kernel that holds closures records at the `init` that builds its model potential. */
export interface BuiltWith {
  key: KeyPair;
  numWarmup: number;
  modelArgs: readonly unknown[];
}

/**
 * The worker spec of a kernel rebuilt from its module.
 * @param kernel - the kernel's name, for messages.
 * @param source - the user's `workerModule`; without it, a PhloxError says how to give one.
 * @param built - the `init` that built the model potential (MCMC has run it before asking for the spec).
 * @param layout - the kernel's layout after that `init`.
 * @param closure - what cannot be shipped, for the message (e.g. "gibbsFn and the model").
 * @throws PhloxError (`parallel-needs-module`) without `source`.
 */
export function modelKernelWorkerSpec(
  kernel: string,
  source: KernelModuleSpec | undefined,
  built: BuiltWith | undefined,
  layout: readonly SiteLayout[] | undefined,
  closure: string,
): WorkerPotentialSpec {
  if (!source) {
    throw new PhloxError(
      "parallel-needs-module",
      `${kernel}: chainMethod "parallel" runs each chain in a worker, which cannot receive ${closure} (functions ` +
        "cannot be sent to a worker). Export a function that builds this kernel from a module and pass " +
        '{ workerModule: { module: import.meta.url, exportName: "makeKernel" } } in the kernel\'s options; ' +
        'or use chainMethod "sequential" / "vectorized".',
    );
  }
  if (!built) {
    throw new PhloxError(
      "parallel-not-initialised",
      `${kernel}: workerSpec() needs a chain initialised first.`,
    );
  }
  const payload: ModelKernelWorkerPayload = {
    kernel,
    source: { ...source, module: resolveFromHere(source.module) },
    modelArgs: encodeModelArgs(built.modelArgs, kernel),
    key: [built.key[0], built.key[1]],
    numWarmup: built.numWarmup,
    layout: (layout ?? []).map((l) => ({ name: l.name, size: l.size })),
  };
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return {
    module: new URL(/* webpackIgnore: true */ `./worker-model-kernel${ext}`, import.meta.url).href,
    exportName: "buildModelWorkerKernel",
    payload,
  };
}

/**
 * Rebuilds, inside a worker, a kernel that holds closures: calls the user's builder (`workerModule`),
 * prepares it, and replays the `init` that built the model potential on the main thread (same key, same
 * arguments), so the chain continues bit for bit. Used by `chainMethod: "parallel"`.
 * @throws PhloxError (`worker-bad-spec`) when the module has no such function or it builds no kernel, and
 *   (`worker-kernel-mismatch`) when the kernel it builds has another layout than the main thread's.
 */
export async function buildModelWorkerKernel(p: ModelKernelWorkerPayload): Promise<Kernel> {
  const where = `${p.source.module}#${p.source.exportName}`;
  const build = await importExport({
    module: p.source.module,
    exportName: p.source.exportName,
    payload: null,
  });
  if (typeof build !== "function") {
    throw new PhloxError(
      "worker-bad-spec",
      `${p.kernel}: workerModule ${p.source.module} has no function export "${p.source.exportName}".`,
    );
  }
  const kernel = (await build(p.source.payload)) as Partial<Kernel> | null;
  if (!kernel || typeof kernel.init !== "function" || typeof kernel.sample !== "function") {
    throw new PhloxError(
      "worker-bad-spec",
      `${p.kernel}: workerModule ${where}(payload) must return the ${p.kernel} kernel, got ${kernel === null ? "null" : typeof kernel}.`,
    );
  }
  await kernel.prepare?.();
  kernel.init({ key: p.key, numWarmup: p.numWarmup, modelArgs: decodeModelArgs(p.modelArgs) });
  const got = (kernel.layout ?? []).map((l) => `${l.name}[${l.size}]`).join(", ");
  const want = p.layout.map((l) => `${l.name}[${l.size}]`).join(", ");
  if (got !== want) {
    throw new PhloxError(
      "worker-kernel-mismatch",
      `${p.kernel}: the kernel built by workerModule ${where} has sites ${got || "none"}, but the main thread's has ` +
        `${want || "none"}; the module must build the same kernel on the same model.`,
    );
  }
  return kernel as Kernel;
}
