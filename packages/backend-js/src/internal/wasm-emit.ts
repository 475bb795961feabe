/**
 * A minimal WebAssembly binary writer: one module with its own memory (exported as `mem`) and a few
 * exported functions, each a byte sequence of instructions written with the helpers below. Enough for the
 * row kernels of `simd-rows.ts` (integer address arithmetic, f64 and v128 loads, f64x2 arithmetic, loops);
 * no dependency, and the output is validated by `WebAssembly.Module` like any other module.
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128 of `n` (a non-negative integer below 2³²). */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of the 32-bit integer `n`. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const simd = (code: number): number[] => [0xfd, ...uleb(code)];
const simdMem = (code: number, align: number, offset: number): number[] => [
  ...simd(code),
  align,
  ...uleb(offset),
];

/** Instructions (each returns its bytes). */
export const op = {
  block: (): number[] => [0x02, 0x40],
  loop: (): number[] => [0x03, 0x40],
  end: (): number[] => [0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  get: (local: number): number[] => [0x20, ...uleb(local)],
  set: (local: number): number[] => [0x21, ...uleb(local)],
  tee: (local: number): number[] => [0x22, ...uleb(local)],
  i32: (n: number): number[] => [0x41, ...sleb(n)],
  i32Add: (): number[] => [0x6a],
  i32Sub: (): number[] => [0x6b],
  i32Mul: (): number[] => [0x6c],
  i32Shl: (): number[] => [0x74],
  i32GeU: (): number[] => [0x4f],
  i32LtU: (): number[] => [0x49],
  i32Eqz: (): number[] => [0x45],
  /** select(a, b, c): a where c ≠ 0, else b. */
  select: (): number[] => [0x1b],
  if: (): number[] => [0x04, 0x40],
  f64Load: (offset = 0): number[] => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset = 0): number[] => [0x39, 3, ...uleb(offset)],
  f32Load: (offset = 0): number[] => [0x2a, 2, ...uleb(offset)],
  f64PromoteF32: (): number[] => [0xbb],
  f64Add: (): number[] => [0xa0],
  f64Mul: (): number[] => [0xa2],
  f64Const: (x: number): number[] => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    return [0x44, ...b];
  },
  // SIMD (prefix 0xfd, then the opcode as unsigned LEB128)
  v128Load: (offset = 0): number[] => simdMem(0x00, 4, offset),
  v128Store: (offset = 0): number[] => simdMem(0x0b, 4, offset),
  v128Load64Zero: (offset = 0): number[] => simdMem(0x5d, 3, offset),
  v128Const: (bytes: Uint8Array): number[] => [...simd(0x0c), ...bytes],
  f64x2Const: (a: number, b: number = a): number[] => {
    const bytes = new Uint8Array(16);
    const dv = new DataView(bytes.buffer);
    dv.setFloat64(0, a, true);
    dv.setFloat64(8, b, true);
    return [...simd(0x0c), ...bytes];
  },
  i64x2Const: (a: bigint, b: bigint = a): number[] => {
    const bytes = new Uint8Array(16);
    const dv = new DataView(bytes.buffer);
    dv.setBigInt64(0, BigInt.asIntN(64, a), true);
    dv.setBigInt64(8, BigInt.asIntN(64, b), true);
    return [...simd(0x0c), ...bytes];
  },
  f64x2Splat: (): number[] => simd(0x14),
  f64x2ExtractLane: (lane: number): number[] => [...simd(0x21), lane],
  f64x2ReplaceLane: (lane: number): number[] => [...simd(0x22), lane],
  f64x2Eq: (): number[] => simd(0x47),
  f64x2Ne: (): number[] => simd(0x48),
  f64x2Lt: (): number[] => simd(0x49),
  f64x2Gt: (): number[] => simd(0x4a),
  f64x2Le: (): number[] => simd(0x4b),
  f64x2Ge: (): number[] => simd(0x4c),
  v128Not: (): number[] => simd(0x4d),
  v128And: (): number[] => simd(0x4e),
  v128AndNot: (): number[] => simd(0x4f),
  v128Or: (): number[] => simd(0x50),
  v128Bitselect: (): number[] => simd(0x52),
  f64x2PromoteLowF32x4: (): number[] => simd(0x5f),
  f64x2Nearest: (): number[] => simd(0x94),
  f64x2Floor: (): number[] => simd(0x75),
  f64x2Pmin: (): number[] => simd(0xf6),
  f64x2Pmax: (): number[] => simd(0xf7),
  i64x2Shl: (): number[] => simd(0xcb),
  i64x2ShrS: (): number[] => simd(0xcc),
  i64x2ShrU: (): number[] => simd(0xcd),
  i64x2Add: (): number[] => simd(0xce),
  i64x2Sub: (): number[] => simd(0xd1),
  f64x2Abs: (): number[] => simd(0xec),
  f64x2Neg: (): number[] => simd(0xed),
  f64x2Sqrt: (): number[] => simd(0xef),
  f64x2Add: (): number[] => simd(0xf0),
  f64x2Sub: (): number[] => simd(0xf1),
  f64x2Mul: (): number[] => simd(0xf2),
  f64x2Div: (): number[] => simd(0xf3),
  f64x2Min: (): number[] => simd(0xf4),
  f64x2Max: (): number[] => simd(0xf5),
  f64x2ConvertLowI32x4S: (): number[] => simd(0xfe),
  // f32x4 lanes (the float32 row kernels), i32x4 bit operations and lane shuffles
  f32DemoteF64: (): number[] => [0xb6],
  f32x4Const: (x: number): number[] => {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    for (let l = 0; l < 4; l++) v.setFloat32(4 * l, x, true);
    return [...simd(0x0c), ...b];
  },
  i32x4Const: (x: number): number[] => {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    for (let l = 0; l < 4; l++) v.setInt32(4 * l, x, true);
    return [...simd(0x0c), ...b];
  },
  i8x16Shuffle: (lanes: readonly number[]): number[] => [...simd(0x0d), ...lanes],
  i32x4Splat: (): number[] => simd(0x11),
  f32x4Splat: (): number[] => simd(0x13),
  i32x4GtS: (): number[] => simd(0x3b),
  f32x4Eq: (): number[] => simd(0x41),
  f32x4Ne: (): number[] => simd(0x42),
  f32x4Lt: (): number[] => simd(0x43),
  f32x4Gt: (): number[] => simd(0x44),
  f32x4Le: (): number[] => simd(0x45),
  f32x4Ge: (): number[] => simd(0x46),
  f32x4DemoteF64x2Zero: (): number[] => simd(0x5e),
  f32x4Nearest: (): number[] => simd(0x6a),
  i32x4Shl: (): number[] => simd(0xab),
  i32x4ShrS: (): number[] => simd(0xac),
  i32x4ShrU: (): number[] => simd(0xad),
  i32x4Add: (): number[] => simd(0xae),
  i32x4Sub: (): number[] => simd(0xb1),
  f32x4Abs: (): number[] => simd(0xe0),
  f32x4Neg: (): number[] => simd(0xe1),
  f32x4Sqrt: (): number[] => simd(0xe3),
  f32x4Add: (): number[] => simd(0xe4),
  f32x4Sub: (): number[] => simd(0xe5),
  f32x4Mul: (): number[] => simd(0xe6),
  f32x4Div: (): number[] => simd(0xe7),
  f32x4Min: (): number[] => simd(0xe8),
  f32x4Max: (): number[] => simd(0xe9),
  f32x4Pmin: (): number[] => simd(0xea),
  f32x4Pmax: (): number[] => simd(0xeb),
  i32x4TruncSatF32x4S: (): number[] => simd(0xf8),
  f32x4ConvertI32x4S: (): number[] => simd(0xfa),
} as const;

/** One function of a module. */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Types of the locals after the parameters. */
  readonly locals: readonly number[];
  /** The instructions, without the final `end`. */
  readonly body: readonly number[];
}

/**
 * The bytes of a module with a memory of `pages` 64 KiB pages (exported as `mem`) and `fns`, each exported
 * under its name.
 */
export function emitModule(pages: number, fns: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const code = fns.map((f) => {
    const locals = f.locals.map((t) => [...uleb(1), t]);
    const body = [...vec(locals), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const exports = [
    [...uleb(3), ...utf8("mem"), 0x02, 0],
    ...fns.map((f, k) => [...uleb(utf8(f.name).length), ...utf8(f.name), 0x00, ...uleb(k)]),
  ];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(3, vec(fns.map((_, k) => uleb(k)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(code)),
  ]);
}

let simdOk: boolean | undefined;

/** Whether this engine validates a WebAssembly module with 128-bit SIMD (f64x2 arithmetic). Cached. */
export function wasmSimdSupported(): boolean {
  if (simdOk !== undefined) return simdOk;
  try {
    const fn: WasmFunction = {
      name: "f",
      params: [F64],
      results: [F64],
      locals: [],
      body: [
        ...op.get(0),
        ...op.f64x2Splat(),
        ...op.get(0),
        ...op.f64x2Splat(),
        ...op.f64x2Add(),
        ...op.f64x2ExtractLane(0),
      ],
    };
    simdOk = typeof WebAssembly === "object" && WebAssembly.validate(emitModule(1, [fn]));
  } catch {
    simdOk = false;
  }
  return simdOk;
}
