/**
 * Code for the primitives that are not fused into loops: nested loops with constant strides (shape ops,
 * partial reductions, gathers, cumulative sums) or calls of the linear-algebra kernels.
 */
import { type IREqn, type IRVar, isLiteral, sizeOf, stridesOf } from "../ir.js";
import { indexExpr, nestedLoops } from "./strided.js";

/** Initial accumulator of each reduction. */
export const REDUCE_INIT: Record<string, string> = {
  reduceSum: "0",
  reduceProd: "1",
  reduceMax: "-Infinity",
  reduceMin: "Infinity",
};

/** One accumulation step; like the reference kernels, accumulators are float64 and round once at the end. */
export const reduceStep = (prim: string, acc: string, x: string): string => {
  switch (prim) {
    case "reduceSum":
      return `${acc} += ${x};`;
    case "reduceProd":
      return `${acc} *= ${x};`;
    case "reduceMax":
      return `${acc} = Math.max(${acc}, ${x});`;
    default:
      return `${acc} = Math.min(${acc}, ${x});`;
  }
};

/** Offset of a slice that is a contiguous run of its input, or null. */
export function contiguousSlice(x: IRVar, start: readonly number[], end: readonly number[]): number | null {
  const shape = x.shape;
  const st = stridesOf(shape);
  let p = 0;
  while (p < shape.length && (end[p] as number) - (start[p] as number) === 1) p++;
  for (let k = p + 1; k < shape.length; k++) if (start[k] !== 0 || end[k] !== shape[k]) return null;
  let off = 0;
  for (let k = 0; k < shape.length; k++) off += (start[k] as number) * (st[k] as number);
  return off;
}

/** Index expression (in `i`) of a broadcast that repeats a suffix or an outer block, or null. */
export function broadcastIndex(x: IRVar, target: readonly number[]): string | null {
  const r = target.length;
  const xsh = [...new Array<number>(r - x.shape.length).fill(1), ...x.shape];
  let first = 0;
  while (first < r && xsh[first] === 1) first++;
  let last = r;
  while (last > first && xsh[last - 1] === 1) last--;
  for (let k = first; k < last; k++) if (xsh[k] !== target[k]) return null;
  const inner = sizeOf(target.slice(last));
  const block = sizeOf(target.slice(first, last));
  const outer = sizeOf(target.slice(0, first));
  const q = inner === 1 ? "i" : `((i / ${inner}) | 0)`;
  return outer === 1 ? q : `(${q} % ${block})`;
}

export type Buf = { name: string; off: number };

/** Code of a primitive that is not fused: nested loops with constant strides, or a kernel call. */
export function emitGeneric(
  e: IREqn,
  ins: readonly Buf[],
  outs: readonly string[],
  usedRt: Set<string>,
  scratch: (n: number) => string,
): string {
  const out = e.outputs[0] as IRVar;
  const o = outs[0] as string;
  const x = e.inputs[0] as IRVar;
  const a = ins[0] as Buf;
  const p = e.params;
  const xshape = isLiteral(x) ? [] : x.shape;
  const xst = stridesOf(xshape);
  const ost = stridesOf(out.shape);
  switch (e.primitive) {
    case "broadcastTo": {
      const r = out.shape.length;
      const pad = r - xshape.length;
      const ss = out.shape.map((_d, k) => (k < pad || xshape[k - pad] === 1 ? 0 : (xst[k - pad] as number)));
      return nestedLoops(
        out.shape,
        "i",
        (v) => `${o}[${indexExpr(0, ost, v)}] = ${a.name}[${indexExpr(a.off, ss, v)}];`,
      );
    }
    case "reshape":
    case "stopGradient":
      return `for (let i = 0; i < ${sizeOf(out.shape)}; i++) ${o}[i] = ${a.name}[${a.off} + i];`;
    case "transpose": {
      const perm = p.perm as number[];
      const ss = perm.map((ax) => xst[ax] as number);
      return nestedLoops(
        out.shape,
        "i",
        (v) => `${o}[${indexExpr(0, ost, v)}] = ${a.name}[${indexExpr(a.off, ss, v)}];`,
      );
    }
    case "slice": {
      const start = p.start as number[];
      let off = a.off;
      start.forEach((s, k) => {
        off += s * (xst[k] as number);
      });
      return nestedLoops(
        out.shape,
        "i",
        (v) => `${o}[${indexExpr(0, ost, v)}] = ${a.name}[${indexExpr(off, xst, v)}];`,
      );
    }
    case "pad": {
      const lo = p.lo as number[];
      let off = 0;
      lo.forEach((l, k) => {
        off += l * (ost[k] as number);
      });
      return `${o}.fill(0); ${nestedLoops(xshape, "i", (v) => `${o}[${indexExpr(off, ost, v)}] = ${a.name}[${indexExpr(a.off, xst, v)}];`)}`;
    }
    case "concatenate": {
      const axis = p.axis as number;
      let at = 0;
      const parts: string[] = [];
      e.inputs.forEach((inp, k) => {
        const sh = isLiteral(inp) ? [] : inp.shape;
        const b = ins[k] as Buf;
        const off = at * (ost[axis] as number);
        parts.push(
          nestedLoops(
            sh,
            "i",
            (v) => `${o}[${indexExpr(off, ost, v)}] = ${b.name}[${indexExpr(b.off, stridesOf(sh), v)}];`,
          ),
        );
        at += sh[axis] as number;
      });
      return parts.join("\n");
    }
    case "reduceSum":
    case "reduceProd":
    case "reduceMax":
    case "reduceMin": {
      const axes = new Set((p.axes as number[]).map((ax) => (ax < 0 ? ax + xshape.length : ax)));
      const keptShape = xshape.filter((_, k) => !axes.has(k));
      const kst = stridesOf(keptShape);
      let j = 0;
      const ss = xshape.map((_, k) => (axes.has(k) ? 0 : (kst[j++] as number)));
      const init = REDUCE_INIT[e.primitive] as string;
      // accumulate in float64 (like the reference kernels), then store once
      const acc = out.dtype === "float64" ? o : scratch(sizeOf(out.shape));
      const loops = nestedLoops(xshape, "i", (v) => {
        const oi = `${acc}[${indexExpr(0, ss, v)}]`;
        return reduceStep(e.primitive, oi, `${a.name}[${indexExpr(a.off, xst, v)}]`);
      });
      if (acc === o) return `${o}.fill(${init}); ${loops}`;
      const n = sizeOf(out.shape);
      return `${acc}.fill(${init}); ${loops} for (let i = 0; i < ${n}; i++) ${o}[i] = ${acc}[i];`;
    }
    case "argmax":
    case "argmin": {
      const axis = (p.axis as number) < 0 ? (p.axis as number) + xshape.length : (p.axis as number);
      const outer = sizeOf(xshape.slice(0, axis));
      const len = xshape[axis] as number;
      const inner = sizeOf(xshape.slice(axis + 1));
      const better = e.primitive === "argmax" ? ">" : "<";
      return `for (let i0 = 0; i0 < ${outer}; i0++) for (let i1 = 0; i1 < ${inner}; i1++) {
  const base = ${a.off} + i0 * ${len * inner} + i1;
  let best = ${a.name}[base], at = 0;
  for (let j = 1; j < ${len}; j++) { const v = ${a.name}[base + j * ${inner}]; if (best === best && (v ${better} best || v !== v)) { best = v; at = j; } }
  ${o}[i0 * ${inner} + i1] = at;
}`;
    }
    case "cumsum": {
      const axis = (p.axis as number) < 0 ? (p.axis as number) + xshape.length : (p.axis as number);
      const outer = sizeOf(xshape.slice(0, axis));
      const len = xshape[axis] as number;
      const inner = sizeOf(xshape.slice(axis + 1));
      const rev = p.reverse === true;
      const jl = rev ? `let j = ${len - 1}; j >= 0; j--` : `let j = 0; j < ${len}; j++`;
      return `for (let i0 = 0; i0 < ${outer}; i0++) for (let i1 = 0; i1 < ${inner}; i1++) {
  const base = i0 * ${len * inner} + i1; let acc = 0;
  for (${jl}) { acc += ${a.name}[${a.off} + base + j * ${inner}]; ${o}[base + j * ${inner}] = acc; }
}`;
    }
    case "gather": {
      const axis = p.axis as number;
      const idx = e.inputs[1] as IRVar;
      const b = ins[1] as Buf;
      const outer = sizeOf(xshape.slice(0, axis));
      const len = xshape[axis] as number;
      const inner = sizeOf(xshape.slice(axis + 1));
      const ni = isLiteral(idx) ? 1 : sizeOf(idx.shape);
      return `for (let i0 = 0; i0 < ${outer}; i0++) for (let j = 0; j < ${ni}; j++) {
  let q = ${b.name}[${b.off} + j]; if (q < 0) q += ${len};
  const src = ${a.off} + (i0 * ${len} + q) * ${inner}, dst = (i0 * ${ni} + j) * ${inner};
  for (let i1 = 0; i1 < ${inner}; i1++) ${o}[dst + i1] = ${a.name}[src + i1];
}`;
    }
    case "scatterAdd": {
      const axis = p.axis as number;
      const idx = e.inputs[1] as IRVar;
      const b = ins[1] as Buf;
      const u = ins[2] as Buf;
      const outer = sizeOf(xshape.slice(0, axis));
      const len = xshape[axis] as number;
      const inner = sizeOf(xshape.slice(axis + 1));
      const ni = isLiteral(idx) ? 1 : sizeOf(idx.shape);
      return `for (let i = 0; i < ${sizeOf(out.shape)}; i++) ${o}[i] = ${a.name}[${a.off} + i];
for (let i0 = 0; i0 < ${outer}; i0++) for (let j = 0; j < ${ni}; j++) {
  let q = ${b.name}[${b.off} + j]; if (q < 0) q += ${len};
  const dst = (i0 * ${len} + q) * ${inner}, src = ${u.off} + (i0 * ${ni} + j) * ${inner};
  for (let i1 = 0; i1 < ${inner}; i1++) ${o}[dst + i1] += ${u.name}[src + i1];
}`;
    }
    case "cholesky": {
      usedRt.add("cholesky");
      const n = xshape[xshape.length - 1] as number;
      return `cholesky(${o}, ${a.name}, ${a.off}, ${sizeOf(xshape) / (n * n)}, ${n});`;
    }
    case "choleskyGrad": {
      // synthetic (fuse-cholesky.ts): inputs L and the cotangent of L
      usedRt.add("choleskyGrad");
      const n = xshape[xshape.length - 1] as number;
      const g = ins[1] as Buf;
      return `choleskyGrad(${o}, ${a.name}, ${a.off}, ${g.name}, ${g.off}, ${sizeOf(xshape) / (n * n)}, ${n});`;
    }
    case "triangularSolve": {
      usedRt.add("triangularSolve");
      const bm = ins[1] as Buf;
      const bshape = (e.inputs[1] as IRVar).shape;
      const n = xshape[xshape.length - 1] as number;
      const batch = sizeOf(xshape) / (n * n);
      const m = sizeOf(bshape) / batch / n;
      return `triangularSolve(${o}, ${a.name}, ${a.off}, ${bm.name}, ${bm.off}, ${batch}, ${n}, ${m}, ${p.lower === true}, ${p.transposeA === true}, ${p.leftSide !== false});`;
    }
    case "randomBits": {
      usedRt.add("randomBits");
      const keys = sizeOf(xshape) / 2; // a key [2], or a batch of keys [...K, 2] (vmap over keys)
      return keys === 1
        ? `randomBits(${o}, ${a.name}, ${a.off});`
        : `randomBits(${o}, ${a.name}, ${a.off}, ${keys});`;
    }
    default:
      throw new Error(
        `backend-js: no code generator for primitive "${e.primitive}". Run this program with the IR interpreter ({ codegen: false }).`,
      );
  }
}
