/**
 * The adapter from the Phlox {@link Backend} protocol to a tfjs-core backend ("wasm", "webgpu", "cpu"): buffers
 * are {@link TfHandle}s, primitives run through the kernel list, programs run as a sequence of kernels.
 */

import {
  allocate,
  type Backend,
  type CompiledProgram,
  type DType,
  getMultiPrimitive,
  getPrimitive,
  isLiteral,
  type KernelArg,
  MissingKernelError,
  PhloxError,
  type Primitive,
  type PrimitiveName,
  type PrimitiveParams,
  type Program,
  primitiveNames,
  Tensor,
  type TypedArray,
  warn,
  withBackend,
} from "@phlox/tensor";
import * as tf from "@tensorflow/tfjs-core";
import {
  disposeHandle,
  isHandle,
  liveTensor,
  makeHandle,
  type TfHandle,
  type TfTensor,
  untracked,
} from "./handles.js";
import { type KernelSpec, kernels } from "./kernels.js";

/** What to do with primitives that have no kernel in the list. */
export type FallbackMode = "none" | "js";

/** Options of {@link createTfjsBackend}. */
export interface TfjsBackendOptions {
  /** Phlox backend name, e.g. `"wasm"`. */
  readonly name: string;
  /** tfjs backend name to activate before running kernels (default: `name`). */
  readonly tfBackend?: string;
  /**
   * `"js"`: primitives without a native kernel run their JS reference kernel on the same data (read back,
   * compute in float64, upload), announced by one warning listing them. `"none"` (default): creating the
   * backend throws a `MissingKernelError` listing them.
   */
  readonly fallbacks?: FallbackMode;
  /**
   * False for asynchronous backends (WebGPU): `readSync` only returns small tensors created from host data
   * (keys, scalars; kept as a host copy) and throws for computed ones; JS fallbacks are impossible. Default true.
   */
  readonly syncRead?: boolean;
  /** Kernels added to (and overriding) the shared list, e.g. `compositeKernels` or custom WGSL programs. */
  readonly extraKernels?: readonly KernelSpec[];
}

/** A Phlox backend over tfjs, plus what the adapter knows about it. */
export interface TfjsBackend extends Backend {
  /** Primitives that run natively (tfjs kernels or compositions of them). */
  readonly native: readonly string[];
  /** Primitives that run through their JS reference kernels (empty unless `fallbacks: "js"`). */
  readonly fallbacks: readonly string[];
  /**
   * False for asynchronous backends (the `syncRead` option): control flow then never reads a value back
   * (`cond` evaluates every branch and selects on the device).
   */
  readonly syncRead: boolean;
  /** Bytes held by tfjs for this process (all tfjs backends). */
  numBytes(): number;
  /** Number of live tfjs tensors. */
  numTensors(): number;
}

/** Tensors up to this many elements created from host data keep a host copy on asynchronous backends. */
const HOST_COPY_LIMIT = 64;

const tfDtype = (d: DType): "float32" | "int32" | "bool" =>
  d === "float64" || d === "float32" ? "float32" : d === "bool" ? "bool" : "int32";

/** Converts Phlox data to what `tf.tensor` takes for the storage dtype. */
function toTfData(data: TypedArray, dtype: DType): Float32Array | Int32Array | Uint8Array {
  switch (dtype) {
    case "float64":
      return Float32Array.from(data);
    case "float32":
      return data as Float32Array;
    case "int32":
      return data as Int32Array;
    case "uint32":
      return new Int32Array(data.buffer, data.byteOffset, data.length);
    case "bool":
      return data as Uint8Array;
  }
}

/** Converts tfjs read-back data to a fresh typed array of the Phlox dtype. */
function fromTfData(raw: ArrayLike<number> & { buffer?: ArrayBufferLike }, dtype: DType): TypedArray {
  const n = raw.length;
  if (dtype === "uint32") {
    const out = new Uint32Array(n);
    const view = Int32Array.from(raw);
    out.set(new Uint32Array(view.buffer, 0, n));
    return out;
  }
  const out = allocate(dtype, n);
  out.set(raw as ArrayLike<number>);
  return out;
}

/**
 * Builds a Phlox backend over an initialised tfjs backend. The kernel list is compared with every defined
 * primitive: missing ones either throw (one error naming them all) or, with `fallbacks: "js"`, run their reference
 * kernels with one warning naming them all.
 * @returns the backend, ready for `registerBackend`.
 * @throws MissingKernelError listing the primitives without a kernel, when fallbacks are not enabled.
 * @example
 * await tf.setBackend("cpu");
 * registerBackend(createTfjsBackend({ name: "tfcpu", tfBackend: "cpu", fallbacks: "js" }));
 */
export function createTfjsBackend(options: TfjsBackendOptions): TfjsBackend {
  const name = options.name;
  const tfName = options.tfBackend ?? name;
  const syncRead = options.syncRead !== false;
  const mode = options.fallbacks ?? "none";
  const table = new Map<string, KernelSpec>(
    [...kernels, ...(options.extraKernels ?? [])].map((k) => [k.primitive, k]),
  );
  const missing = primitiveNames()
    .filter((p) => !table.has(p))
    .sort();
  if (missing.length > 0) {
    if (mode !== "js" || !syncRead)
      throw new MissingKernelError(
        "missing-kernels",
        `backend "${name}": no kernel for ${missing.length} primitive(s): ${missing.join(", ")}. ` +
          (syncRead
            ? `Pass { fallbacks: "js" } to run them through the JS reference kernels (read back, compute, upload).`
            : "This backend reads asynchronously, so JS fallbacks are not possible; add kernels for them."),
      );
    warn(
      `backend-fallbacks:${name}`,
      `backend "${name}": ${missing.length} primitive(s) run through the JS reference kernels on read-back data: ${missing.join(", ")}.`,
    );
  }

  const activate = (): void => {
    if (tf.getBackend() !== tfName) void tf.setBackend(tfName);
  };

  const create = (data: TypedArray, dtype: DType): TfHandle => {
    activate();
    const t = tf.tensor(toTfData(data, dtype), [data.length], tfDtype(dtype));
    const host = !syncRead && data.length <= HOST_COPY_LIMIT ? fromTfData(data, dtype) : undefined;
    return makeHandle(t, dtype, name, data.length === 1 ? (data[0] as number) : undefined, host);
  };

  const readSync = (buf: unknown, dtype: DType): TypedArray => {
    if (ArrayBuffer.isView(buf)) return buf as TypedArray;
    const h = buf as TfHandle;
    const t = liveTensor(h, "dataSync()");
    if (!syncRead) {
      if (h.host !== undefined) return fromTfData(h.host, dtype);
      throw new PhloxError(
        "async-backend",
        `dataSync(): backend "${name}" reads computed tensors asynchronously; use await x.data().`,
      );
    }
    return fromTfData(t.dataSync() as unknown as ArrayLike<number>, dtype);
  };

  /** A tfjs tensor of an input, shaped like the Phlox input (typed arrays from other backends are uploaded). */
  const asTf = (a: KernelArg, where: string): TfTensor => {
    let t: TfTensor;
    if (isHandle(a.buf)) t = liveTensor(a.buf, where);
    else if (ArrayBuffer.isView(a.buf))
      t = tf.tensor(toTfData(a.buf as TypedArray, a.dtype), undefined, tfDtype(a.dtype));
    else
      throw new PhloxError(
        "foreign-buffer",
        `${where}: an input buffer belongs to neither backend "${name}" nor the js backend. Move tensors with tensor(x.dataSync()) first.`,
      );
    const shape = a.shape as number[];
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) t = tf.reshape(t, shape);
    return t;
  };

  const viaJs = <P extends PrimitiveName>(
    prim: Primitive<P>,
    inputs: readonly KernelArg[],
    params: PrimitiveParams[P],
    shape: readonly number[],
    dtype: DType,
  ): TfHandle => {
    const host = inputs.map((a) => ({ shape: a.shape, dtype: a.dtype, buf: readSync(a.buf, a.dtype) }));
    return create(prim.kernel(host, params, shape, dtype), dtype);
  };

  const exec = <P extends PrimitiveName>(
    prim: Primitive<P>,
    inputs: readonly KernelArg[],
    params: PrimitiveParams[P],
    shape: readonly number[],
    dtype: DType,
  ): TfHandle => {
    activate();
    const spec = table.get(prim.name) as KernelSpec<P> | undefined;
    if (spec !== undefined) {
      const ins = new Set<TfTensor>();
      let declined = false;
      const out = tf.tidy((): TfTensor => {
        const xs = inputs.map((a) => asTf(a, prim.name));
        for (const x of xs) ins.add(x);
        let r = spec.run(xs, params, inputs, shape, dtype);
        if (r === null) {
          declined = true;
          return tf.scalar(0); // disposed below
        }
        if (r.dtype !== tfDtype(dtype)) r = tf.cast(r, tfDtype(dtype));
        if (ins.has(r)) r = tf.clone(r);
        return r;
      });
      if (!declined) return makeHandle(out, dtype, name);
      out.dispose();
    }
    if (!syncRead || (spec === undefined && mode !== "js"))
      throw new MissingKernelError(
        "missing-kernel",
        `backend "${name}" has no kernel for primitive "${prim.name}" on ${inputs.map((a) => a.dtype).join(", ")} inputs.`,
      );
    return viaJs(prim, inputs, params, shape, dtype);
  };

  /** matmul with tfjs's transpose flags (a transpose of the last two axes folded into it). */
  const matMulT = (a: KernelArg, b: KernelArg, ta: boolean, tb: boolean, dtype: DType): TfHandle => {
    activate();
    const out = tf.tidy(() => {
      const f = (t: TfTensor): TfTensor => (t.dtype === "float32" ? t : tf.cast(t, "float32"));
      const r = tf.matMul(f(asTf(a, "matmul")), f(asTf(b, "matmul")), ta, tb);
      return r.dtype === tfDtype(dtype) ? r : tf.cast(r, tfDtype(dtype));
    });
    return makeHandle(out, dtype, name);
  };

  const compile = (program: Program): CompiledProgram => {
    // Resolve primitives once; each call runs the equations as backend kernels, freeing intermediates.
    const steps = program.eqns.map((e) => ({
      e,
      prim:
        getMultiPrimitive(e.primitive) === undefined
          ? getPrimitive(e.primitive)
          : (null as unknown as Primitive),
    }));
    const outIds = new Set(program.outputs.flatMap((o) => (isLiteral(o) ? [] : [o.id])));
    type A = (typeof program.eqns)[number]["inputs"][number];
    // Peephole: a float transpose of the last two axes used only by matmuls is folded into them (tf.matMul's
    // transpose flags), so X is never copied to Xᵀ (the gradient of X·w is Xᵀ·g).
    const users = new Map<number, number[]>();
    steps.forEach(({ e }, k) => {
      for (const a of e.inputs) if (!isLiteral(a)) users.set(a.id, [...(users.get(a.id) ?? []), k]);
    });
    const folded = new Map<number, A>();
    for (const { e } of steps) {
      if (e.primitive !== "transpose") continue;
      const perm = (e.params as { perm: number[] }).perm;
      const r = perm.length;
      const swapsLast =
        r >= 2 &&
        perm[r - 1] === r - 2 &&
        perm[r - 2] === r - 1 &&
        perm.slice(0, r - 2).every((p, i) => p === i);
      const out = e.outputs[0];
      if (
        !swapsLast ||
        out === undefined ||
        outIds.has(out.id) ||
        (out.dtype !== "float32" && out.dtype !== "float64")
      )
        continue;
      const us = users.get(out.id) ?? [];
      if (us.length > 0 && us.every((k) => steps[k]?.e.primitive === "matmul"))
        folded.set(out.id, e.inputs[0] as A);
    }
    const source = (a: A): A => (!isLiteral(a) && folded.has(a.id) ? (folded.get(a.id) as A) : a);
    const skip = (k: number): boolean => {
      const o = steps[k]?.e.outputs[0];
      return o !== undefined && folded.has(o.id);
    };
    const lastUse = new Map<number, number>();
    steps.forEach(({ e }, k) => {
      if (skip(k)) return;
      for (const a of e.inputs.map(source)) if (!isLiteral(a)) lastUse.set(a.id, k);
    });
    const inputIds = new Set(program.inputs.map((v) => v.id));
    let consts: Map<number, TfHandle> | null = null;
    const literals = new Map<string, TfHandle>();
    return (inputs) => {
      if (consts === null) {
        consts = new Map();
        // Constants live as long as the program: not tracked by scopes (the finalization registry frees them).
        for (const c of program.constants)
          consts.set(
            c.v.id,
            untracked(() => create(c.value, c.v.dtype)),
          );
      }
      const env = new Map<number, unknown>();
      program.inputs.forEach((v, k) => {
        env.set(v.id, inputs[k]);
      });
      for (const [id, h] of consts) env.set(id, h);
      const owned = new Set<number>();
      const read = (a: A): KernelArg => {
        if (isLiteral(a)) {
          // Literals are uploaded once per program (an upload per call costs a queue write on WebGPU).
          const key = `${a.dtype}:${a.literal}`;
          let h = literals.get(key);
          if (h === undefined) {
            const v = allocate(a.dtype, 1);
            v[0] = a.literal;
            h = untracked(() => create(v, a.dtype));
            literals.set(key, h);
          }
          return { shape: [], dtype: a.dtype, buf: h };
        }
        return { shape: a.shape, dtype: a.dtype, buf: env.get(a.id) };
      };
      steps.forEach(({ e, prim }, k) => {
        if (skip(k)) return;
        const o = e.outputs[0];
        const multi = getMultiPrimitive(e.primitive);
        if (multi !== undefined) {
          // Control flow: a host loop dispatching the body's kernels on this backend (the primitive's eager
          // implementation, with this backend current while it runs).
          const args = e.inputs.map(read).map((a) => new Tensor(a.shape, a.dtype, a.buf, backend));
          const outs = withBackend(backend, () => multi.impl(args, e.params as never));
          e.outputs.forEach((out, j) => {
            env.set(out.id, (outs[j] as Tensor).buf);
          });
        } else if (e.primitive === "matmul" && o !== undefined && e.inputs.some((a) => source(a) !== a)) {
          const [a, b] = e.inputs as [A, A];
          env.set(o.id, matMulT(read(source(a)), read(source(b)), source(a) !== a, source(b) !== b, o.dtype));
          owned.add(o.id);
        } else {
          const args = e.inputs.map(read);
          for (const out of e.outputs) {
            env.set(out.id, exec(prim, args, e.params as never, out.shape, out.dtype));
            owned.add(out.id);
          }
        }
        for (const a of e.inputs.map(source))
          if (!isLiteral(a) && owned.has(a.id) && lastUse.get(a.id) === k && !outIds.has(a.id)) {
            disposeHandle(env.get(a.id) as TfHandle);
            owned.delete(a.id);
          }
      });
      return program.outputs.map((o) => {
        if (isLiteral(o)) {
          const v = allocate(o.dtype, 1);
          v[0] = o.literal;
          return create(v, o.dtype);
        }
        const b = env.get(o.id);
        // An output that is a program input or constant gets its own buffer so callers may dispose it.
        return owned.has(o.id) || !(inputIds.has(o.id) || consts?.has(o.id))
          ? b
          : exec(getPrimitive("stopGradient"), [read(o)], {} as never, o.shape, o.dtype);
      });
    };
  };

  const backend: TfjsBackend = {
    name,
    native: [...table.keys()].sort(),
    fallbacks: mode === "js" ? missing : [],
    syncRead,
    create,
    read: async (buf, dtype) => {
      if (ArrayBuffer.isView(buf)) return buf as TypedArray;
      const t = liveTensor(buf as TfHandle, "data()");
      return fromTfData((await t.data()) as unknown as ArrayLike<number>, dtype);
    },
    dispose: (buf) => {
      if (isHandle(buf)) disposeHandle(buf);
    },
    exec,
    compile,
    readSync,
    numBytes: () => tf.memory().numBytes,
    numTensors: () => tf.memory().numTensors,
  };
  return backend;
}
