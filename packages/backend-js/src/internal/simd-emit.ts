/**
 * The WebAssembly module of one SIMD row kernel (see `simd-rows.ts` for the design): a function
 * `block(lo, hi)` over the rows of a block in three passes (dot products, elementwise on row pairs, transposed
 * products) and the memory `mem` holding the data constants, the block's scalars and scratch rows.
 */
import { type Consts, emitExp, emitLog, emitLog1p, emitLog1pUnit } from "./simd-math.js";
import { type ConstsF32, emitExpF32, emitLog1pF32, emitLog1pUnitF32, emitLogF32 } from "./simd-math-f32.js";
import type { BlockProgram, Expr } from "./simd-parse.js";
import { emitModule, F64, I32, op, V128 } from "./wasm-emit.js";

/** Rows per block call (as `BLOCK_ROWS` in blocks.ts) plus a spare group of four: the scratch rows per pass. */
export const SCRATCH_ROWS = 2048 + 4;

/** Where each constant, the scalars and the scratch rows lie in the module's memory (bytes). */
export interface SimdLayout {
  readonly consts: readonly {
    readonly c: number;
    readonly at: number;
    readonly f32: boolean;
    readonly n: number;
  }[];
  readonly r: number;
  readonly nR: number;
  readonly pages: number;
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * The WebAssembly module of one block program (a function `block(lo, hi)` and the memory `mem`), and its
 * memory layout.
 */
export function emitBlockModule(
  prog: BlockProgram,
  sizes: ReadonlyMap<number, number>,
  f32: ReadonlySet<number>,
): { bytes: Uint8Array; layout: SimdLayout } {
  // ---- memory layout
  const used = [...new Set([...prog.groups.map((g) => g.c), ...prog.vectors])];
  let at = 0;
  const consts = used.map((c) => {
    const n = sizes.get(c) as number;
    const isF32 = f32.has(c);
    const entry = { c, at, f32: isF32, n };
    at = align16(at + n * (isF32 ? 4 : 8) + 32);
    return entry;
  });
  const constAt = new Map(consts.map((x) => [x.c, x]));
  const nR = Math.max(1, ...[...prog.slots.values()].map((s) => s + 1));
  const rAt = at;
  at = align16(at + nR * 8);
  const dotAt = prog.dots.map(() => {
    const a = at;
    at += SCRATCH_ROWS * 8;
    return a;
  });
  const transAt = prog.trans.map(() => {
    const a = at;
    at += SCRATCH_ROWS * 8;
    return a;
  });
  const pages = Math.ceil((at + 16) / 65536);

  // ---- locals: lo 0, hi 1, then i32 i 2, row 3, pair 4 (byte offsets), then v128 and f64 locals
  const I = 2;
  const ROW = 3;
  const SP = 4;
  const locals: number[] = [I32, I32, I32];
  const v128 = (): number => {
    locals.push(V128);
    return 2 + locals.length - 1;
  };
  const i32 = (): number => {
    locals.push(I32);
    return 2 + locals.length - 1;
  };
  const f64 = (): number => {
    locals.push(F64);
    return 2 + locals.length - 1;
  };
  const code: number[] = [];
  // constants live in locals set once at the start (V8 rebuilds a v128.const on every use)
  const poolInit: number[] = [];
  const pool = new Map<string, number>();
  const pooled = (key: string, bytes: number[]): number[] => {
    let l = pool.get(key);
    if (l === undefined) {
      l = v128();
      pool.set(key, l);
      poolInit.push(...bytes, ...op.set(l));
    }
    return op.get(l);
  };
  const k0: Consts = {
    f64: (x) => pooled(`f${Object.is(x, -0) ? "-0" : String(x)}`, op.f64x2Const(x, x)),
    i64: (x) => pooled(`i${x}`, op.i64x2Const(x, x)),
  };
  const rLoad = (slot: number): number[] => [...op.i32(0), ...op.f64Load(rAt + slot * 8)];
  const eb = (c: number): number => (constAt.get(c)?.f32 ? 4 : 8);
  // two consecutive elements of a constant at byte address (on the stack) + offset, widened to f64x2
  const loadPair = (c: number, offset: number): number[] =>
    constAt.get(c)?.f32 ? [...op.v128Load64Zero(offset), ...op.f64x2PromoteLowF32x4()] : op.v128Load(offset);
  const loadOne = (c: number, offset: number): number[] =>
    constAt.get(c)?.f32 ? [...op.f32Load(offset), ...op.f64PromoteF32()] : op.f64Load(offset);
  // for (i = lo; i < hi; i += step) { body }
  const loop = (step: number, body: number[]): number[] => [
    ...op.get(0),
    ...op.set(I),
    ...op.block(),
    ...op.loop(),
    ...op.get(I),
    ...op.get(1),
    ...op.i32GeU(),
    ...op.brIf(1),
    ...body,
    ...op.get(I),
    ...op.i32(step),
    ...op.i32Add(),
    ...op.set(I),
    ...op.br(0),
    ...op.end(),
    ...op.end(),
  ];
  // byte address of row i of group g (without the constant's base, which goes in the memarg offset)
  const rowAddr = (g: number): number[] => {
    const gr = prog.groups[g] as BlockProgram["groups"][number];
    const b = eb(gr.c);
    return [
      ...op.get(I),
      ...op.i32(gr.k * b),
      ...op.i32Mul(),
      ...(gr.off === 0 ? [] : [...op.i32(gr.off * b), ...op.i32Add()]),
    ];
  };
  const scratchAddr = (): number[] => [
    ...op.get(I),
    ...op.get(0),
    ...op.i32Sub(),
    ...op.i32(3),
    ...op.i32Shl(),
  ];

  // ---- pass 1: dot products, two rows per iteration (their pairwise sums joined into one f64x2 store)
  const ROW2 = i32();
  // the byte address of row i + 1 of group g, or of row i where i + 1 is past the block (its dot products
  // land in the spare scratch row, never read)
  const row2Addr = (g: number): number[] => {
    const gr = prog.groups[g] as BlockProgram["groups"][number];
    const b = eb(gr.c);
    return [
      ...op.get(ROW),
      ...op.i32(gr.k * b),
      ...op.i32Add(),
      ...op.get(ROW),
      ...op.get(I),
      ...op.i32(1),
      ...op.i32Add(),
      ...op.get(1),
      ...op.i32LtU(),
      ...op.select(),
    ];
  };
  if (prog.dots.length > 0) {
    const ws = prog.dots.map((d) => {
      const k = d.w.length;
      const pairs: number[] = [];
      for (let q = 0; q + 1 < k; q += 2) {
        const l = v128();
        code.push(...rLoad(d.w[q] as number), ...op.f64x2Splat(), ...rLoad(d.w[q + 1] as number));
        code.push(...op.f64x2ReplaceLane(1), ...op.set(l));
        pairs.push(l);
      }
      let last = -1;
      if (k % 2 === 1) {
        last = v128();
        code.push(...rLoad(d.w[k - 1] as number), ...op.f64x2Splat(), ...op.set(last));
      }
      return { pairs, last };
    });
    const ta = v128();
    const tb = v128();
    const body: number[] = [];
    const groupsUsed = new Set(prog.dots.map((d) => d.g));
    prog.dots.forEach((d, j) => {
      const gr = prog.groups[d.g] as BlockProgram["groups"][number];
      const base = (constAt.get(gr.c) as { at: number }).at;
      const b = eb(gr.c);
      const w = ws[j] as { pairs: number[]; last: number };
      if (j === 0 || groupsUsed.size > 1)
        body.push(...rowAddr(d.g), ...op.set(ROW), ...row2Addr(d.g), ...op.set(ROW2));
      const prod = (row: number, q: number): number[] => [
        ...op.get(row),
        ...loadPair(gr.c, base + 2 * q * b),
        ...op.get(w.pairs[q] as number),
        ...op.f64x2Mul(),
      ];
      const tree = (row: number, lo: number, hi: number): number[] =>
        hi - lo === 1
          ? prod(row, lo)
          : [...tree(row, lo, (lo + hi) >> 1), ...tree(row, (lo + hi) >> 1, hi), ...op.f64x2Add()];
      const h = w.pairs.length;
      body.push(...scratchAddr());
      if (h > 0) {
        // [a₀ + a₁, b₀ + b₁] from the pairwise sums a (row i) and b (row i + 1)
        body.push(...tree(ROW, 0, h), ...op.set(ta), ...tree(ROW2, 0, h), ...op.set(tb));
        body.push(...op.get(ta), ...op.get(tb), ...op.i8x16Shuffle(LOW_LANES));
        body.push(...op.get(ta), ...op.get(tb), ...op.i8x16Shuffle(HIGH_LANES), ...op.f64x2Add());
      }
      if (w.last >= 0) {
        const off = base + 2 * h * b;
        body.push(...op.get(ROW), ...loadOne(gr.c, off), ...op.f64x2Splat(), ...op.get(ROW2));
        body.push(...loadOne(gr.c, off), ...op.f64x2ReplaceLane(1), ...op.get(w.last), ...op.f64x2Mul());
        if (h > 0) body.push(...op.f64x2Add());
      }
      body.push(...op.v128Store(dotAt[j] as number));
    });
    code.push(...loop(2, body));
  }

  // ---- pass 2: elementwise on row pairs (f64x2), or on four rows at a time (f32x4) with float32 data
  const narrow = used.some((c) => f32.has(c));
  const L = narrow ? LANES_F32 : LANES_F64;
  const step = narrow ? 4 : 2;
  const kf: Consts = { f64: k0.f64, i64: k0.i64 };
  const k32: ConstsF32 = {
    f32: (x) => pooled(`g${Object.is(x, -0) ? "-0" : String(x)}`, op.f32x4Const(x)),
    i32: (x) => pooled(`j${x}`, op.i32x4Const(x)),
  };
  const kc = narrow ? k32.f32 : kf.f64;
  // an f64 scalar (on the stack) in every lane
  const splatScalar = narrow ? [...op.f32DemoteF64(), ...op.f32x4Splat()] : op.f64x2Splat();
  // f64x2 pairs at two addresses (low half, high half) as one f32x4
  const joinLow = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const highToLow = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
  const names = new Map<string, number>();
  for (const [name, slot] of prog.slots) {
    if (prog.stmts.some((s) => s.acc && s.name === name)) continue;
    const l = v128();
    code.push(...rLoad(slot), ...splatScalar, ...op.set(l));
    names.set(name, l);
  }
  // accumulations stay float64: two lanes (even and odd rows, or rows 4j, 4j+1 and 4j+2, 4j+3 added)
  const accs = new Map<string, number>();
  for (const s of prog.stmts) {
    if (!s.acc || accs.has(s.name)) continue;
    const l = v128();
    code.push(...k0.f64(0), ...rLoad(prog.slots.get(s.name) as number), ...op.f64x2ReplaceLane(0));
    code.push(...op.set(l));
    accs.set(s.name, l);
  }
  const mask = v128();
  const body: number[] = [];
  if (narrow) {
    // lanes j with i + j < hi
    const laneIdx = pooled("lanes0123", op.v128Const(new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer)));
    body.push(...op.get(1), ...op.get(I), ...op.i32Sub(), ...op.i32x4Splat(), ...laneIdx, ...op.i32x4GtS());
    body.push(...op.set(mask));
  } else {
    const halfMask = new Uint8Array(16).fill(0xff, 0, 8);
    const fullMask = new Uint8Array(16).fill(0xff);
    body.push(...op.v128Const(fullMask), ...op.set(mask));
    body.push(...op.get(I), ...op.i32(1), ...op.i32Add(), ...op.get(1), ...op.i32GeU(), ...op.if());
    body.push(...op.v128Const(halfMask), ...op.set(mask), ...op.end());
  }
  body.push(...scratchAddr(), ...op.set(SP));
  prog.dots.forEach((d, j) => {
    const l = v128();
    const at = dotAt[j] as number;
    if (narrow) {
      body.push(...op.get(SP), ...op.v128Load(at), ...op.f32x4DemoteF64x2Zero());
      body.push(...op.get(SP), ...op.v128Load(at + 16), ...op.f32x4DemoteF64x2Zero());
      body.push(...op.i8x16Shuffle(joinLow), ...op.set(l));
    } else body.push(...op.get(SP), ...op.v128Load(at), ...op.set(l));
    names.set(d.name, l);
  });
  // a data vector c[i…]: float32 (four at a time, or two widened) or float64 (two, or four narrowed)
  const loadVector = (c: number): number[] => {
    const at = (constAt.get(c) as { at: number }).at;
    const isF32 = eb(c) === 4;
    const addr = [...op.get(I), ...op.i32(isF32 ? 2 : 3), ...op.i32Shl()];
    if (!narrow) return [...addr, ...loadPair(c, at)];
    if (isF32) return [...addr, ...op.v128Load(at)];
    return [
      ...addr,
      ...op.v128Load(at),
      ...op.f32x4DemoteF64x2Zero(),
      ...addr,
      ...op.v128Load(at + 16),
      ...op.f32x4DemoteF64x2Zero(),
      ...op.i8x16Shuffle(joinLow),
    ];
  };
  // what the statements before the current one define (to recognise the range of an argument)
  const defs = new Map<string, Expr>();
  const masks = new Map<string, number>();
  const def = (e: Expr): Expr => (e.t === "id" ? (defs.get(e.name) ?? e) : e);
  const isAbs = (e: Expr): boolean => {
    const d = def(e);
    return d.t === "call" && d.fn === "Math.abs";
  };
  // the variable y of a condition y ≥ 0, also as the flag (y >= 0 ? 1 : 0) a bool selection reads
  const atLeastZero = (e: Expr): string | null => {
    let d = def(e);
    if (d.t === "cond" && d.a.t === "num" && d.a.v === 1 && d.b.t === "num" && d.b.v === 0) d = def(d.c);
    return d.t === "bin" && d.op === ">=" && d.a.t === "id" && d.b.t === "num" && d.b.v === 0
      ? d.a.name
      : null;
  };
  const isId = (e: Expr, name: string): boolean => e.t === "id" && e.name === name;
  const nonPositive = (e: Expr): boolean => {
    const d = def(e);
    if (d.t === "neg") return isAbs(d.a);
    // (y ≥ 0 ? −y : y) = −|y|: softplus's selection (written so that its derivatives are exact at 0)
    if (d.t !== "cond") return false;
    const y = atLeastZero(d.c);
    if (y === null || !isId(d.b, y)) return false;
    const a = def(d.a);
    return a.t === "neg" && isId(a.a, y);
  };
  const inUnit = (e: Expr): boolean => {
    const d = def(e);
    return d.t === "call" && d.fn === "Math.exp" && nonPositive(d.args[0] as Expr);
  };
  const expr = (e: Expr): { code: number[]; mask: boolean } => {
    const num = (x: Expr): number[] => {
      const r = expr(x);
      return r.mask ? [...r.code, ...kc(1), ...op.v128And()] : r.code;
    };
    const inLocal = (x: Expr): number => {
      const l = v128();
      body.push(...num(x), ...op.set(l));
      return l;
    };
    switch (e.t) {
      case "num":
        return { code: kc(e.v), mask: false };
      case "id": {
        // a comparison's statement: its lane mask, kept beside the 0/1 value
        const m = masks.get(e.name);
        if (m !== undefined) return { code: op.get(m), mask: true };
        return { code: op.get(names.get(e.name) as number), mask: false };
      }
      case "idx":
        return { code: loadVector(Number(e.name.slice(1))), mask: false };
      case "neg":
        return { code: [...num(e.a), ...L.neg()], mask: false };
      case "bin": {
        const a = num(e.a);
        const b = num(e.b);
        const o = L.bin[e.op] as () => number[];
        return { code: [...a, ...b, ...o()], mask: CMP.has(e.op) };
      }
      case "cond": {
        const c = expr(e.c);
        // (comparison ? 1 : 0) is the comparison's mask as a number
        if (c.mask && e.a.t === "num" && e.a.v === 1 && e.b.t === "num" && e.b.v === 0) return c;
        const m = c.mask
          ? c.code
          : [
              ...c.code,
              ...kc(0),
              ...L.bin["!=="](),
              ...c.code,
              ...c.code,
              ...L.bin["==="](),
              ...op.v128And(),
            ];
        return { code: [...num(e.a), ...num(e.b), ...m, ...op.v128Bitselect()], mask: false };
      }
      case "call": {
        const args = e.args.map(num);
        switch (e.fn) {
          case "Math.max":
          case "Math.min": {
            const o = e.fn === "Math.max" ? L.max() : L.min();
            return {
              code: [...(args[0] as number[]), ...args.slice(1).flatMap((a) => [...a, ...o])],
              mask: false,
            };
          }
          case "Math.abs":
            return { code: [...(args[0] as number[]), ...L.abs()], mask: false };
          case "Math.sqrt":
            return { code: [...(args[0] as number[]), ...L.sqrt()], mask: false };
          case "sign": {
            const x = inLocal(e.args[0] as Expr);
            const neg = [
              ...kc(-1),
              ...op.get(x),
              ...op.get(x),
              ...kc(0),
              ...L.bin["<"](),
              ...op.v128Bitselect(),
            ];
            return {
              code: [...kc(1), ...neg, ...op.get(x), ...kc(0), ...L.bin[">"](), ...op.v128Bitselect()],
              mask: false,
            };
          }
          default: {
            const x = inLocal(e.args[0] as Expr);
            if (narrow) {
              if (e.fn === "Math.log1p" && inUnit(e.args[0] as Expr))
                return { code: emitLog1pUnitF32(x, v128, k32), mask: false };
              const f = e.fn === "Math.exp" ? emitExpF32 : e.fn === "Math.log" ? emitLogF32 : emitLog1pF32;
              return { code: f(x, v128, k32), mask: false };
            }
            // log1p(exp(−|y|)), the softplus / log-sigmoid of the logistic and Bernoulli densities: its argument
            // is in [0, 1], where a shorter log1p needs no range reduction
            if (e.fn === "Math.log1p" && inUnit(e.args[0] as Expr))
              return { code: emitLog1pUnit(x, v128, kf), mask: false };
            if (e.fn === "Math.exp")
              return { code: emitExp(x, v128, kf, nonPositive(e.args[0] as Expr)), mask: false };
            const f = e.fn === "Math.log" ? emitLog : emitLog1p;
            return { code: f(x, v128, kf), mask: false };
          }
        }
      }
    }
  };
  for (const s of prog.stmts) {
    const c = expr(s.e);
    const value = c.mask ? [...c.code, ...kc(1), ...op.v128And()] : c.code;
    if (s.acc) {
      const l = accs.get(s.name) as number;
      if (narrow) {
        // masked f32x4 → two f64x2 halves added into the float64 accumulator
        const v = v128();
        body.push(...value, ...op.get(mask), ...op.v128And(), ...op.set(v));
        body.push(...op.get(l), ...op.get(v), ...op.f64x2PromoteLowF32x4(), ...op.get(v), ...op.get(v));
        body.push(...op.i8x16Shuffle(highToLow), ...op.f64x2PromoteLowF32x4(), ...op.f64x2Add());
        body.push(...op.f64x2Add(), ...op.set(l));
      } else {
        body.push(...op.get(l), ...value, ...op.get(mask), ...op.v128And(), ...op.f64x2Add(), ...op.set(l));
      }
    } else if (c.mask) {
      const m = v128();
      body.push(...c.code, ...op.set(m));
      masks.set(s.name, m);
      defs.set(s.name, s.e);
    } else {
      const l = v128();
      body.push(...value, ...op.set(l));
      names.set(s.name, l);
      defs.set(s.name, s.e);
    }
  }
  prog.trans.forEach((t, j) => {
    let u = names.get(t.u) as number;
    const m = masks.get(t.u);
    if (m !== undefined) {
      u = v128();
      body.push(...op.get(m), ...kc(1), ...op.v128And(), ...op.set(u));
    }
    const at = transAt[j] as number;
    if (narrow) {
      // the row factors as float64 for pass 3
      body.push(...op.get(SP), ...op.get(u), ...op.f64x2PromoteLowF32x4(), ...op.v128Store(at));
      body.push(...op.get(SP), ...op.get(u), ...op.get(u), ...op.i8x16Shuffle(highToLow));
      body.push(...op.f64x2PromoteLowF32x4(), ...op.v128Store(at + 16));
    } else body.push(...op.get(SP), ...op.get(u), ...op.v128Store(at));
  });
  if (prog.stmts.length > 0 || prog.trans.length > 0) code.push(...loop(step, body));
  for (const [name, l] of accs) {
    code.push(...op.i32(0), ...op.get(l), ...op.f64x2ExtractLane(0), ...op.get(l), ...op.f64x2ExtractLane(1));
    code.push(...op.f64Add(), ...op.f64Store(rAt + (prog.slots.get(name) as number) * 8));
  }

  // ---- pass 3: transposed accumulations, row after row (as the JavaScript block), two rows per iteration
  prog.trans.forEach((t, j) => {
    const gr = prog.groups[t.g] as BlockProgram["groups"][number];
    const base = (constAt.get(gr.c) as { at: number }).at;
    const b = eb(gr.c);
    const k = t.v.length;
    const acc: number[] = [];
    for (let q = 0; q + 1 < k; q += 2) {
      const l = v128();
      code.push(...rLoad(t.v[q] as number), ...op.f64x2Splat(), ...rLoad(t.v[q + 1] as number));
      code.push(...op.f64x2ReplaceLane(1), ...op.set(l));
      acc.push(l);
    }
    const last = k % 2 === 1 ? f64() : -1;
    if (last >= 0) code.push(...rLoad(t.v[k - 1] as number), ...op.set(last));
    const us = v128();
    const u = v128();
    const u2 = v128();
    // one row's terms: acc_q += X[row, 2q : 2q + 2] · u (u splat), the odd column in f64
    const rowTerms = (row: number, uv: number, scalar: number[]): number[] => {
      const out: number[] = [];
      acc.forEach((l, q) => {
        out.push(
          ...op.get(l),
          ...op.get(row),
          ...loadPair(gr.c, base + 2 * q * b),
          ...op.get(uv),
          ...op.f64x2Mul(),
        );
        out.push(...op.f64x2Add(), ...op.set(l));
      });
      if (last >= 0) {
        out.push(...op.get(last), ...op.get(row), ...loadOne(gr.c, base + (k - 1) * b), ...scalar);
        out.push(...op.f64Mul(), ...op.f64Add(), ...op.set(last));
      }
      return out;
    };
    const at = transAt[j] as number;
    const pair: number[] = [
      ...rowAddr(t.g),
      ...op.set(ROW),
      ...op.get(ROW),
      ...op.i32(gr.k * b),
      ...op.i32Add(),
    ];
    pair.push(...op.set(ROW2), ...scratchAddr(), ...op.v128Load(at), ...op.set(us));
    pair.push(...op.get(us), ...op.get(us), ...op.i8x16Shuffle(LOW_LANES), ...op.set(u));
    pair.push(...op.get(us), ...op.get(us), ...op.i8x16Shuffle(HIGH_LANES), ...op.set(u2));
    pair.push(...rowTerms(ROW, u, [...op.get(us), ...op.f64x2ExtractLane(0)]));
    pair.push(...rowTerms(ROW2, u2, [...op.get(us), ...op.f64x2ExtractLane(1)]));
    // for (i = lo; i + 1 < hi; i += 2) pair; then the last row alone when the count is odd
    code.push(...op.get(0), ...op.set(I), ...op.block(), ...op.loop());
    code.push(...op.get(I), ...op.i32(1), ...op.i32Add(), ...op.get(1), ...op.i32GeU(), ...op.brIf(1));
    code.push(
      ...pair,
      ...op.get(I),
      ...op.i32(2),
      ...op.i32Add(),
      ...op.set(I),
      ...op.br(0),
      ...op.end(),
      ...op.end(),
    );
    code.push(...op.get(I), ...op.get(1), ...op.i32LtU(), ...op.if());
    code.push(...rowAddr(t.g), ...op.set(ROW), ...scratchAddr(), ...op.v128Load64Zero(at), ...op.set(us));
    code.push(...op.get(us), ...op.get(us), ...op.i8x16Shuffle(LOW_LANES), ...op.set(u));
    code.push(...rowTerms(ROW, u, [...op.get(us), ...op.f64x2ExtractLane(0)]), ...op.end());
    acc.forEach((l, q) => {
      code.push(
        ...op.i32(0),
        ...op.get(l),
        ...op.f64x2ExtractLane(0),
        ...op.f64Store(rAt + (t.v[2 * q] as number) * 8),
      );
      code.push(
        ...op.i32(0),
        ...op.get(l),
        ...op.f64x2ExtractLane(1),
        ...op.f64Store(rAt + (t.v[2 * q + 1] as number) * 8),
      );
    });
    if (last >= 0) code.push(...op.i32(0), ...op.get(last), ...op.f64Store(rAt + (t.v[k - 1] as number) * 8));
  });

  const bytes = emitModule(pages, [
    { name: "block", params: [I32, I32], results: [], locals: locals.slice(0), body: [...poolInit, ...code] },
  ]);
  return { bytes, layout: { consts, r: rAt, nR, pages } };
}

/** i8x16.shuffle lanes: the low f64 of each operand, and the high f64 of each. */
const LOW_LANES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

const CMP = new Set(["<", ">", "<=", ">=", "===", "!=="]);

/** The lane arithmetic of the elementwise pass: f64x2 (float64 data) or f32x4 (float32 data). */
interface Lanes {
  readonly bin: Record<string, () => number[]>;
  readonly neg: () => number[];
  readonly abs: () => number[];
  readonly sqrt: () => number[];
  readonly max: () => number[];
  readonly min: () => number[];
}

const LANES_F64: Lanes = {
  bin: {
    "+": op.f64x2Add,
    "-": op.f64x2Sub,
    "*": op.f64x2Mul,
    "/": op.f64x2Div,
    "<": op.f64x2Lt,
    ">": op.f64x2Gt,
    "<=": op.f64x2Le,
    ">=": op.f64x2Ge,
    "===": op.f64x2Eq,
    "!==": op.f64x2Ne,
  },
  neg: op.f64x2Neg,
  abs: op.f64x2Abs,
  sqrt: op.f64x2Sqrt,
  max: op.f64x2Max,
  min: op.f64x2Min,
};

const LANES_F32: Lanes = {
  bin: {
    "+": op.f32x4Add,
    "-": op.f32x4Sub,
    "*": op.f32x4Mul,
    "/": op.f32x4Div,
    "<": op.f32x4Lt,
    ">": op.f32x4Gt,
    "<=": op.f32x4Le,
    ">=": op.f32x4Ge,
    "===": op.f32x4Eq,
    "!==": op.f32x4Ne,
  },
  neg: op.f32x4Neg,
  abs: op.f32x4Abs,
  sqrt: op.f32x4Sqrt,
  max: op.f32x4Max,
  min: op.f32x4Min,
};
