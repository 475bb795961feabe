/**
 * `compileValueAndGrad`: the hot path of inference. Traces `f: z ↦ scalar` once on an abstract float64
 * vector, differentiates it in the same trace, simplifies the program and compiles it into one
 * allocation-free function `(z, grad) => f(z)` that writes ∇f(z) into `grad`.
 */
import {
  batchProgram,
  type DType,
  interpretProgram,
  PhloxError,
  type Program,
  ShapeError,
  simplify,
  stageValueAndGrad,
  type Tensor,
  type TypedArray,
  warn,
} from "@phlox/tensor";
import { type CompiledJsProgram, compileProgram, loadCompiled, type SerializedProgram } from "./compile.js";

/** Shape and dtype of an extra, non-differentiated input (data, a PRNG key). */
export interface ExtraInput {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Options of {@link compileValueAndGrad}. */
export interface CompileValueAndGradOptions {
  /**
   * Extra inputs passed to `f` after `z` and to `fn` after `grad`, not differentiated; e.g.
   * `[{ shape: [2], dtype: "uint32" }]` for a PRNG key in SVI.
   */
  readonly extraInputs?: readonly ExtraInput[];
  /** `false` runs the program through the IR interpreter (no `new Function`, for strict CSP). */
  readonly codegen?: boolean;
  /**
   * `false` keeps long row loops JavaScript instead of WebAssembly SIMD kernels (default true where the engine
   * supports SIMD; see `compileProgram`).
   */
  readonly simd?: boolean;
  /**
   * `"float32"`: the data that long row loops read (a design matrix, observations) are rounded to float32 and
   * held as float32 by the SIMD kernels, halving the memory traffic. Precision contract: matrix–vector products
   * and every sum over rows (the value, the gradient) accumulate in float64; the per-row elementwise chain of
   * the SIMD kernel (the likelihood term and its derivative: exp, log1p, …) runs in float32, four rows per
   * instruction. The result is the float64 potential of the float32-rounded data to about 1e-6 relative
   * (value, and gradient relative to its largest component), deterministic for given inputs; where the
   * SIMD kernel does not run, the JavaScript loop computes the float64 potential of the rounded data exactly.
   * Default `"float64"`.
   */
  readonly dataDtype?: "float64" | "float32";
  /**
   * Threads per call, or "auto" (default: `setThreads`'s setting, 1 unless changed): the log-density's long
   * row loops (sums over data rows) split across them; see `setThreads`.
   */
  readonly threads?: number | "auto";
  /** Loops of fewer rows stay on the calling thread (default: `setThreads`'s `minRows`). */
  readonly threadMinRows?: number;
}

/** f(z) returned, ∇f(z) written into `grad`; extra inputs (if any) follow `grad`. */
export type ValueAndGradFn = (z: Float64Array, grad: Float64Array, ...extra: TypedArray[]) => number;

/**
 * f and ∇f at `n` points at once: row i of `zs` (shape [n·dim], row-major) is one point; f there is written
 * into `values[i]` and ∇f into row i of `grads` ([n·dim]). Extra inputs (if any) follow `values` and are
 * shared by all rows.
 */
export type BatchedValueAndGradFn = (
  zs: Float64Array,
  grads: Float64Array,
  values: Float64Array,
  ...extra: TypedArray[]
) => void;

/** The JSON form of a compiled potential: rebuild it with {@link loadPotential}. */
export interface SerializedPotential {
  readonly format: "phlox-potential";
  readonly version: 1;
  readonly dim: number;
  readonly extraInputs: readonly ExtraInput[];
  readonly program: SerializedProgram;
}

/** What {@link compileValueAndGrad} returns. */
export interface CompiledPotential {
  /** `(z, grad, ...extra) => f(z)`; writes ∇f(z) into `grad`, allocates nothing when compiled. */
  readonly fn: ValueAndGradFn;
  /** The simplified IR program (outputs: value, gradient). */
  readonly program: Program;
  /** The generated code, or null when running through the interpreter. */
  readonly compiled: CompiledJsProgram | null;
  /** A JSON-safe form for workers ({@link loadPotential}); throws when running through the interpreter. */
  toJSON(): SerializedPotential;
  /**
   * The same value and gradient at `n` points in one call: the program vmapped over a leading axis of `z`
   * (extra inputs shared), simplified and compiled once per `n` (cached). Row i gives bit-for-bit what `fn`
   * gives at that point: vectorized MCMC chains evaluate every chain's leapfrog step with one call.
   * @throws ShapeError when `n` is not a positive integer.
   */
  batched(n: number): BatchedValueAndGradFn;
}

function fromRaw(c: CompiledJsProgram): ValueAndGradFn {
  // raw's parameters are already (z, grad, ...extra): no wrapper call in the hot path
  return c.raw as unknown as ValueAndGradFn;
}

function interpreted(program: Program): ValueAndGradFn {
  return (z, grad, ...ex) => {
    const [v, g] = interpretProgram(program, [z, ...ex]);
    grad.set(g as Float64Array);
    return (v as TypedArray)[0] as number;
  };
}

/**
 * Compiles the value and gradient of a scalar function of a flat float64 vector.
 * @param f - maps `z` (shape `[dim]`, float64) and the extra inputs to a one-element float tensor.
 * @param dim - length of `z`.
 * @param options - `extraInputs` (non-differentiated inputs after `z`), `codegen: false` for strict CSP.
 * @returns `{ fn, program, compiled, toJSON }`; `fn(z, grad, ...extra)` returns f(z) and writes ∇f(z) into
 *   `grad` (length `dim`) without allocating. Where code generation fails (`new Function` forbidden by a strict
 *   CSP, a primitive without a code generator), `fn` runs the IR interpreter, with one warning.
 * @throws ConcretizationError (unchanged from tracing) when `f` reads a traced value, e.g. branches on it:
 *   catch it and fall back to eager autodiff. ShapeError when `f` does not return one element or `dim` is
 *   not a positive integer.
 * @example
 * const { fn } = compileValueAndGrad((z) => z.mul(z).sum().mul(0.5), 3);
 * const g = new Float64Array(3);
 * fn(new Float64Array([1, 2, 3]), g); // → 7 (g = [1, 2, 3])
 */
export function compileValueAndGrad(
  f: (z: Tensor, ...extra: Tensor[]) => Tensor,
  dim: number,
  options: CompileValueAndGradOptions = {},
): CompiledPotential {
  if (!Number.isInteger(dim) || dim < 1)
    throw new ShapeError(
      "potential-dim",
      `compileValueAndGrad: dim must be a positive integer (the length of z), got ${dim}.`,
    );
  const extras = options.extraInputs ?? [];
  const program = simplify(stageValueAndGrad(f, dim, extras));
  const threadOpts = {
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.threadMinRows === undefined ? {} : { threadMinRows: options.threadMinRows }),
  };
  let compiled: CompiledJsProgram | null = null;
  if (options.codegen !== false) {
    try {
      compiled = compileProgram(program, {
        returnFirstScalar: true,
        argOrder: "potential",
        ...threadOpts,
        ...(options.simd === undefined ? {} : { simd: options.simd }),
        ...(options.dataDtype === undefined ? {} : { dataDtype: options.dataDtype }),
      });
    } catch (e) {
      // EvalError: `new Function` forbidden (strict CSP); otherwise a primitive without a code generator.
      warn(
        "compile-value-and-grad-interpreted",
        `compileValueAndGrad: code generation failed (${(e as Error).message}); running the IR interpreter instead.`,
      );
    }
  }
  const fn = compiled === null ? interpreted(program) : fromRaw(compiled);
  const batches = new Map<number, BatchedValueAndGradFn>();
  return {
    fn,
    program,
    compiled,
    batched(n: number): BatchedValueAndGradFn {
      let b = batches.get(n);
      if (b === undefined) {
        b = compileBatched(program, n, compiled !== null, threadOpts);
        batches.set(n, b);
      }
      return b;
    },
    toJSON(): SerializedPotential {
      if (compiled === null)
        throw new PhloxError(
          "potential-not-serialisable",
          "compileValueAndGrad: this potential runs through the interpreter and has no serialisable code.",
        );
      return { format: "phlox-potential", version: 1, dim, extraInputs: extras, program: compiled.toJSON() };
    },
  };
}

/** {@link CompiledPotential.batched}: the vmapped program, compiled (or interpreted, as `fn` is). */
function compileBatched(
  program: Program,
  n: number,
  codegen: boolean,
  threadOpts: Pick<CompileValueAndGradOptions, "threads" | "threadMinRows">,
): BatchedValueAndGradFn {
  const mapped = program.inputs.map((_, k) => k === 0);
  const batched = simplify(batchProgram(program, n, mapped));
  if (codegen) {
    // Inputs first: raw(zs, ...extra, values, grads).
    const raw = compileProgram(batched, threadOpts).raw as unknown as (...a: TypedArray[]) => void;
    if (program.inputs.length === 1) return (zs, grads, values) => raw(zs, values, grads) as undefined;
    return (zs, grads, values, ...extra) => raw(zs, ...extra, values, grads) as undefined;
  }
  return (zs, grads, values, ...extra) => {
    const [v, g] = interpretProgram(batched, [zs, ...extra]);
    values.set(v as Float64Array);
    grads.set(g as Float64Array);
  };
}

/**
 * Rebuilds a potential from {@link CompiledPotential.toJSON} output (or its JSON string), e.g. inside a
 * worker thread, without the model's closure.
 * @returns `(z, grad, ...extra) => value`, writing the gradient into `grad`.
 * @throws Error when `json` is not a serialised potential.
 * @example
 * const fn = loadPotential(JSON.parse(text));
 * fn(z, grad);
 */
export function loadPotential(json: SerializedPotential | string): ValueAndGradFn {
  let j: SerializedPotential;
  try {
    j = (typeof json === "string" ? JSON.parse(json) : json) as SerializedPotential;
  } catch (e) {
    throw new PhloxError(
      "load-potential-format",
      `loadPotential: the text is not JSON (${(e as Error).message}).`,
    );
  }
  if (j === null || j.format !== "phlox-potential" || j.version !== 1)
    throw new PhloxError(
      "load-potential-format",
      'loadPotential: not a serialised potential (expected format "phlox-potential", version 1).',
    );
  return fromRaw(loadCompiled(j.program));
}
