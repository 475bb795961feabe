/**
 * Which block loops ({@link blockLongLoops}) may be shared out across threads, and the code that does it.
 *
 * A loop is shared when every row's work is independent of the others' and its only results are sums: each
 * top-level local it updates is updated only by `name += expr;` (a sum reduction: a value or a gradient
 * accumulator), each output or factory array it writes is written only by scatter-adds `name[k] += expr;` (the
 * gradient of a gather), it reads the inputs, constants and factory arrays only by indexing, and calls only
 * runtime scalars and `Math`. (A loop that stores per-row temporaries for a later loop is not shared.) Such a loop's rows [lo, hi) can run as
 * contiguous ranges in several threads, each from zero accumulators, with the partial sums added in thread
 * order afterwards (`threads.ts`). Any other loop is left as it is, run by the calling thread alone.
 *
 * A shared loop's call `for (let b = lo; b < hi; b += …) blockK(…)` becomes `__par.run(j, lo, hi, …args)`,
 * and the factory gains `const __par = rt.__threads([...])`, listing for each shared loop its block function,
 * scratch array, the scratch slots that are sums, and the factory arrays it reads (copied to the threads at
 * each call).
 */
import type { BlockLoop } from "./blocks.js";

const IDENT = /(?<![\w$.])[A-Za-z_$][\w$]*/g;
const LOCAL_DECL = /\b(?:const|let) ([A-Za-z_$][\w$]*)|, ([A-Za-z_$][\w$]*) = /g;
const FACTORY_ARRAY = /^const ([A-Za-z_$][\w$]*) = new (?:Float64|Float32|Int32|Uint32|Uint8)Array\(\d+\);$/;
const ALLOWED = new Set([
  "i",
  "lo",
  "hi",
  "Math",
  "const",
  "let",
  "for",
  "if",
  "else",
  "true",
  "false",
  "NaN",
  "Infinity",
  "undefined",
]);

/** The end (index of `]`) of the bracket opening at `open`, or −1. */
function closeBracket(text: string, open: number): number {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 91) depth++;
    else if (c === 93 && --depth === 0) return k;
  }
  return -1;
}

/** True when every occurrence of `name` in `text` is an indexed read `name[…]` (never written). */
function onlyIndexedReads(text: string, name: string): boolean {
  const re = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g");
  for (const m of text.matchAll(re)) {
    const open = (m.index as number) + name.length;
    if (text.charCodeAt(open) !== 91) return false;
    const close = closeBracket(text, open);
    if (close < 0) return false;
    if (/^\s*(?:[-+*/%&|^]|<<|>>>?|\*\*)?=(?!=)|^\s*(?:\+\+|--)/.test(text.slice(close + 1))) return false;
  }
  return true;
}

/**
 * True when every occurrence of `name` in `text` is a sum update `name[…] += expr;` (a scatter-add, e.g. the
 * gradient of a gather) with `expr` and the index free of `name`.
 */
function onlyIndexedSums(text: string, name: string): boolean {
  const re = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g");
  const word = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`);
  for (const m of text.matchAll(re)) {
    const open = (m.index as number) + name.length;
    if (text.charCodeAt(open) !== 91) return false;
    const close = closeBracket(text, open);
    if (close < 0) return false;
    const rest = text.slice(close + 1);
    const op = /^\s*\+=\s/.exec(rest);
    const end = rest.indexOf(";");
    if (op === null || end < 0 || word.test(rest.slice(0, end))) return false;
  }
  return true;
}

/** True when `name` occurs in `lines` only as `name += expr;` with `expr` free of `name`. */
function onlySumUpdates(lines: readonly string[], name: string): boolean {
  const word = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`);
  const prefix = `${name} += `;
  for (const l of lines) {
    if (!word.test(l)) continue;
    if (!l.startsWith(prefix) || !l.endsWith(";") || word.test(l.slice(prefix.length))) return false;
  }
  return true;
}

/** What a shared loop's registration names. */
interface Shared {
  loop: BlockLoop;
  sums: number[];
  synced: string[];
  /** Output parameters (by index in `params`) and factory arrays updated only by scatter-adds. */
  summedArgs: number[];
  summed: string[];
}

function analyse(
  loop: BlockLoop,
  factoryArrays: ReadonlySet<string>,
  params: readonly string[],
  inputs: ReadonlySet<string>,
  runtimeNames: ReadonlySet<string>,
): Shared | null {
  const text = loop.inner.join("\n");
  if (/[`'"]|=>|\bfunction\b/.test(text)) return null;
  if (!loop.written.every((s) => onlySumUpdates(loop.inner, s))) return null;
  const locals = new Set<string>();
  for (const m of text.matchAll(LOCAL_DECL)) locals.add((m[1] ?? m[2]) as string);
  const used = new Set(loop.used);
  const synced: string[] = [];
  const summedArgs: number[] = [];
  const summed: string[] = [];
  for (const name of new Set(text.match(IDENT) ?? [])) {
    if (ALLOWED.has(name) || locals.has(name) || used.has(name)) continue;
    if (runtimeNames.has(name)) {
      // a runtime scalar, only ever called
      if (new RegExp(`(?<![\\w$.])${name}(?!\\()(?![\\w$])`).test(text)) return null;
      continue;
    }
    const param = params.indexOf(name);
    if (param >= 0 && !inputs.has(name)) {
      // an output: only scatter-added into (a gradient), summed across threads
      if (!onlyIndexedSums(text, name)) return null;
      summedArgs.push(param);
      continue;
    }
    const isConst = /^c\d+$/.test(name);
    if (!(isConst || inputs.has(name) || factoryArrays.has(name))) return null;
    if (onlyIndexedReads(text, name)) {
      if (factoryArrays.has(name)) synced.push(name);
    } else if (factoryArrays.has(name) && onlyIndexedSums(text, name)) summed.push(name);
    else return null;
  }
  const slot = new Map(loop.used.map((s, j) => [s, j]));
  return { loop, sums: loop.written.map((s) => slot.get(s) as number), synced, summedArgs, summed };
}

/**
 * Rewrites the shareable loops among `loops` to run through the `rt.__threads` runtime (see the module
 * comment).
 * @param body - `run`'s body as returned by `blockLongLoops`.
 * @param loops - the block loops `blockLongLoops` made.
 * @param factory - every factory line written before the block functions (to find factory arrays).
 * @param params - `run`'s parameters, in order.
 * @param inputs - which of `params` are inputs (outputs are never written by a shared loop).
 * @param runtimeNames - the runtime scalars the program calls.
 * @returns the new body, the factory lines to add after the block functions (none when no loop is shared),
 *   and how many loops are shared.
 */
export function shareLoops(
  body: readonly string[],
  loops: readonly BlockLoop[],
  factory: readonly string[],
  params: readonly string[],
  inputs: ReadonlySet<string>,
  runtimeNames: ReadonlySet<string>,
): { body: string[]; factory: string[]; shared: number } {
  const factoryArrays = new Set<string>();
  for (const l of factory) {
    const m = FACTORY_ARRAY.exec(l);
    if (m !== null) factoryArrays.add(m[1] as string);
  }
  const out = [...body];
  const entries: string[] = [];
  for (const loop of loops) {
    const s = analyse(loop, factoryArrays, params, inputs, runtimeNames);
    if (s === null) continue;
    out[loop.line] =
      `__par.run(${entries.length}, ${loop.lo}, ${loop.hi}${params.length > 0 ? `, ${params.join(", ")}` : ""});`;
    entries.push(
      `{ block: ${loop.fn}, scratch: ${loop.scratch}, sums: [${s.sums.join(", ")}], synced: [${s.synced.join(", ")}], ` +
        `summedArgs: [${s.summedArgs.join(", ")}], summed: [${s.summed.join(", ")}] }`,
    );
  }
  if (entries.length === 0) return { body: [...body], factory: [], shared: 0 };
  return {
    body: out,
    factory: [`const __par = rt.__threads([${entries.join(", ")}]);`],
    shared: entries.length,
  };
}
