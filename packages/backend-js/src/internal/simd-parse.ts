/**
 * Reading a block function of generated code (`blocks.ts`) back into a small program for the SIMD row
 * kernel (`simd-rows.ts`): the body's statements are a narrow subset of JavaScript (`const t = expr;`,
 * `s += expr;`), whose expressions are parsed here. The row-local loads of a matrix constant, the matrix–vector
 * dot products over them (`m = e₀·w₀ + …`) and the transposed accumulations (`v_p += e_p·u`) are recognised;
 * every other statement is elementwise. Anything outside the subset makes {@link parseBlock} return null, and
 * the block stays JavaScript.
 */

/** An expression of the subset. */
export type Expr =
  | { readonly t: "num"; readonly v: number }
  | { readonly t: "id"; readonly name: string }
  | { readonly t: "idx"; readonly name: string; readonly index: Expr }
  | { readonly t: "call"; readonly fn: string; readonly args: readonly Expr[] }
  | { readonly t: "neg"; readonly a: Expr }
  | { readonly t: "bin"; readonly op: string; readonly a: Expr; readonly b: Expr }
  | { readonly t: "cond"; readonly c: Expr; readonly a: Expr; readonly b: Expr };

const TOKEN =
  /\s*(?:(\d+(?:\.\d*)?(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)|([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?)|(===|!==|>=|<=|[-+*/()[\],?:<>]))/y;

/** Parses one expression of the subset, or returns null. */
export function parseExpr(src: string): Expr | null {
  const toks: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(src);
    if (m === null) return null;
    toks.push((m[1] ?? m[2] ?? m[3]) as string);
    at = TOKEN.lastIndex;
  }
  let k = 0;
  const peek = (): string | undefined => toks[k];
  const eat = (s: string): boolean => {
    if (toks[k] !== s) return false;
    k++;
    return true;
  };
  const fail = (): never => {
    throw new SyntaxError("simd-parse");
  };
  const primary = (): Expr => {
    const tok = toks[k++];
    if (tok === undefined) return fail();
    if (tok === "(") {
      const e = cond();
      if (!eat(")")) fail();
      return e;
    }
    if (tok === "-") return { t: "neg", a: unary() };
    if (/^[\d.]/.test(tok)) return { t: "num", v: Number(tok) };
    if (tok === "Infinity") return { t: "num", v: Number.POSITIVE_INFINITY };
    if (tok === "NaN") return { t: "num", v: Number.NaN };
    if (!/^[A-Za-z_$]/.test(tok)) return fail();
    if (eat("[")) {
      const index = cond();
      if (!eat("]")) fail();
      return { t: "idx", name: tok, index };
    }
    if (eat("(")) {
      const args: Expr[] = [];
      if (!eat(")")) {
        do args.push(cond());
        while (eat(","));
        if (!eat(")")) fail();
      }
      return { t: "call", fn: tok, args };
    }
    if (tok.includes(".")) return fail();
    return { t: "id", name: tok };
  };
  const unary = (): Expr => primary();
  const binary = (ops: readonly string[], next: () => Expr) => (): Expr => {
    let a = next();
    for (let o = peek(); o !== undefined && ops.includes(o); o = peek()) {
      k++;
      a = { t: "bin", op: o, a, b: next() };
    }
    return a;
  };
  const mul = binary(["*", "/"], unary);
  const add = binary(["+", "-"], mul);
  const rel = binary(["<", ">", "<=", ">="], add);
  const eq = binary(["===", "!=="], rel);
  const cond = (): Expr => {
    const c = eq();
    if (!eat("?")) return c;
    const a = cond();
    if (!eat(":")) fail();
    return { t: "cond", c, a, b: cond() };
  };
  try {
    const e = cond();
    return k === toks.length ? e : null;
  } catch {
    return null;
  }
}

/** A matrix constant read row by row: element p of row i at `c[i·k + off + p]`. */
export interface RowGroup {
  readonly c: number;
  readonly k: number;
  readonly off: number;
}

/** The SIMD program of one block function. */
export interface BlockProgram {
  /** The block function's name and its scratch array (`R0`). */
  readonly name: string;
  readonly scratch: string;
  /** Top-level locals the block reads or updates, by slot of the scratch array. */
  readonly slots: ReadonlyMap<string, number>;
  readonly groups: readonly RowGroup[];
  /** Dot products `name = row(group) · (scalars at slots w)`. */
  readonly dots: readonly { readonly name: string; readonly g: number; readonly w: readonly number[] }[];
  /** Elementwise statements in order: `const name = e` (acc false) or `name += e` (acc true, name a slot). */
  readonly stmts: readonly { readonly name: string; readonly e: Expr; readonly acc: boolean }[];
  /** Transposed accumulations: slot v[p] += row(group)[p] · u for every p. */
  readonly trans: readonly { readonly g: number; readonly u: string; readonly v: readonly number[] }[];
  /** Constants read elementwise as `c[i]`. */
  readonly vectors: readonly number[];
}

const FN = /^function (block\d+)\(lo, hi(?:, [\w, ]+)?\) \{$/;
const LET = /^let ([A-Za-z_$][\w$]*) = (R\d+)\[(\d+)\];$/;
const STORE = /^(R\d+)\[(\d+)\] = ([A-Za-z_$][\w$]*);$/;
const CONST = /^const ([A-Za-z_$][\w$]*) = (.*);$/;
const ACC = /^([A-Za-z_$][\w$]*) \+= (.*);$/;
const CNAME = /^c(\d+)$/;

/**
 * The block function starting at `lines[start]` as a {@link BlockProgram}, with the index of its last line,
 * or null when its body is outside the subset.
 */
export function parseBlock(
  lines: readonly string[],
  start: number,
): { prog: BlockProgram; end: number } | null {
  const head = FN.exec(lines[start] as string);
  if (head === null) return null;
  const slots = new Map<string, number>();
  let scratch = "";
  let at = start + 1;
  for (let m = LET.exec(lines[at] ?? ""); m !== null; m = LET.exec(lines[++at] ?? "")) {
    slots.set(m[1] as string, Number(m[3]));
    scratch = m[2] as string;
  }
  if (lines[at] !== "for (let i = lo; i < hi; i++) {") return null;
  const body: string[] = [];
  for (at++; at < lines.length && lines[at] !== "}"; at++) body.push(lines[at] as string);
  const written = new Set<number>();
  for (at++; at < lines.length && lines[at] !== "}"; at++) {
    const m = STORE.exec(lines[at] as string);
    if (m === null || (scratch !== "" && m[1] !== scratch)) return null;
    written.add(Number(m[2]));
  }
  if (at >= lines.length) return null;
  const end = at;

  const bases = new Map<string, { k: number; off: number }>();
  const rowLoads = new Map<string, { c: number; base: string; p: number }>();
  const groups: RowGroup[] = [];
  const groupOf = (c: number, base: string): number => {
    const b = bases.get(base) as { k: number; off: number };
    let g = groups.findIndex((x) => x.c === c && x.k === b.k && x.off === b.off);
    if (g < 0) {
      g = groups.length;
      groups.push({ c, k: b.k, off: b.off });
    }
    return g;
  };
  const dots: { name: string; g: number; w: number[] }[] = [];
  const stmts: { name: string; e: Expr; acc: boolean }[] = [];
  const trans = new Map<string, { g: number; u: string; v: (number | undefined)[] }>();
  const vectors = new Set<number>();
  const locals = new Set<string>();
  const accumulated = new Set<string>();
  const readOnly = (name: string): boolean => slots.has(name) && !written.has(slots.get(name) as number);

  // row base `i * k` or `i * k + off`
  const asBase = (e: Expr): { k: number; off: number } | null => {
    const prod = (x: Expr): number | null =>
      x.t === "bin" && x.op === "*" && x.a.t === "id" && x.a.name === "i" && x.b.t === "num" ? x.b.v : null;
    if (e.t === "bin" && e.op === "+" && e.b.t === "num") {
      const k = prod(e.a);
      return k === null ? null : { k, off: e.b.v };
    }
    const k = prod(e);
    return k === null ? null : { k, off: 0 };
  };
  const asRowLoad = (e: Expr): { c: number; base: string; p: number } | null => {
    if (e.t !== "idx") return null;
    const c = CNAME.exec(e.name);
    if (c === null) return null;
    const ix = e.index;
    if (ix.t === "id" && bases.has(ix.name)) return { c: Number(c[1]), base: ix.name, p: 0 };
    if (ix.t === "bin" && ix.op === "+" && ix.a.t === "id" && bases.has(ix.a.name) && ix.b.t === "num")
      return { c: Number(c[1]), base: ix.a.name, p: ix.b.v };
    return null;
  };
  // every identifier and indexed read of an elementwise expression must be known
  const valid = (e: Expr): boolean => {
    switch (e.t) {
      case "num":
        return true;
      case "id":
        return locals.has(e.name) || (readOnly(e.name) && !accumulated.has(e.name));
      case "idx": {
        const c = CNAME.exec(e.name);
        if (c === null || e.index.t !== "id" || e.index.name !== "i") return false;
        vectors.add(Number(c[1]));
        return true;
      }
      case "call":
        return SIMD_CALLS.has(e.fn) && e.args.length >= 1 && e.args.every(valid);
      case "neg":
        return valid(e.a);
      case "bin":
        return valid(e.a) && valid(e.b);
      case "cond":
        return valid(e.c) && valid(e.a) && valid(e.b);
    }
  };
  // a dot product: a sum of row loads (one group, each element once) times read-only scalars
  const asDot = (e: Expr): { g: number; w: number[] } | null => {
    const terms: Expr[] = [];
    const flat = (x: Expr): void => {
      if (x.t === "bin" && x.op === "+") {
        flat(x.a);
        flat(x.b);
      } else terms.push(x);
    };
    flat(e);
    // the leading `0 + ` of a generated row product (a +0 start, codegen-matmul.ts)
    if (terms[0]?.t === "num" && Object.is(terms[0].v, 0)) terms.shift();
    let g = -1;
    const w: number[] = [];
    for (const t of terms) {
      if (t.t !== "bin" || t.op !== "*" || t.a.t !== "id" || t.b.t !== "id") return null;
      const r = rowLoads.get(t.a.name);
      if (r === undefined || !readOnly(t.b.name)) return null;
      const gr = groupOf(r.c, r.base);
      if (g >= 0 && gr !== g) return null;
      g = gr;
      if (w[r.p] !== undefined) return null;
      w[r.p] = slots.get(t.b.name) as number;
    }
    const k = g < 0 ? 0 : (groups[g] as RowGroup).k;
    if (g < 0 || terms.length !== k) return null;
    return { g, w };
  };

  for (const line of body) {
    const c = CONST.exec(line);
    const a = c === null ? ACC.exec(line) : null;
    if (c === null && a === null) return null;
    const name = ((c ?? a) as RegExpExecArray)[1] as string;
    const e = parseExpr(((c ?? a) as RegExpExecArray)[2] as string);
    if (e === null) return null;
    if (c !== null) {
      const base = asBase(e);
      if (base !== null) {
        bases.set(name, base);
        continue;
      }
      const load = asRowLoad(e);
      if (load !== null) {
        rowLoads.set(name, load);
        continue;
      }
      const dot = asDot(e);
      if (dot !== null) {
        dots.push({ name, ...dot });
        locals.add(name);
        continue;
      }
      if (!valid(e)) return null;
      stmts.push({ name, e, acc: false });
      locals.add(name);
      continue;
    }
    // name += e: a transposed term (row load × local) or an elementwise accumulation
    const slot = slots.get(name);
    if (slot === undefined || !written.has(slot) || locals.has(name)) return null;
    if (e.t === "bin" && e.op === "*" && e.a.t === "id" && e.b.t === "id" && rowLoads.has(e.a.name)) {
      const r = rowLoads.get(e.a.name) as { c: number; base: string; p: number };
      if (!locals.has(e.b.name)) return null;
      const g = groupOf(r.c, r.base);
      const key = `${g}:${e.b.name}`;
      let t = trans.get(key);
      if (t === undefined) {
        t = { g, u: e.b.name, v: [] };
        trans.set(key, t);
      }
      if (t.v[r.p] !== undefined) return null;
      t.v[r.p] = slot;
      accumulated.add(name);
      continue;
    }
    if (!valid(e)) return null;
    stmts.push({ name, e, acc: true });
    accumulated.add(name);
  }
  // every transposed accumulation covers its whole row; accumulated scalars are not read in the loop
  for (const t of trans.values()) {
    const k = (groups[t.g] as RowGroup).k;
    if (t.v.length !== k || t.v.some((s) => s === undefined)) return null;
  }
  if (groups.length === 0 && stmts.length === 0) return null;
  const seenAcc = new Set<string>();
  const reads = (e: Expr, out: Set<string>): void => {
    if (e.t === "id") out.add(e.name);
    else if (e.t === "idx") reads(e.index, out);
    else if (e.t === "call") for (const x of e.args) reads(x, out);
    else if (e.t === "neg") reads(e.a, out);
    else if (e.t === "bin") {
      reads(e.a, out);
      reads(e.b, out);
    } else if (e.t === "cond") {
      reads(e.c, out);
      reads(e.a, out);
      reads(e.b, out);
    }
  };
  for (const s of stmts) {
    const r = new Set<string>();
    reads(s.e, r);
    for (const x of r) if (accumulated.has(x)) return null;
    if (s.acc) seenAcc.add(s.name);
  }
  // written slots must all be accumulations recognised here
  for (const s of written) {
    const n = [...slots].find(([, j]) => j === s)?.[0];
    if (n === undefined || !accumulated.has(n)) return null;
  }
  return {
    prog: {
      name: head[1] as string,
      scratch,
      slots,
      groups,
      dots,
      stmts,
      trans: [...trans.values()].map((t) => ({ g: t.g, u: t.u, v: t.v as number[] })),
      vectors: [...vectors],
    },
    end,
  };
}

/** Calls the SIMD kernel implements (others keep the block in JavaScript). */
export const SIMD_CALLS: ReadonlySet<string> = new Set([
  "Math.exp",
  "Math.log",
  "Math.log1p",
  "Math.abs",
  "Math.sqrt",
  "Math.max",
  "Math.min",
  "sign",
]);
