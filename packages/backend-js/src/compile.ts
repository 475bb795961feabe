/**
 * `compile`: IR program → one JavaScript function over typed arrays, built with `new Function`, plus
 * its serialisable form (`toJSON`) and `loadCompiled` to rebuild it elsewhere (a worker thread).
 */

import { DtypeError, PhloxError, ShapeError } from "@phlox/tensor";
import { decodeBase64, encodeBase64 } from "./internal/base64.js";
import { type CodegenOptions, generate } from "./internal/codegen.js";
import { defaultRuntime } from "./internal/default-runtime.js";
import type { ArrayDtype } from "./internal/thread-protocol.js";
import { getThreads, resolveThreads, threadedLoops } from "./internal/threads.js";
import type { ArgSpec, IRProgram, IRTypedArray } from "./ir.js";
import { sizeOf } from "./ir.js";

/** The JSON form of a compiled program: source text, constant buffers (base64) and signature. */
export interface SerializedProgram {
  readonly format: "phlox-js-program";
  readonly version: 1;
  readonly source: string;
  readonly constants: readonly {
    readonly dtype: string;
    readonly shape: readonly number[];
    readonly data: string;
  }[];
  readonly inputs: readonly ArgSpec[];
  readonly outputs: readonly ArgSpec[];
  readonly returnFirstScalar: boolean;
  readonly argOrder?: "inputs-first" | "potential";
  /** Threads of a program with shared loops (see {@link CompileOptions.threads}); absent: one. */
  readonly threads?: { readonly count: number; readonly minRows: number };
}

/** The raw compiled function: inputs, then output arrays (output 0 is returned instead when `returnFirstScalar`). */
export type RawProgramFn = (...arrays: IRTypedArray[]) => number | undefined;

/** A compiled program. */
export interface CompiledJsProgram {
  /** The generated JavaScript (the body of the factory). */
  readonly source: string;
  /** Input shapes and dtypes, in order. */
  readonly inputs: readonly ArgSpec[];
  /** Output shapes and dtypes, in order. */
  readonly outputs: readonly ArgSpec[];
  /** True when `raw` returns output 0 instead of writing it. */
  readonly returnFirstScalar: boolean;
  /** Parameter order of `raw`: inputs then outputs, or (`"potential"`) input 0, outputs, other inputs. */
  readonly argOrder: "inputs-first" | "potential";
  /** The allocation-free function: `raw(in₀, …, out₀, …)`. */
  readonly raw: RawProgramFn;
  /** Runs the program on input arrays, allocating fresh output arrays. */
  call(inputs: readonly IRTypedArray[]): IRTypedArray[];
  /**
   * {@link CompiledJsProgram.call} writing into caller-owned arrays, one per output in order, each of its
   * output's size (a scalar output is a one-element array): nothing is allocated per call but the
   * argument list, so a loop over thousands of points stays cheap.
   * @throws Error if the number of inputs or outputs is wrong.
   */
  callInto(inputs: readonly IRTypedArray[], outputs: readonly IRTypedArray[]): void;
  /** A JSON-safe description from which {@link loadCompiled} rebuilds the same function. */
  toJSON(): SerializedProgram;
}

/** Options of {@link compileProgram}. */
export interface CompileOptions extends Omit<CodegenOptions, "rows" | "shareLoops"> {
  /**
   * Threads per call (the calling thread included), or "auto" for all logical processors: long row loops
   * whose results are sums are split across them (see `setThreads`, whose setting is the default).
   */
  readonly threads?: number | "auto";
  /** Loops of fewer rows stay on the calling thread (default: `setThreads`'s `minRows`). */
  readonly threadMinRows?: number;
}

const CTORS = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bool: Uint8Array,
} as const;

/** A typed array of `n` elements of `dtype`. */
export function allocateArray(dtype: string, n: number): IRTypedArray {
  const C = CTORS[dtype as keyof typeof CTORS];
  if (C === undefined) throw new DtypeError("unsupported-dtype", `backend-js: unsupported dtype "${dtype}"`);
  return new C(n);
}

const toTyped = (dtype: string, data: ArrayLike<number>): IRTypedArray => {
  const C = CTORS[dtype as keyof typeof CTORS];
  return data instanceof C ? (data as IRTypedArray) : (C.from(data as ArrayLike<number>) as IRTypedArray);
};

/** Counts built programs, so each one's factory source is unique (see {@link build}). */
let built = 0;

function build(source: string, constants: readonly IRTypedArray[], runtime: object): RawProgramFn {
  const params = ["rt", ...constants.map((_, k) => `c${k}`)];
  // A unique trailing comment keeps V8 from handing the same source, compiled again (the model's potential
  // for initializeModel, then for SVI or a worker), the cached function of the first build: closures that
  // share it share type feedback and optimised code, which then deoptimises and reoptimises in a cycle, or
  // settles unspecialised to either closure's constants (the logistic potential ran 2× slower in some
  // processes). Each build gets its own function and tiers up on its own.
  built++;
  const factory = new Function(...params, `${source}\n// phlox program ${built}`) as (
    ...args: unknown[]
  ) => RawProgramFn;
  return factory(runtime, ...constants);
}

function wrap(
  source: string,
  constants: readonly { dtype: string; shape: readonly number[]; data: IRTypedArray }[],
  inputs: readonly ArgSpec[],
  outputs: readonly ArgSpec[],
  returnFirstScalar: boolean,
  argOrder: "inputs-first" | "potential",
  runtime: object,
  threads?: { readonly count: number; readonly minRows: number },
): CompiledJsProgram {
  const raw = build(
    source,
    constants.map((c) => c.data),
    runtime,
  );
  return {
    source,
    inputs,
    outputs,
    returnFirstScalar,
    argOrder,
    raw,
    call(ins: readonly IRTypedArray[]): IRTypedArray[] {
      const outs = outputs.map((o) => allocateArray(o.dtype, sizeOf(o.shape)));
      this.callInto(ins, outs);
      return outs;
    },
    callInto(ins: readonly IRTypedArray[], outs: readonly IRTypedArray[]): void {
      if (ins.length !== inputs.length)
        throw new ShapeError(
          "compiled-arity",
          `compiled program: expected ${inputs.length} inputs, got ${ins.length}`,
        );
      if (outs.length !== outputs.length)
        throw new ShapeError(
          "compiled-arity",
          `compiled program: expected ${outputs.length} output arrays, got ${outs.length}`,
        );
      // The raw function's arguments: inputs then written outputs, or (potential order) the first input,
      // the written outputs, the other inputs. Output 0 is returned instead of written for returnFirstScalar.
      const args: IRTypedArray[] = [];
      const first = returnFirstScalar ? 1 : 0;
      const lead = argOrder === "potential" ? Math.min(1, ins.length) : ins.length;
      for (let k = 0; k < lead; k++) args.push(ins[k]);
      for (let k = first; k < outs.length; k++) args.push(outs[k]);
      for (let k = lead; k < ins.length; k++) args.push(ins[k]);
      const r = raw.apply(undefined, args);
      if (returnFirstScalar) outs[0][0] = r as number;
    },
    toJSON(): SerializedProgram {
      return {
        format: "phlox-js-program",
        version: 1,
        source,
        constants: constants.map((c) => ({
          dtype: c.dtype,
          shape: [...c.shape],
          data: encodeBase64(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength)),
        })),
        inputs,
        outputs,
        returnFirstScalar,
        argOrder,
        ...(threads === undefined ? {} : { threads }),
      };
    },
  };
}

/** A copy of `a` in a SharedArrayBuffer (that worker threads can read). */
function shared(a: IRTypedArray): IRTypedArray {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const C = a.constructor as new (b: SharedArrayBuffer) => IRTypedArray;
  const out = new C(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * `wrap` for a program that may have shared loops: with them (and threads > 1), its constants move into
 * SharedArrayBuffers and its runtime gains `__threads` (`internal/threads.ts`).
 */
function wrapThreaded(
  source: string,
  sharedLoops: number,
  constants: readonly { dtype: string; shape: readonly number[]; data: IRTypedArray }[],
  inputs: readonly ArgSpec[],
  outputs: readonly ArgSpec[],
  returnFirstScalar: boolean,
  argOrder: "inputs-first" | "potential",
  threads: { readonly count: number; readonly minRows: number },
): CompiledJsProgram {
  if (sharedLoops === 0 || threads.count < 2 || typeof SharedArrayBuffer === "undefined")
    return wrap(
      source,
      constants,
      inputs,
      outputs,
      returnFirstScalar,
      argOrder,
      threadlessRuntime(),
      threads,
    );
  const consts = constants.map((c) => ({ ...c, data: shared(c.data) }));
  const ins = inputs.map((a) => ({
    kind: "in" as const,
    dtype: a.dtype as ArrayDtype,
    size: sizeOf(a.shape),
  }));
  const outs = outputs
    .slice(returnFirstScalar ? 1 : 0)
    .map((a) => ({ kind: "out" as const, dtype: a.dtype as ArrayDtype, size: sizeOf(a.shape) }));
  const args = argOrder === "potential" ? [...ins.slice(0, 1), ...outs, ...ins.slice(1)] : [...ins, ...outs];
  const runtime = {
    ...defaultRuntime(),
    __threads: threadedLoops({
      source,
      constants: consts.map((c) => c.data),
      args,
      threads: threads.count,
      minRows: threads.minRows,
    }),
  };
  return wrap(source, consts, inputs, outputs, returnFirstScalar, argOrder, runtime, threads);
}

/** The runtime of a program with shared loops run on one thread. */
function threadlessRuntime(): object {
  return {
    ...defaultRuntime(),
    __threads: threadedLoops({ source: "", constants: [], args: [], threads: 1, minRows: 1 }),
  };
}

/**
 * Compiles an IR program into one JavaScript function (scalars as locals, elementwise chains fused
 * into loops, full reductions fused with their producers, captured data as constants).
 * @param program - a `Program` from `@phlox/tensor` (`makeProgram`, after `simplify`).
 * @param options - `returnFirstScalar`: `raw` returns output 0 (one element) instead of writing it;
 *   `argOrder: "potential"`: `raw(in₀, out…, in₁…)`.
 * @returns the compiled program; `raw` allocates nothing per call.
 * @throws Error naming the primitive when one has no code generator; EvalError where `new Function`
 *   is forbidden (strict CSP) — fall back to the IR interpreter then.
 * @example
 * const c = compileProgram(program);
 * c.call([new Float64Array([1, 2])]); // → [Float64Array [...]]
 */
export function compileProgram(program: IRProgram, options: CompileOptions = {}): CompiledJsProgram {
  const { threads: t, threadMinRows, ...codegen } = options;
  const settings = getThreads();
  const count = resolveThreads(t ?? settings.threads, "compileProgram");
  const g = generate(program, { ...codegen, shareLoops: count > 1 });
  const consts = g.constants.map((c) => ({ dtype: c.dtype, shape: c.shape, data: toTyped(c.dtype, c.data) }));
  if ((g.sharedLoops ?? 0) === 0)
    return wrap(g.source, consts, g.inputs, g.outputs, g.returnFirstScalar, g.argOrder, defaultRuntime());
  const minRows = threadMinRows ?? settings.minRows;
  return wrapThreaded(
    g.source,
    g.sharedLoops ?? 0,
    consts,
    g.inputs,
    g.outputs,
    g.returnFirstScalar,
    g.argOrder,
    {
      count,
      minRows,
    },
  );
}

/** A program compiled row-wise by {@link compileRows}. */
export interface CompiledRowsProgram {
  /** The generated JavaScript (the body of the factory). */
  readonly source: string;
  /** The input's shape and dtype (one row). */
  readonly input: ArgSpec;
  /** Output shapes and dtypes (of one row), in order. */
  readonly outputs: readonly ArgSpec[];
  /**
   * Evaluates the program on each of `n` rows stacked in `rows` [n·size(input)], writing output k of row r at
   * `outputs[k][r·size_k …]` (typed arrays of the outputs' dtypes, of at least n·size_k elements; by default
   * new ones).
   * @returns the output arrays.
   * @throws Error when `rows` holds fewer than n rows, or an output array has the wrong type or length.
   */
  run(rows: IRTypedArray, n: number, outputs?: readonly IRTypedArray[]): IRTypedArray[];
}

/**
 * Compiles a one-input IR program into one function that evaluates it on many rows in a single loop (the
 * one-call code of {@link compileProgram} per row, without a call per row): mapping thousands of posterior
 * draws through a model's deterministic sites, say.
 * @param program - a `Program` with exactly one input (simplify it first with `simplify` from `@phlox/tensor`).
 * @param options - `chunkLines`, as for {@link compileProgram}.
 * @returns the compiled program.
 * @throws Error when the program has more or fewer than one input, or a primitive has no code generator;
 *   EvalError where `new Function` is forbidden.
 * @example
 * const c = compileRows(program); // program: z [2] ↦ exp(z)
 * c.run(new Float64Array([0, 1, 2, 3]), 2)[0]; // → Float64Array [1, e, e², e³]
 */
export function compileRows(
  program: IRProgram,
  options: Pick<CompileOptions, "chunkLines"> = {},
): CompiledRowsProgram {
  const g = generate(program, { ...options, rows: true });
  const raw = build(
    g.source,
    g.constants.map((c) => toTyped(c.dtype, c.data)),
    defaultRuntime(),
  ) as unknown as (rows: IRTypedArray, n: number, ...outputs: IRTypedArray[]) => void;
  const input = g.inputs[0] as ArgSpec;
  const outputs = g.outputs;
  return {
    source: g.source,
    input,
    outputs,
    run(rows: IRTypedArray, n: number, outs?: readonly IRTypedArray[]): IRTypedArray[] {
      const d = sizeOf(input.shape);
      if (!Number.isInteger(n) || n < 0 || rows.length < n * d)
        throw new ShapeError(
          "compile-rows-args",
          `compileRows: run needs n (a non-negative integer) rows of ${d} elements, got n = ${n} and ${rows.length} elements.`,
        );
      const o = outs ?? outputs.map((s) => allocateArray(s.dtype, n * sizeOf(s.shape)));
      if (o.length !== outputs.length)
        throw new ShapeError(
          "compile-rows-args",
          `compileRows: expected ${outputs.length} output arrays, got ${o.length}.`,
        );
      for (let k = 0; k < o.length; k++) {
        const s = outputs[k] as ArgSpec;
        const a = o[k] as IRTypedArray;
        if (!(a instanceof CTORS[s.dtype as keyof typeof CTORS]) || a.length < n * sizeOf(s.shape))
          throw new ShapeError(
            "compile-rows-args",
            `compileRows: output ${k} must be a ${s.dtype} typed array of at least ${n * sizeOf(s.shape)} elements.`,
          );
      }
      raw(rows, n, ...o);
      return [...o];
    },
  };
}

/**
 * Rebuilds a compiled program from its {@link SerializedProgram} (or that JSON as a string), e.g. in
 * a worker thread, without the model's closure.
 * @throws Error when the value is not a serialised phlox-js program.
 * @example
 * const again = loadCompiled(JSON.parse(JSON.stringify(compiled)));
 */
export function loadCompiled(json: SerializedProgram | string): CompiledJsProgram {
  let j: SerializedProgram;
  try {
    j = (typeof json === "string" ? JSON.parse(json) : json) as SerializedProgram;
  } catch (e) {
    throw new PhloxError(
      "load-compiled-format",
      `loadCompiled: the text is not JSON (${(e as Error).message}).`,
    );
  }
  if (j === null || j.format !== "phlox-js-program" || j.version !== 1)
    throw new PhloxError(
      "load-compiled-format",
      'loadCompiled: not a serialised phlox-js program (expected format "phlox-js-program", version 1).',
    );
  const consts = j.constants.map((c) => {
    const bytes = decodeBase64(c.data);
    const C = CTORS[c.dtype as keyof typeof CTORS];
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return { dtype: c.dtype, shape: c.shape, data: new C(copy.buffer) as IRTypedArray };
  });
  if (j.threads !== undefined)
    return wrapThreaded(
      j.source,
      j.source.includes("rt.__threads(") ? 1 : 0,
      consts,
      j.inputs,
      j.outputs,
      j.returnFirstScalar,
      j.argOrder ?? "inputs-first",
      j.threads,
    );
  return wrap(
    j.source,
    consts,
    j.inputs,
    j.outputs,
    j.returnFirstScalar,
    j.argOrder ?? "inputs-first",
    defaultRuntime(),
  );
}
