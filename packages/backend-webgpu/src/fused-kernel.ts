/**
 * Running a fused elementwise group (see fusion.ts) as one generated WGSL program on tfjs-backend-webgpu. Every
 * operation is written with the same WGSL expression as the tfjs-webgpu kernel the backend uses for it
 * unfused (NaN handling included), so fused and unfused results agree to float32 rounding.
 */
import type { KernelSpec, TfTensor } from "@phlox/backend-tfjs";
import * as tf from "@tensorflow/tfjs-core";
import { type FusableOp, type FusedGroup, type FusedOperand, fusedGroupOf } from "./fusion.js";

/**
 * Unary operations: tfjs-backend-webgpu's WGSL expression for each, behind an explicit NaN pass-through. The
 * unfused kernels read NaN from a buffer; inside a fused program a WGSL compiler may assume finite math
 * (SwiftShader turns exp(NaN) into +∞ and log(NaN) into a finite number there), so NaN is checked bitwise (tfjs's `isnan`).
 * log(0) and log1p(−1) are −∞ explicitly (SwiftShader gives −88.03 there when fused), and log1p is NaN below −1
 * (tfjs-webgpu's log(1 + a) gives log|1 + a| on SwiftShader).
 */
const UNARY: Partial<Record<FusableOp, string>> = {
  exp: "return exp(a);",
  log: "if (a < 0.0) { return uniforms.NAN; } if (a == 0.0) { return -uniforms.INFINITY; } return log(a);",
  log1p:
    "if (a < -1.0) { return uniforms.NAN; } if (a == -1.0) { return -uniforms.INFINITY; } return log(1.0 + a);",
  expm1: "return exp(a) - 1.0;",
  sqrt: "return sqrt(a);",
  rsqrt: "return inverseSqrt(a);",
  sign: "return sign(a);",
  floor: "return floor(a);",
  ceil: "return ceil(a);",
  tanh: "let e2x = exp(-2.0 * abs(a)); return sign(a) * (1.0 - e2x) / (1.0 + e2x);",
  logistic: "return 1.0 / (1.0 + exp(-1.0 * a));",
};
/** maximum/minimum as tfjs's binary ops with their NaN check. */
const BINARY: Partial<Record<FusableOp, string>> = {
  maximum: "if (isnan(a) || isnan(b)) { return uniforms.NAN; } return max(a, b);",
  minimum: "if (isnan(a) || isnan(b)) { return uniforms.NAN; } return min(a, b);",
};

function helper(op: FusableOp): string | null {
  const u = UNARY[op];
  if (u !== undefined) return `fn f_${op}(a : f32) -> f32 { if (isnan(a)) { return a; } ${u} }`;
  const b = BINARY[op];
  return b === undefined ? null : `fn f_${op}(a : f32, b : f32) -> f32 { ${b} }`;
}

/** The WGSL expression of one step over operand expressions. */
function expr(op: FusableOp, [a, b, c]: string[]): string {
  if (UNARY[op] !== undefined) return `f_${op}(${a})`;
  switch (op) {
    case "neg":
      return `-(${a})`;
    case "abs":
      return `abs(${a})`;
    case "maximum":
    case "minimum":
      return `f_${op}(${a}, ${b})`;
    case "add":
      return `${a} + ${b}`;
    case "sub":
      return `${a} - ${b}`;
    case "mul":
      return `${a} * ${b}`;
    case "div":
      return `${a} / ${b}`;
    // Comparisons are false on NaN operands (ne: true), as in the reference kernels.
    case "lt":
      return `!isnan(${a}) && !isnan(${b}) && ${a} < ${b}`;
    case "le":
      return `!isnan(${a}) && !isnan(${b}) && ${a} <= ${b}`;
    case "gt":
      return `!isnan(${a}) && !isnan(${b}) && ${a} > ${b}`;
    case "ge":
      return `!isnan(${a}) && !isnan(${b}) && ${a} >= ${b}`;
    case "eq":
      return `!isnan(${a}) && !isnan(${b}) && ${a} == ${b}`;
    case "ne":
      return `isnan(${a}) || isnan(${b}) || ${a} != ${b}`;
    case "select":
      return `select(${c}, ${b}, ${a})`;
    default:
      return `${a}`; // broadcastTo
  }
}

/**
 * Operand expressions. Float literals are read from uniforms (`c0`, `c1`, ...), not written into the shader: a
 * WGSL compiler may assume finite math and fold `x * 0.0` to 0 (wrong for ±∞ and NaN), which it cannot do
 * with values it does not know — just as with the unfused kernels, which read them from buffers.
 */
function operand(o: FusedOperand, kinds: readonly ("float" | "bool")[], literals: number[]): string {
  switch (o.kind) {
    case "literal": {
      if (o.dtype === "bool") return o.value !== 0 ? "true" : "false";
      literals.push(o.value);
      return `uniforms.c${literals.length - 1}`;
    }
    case "value":
      return `v${o.index}`;
    case "matvec":
      return `m${o.index}`;
    case "input": {
      const at = `x${o.index}[${o.scalar ? "0" : "index"}]`;
      return kinds[o.index] === "bool" ? `(${at} != 0)` : at;
    }
  }
}

/** A group's WGSL: the `getUserCode` body and the float literals its uniforms `c0`, `c1`, ... hold. */
export interface FusedShader {
  readonly code: string;
  readonly literals: readonly number[];
}

/**
 * The WGSL of a group: helpers, then one `let` per step and the output write.
 * @param g - the group.
 * @returns the `getUserCode` body and the literal values for its uniforms.
 * @example
 * fusedShader(group).code; // "fn main(index : i32) { ... let v0 : f32 = exp(x0[index]); ... }"
 */
export function fusedShader(g: FusedGroup): FusedShader {
  const literals: number[] = [];
  const used = new Set(g.steps.map((s) => s.op));
  const helpers = [...used].flatMap((op) => helper(op) ?? []);
  // Matrix–vector rows first (one dot product per element, accumulated in float32 like tfjs's matmul).
  const mv = (g.matvecs ?? []).map(
    (m, k) =>
      `var m${k} : f32 = 0.0; for (var k${k} = 0; k${k} < ${m.inner}; k${k} = k${k} + 1) { ` +
      `m${k} = m${k} + f32(x${m.a}[index * ${m.inner} + k${k}]) * f32(x${m.b}[k${k}]); }`,
  );
  const lines = [
    ...mv,
    ...g.steps.map((s, k) => {
      const args = s.operands.map((o) => operand(o, g.inputKinds, literals));
      return `let v${k} : ${s.bool ? "bool" : "f32"} = ${expr(s.op, args)};`;
    }),
  ];
  if (g.reduce === "sum") {
    // Each invocation sums a strided slice of the chain, then a tree reduction in workgroup memory; with several
    // workgroups (large groups) each writes its partial sum, and the kernel adds them up (one more dispatch).
    const code = `
      ${helpers.join("\n      ")}
      var<workgroup> partial : array<f32, ${REDUCE_WORKGROUP}>;
      fn main(gi : i32) {
        var acc : f32 = 0.0;
        let first = i32(workgroupId.x) * ${REDUCE_WORKGROUP} + i32(localId.x);
        for (var index = first; index < ${g.size}; index = index + ${REDUCE_WORKGROUP * reduceGroups(g.size)}) {
          ${lines.join("\n          ")}
          acc = acc + v${g.steps.length - 1};
        }
        partial[localId.x] = acc;
        workgroupBarrier();
        for (var s = ${REDUCE_WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
          if (localId.x < s) { partial[localId.x] = partial[localId.x] + partial[localId.x + s]; }
          workgroupBarrier();
        }
        // (uniforms.size, the output size 1, is read so that the uniform binding stays in the shader's layout.)
        if (localId.x == 0u && uniforms.size > 0) { setOutputAtIndex(i32(workgroupId.x), partial[0]); }
      }
    `;
    return { code, literals };
  }
  const code = `
      ${helpers.join("\n      ")}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${lines.join("\n          ")}
          setOutputAtIndex(index, v${g.steps.length - 1});
        }
      }
    `;
  return { code, literals };
}

/** Invocations of the one workgroup of a reducing group (a power of two). */
const REDUCE_WORKGROUP = 256;
/** Elements per workgroup above which a reducing group runs on several workgroups. */
const REDUCE_SPAN = 16384;
/** Workgroups of a reducing group of `size` elements: 1 up to {@link REDUCE_SPAN}, at most 512. */
export function reduceGroups(size: number): number {
  return size <= REDUCE_SPAN ? 1 : Math.min(512, Math.ceil(size / REDUCE_SPAN));
}

const shaderIds = new Map<string, number>();
const compiled = new WeakMap<FusedGroup, FusedShader & { key: string }>();

/** A tfjs-backend-webgpu program (its WebGPUProgram interface) evaluating one fused group per element. */
class FusedProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly size = true;
  readonly uniforms: string | undefined;
  readonly code: string;
  readonly literals: readonly number[];

  constructor(g: FusedGroup) {
    let c = compiled.get(g);
    if (c === undefined) {
      const shader = fusedShader(g);
      let id = shaderIds.get(shader.code);
      if (id === undefined) {
        id = shaderIds.size;
        shaderIds.set(shader.code, id);
      }
      c = { ...shader, key: `phloxFused${id}` };
      compiled.set(g, c);
    }
    this.code = c.code;
    this.literals = c.literals;
    this.shaderKey = c.key;
    this.uniforms = c.literals.length === 0 ? undefined : c.literals.map((_, k) => `c${k} : f32, `).join("");
    this.variableNames = g.inputKinds.map((_, i) => `x${i}`);
    this.dispatchLayout = { x: [0] };
    if (g.reduce === "sum") {
      const groups = reduceGroups(g.size);
      this.outputShape = [groups];
      this.workgroupSize = [REDUCE_WORKGROUP, 1, 1];
      this.dispatch = [groups, 1, 1];
    } else {
      this.outputShape = [g.size];
      this.workgroupSize = [64, 1, 1];
      // tfjs's runWebGPUProgram reshapes dispatches above the 65535-workgroup limit.
      this.dispatch = [Math.ceil(g.size / 64), 1, 1];
    }
  }

  getUserCode(): string {
    return this.code;
  }
}

interface ProgramRunner {
  runWebGPUProgram(
    program: FusedProgram,
    inputs: tf.TensorInfo[],
    dtype: "float32",
    uniforms?: { type: "float32"; data: number[] }[],
  ): tf.TensorInfo;
}

/**
 * The `stopGradient` kernel of the WebGPU backend: the identity, except for equations written by
 * `fuseProgram`, whose params carry a fused group: those run as one generated WGSL program.
 */
export const fusedKernel: KernelSpec<"stopGradient"> = {
  primitive: "stopGradient",
  run: (xs, params, _inputs, shape) => {
    const g = fusedGroupOf(params);
    if (g === null) return xs[0] as TfTensor;
    const flat = xs.map((x, i) => {
      const want = g.inputKinds[i] === "bool" ? "bool" : "float32";
      const t = x.dtype === want ? x : tf.cast(x, want);
      return tf.reshape(t, [t.size]);
    });
    const be = tf.backend() as unknown as ProgramRunner;
    const program = new FusedProgram(g);
    const uniforms = program.literals.map((v) => ({ type: "float32" as const, data: [v] }));
    const info = be.runWebGPUProgram(program, flat, "float32", uniforms);
    let out = tf.engine().makeTensorFromTensorInfo(info) as TfTensor;
    if (g.reduce === "sum" && reduceGroups(g.size) > 1) {
      const partials = out;
      out = tf.sum(partials) as TfTensor;
      partials.dispose();
    }
    return tf.reshape(out, [...shape]);
  },
};
