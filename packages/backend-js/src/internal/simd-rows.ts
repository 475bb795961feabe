/**
 * WebAssembly SIMD row kernels for the block functions of long row loops (`blocks.ts`).
 *
 * A block function whose body `simd-parse.ts` reads back (row loads of a matrix constant, matrix–vector dot
 * products, elementwise statements, transposed accumulations) becomes one WebAssembly function over the same
 * rows `[lo, hi)`, in three passes over the block (2048 rows, which stay in the L2 cache between the passes):
 * 1. the dot products `X[i,:]·w` of each row, two columns per f64x2 instruction, summed as a pairwise tree,
 *    two rows per iteration (their last horizontal sums joined in one f64x2 add and store);
 * 2. the elementwise statements on two rows at a time (one per lane), accumulations in two lanes (even and
 *    odd rows) added at the end of the block, and exp/log/log1p from `simd-math.ts` (`log1p(exp(−|y|))`, the
 *    softplus of logistic and Bernoulli-logit densities, with the shorter log1p on [0, 1]);
 * 3. the transposed products `g += X[i,:]ᵀ·u_i`, two columns per instruction, row after row (two rows per
 *    iteration).
 * The data constants are copied once into the module's memory when the program is built.
 *
 * Summation order: pass 3 adds in the same order as the JavaScript block (bit-identical gradients from it);
 * the dot products of pass 1 (pairwise instead of left to right) and the accumulations of pass 2 (even and odd
 * rows apart) differ, and exp/log/log1p are within 2 ulp of `Math`'s; so results agree with the JavaScript
 * kernel to about 1e-14 relative, and are the same on every call (deterministic).
 *
 * Float32 data (`dataDtype: "float32"`): the constants are stored as float32; the dot products of pass 1 and
 * the transposed products of pass 3 widen them to float64 and accumulate in float64 as above, while pass 2
 * runs the elementwise statements in float32 on four rows at a time (f32x4, exp/log/log1p from
 * `simd-math-f32.ts`), its inputs rounded to float32 and its accumulations (the cross-row sums) widened and
 * added in float64. Each row's terms so carry float32 rounding (a few 1e-7 relative): the value and gradient
 * agree with the float64 potential of the rounded data to about 1e-6 relative (the tests ask 1e-5), and are
 * deterministic. The JavaScript fallback computes in float64 on the same rounded data.
 *
 * The generated source keeps the JavaScript block (renamed `blockK_js`) and defines `blockK` through
 * `rt.simdRows`, which falls back to it where WebAssembly SIMD does not validate, where compiling the module
 * fails (a browser's main thread refusing a large synchronous compile, say) or when SIMD is switched off.
 */
import { decodeBase64, encodeBase64 } from "./base64.js";
import { engineIndependentMath } from "./elementwise.js";
import { emitBlockModule, type SimdLayout } from "./simd-emit.js";
import { parseBlock } from "./simd-parse.js";
import { wasmSimdSupported } from "./wasm-emit.js";

export { emitBlockModule, type SimdLayout } from "./simd-emit.js";

let forcedOff = false;

/**
 * Switches the SIMD kernels off (true) or back on for programs built afterwards (tests, and comparisons with
 * the scalar kernels); `compileProgram(…, { simd: false })` does the same for one program.
 */
export function disableWasmSimd(off: boolean): void {
  forcedOff = off;
}

type BlockFn = (lo: number, hi: number, ...rest: unknown[]) => void;

/**
 * The runtime side (`rt.simdRows` in generated code): instantiates the module of a block program, copies the
 * constants into its memory, and returns `blockK(lo, hi)`, which runs it on the scratch array `R`; returns
 * `fallback` (the JavaScript block) where SIMD is unavailable or switched off, or the module does not compile.
 */
export function simdRows(
  module: string,
  layout: SimdLayout,
  consts: readonly ArrayLike<number>[],
  R: Float64Array,
  fallback: BlockFn,
): BlockFn {
  if (forcedOff || !wasmSimdSupported()) return fallback;
  try {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(module) as BufferSource), {});
    const mem = inst.exports.mem as WebAssembly.Memory;
    layout.consts.forEach((c, j) => {
      const data = consts[j] as ArrayLike<number>;
      if (c.f32) new Float32Array(mem.buffer, c.at, c.n).set(data);
      else new Float64Array(mem.buffer, c.at, c.n).set(data);
    });
    const Rw = new Float64Array(mem.buffer, layout.r, R.length);
    const run = inst.exports.block as (lo: number, hi: number) => void;
    return (lo: number, hi: number): void => {
      Rw.set(R);
      run(lo, hi);
      R.set(Rw);
    };
  } catch {
    return fallback;
  }
}

/** Options of {@link simdBlocks}. */
export interface SimdBlockOptions {
  /** Store the data constants the kernels read as float32 (elementwise pass in float32, sums in float64). */
  readonly f32: boolean;
}

/**
 * Rewrites the factory lines of the block functions (`blockLongLoops`'s `factory`) so that each block the
 * SIMD kernel can run is defined through `rt.simdRows`, keeping the JavaScript block as its fallback.
 * @param factory - the lines from `blockLongLoops`.
 * @param sizes - the element count of each constant `c<k>`.
 * @param f32 - constants to store as float32 in the module's memory.
 */
export function simdBlocks(
  factory: readonly string[],
  sizes: ReadonlyMap<number, number>,
  f32: ReadonlySet<number>,
): string[] {
  const lines = factory.flatMap((l) => l.split("\n"));
  const out: string[] = [];
  for (let at = 0; at < lines.length; at++) {
    const parsed = lines[at]?.startsWith("function block") ? parseBlock(lines, at) : null;
    if (parsed === null) {
      out.push(lines[at] as string);
      continue;
    }
    const { prog, end } = parsed;
    let mod: ReturnType<typeof emitBlockModule>;
    try {
      mod = emitBlockModule(prog, sizes, f32);
    } catch {
      out.push(lines[at] as string);
      continue;
    }
    out.push((lines[at] as string).replace(`function ${prog.name}(`, `function ${prog.name}_js(`));
    out.push(...lines.slice(at + 1, end + 1));
    out.push(
      `const ${prog.name} = rt.simdRows("${encodeBase64(mod.bytes)}", ${JSON.stringify(mod.layout)}, [${mod.layout.consts
        .map((c) => `c${c.c}`)
        .join(", ")}], ${prog.scratch === "" ? "new Float64Array(1)" : prog.scratch}, ${prog.name}_js);`,
    );
    at = end;
  }
  return out;
}

/** A constant of generated code (as in `GeneratedCode.constants`). */
interface ConstantEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  data: ArrayLike<number>;
}

/**
 * The block functions' factory lines after the SIMD rewrite ({@link simdBlocks}, unless `simd` is false) and,
 * for `dataDtype: "float32"`, with the float64 constants the blocks read rounded to float32 in place (so the
 * JavaScript fallback computes on the same data as the kernel, which stores them as float32).
 */
export function simdFactory(
  factory: readonly string[],
  constants: ConstantEntry[],
  opts: { readonly simd?: boolean; readonly dataDtype?: "float64" | "float32" },
): string[] {
  if (factory.length === 0) return [...factory];
  const f32 = new Set<number>();
  if (opts.dataDtype === "float32") {
    const text = factory.join("\n");
    for (const m of text.matchAll(/\bc(\d+)\[/g)) {
      const c = Number(m[1]);
      const entry = constants[c];
      if (entry === undefined || entry.dtype !== "float64" || f32.has(c)) continue;
      f32.add(c);
      entry.data = Float64Array.from(Float32Array.from(entry.data));
    }
  }
  // engine-independent mode promises the same bits on every engine: an engine without SIMD (or refusing the
  // synchronous compile) would run the JavaScript blocks, with another summation order
  if (opts.simd === false || engineIndependentMath()) return [...factory];
  const sizes = new Map(constants.map((c, k) => [k, c.data.length]));
  return simdBlocks(factory, sizes, f32);
}
