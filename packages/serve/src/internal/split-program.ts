/**
 * Splits a rows program by what its row depends on: a server answers many requests from one posterior, draw
 * count and seed, so every value computed from the latent and key columns alone (the noise of each draw: its
 * random bits, uniforms and normal quantiles) is the same for every request. The fixed part is computed once
 * per (posterior, draws, seed) and stored beside the row; each request runs only the part that reads its
 * inputs. Both parts apply the same primitives to the same values in the same order as the whole program,
 * so the answers are bit for bit those of the unsplit program.
 */
import type { IRAtom, IREqn, IRProgram, IRVar } from "@phlox/backend-js";

/** A program split at a column of its row. */
export interface SplitProgram {
  /** Row `[columns…, boundary…]` → the boundary values (reads only the columns before the split). */
  readonly fixed: IRProgram;
  /** The same row → the original outputs (reads the columns from the split on and the boundary). */
  readonly varying: IRProgram;
  /** Values the varying part takes from the fixed one, in row order after the original columns. */
  readonly boundary: readonly {
    readonly shape: readonly number[];
    readonly dtype: string;
    readonly size: number;
  }[];
  /** Elements of the row: the original columns and the boundary values. */
  readonly rowSize: number;
}

const isVar = (a: IRAtom): a is IRVar => (a as IRVar).id !== undefined;
const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Whether params hold a nested program (control flow), which this split does not look into. */
function nested(params: unknown): boolean {
  if (params === null || typeof params !== "object") return false;
  if ("eqns" in (params as object)) return true;
  return Object.values(params as object).some((v) => typeof v === "object" && nested(v));
}

/**
 * Splits `program` (one float64 input row of `dim` elements) at column `first`: values that depend only on
 * columns before `first` become the fixed part.
 * @returns the split, or null when nothing varies, nothing is fixed, or the program has control flow.
 */
export function splitAtColumn(program: IRProgram, first: number): SplitProgram | null {
  if (program.inputs.length !== 1) return null;
  const z = program.inputs[0] as IRVar;
  if (z.shape.length !== 1 || z.dtype !== "float64") return null;
  const dim = z.shape[0] as number;
  const varying = new Set<number>();
  // values that read no column at all (literal fills, iotas): computed by both parts, never stored
  const free = new Set<number>(program.constants.map((c) => c.v.id));
  const freeEqns: IREqn[] = [];
  // slices of fixed columns: each part slices them again (cheaper than storing a copy)
  const direct = new Set<number>();
  const directEqns: IREqn[] = [];
  const fixedEqns: IREqn[] = [];
  const varyingEqns: IREqn[] = [];
  for (const e of program.eqns) {
    if (nested(e.params)) return null;
    let v = false;
    let reads = false;
    for (const a of e.inputs) {
      if (!isVar(a) || free.has(a.id)) continue;
      reads = true;
      if (a.id === z.id) {
        // a slice of columns all before `first` is fixed; any other read of the row varies
        const fixedSlice =
          e.primitive === "slice" &&
          Array.isArray(e.params?.end) &&
          e.params.end.length === 1 &&
          (e.params.end[0] as number) <= first;
        if (!fixedSlice) v = true;
      } else if (varying.has(a.id)) v = true;
    }
    if (!reads) {
      for (const o of e.outputs) free.add(o.id);
      freeEqns.push(e);
    } else if (!v && e.inputs.length === 1 && (e.inputs[0] as IRVar).id === z.id) {
      for (const o of e.outputs) direct.add(o.id);
      directEqns.push(e);
    } else if (v) {
      for (const o of e.outputs) varying.add(o.id);
      varyingEqns.push(e);
    } else fixedEqns.push(e);
  }
  if (varyingEqns.length === 0 || fixedEqns.length === 0) return null;
  // fixed values the varying part reads, or that are outputs
  const boundary: IRVar[] = [];
  const seen = new Set<number>();
  const need = (a: IRAtom): void => {
    if (
      !isVar(a) ||
      a.id === z.id ||
      varying.has(a.id) ||
      free.has(a.id) ||
      direct.has(a.id) ||
      seen.has(a.id)
    )
      return;
    seen.add(a.id);
    boundary.push(a);
  };
  for (const e of varyingEqns) for (const a of e.inputs) need(a);
  for (const a of program.outputs) need(a);
  if (boundary.length === 0) return null;
  let nextId = 0;
  const bump = (a: IRAtom): void => {
    if (isVar(a)) nextId = Math.max(nextId, a.id + 1);
  };
  bump(z);
  for (const c of program.constants) bump(c.v);
  for (const e of program.eqns) {
    e.inputs.forEach(bump);
    e.outputs.forEach(bump);
  }
  const sizes = boundary.map((b) => sizeOf(b.shape));
  const rowSize = dim + sizes.reduce((a, b) => a + b, 0);
  const row: IRVar = { id: nextId++, shape: [rowSize], dtype: "float64" };
  const fresh = (shape: readonly number[], dtype: string): IRVar => ({ id: nextId++, shape, dtype });
  // both parts read the original columns as the variable they always were
  const original: IREqn = {
    primitive: "slice",
    inputs: [row],
    params: { start: [0], end: [dim] },
    outputs: [z],
  };
  const fixed: IRProgram = {
    inputs: [row],
    constants: program.constants,
    eqns: [original, ...freeEqns, ...directEqns, ...fixedEqns],
    outputs: boundary,
  };
  // the varying part reads each boundary value from its columns, back in its shape and dtype
  const load: IREqn[] = [];
  let off = dim;
  boundary.forEach((b, i) => {
    const size = sizes[i] as number;
    const flat = fresh([size], "float64");
    load.push({
      primitive: "slice",
      inputs: [row],
      params: { start: [off], end: [off + size] },
      outputs: [flat],
    });
    if (b.dtype === "float64") {
      load.push({ primitive: "reshape", inputs: [flat], params: { shape: [...b.shape] }, outputs: [b] });
    } else {
      const shaped = fresh(b.shape, "float64");
      load.push({ primitive: "reshape", inputs: [flat], params: { shape: [...b.shape] }, outputs: [shaped] });
      load.push({ primitive: "cast", inputs: [shaped], params: { dtype: b.dtype }, outputs: [b] });
    }
    off += size;
  });
  const varyingProgram: IRProgram = {
    inputs: [row],
    constants: program.constants,
    eqns: [original, ...freeEqns, ...directEqns, ...load, ...varyingEqns],
    outputs: program.outputs,
  };
  return {
    fixed,
    varying: varyingProgram,
    boundary: boundary.map((b, i) => ({ shape: b.shape, dtype: b.dtype, size: sizes[i] as number })),
    rowSize,
  };
}
