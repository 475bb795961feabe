/**
 * Long row loops as block functions.
 *
 * A compiled potential over large data runs one long loop (100,000 rows, say) once per call. V8 reaches
 * optimised code for such a function only through on-stack replacement (OSR) of the loop in the middle of a
 * call, and which code the function then settles in depends on timing: in some processes the function's own
 * optimised code is thrown away (compiled before its code after the loop had type feedback) and never rebuilt,
 * since iterations in OSR code no longer count towards tiering, and every call then enters the interpreter
 * and the OSR'd loop: the same potential ran 2.5× slower in some processes than in others. So a top-level
 * loop of at least {@link BLOCK_ABOVE} iterations becomes a function over a block of rows, `(lo, hi, …)`, that
 * `run` calls for consecutive blocks of {@link BLOCK_ROWS} rows: called many times per evaluation, it is
 * optimised as a whole function with complete feedback, like any small hot function. The top-level locals
 * the loop reads or updates (accumulators) travel through one preallocated Float64Array per loop, so nothing
 * is allocated per call and the sums are taken in the same order as in one loop (results are bit-identical).
 */

/**
 * Top-level loops of at least this many iterations are cut into blocks (and so reach the WebAssembly SIMD row
 * kernels of `simd-rows.ts`). From about 1,000 rows the SIMD blocks take 0.6–0.7× the time of the one-loop
 * JavaScript (logistic regression, 6 columns: 1,024 to 8,192 rows); below, neither gains.
 */
export const BLOCK_ABOVE = 1024;

/** Rows per block call. */
export const BLOCK_ROWS = 2048;

/** One loop cut into blocks by {@link blockLongLoops} (what `threads.ts` needs to share it out). */
export interface BlockLoop {
  /** The block function's name, `blockK`. */
  readonly fn: string;
  /** Its scratch array, `RK`: slot j holds `used[j]`. */
  readonly scratch: string;
  /** The loop's rows, [lo, hi). */
  readonly lo: number;
  readonly hi: number;
  /** Top-level locals the loop reads or updates, in slot order, and those it updates. */
  readonly used: readonly string[];
  readonly written: readonly string[];
  /** The loop's body lines. */
  readonly inner: readonly string[];
  /** Index in the returned `body` of the line that calls the block function over all blocks. */
  readonly line: number;
}

const LOOP = /^for \(let i = (\d+); i < (\d+); i\+\+\) \{$/;
// top-level numeric locals of generated code (as in chunk.ts): scalars, matvec operands and accumulators
const SCALAR = /^(?:s\d+|[vw]\d+_\d+)$/;
const IDENT = /[A-Za-z_$][\w$]*/g;
const DECL_NAME = /(?:^(?:const|let) |, )([A-Za-z_$][\w$]*) = /g;

function braceDelta(line: string): number {
  let d = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 123) d++;
    else if (c === 125) d--;
  }
  return d;
}

/**
 * Rewrites each top-level `for (let i = a; i < b; i++) { … }` of `body` with `b − a ≥ blockAbove` into calls
 * of a block function over `blockRows` rows at a time.
 * @param body - the lines of `run`'s body, in order.
 * @param params - `run`'s parameter list, e.g. `"a0, o1"`, passed on to each block function.
 * @param blockAbove - the least trip count that is cut into blocks.
 * @param blockRows - the rows per block call.
 * @returns `factory` lines (scratch arrays and block functions) and the new body; `factory` is empty and
 *   `body` unchanged when no loop qualifies.
 */
export function blockLongLoops(
  body: readonly string[],
  params: string,
  blockAbove: number = BLOCK_ABOVE,
  blockRows: number = BLOCK_ROWS,
): { factory: string[]; body: string[]; loops: BlockLoop[] } {
  const lines = body.flatMap((l) => l.split("\n"));
  const factory: string[] = [];
  const out: string[] = [];
  const declared = new Set<string>();
  const loops: BlockLoop[] = [];
  let depth = 0;
  let k = 0;
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at] as string;
    const m = depth === 0 ? LOOP.exec(line) : null;
    const lo = m === null ? 0 : Number(m[1]);
    const hi = m === null ? 0 : Number(m[2]);
    if (m === null || hi - lo < blockAbove) {
      if (depth === 0 && (line.startsWith("const ") || line.startsWith("let ")))
        for (const d of line.matchAll(DECL_NAME)) declared.add(d[1] as string);
      out.push(line);
      depth += braceDelta(line);
      continue;
    }
    // the loop's body: up to the brace that closes the loop
    const inner: string[] = [];
    let d = 1;
    let end = at + 1;
    for (; end < lines.length; end++) {
      const l = lines[end] as string;
      d += braceDelta(l);
      if (d === 0) break;
      inner.push(l);
    }
    const text = inner.join("\n");
    if (end >= lines.length || /\b(?:return|break|continue|arguments|this)\b/.test(text)) {
      // not a plain loop: left as it is
      out.push(line);
      depth += braceDelta(line);
      continue;
    }
    const used = [...new Set(text.match(IDENT) ?? [])].filter((s) => declared.has(s));
    if (!used.every((s) => SCALAR.test(s))) {
      // a top-level local that may not be a number (an array view): left as it is
      out.push(line);
      depth += braceDelta(line);
      continue;
    }
    const written = used.filter((s) =>
      new RegExp(`(?:^|[^\\w$.])${s.replace(/\$/g, "\\$")}\\s*(?:[-+*/%]?=(?!=)|\\+\\+|--)`).test(text),
    );
    const scratch = `R${k}`;
    const fn = `block${k}`;
    const slot = new Map(used.map((s, j) => [s, j]));
    factory.push(
      `const ${scratch} = new Float64Array(${Math.max(1, used.length)});`,
      `function ${fn}(lo, hi${params === "" ? "" : `, ${params}`}) {`,
      ...used.map((s) => `let ${s} = ${scratch}[${slot.get(s)}];`),
      "for (let i = lo; i < hi; i++) {",
      ...inner,
      "}",
      ...written.map((s) => `${scratch}[${slot.get(s)}] = ${s};`),
      "}",
    );
    loops.push({ fn, scratch, lo, hi, used, written, inner, line: out.length + used.length });
    out.push(
      ...used.map((s) => `${scratch}[${slot.get(s)}] = ${s};`),
      `for (let b = ${lo}; b < ${hi}; b += ${blockRows}) ${fn}(b, b + ${blockRows} < ${hi} ? b + ${blockRows} : ${hi}${params === "" ? "" : `, ${params}`});`,
      ...written.map((s) => `${s} = ${scratch}[${slot.get(s)}];`),
    );
    at = end;
    k++;
  }
  return { factory, body: out, loops };
}
