import type { DType, TypedArray } from "./dtype.js";
import { MissingKernelError, PhloxError, warn } from "./errors.js";
import type { Program } from "./ir.js";
import type { KernelArg, Primitive, PrimitiveName, PrimitiveParams } from "./primitive.js";

/** A compiled program: backend buffers of the flattened inputs in, buffers of the outputs out. */
export type CompiledProgram = (inputs: readonly unknown[]) => unknown[];

/**
 * A backend: buffers plus one kernel per primitive, and optionally a program compiler. Keep it small so
 * WASM/WebGPU backends can implement it.
 *
 * @example
 * // A backend that stores typed arrays and runs the reference kernels (this is the built-in "js" backend):
 * const mine: Backend = {
 *   name: "mine",
 *   create: (data) => data.slice(),
 *   readSync: (buf) => buf as TypedArray,
 *   read: async (buf) => buf as TypedArray,
 *   dispose: () => {},
 *   exec: (prim, inputs, params, shape, dtype) => prim.kernel(inputs, params, shape, dtype),
 * };
 * registerBackend(mine); setBackend("mine");
 */
export interface Backend {
  /** Registry name, e.g. `"js"`, `"wasm"`. */
  readonly name: string;
  /** Stores `data` (of dtype `dtype`) and returns the backend's buffer handle. */
  create(data: TypedArray, dtype: DType): unknown;
  /** Synchronous read-back; absent on asynchronous backends (GPU). */
  readSync?(buf: unknown, dtype: DType, size: number): TypedArray;
  /** Asynchronous read-back; every backend has it. */
  read(buf: unknown, dtype: DType, size: number): Promise<TypedArray>;
  /** Frees a buffer (a no-op for garbage-collected buffers). */
  dispose(buf: unknown): void;
  /** Runs one primitive; returns the output buffer. Throws `MissingKernelError` for unsupported primitives. */
  exec<P extends PrimitiveName>(
    prim: Primitive<P>,
    inputs: readonly KernelArg[],
    params: PrimitiveParams[P],
    shape: readonly number[],
    dtype: DType,
  ): unknown;
  /** Optional whole-program compiler used by `jit`. */
  compile?(program: Program): CompiledProgram;
}

/** The built-in backend: typed arrays and the reference kernels, float64 by default. */
export const jsBackend: Backend = {
  name: "js",
  create: (data) => data,
  readSync: (buf) => buf as TypedArray,
  read: (buf) => Promise.resolve(buf as TypedArray),
  dispose: () => {},
  exec: (prim, inputs, params, shape, dtype) => {
    if (prim.kernel === undefined)
      throw new MissingKernelError(
        "missing-kernel",
        `backend "js" has no kernel for primitive "${prim.name}".`,
      );
    return prim.kernel(inputs, params, shape, dtype);
  },
};

const backends = new Map<string, { backend: Backend; priority: number }>([
  ["js", { backend: jsBackend, priority: 0 }],
]);
let current: Backend = jsBackend;

/**
 * Registers a backend under its name. It becomes current only through {@link setBackend}.
 * @param options.priority - informational ordering among registered backends (higher first).
 * @example
 * registerBackend(myBackend, { priority: 2 });
 */
export function registerBackend(backend: Backend, options: { priority?: number } = {}): void {
  if (backends.has(backend.name))
    warn(`backend-reregistered:${backend.name}`, `backend "${backend.name}" re-registered.`);
  backends.set(backend.name, { backend, priority: options.priority ?? 1 });
}

/**
 * Makes the named backend current for new tensors and eager kernels.
 * @throws PhloxError (`unknown-backend`) listing the registered names.
 * @example
 * setBackend("js");
 */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (b === undefined)
    throw new PhloxError(
      "unknown-backend",
      `setBackend("${name}"): no such backend. Registered: ${[...backends.keys()].join(", ")}. Call registerBackend first.`,
    );
  current = b.backend;
}

/**
 * Runs `fn` with `backend` current (registered or not), restoring the previous backend afterwards; used by
 * backends that run control-flow bodies through the eager kernels of their own device buffers.
 * @example
 * withBackend(jsBackend, () => tensor([1, 2]).sum().item()); // → 3
 */
export function withBackend<T>(backend: Backend, fn: () => T): T {
  const saved = current;
  current = backend;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/** The current backend (`"js"` unless {@link setBackend} chose another). */
export function getBackend(): Backend {
  return current;
}

/** Names of the registered backends, highest priority first. */
export function listBackends(): string[] {
  return [...backends.entries()].sort((a, b) => b[1].priority - a[1].priority).map((e) => e[0]);
}
