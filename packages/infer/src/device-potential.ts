/**
 * The model's compiled potential on a device backend (WebGPU, wasm): the value-and-gradient program that
 * `initializeModel` compiles for the CPU, handed to the backend's own `compile`, and read back with `await`.
 */
import {
  type Backend,
  jsBackend,
  PhloxError,
  type Program,
  simplify,
  stageValueAndGrad,
  type Tensor,
  tensor,
  withBackend,
} from "@phlox/tensor";

/** An asynchronous U(z): resolves to U(z) after writing ∇U(z) into `grad` (`@phlox/mcmc`'s `AsyncPotentialFn`). */
export type DevicePotentialFn = (z: Float64Array, grad: Float64Array) => Promise<number>;

/**
 * Whether `backend` is a device backend that `NUTS(model)`/`SVI` should compile for when it is the current
 * backend: one with its own `compile` whose results must be read back asynchronously (WebGPU). Backends with
 * synchronous read-back (the JS backend, wasm) keep the CPU path unless named explicitly.
 * @param backend - a backend, e.g. `getBackend()`.
 * @returns true for an asynchronous compiling backend (false for the default JS backend).
 * @example
 * isDeviceBackend(jsBackend); // → false
 */
export function isDeviceBackend(backend: Backend): boolean {
  return backend !== jsBackend && typeof backend.compile === "function" && !syncReadable(backend);
}

/** A tfjs-backed backend says whether it reads synchronously (`syncRead`); other backends by `readSync`. */
function syncReadable(backend: Backend): boolean {
  const flag = (backend as { syncRead?: unknown }).syncRead;
  return typeof flag === "boolean" ? flag : typeof backend.readSync === "function";
}

/**
 * Checks that `backend` can run compiled programs.
 * @throws PhloxError `backend-no-compile` otherwise.
 */
export function requireCompilingBackend(backend: Backend, where: string): void {
  if (typeof backend?.compile !== "function")
    throw new PhloxError(
      "backend-no-compile",
      `${where}: backend "${String(backend?.name)}" has no compile(), so the model cannot be compiled for it. ` +
        'Pass a compiling backend (e.g. webgpu() from @phlox/backend-webgpu), or leave out "backend" for the CPU.',
    );
}

/**
 * Compiles a value-and-gradient program (input z [dim]; outputs U, ∇U) on `backend` and returns the
 * asynchronous potential. Every call uploads z, runs the program on the device, reads U and ∇U back and
 * frees the call's buffers (device memory stays flat over a run). A failure on the device (a destroyed or lost
 * device, a kernel error) rejects with a PhloxError `device-potential-failed` naming the backend.
 * @param program - the simplified program of `stageValueAndGrad(U, dim)`.
 * @param backend - a backend with `compile`.
 * @param dim - the length of z.
 * @returns the asynchronous potential.
 * @throws PhloxError `backend-no-compile`, or the backend's compile error.
 * @example
 * // A toy compiling backend: the JS backend with the IR interpreter as its compile().
 * const be = { ...jsBackend, name: "interp", compile: (p) => (bufs) => interpretProgram(p, bufs) };
 * const U = devicePotential(simplify(stageValueAndGrad((z) => z.mul(z).sum().mul(0.5), 2)), be, 2);
 * const g = new Float64Array(2);
 * await U(Float64Array.of(1, 2), g); // → 2.5
 * g[1]; // → 2
 */
export function devicePotential(program: Program, backend: Backend, dim: number): DevicePotentialFn {
  requireCompilingBackend(backend, "devicePotential");
  const run = (backend.compile as NonNullable<Backend["compile"]>)(program);
  const fail = (e: unknown): never => {
    if (e instanceof PhloxError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new PhloxError(
      "device-potential-failed",
      `the model's potential failed on backend "${backend.name}": ${why}. Check that the device still exists ` +
        "(not destroyed or lost); to run on the CPU instead, leave out the backend option.",
    );
  };
  return async (z, grad) => {
    const bufs: unknown[] = [];
    try {
      const zb = backend.create(Float64Array.from(z), "float64");
      bufs.push(zb);
      const outs = run([zb]);
      bufs.push(...outs);
      const [v, g] = await Promise.all([
        backend.read(outs[0], "float64", 1),
        backend.read(outs[1], "float64", dim),
      ]);
      for (let i = 0; i < dim; i++) grad[i] = Number(g[i]);
      return Number(v[0]);
    } catch (e) {
      return fail(e);
    } finally {
      for (const b of bufs) backend.dispose(b);
    }
  };
}

/**
 * Stages `U` as a value-and-gradient program for a device backend (used when the CPU compile fell back to
 * eager autodiff, so there is no program to reuse).
 * @throws PhloxError `device-model-not-traceable` when the model does not trace.
 */
export function stageForDevice(U: (z: Tensor) => Tensor, dim: number, backend: Backend): Program {
  try {
    return simplify(stageValueAndGrad(U, dim));
  } catch (e) {
    throw new PhloxError(
      "device-model-not-traceable",
      `initializeModel: the model could not be traced into a program for backend "${backend.name}" ` +
        `(${e instanceof Error ? e.message.split("\n")[0] : String(e)}); a device backend runs compiled programs only.`,
    );
  }
}

/**
 * The model arguments with every top-level tensor that lives on another backend copied to the host ("js")
 * backend, where `initializeModel` traces the model (they become the compiled program's constants, uploaded
 * to the device once).
 * @throws PhloxError `device-model-args` when such a tensor cannot be read synchronously (a computed WebGPU tensor).
 */
export function argsOnHost(args: readonly unknown[]): unknown[] {
  return args.map((a, k) => {
    if (!(a instanceof Object) || !("backend" in a) || !("dataSync" in a)) return a;
    const t = a as Tensor;
    if (t.backend === jsBackend || t.backend === null) return a;
    let data: ArrayLike<number>;
    try {
      data = t.dataSync() as ArrayLike<number>;
    } catch (e) {
      throw new PhloxError(
        "device-model-args",
        `initializeModel: model argument ${k} (shape [${t.shape.join(", ")}]) lives on backend "${t.backend?.name}" ` +
          `and cannot be read synchronously (${e instanceof Error ? e.message.split("\n")[0] : String(e)}). ` +
          "Create the model's data on the host: before setBackend(...), or inside withBackend(jsBackend, () => tensor(...)).",
      );
    }
    return withBackend(jsBackend, () => tensor(data as never, { shape: [...t.shape], dtype: t.dtype }));
  });
}

/**
 * Wraps every function-valued field of `obj` so that it runs with the host ("js") backend current: the
 * model's eager runs (start points, postprocess) stay on the CPU while a device backend is current.
 */
export function onHost<T extends object>(obj: T): T {
  const out = obj as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) {
    if (typeof v !== "function" || k === "asyncPotentialFn") continue;
    const f = v as (...a: unknown[]) => unknown;
    out[k] = (...a: unknown[]) => {
      const r = withBackend(jsBackend, () => f.apply(obj, a));
      // potentialBatch returns a function, which must run on the host too.
      if (typeof r === "function") {
        const g = r as (...b: unknown[]) => unknown;
        return (...b: unknown[]) => withBackend(jsBackend, () => g(...b));
      }
      return r;
    };
  }
  return obj;
}

/** A model whose potential also runs on a device: the host potential and the device one. */
export interface DeviceModel {
  readonly potentialFn: (z: Float64Array, grad: Float64Array) => number;
  readonly asyncPotentialFn: DevicePotentialFn;
  readonly dim: number;
}

/** Evaluates a device model's potential synchronously in place of the host one (see {@link interceptDevicePotentials}). */
export type DevicePotentialInterceptor = (model: DeviceModel, z: Float64Array, grad: Float64Array) => number;

let modelBackend: Backend | undefined;
let interceptor: DevicePotentialInterceptor | null = null;

/**
 * Runs `fn` with `backend` as the default of `initializeModel`'s `backend` option: code that initialises a
 * model internally (an autoguide's `setup`) then compiles it for the device too. Used by `@phlox/vi`'s `SVI`.
 * @param backend - a compiling backend.
 * @param fn - the code to run.
 * @returns what `fn` returns.
 * @example
 * const be = { ...jsBackend, name: "interp", compile: (p) => (bufs) => interpretProgram(p, bufs) };
 * const info = withModelBackend(be, () => initializeModel(0, () => sample("x", new Normal(0, 1))));
 * await info.asyncPotentialFn(Float64Array.of(2), new Float64Array(1)); // → 2 + 0.5 * Math.log(2 * Math.PI)
 */
export function withModelBackend<T>(backend: Backend, fn: () => T): T {
  const saved = modelBackend;
  modelBackend = backend;
  try {
    return fn();
  } finally {
    modelBackend = saved;
  }
}

/** @internal The backend set by {@link withModelBackend}, if any. */
export function defaultModelBackend(): Backend | undefined {
  return modelBackend;
}

/**
 * Runs `fn` with the host `potentialFn` of every device-compiled model (from `initializeModel` with a backend)
 * answered by `intercept` instead: a synchronous caller (an autoguide's particle) can so be run once to record
 * the points it asks for, and again with the device's answers, which `@phlox/vi` awaits in between.
 * @param intercept - answers (model, z, grad) → U(z), writing ∇U into grad.
 * @param fn - the synchronous code to run.
 * @returns what `fn` returns.
 */
export function interceptDevicePotentials<T>(intercept: DevicePotentialInterceptor, fn: () => T): T {
  const saved = interceptor;
  interceptor = intercept;
  try {
    return fn();
  } finally {
    interceptor = saved;
  }
}

/** @internal Routes `info.potentialFn` through the interceptor when one is active. */
export function routeHostPotential(info: {
  potentialFn: (z: Float64Array, grad: Float64Array) => number;
  asyncPotentialFn?: DevicePotentialFn;
  dim: number;
}): void {
  const host = info.potentialFn;
  const asyncFn = info.asyncPotentialFn;
  if (asyncFn === undefined) return;
  const model: DeviceModel = { potentialFn: host, asyncPotentialFn: asyncFn, dim: info.dim };
  info.potentialFn = (z, g) => (interceptor === null ? host(z, g) : interceptor(model, z, g));
}
