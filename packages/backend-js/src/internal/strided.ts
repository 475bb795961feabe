/** Emitters of nested loops over strided index spaces, used for the shape primitives. */

/** `off + i0*s0 + i1*s1 + …`, omitting zero terms. */
export function indexExpr(off: number | string, strides: readonly number[], vars: readonly string[]): string {
  const terms: string[] = [];
  if (off !== 0) terms.push(String(off));
  for (let k = 0; k < strides.length; k++) {
    const s = strides[k] as number;
    if (s === 0) continue;
    terms.push(s === 1 ? (vars[k] as string) : `${vars[k]} * ${s}`);
  }
  return terms.length === 0 ? "0" : terms.join(" + ");
}

/**
 * Nested loops over `shape` (one `for` per axis with extent > 1; extent-1 axes use index 0); `body`
 * receives the loop variable of each axis and returns the innermost statement.
 */
export function nestedLoops(
  shape: readonly number[],
  prefix: string,
  body: (vars: readonly string[]) => string,
): string {
  const vars = shape.map((d, k) => (d === 1 ? "0" : `${prefix}${k}`));
  let code = body(vars);
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k] as number;
    if (d === 1) continue;
    const v = vars[k] as string;
    code = `for (let ${v} = 0; ${v} < ${d}; ${v}++) { ${code} }`;
  }
  return code;
}
