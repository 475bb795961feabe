/**
 * Splitting of long generated bodies into several functions.
 *
 * V8 does not optimise a function whose bytecode exceeds a limit (about 60 KB): a traced JavaScript loop
 * (a GARCH recurrence of 200 steps, say) unrolls into thousands of scalar statements, and one function
 * holding them all runs in the interpreter, about ten times slower than optimised code. So a long body is
 * cut, at top-level statement boundaries, into chunks of at most `maxLines` lines, each its own function
 * taking `run`'s parameters; top-level locals (scalars) live across chunks in one preallocated Float64Array.
 */

/**
 * The default chunk length in lines: well under V8's bytecode limit for optimisation, and short enough that
 * TurboFan compiles each chunk soon (long chunks stay in the interpreter for seconds on a busy machine).
 */
export const CHUNK_LINES = 150;

/** Bodies up to this many lines stay one function. */
export const SPLIT_ABOVE_LINES = 1000;

// top-level locals of generated code: scalars sN, hoisted matvec operands wN_p, matvec accumulators vN_p
const SCALAR = /\b(?:s\d+|[vw]\d+_\d+)\b/g;
const DECL_NAME = /\b(s\d+|[vw]\d+_\d+) = /g;

interface Chunk {
  lines: string[];
  declared: Set<string>;
  used: Set<string>;
}

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
 * Cuts `body` (the statements of `run`, then `return expr;` when `ret` is given) into chunk functions.
 * @param body - top-level and nested lines of `run`'s body, in order (no `return`).
 * @param params - `run`'s parameter list, e.g. `"a0, o1"`.
 * @param ret - the returned expression, or null.
 * @param maxLines - the largest chunk length.
 * @param splitAbove - bodies of at most this many lines (or 1.5 `maxLines`) stay one function.
 * @returns `factory` lines (the scratch array and the chunk functions) and `run`'s new body, or null when
 *   `body` is short enough to stay one function.
 */
export function splitIntoChunks(
  body: readonly string[],
  params: string,
  ret: string | null,
  maxLines: number = CHUNK_LINES,
  splitAbove: number = SPLIT_ABOVE_LINES,
): { factory: string[]; run: string[] } | null {
  const lines = body.flatMap((l) => l.split("\n"));
  if (lines.length <= Math.max(splitAbove, maxLines * 1.5)) return null;
  const chunks: Chunk[] = [];
  let cur: Chunk = { lines: [], declared: new Set(), used: new Set() };
  let depth = 0;
  for (const line of lines) {
    if (depth === 0 && cur.lines.length >= maxLines) {
      chunks.push(cur);
      cur = { lines: [], declared: new Set(), used: new Set() };
    }
    cur.lines.push(line);
    if (depth === 0 && (line.startsWith("const ") || line.startsWith("let ")))
      for (const m of line.matchAll(DECL_NAME)) cur.declared.add(m[1] as string);
    for (const s of line.match(SCALAR) ?? []) cur.used.add(s);
    depth += braceDelta(line);
  }
  if (ret !== null) for (const s of ret.match(SCALAR) ?? []) cur.used.add(s);
  chunks.push(cur);
  if (chunks.length < 2) return null;
  // usedLater[k]: scalars read by chunks after k
  const usedLater: Set<string>[] = chunks.map(() => new Set());
  for (let k = chunks.length - 2; k >= 0; k--) {
    const next = chunks[k + 1] as Chunk;
    usedLater[k] = new Set([...(usedLater[k + 1] as Set<string>), ...next.used]);
  }
  const slot = new Map<string, number>();
  const slotOf = (s: string): number => {
    let k = slot.get(s);
    if (k === undefined) {
      k = slot.size;
      slot.set(s, k);
    }
    return k;
  };
  const factory: string[] = [];
  const calls: string[] = [];
  chunks.forEach((c, k) => {
    const imports = [...c.used].filter((s) => !c.declared.has(s));
    const live = new Set([...c.declared, ...imports]);
    const exports = [...live].filter((s) => (usedLater[k] as Set<string>).has(s));
    const last = k === chunks.length - 1;
    factory.push(
      `function part${k}(${params}) {`,
      ...imports.map((s) => `let ${s} = S[${slotOf(s)}];`),
      ...c.lines,
      ...exports.map((s) => `S[${slotOf(s)}] = ${s};`),
      last && ret !== null ? `return ${ret};` : "",
      "}",
    );
    calls.push(last && ret !== null ? `return part${k}(${params});` : `part${k}(${params});`);
  });
  return {
    factory: [`const S = new Float64Array(${Math.max(1, slot.size)});`, ...factory.filter((l) => l !== "")],
    run: calls,
  };
}
