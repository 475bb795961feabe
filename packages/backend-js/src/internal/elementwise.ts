/**
 * JavaScript expressions for the elementwise primitives. Each emitter takes operand expressions
 * (already plain JS numbers) and returns the expression of the result, rounded to the output dtype.
 */

/** Formats a number as an exact JS literal (NaN, ±Infinity and −0 included). */
export function num(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "(-Infinity)";
  if (Object.is(v, -0)) return "(-0)";
  return v < 0 ? `(${String(v)})` : String(v);
}

/** Rounds a float64 expression to the dtype's value set. */
export function roundTo(expr: string, dtype: string): string {
  switch (dtype) {
    case "float32":
      return `Math.fround(${expr})`;
    case "int32":
      return `((${expr}) | 0)`;
    case "uint32":
      return `((${expr}) >>> 0)`;
    case "bool":
      return `((${expr}) ? 1 : 0)`;
    default:
      return expr;
  }
}

type Emit = (a: readonly string[], params: Record<string, unknown>, outDtype: string) => string;

const f1 =
  (fn: (x: string) => string): Emit =>
  (a, _p, dt) =>
    roundTo(fn(a[0] as string), dt);
const f2 =
  (fn: (x: string, y: string) => string): Emit =>
  (a, _p, dt) =>
    roundTo(fn(a[0] as string, a[1] as string), dt);
const cmp =
  (op: string): Emit =>
  (a) =>
    `(${a[0]} ${op} ${a[1]} ? 1 : 0)`;

/** Runtime helpers an expression may call (resolved from the `rt` object at load time). */
export const RUNTIME_SCALARS = [
  "lgamma",
  "digamma",
  "polygamma",
  "erf",
  "erfc",
  "ndtri",
  "logistic",
  "round",
  "sign",
  "pow",
  "castInt",
  "pexp",
  "plog",
  "plog1p",
  "pexpm1",
  "psin",
  "pcos",
  "ptan",
  "ptanh",
] as const;

let portable = false;

/** @internal Switches the emitters (see `setEngineIndependentMath` in portable-math.ts, which also installs the functions). */
export function setPortableEmitters(on: boolean): void {
  portable = on;
}

/** Whether newly generated code uses the engine-independent elementary functions (`setEngineIndependentMath`). */
export function engineIndependentMath(): boolean {
  return portable;
}

/** A call of the engine's `Math.<name>`, or of the portable replacement when that mode is on. */
const m1 =
  (name: string): Emit =>
  (a, _p, dt) =>
    roundTo(portable ? `p${name}(${a[0]})` : `Math.${name}(${a[0]})`, dt);

const EMITTERS: Record<string, Emit> = {
  neg: f1((x) => `(-${x})`),
  exp: m1("exp"),
  log: m1("log"),
  log1p: m1("log1p"),
  expm1: m1("expm1"),
  sqrt: f1((x) => `Math.sqrt(${x})`),
  rsqrt: f1((x) => `(1 / Math.sqrt(${x}))`),
  sin: m1("sin"),
  cos: m1("cos"),
  tan: m1("tan"),
  tanh: m1("tanh"),
  logistic: f1((x) => `logistic(${x})`),
  abs: f1((x) => `Math.abs(${x})`),
  sign: f1((x) => `sign(${x})`),
  floor: f1((x) => `Math.floor(${x})`),
  ceil: f1((x) => `Math.ceil(${x})`),
  round: f1((x) => `round(${x})`),
  lgamma: f1((x) => `lgamma(${x})`),
  digamma: f1((x) => `digamma(${x})`),
  erf: f1((x) => `erf(${x})`),
  erfc: f1((x) => `erfc(${x})`),
  ndtri: f1((x) => `ndtri(${x})`),
  polygamma: (a, p, dt) => roundTo(`polygamma(${num(p.n as number)}, ${a[0]})`, dt),
  isnan: (a) => `(${a[0]} !== ${a[0]} ? 1 : 0)`,
  isfinite: (a) => `(Number.isFinite(${a[0]}) ? 1 : 0)`,
  logicalNot: (a) => `(${a[0]} ? 0 : 1)`,
  stopGradient: (a) => a[0] as string,
  add: f2((x, y) => `(${x} + ${y})`),
  sub: f2((x, y) => `(${x} - ${y})`),
  mul: f2((x, y) => `(${x} * ${y})`),
  div: (a, _p, dt) =>
    dt === "int32" || dt === "uint32"
      ? roundTo(`Math.trunc(${a[0]} / ${a[1]})`, dt)
      : roundTo(`(${a[0]} / ${a[1]})`, dt),
  pow: f2((x, y) => `pow(${x}, ${y})`),
  maximum: f2((x, y) => `Math.max(${x}, ${y})`),
  minimum: f2((x, y) => `Math.min(${x}, ${y})`),
  lt: cmp("<"),
  le: cmp("<="),
  gt: cmp(">"),
  ge: cmp(">="),
  eq: cmp("==="),
  ne: cmp("!=="),
  logicalAnd: (a) => `(${a[0]} && ${a[1]} ? 1 : 0)`,
  logicalOr: (a) => `(${a[0]} || ${a[1]} ? 1 : 0)`,
  select: (a, _p, dt) => roundTo(`(${a[0]} ? ${a[1]} : ${a[2]})`, dt),
  cast: (a, p) => {
    const to = p.dtype as string;
    if (to === "int32" || to === "uint32") return roundTo(`castInt(${a[0]})`, to);
    if (to === "bool") return `(${a[0]} !== 0 ? 1 : 0)`;
    return roundTo(a[0] as string, to);
  },
};

/** True when `primitive` is elementwise (same-shape inputs, one output of that shape). */
export const isElementwise = (primitive: string): boolean => EMITTERS[primitive] !== undefined;

/**
 * The JS expression of an elementwise primitive applied to operand expressions.
 * @throws Error when `primitive` is not elementwise.
 */
export function elementwiseExpr(
  primitive: string,
  args: readonly string[],
  params: Record<string, unknown>,
  outDtype: string,
): string {
  const e = EMITTERS[primitive];
  if (e === undefined) throw new Error(`backend-js: ${primitive} is not an elementwise primitive`);
  return e(args, params ?? {}, outDtype);
}
