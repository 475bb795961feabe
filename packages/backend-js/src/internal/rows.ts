/**
 * The row-wise form of a generated function (`compileRows`): the one-call body of `run` inside a loop over
 * rows. Reads of the input `a0[e]` become `__z[__b + (e)]` (row r starts at `__b`), and accesses of an output
 * `ok[e]` become `__ok[__pk + (e)]`, so that no row is copied in or out; an input or output that the body
 * uses other than by indexing (passed to a kernel, filled, handed to a chunk function) keeps a one-row array
 * that each row copies in or out instead. Names start with `__`, which generated code never uses.
 */
import type { ArgSpec } from "../ir.js";
import { sizeOf } from "../ir.js";

const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;

/** Index of the next occurrence of identifier `name` in `line` at or after `from` (as a whole word), or −1. */
function findWord(line: string, name: string, from: number): number {
  for (let at = line.indexOf(name, from); at >= 0; at = line.indexOf(name, at + 1)) {
    const end = at + name.length;
    if (
      (at === 0 || !isWordChar(line.charCodeAt(at - 1))) &&
      (end >= line.length || !isWordChar(line.charCodeAt(end)))
    )
      return at;
  }
  return -1;
}

/**
 * `lines` with every `name[e]` written `target[base + (e)]`, or null when `name` occurs other than as an
 * indexed array (or inside its own index).
 */
export function rebase(
  lines: readonly string[],
  name: string,
  target: string,
  base: string,
): string[] | null {
  const out: string[] = [];
  for (const line of lines) {
    let at = findWord(line, name, 0);
    if (at < 0) {
      out.push(line);
      continue;
    }
    let res = "";
    let last = 0;
    while (at >= 0) {
      const open = at + name.length;
      if (line.charCodeAt(open) !== 91) return null; // "["
      let depth = 0;
      let k = open;
      for (; k < line.length; k++) {
        const c = line.charCodeAt(k);
        if (c === 91) depth++;
        else if (c === 93 && --depth === 0) break;
      }
      if (k >= line.length) return null;
      const index = line.slice(open + 1, k);
      if (findWord(index, name, 0) >= 0) return null;
      res += `${line.slice(last, at)}${target}[${base} + (${index})]`;
      last = k + 1;
      at = findWord(line, name, last);
    }
    out.push(res + line.slice(last));
  }
  return out;
}

/**
 * Factory lines and the row-wise `run(__z, __n, __o0, …)` around `body`, the statements of the one-call
 * `run(a0, o0, …)`.
 * @param body - the one-call body (no `return`).
 * @param input - the program's only input.
 * @param outputs - the program's outputs.
 * @param ctorOf - the typed-array constructor name of a dtype.
 */
export function rowsFunction(
  body: readonly string[],
  input: ArgSpec,
  outputs: readonly ArgSpec[],
  ctorOf: (dtype: string) => string,
): string[] {
  const d = sizeOf(input.shape);
  const factory: string[] = [];
  const head: string[] = [];
  const copyOut: string[] = [];
  let lines: readonly string[] = body;
  const direct = rebase(lines, "a0", "__z", "__b");
  if (direct !== null) {
    lines = direct;
    head.push(`const __b = __r * ${d};`);
  } else {
    factory.push(`const a0 = new ${ctorOf(input.dtype)}(${d});`);
    head.push(`for (let __j = 0; __j < ${d}; __j++) a0[__j] = __z[__r * ${d} + __j];`);
  }
  const params = ["__z", "__n"];
  outputs.forEach((o, k) => {
    const n = sizeOf(o.shape);
    params.push(`__o${k}`);
    const rebased = rebase(lines, `o${k}`, `__o${k}`, n === 1 ? "__r" : `__p${k}`);
    if (rebased !== null) {
      lines = rebased;
      if (n !== 1) head.push(`const __p${k} = __r * ${n};`);
      return;
    }
    factory.push(`const o${k} = new ${ctorOf(o.dtype)}(${n});`);
    copyOut.push(
      n === 1
        ? `__o${k}[__r] = o${k}[0];`
        : `for (let __j = 0; __j < ${n}; __j++) __o${k}[__r * ${n} + __j] = o${k}[__j];`,
    );
  });
  return [
    ...factory,
    `return function run(${params.join(", ")}) {`,
    "for (let __r = 0; __r < __n; __r++) {",
    ...head,
    ...lines,
    ...copyOut,
    "}",
    "};",
  ];
}
