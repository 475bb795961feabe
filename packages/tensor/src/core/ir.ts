import type { DType, TypedArray } from "./dtype.js";
import type { PrimitiveName, PrimitiveParams } from "./primitive.js";

/** A typed variable of a {@link Program}. */
export interface Var {
  id: number;
  shape: readonly number[];
  dtype: DType;
}

/** A scalar constant written inline in a {@link Program}. */
export interface Literal {
  literal: number;
  dtype: DType;
}

/** An equation operand: a variable or a literal. */
export type Atom = Var | Literal;

/** One primitive application: `outputs = primitive(inputs; params)`. */
export interface Eqn<P extends PrimitiveName = PrimitiveName> {
  primitive: P;
  inputs: Atom[];
  params: PrimitiveParams[P];
  outputs: Var[];
}

/**
 * A flat program over typed variables (see ARCHITECTURE.md "The IR"): what `makeProgram` records and what
 * `jit` simplifies and backends compile.
 */
export interface Program {
  /** Flattened pytree leaves of the arguments, in order. */
  inputs: Var[];
  /** Captured data (closed-over concrete tensors). */
  constants: { v: Var; value: TypedArray }[];
  eqns: Eqn[];
  outputs: Atom[];
}

/** True when `x` looks like a {@link Program} (a control-flow body inside params). */
const isProgram = (x: unknown): x is Program =>
  x !== null &&
  typeof x === "object" &&
  Array.isArray((x as Program).eqns) &&
  Array.isArray((x as Program).inputs);

/** True when `a` is a {@link Literal}. */
export const isLiteral = (a: Atom): a is Literal => (a as Literal).literal !== undefined;

const atomStr = (a: Atom): string =>
  isLiteral(a) ? `${a.literal}${a.dtype === "float64" ? "" : `:${a.dtype}`}` : `v${a.id}`;
const varDecl = (v: Var): string => `v${v.id}:${v.dtype}[${v.shape.join(",")}]`;

/**
 * A readable listing of a program, one equation per line.
 * @example
 * const { program } = makeProgram((x: Tensor) => x.mul(2).exp(), [{ shape: [3], dtype: "float64" }]);
 * printProgram(program).split("\n")[2]; // → "  v2:float64[3] = mul v0 v1"
 */
export function printProgram(p: Program, indent = ""): string {
  const lines: string[] = [];
  const consts = p.constants.map((c) => varDecl(c.v)).join(" ");
  lines.push(`{ lambda ${p.inputs.map(varDecl).join(" ")}${consts ? ` ; consts ${consts}` : ""} .`);
  const inner = `${indent}    `;
  const param = (v: unknown): string =>
    isProgram(v)
      ? `\n${inner}${printProgram(v, inner)}`
      : Array.isArray(v) && v.length > 0 && v.every(isProgram)
        ? v.map((b) => `\n${inner}${printProgram(b, inner)}`).join("")
        : JSON.stringify(v);
  for (const e of p.eqns) {
    const keys = Object.keys(e.params as object);
    const ps = keys.length
      ? `[${keys.map((k) => `${k}=${param((e.params as Record<string, unknown>)[k])}`).join(" ")}]`
      : "";
    lines.push(
      `${indent}  ${e.outputs.map(varDecl).join(" ")} = ${e.primitive}${ps} ${e.inputs.map(atomStr).join(" ")}`,
    );
  }
  lines.push(`${indent}  in (${p.outputs.map(atomStr).join(", ")}) }`);
  return lines.join("\n");
}
