// Helpers of arviz-edge.test.ts and arviz-edge-ic.test.ts: rebuild the draws of fixtures/arviz-edge.json
// (scripts/arviz_edge_fixtures.py) and compare Phlox's results, or its errors, with the oracle's.
import { expect } from "vitest";
import { DiagnosticsError, type DiagnosticsErrorCode } from "../errors.js";

/** An oracle result: numbers (NaN, ±∞ included) or the error it raised. */
export type Oracle = number[] | { error: string };

/** A Phlox result: numbers, or the code of the DiagnosticsError it threw. */
export type Outcome = { values: number[] } | { throws: string };

/** Rebuild spec of an array (see `build` in the fixture script). */
export interface ArraySpec {
  array?: string;
  affine?: [number, number];
  column?: [number, number][];
  set?: [number, number][];
  gen?: GenSpec;
}

/** An AR(1) chain set from a 32-bit LCG, regenerated bit for bit. */
export interface GenSpec {
  shape: number[];
  phi: number;
  seed: number;
  /** The last draw, to confirm the regeneration. */
  last?: number;
}

/** `lcg_ar1` of the fixture script: innovations u − ½ (u = state / 2³²) and φ·prev + ε, the same double operations. */
export function lcgAr1({ shape, phi, seed }: GenSpec): Float64Array {
  const [C, D] = shape;
  const out = new Float64Array(C * D);
  let state = seed >>> 0;
  for (let c = 0; c < C; c++) {
    let prev = 0;
    for (let t = 0; t < D; t++) {
      state = (Math.imul(1664525, state) + 1013904223) >>> 0;
      const eps = state / 4294967296 - 0.5;
      prev = t === 0 ? eps : phi * prev + eps;
      out[c * D + t] = prev;
    }
  }
  return out;
}

/** `build` of the fixture script: a stored array with its edits, or two observations from a generated chain. */
export function buildArray(
  spec: ArraySpec,
  arrays: Record<string, { shape: number[]; data: number[] }>,
): { data: Float64Array; shape: number[] } {
  if (spec.gen) {
    const x = lcgAr1(spec.gen);
    const data = new Float64Array(2 * x.length);
    for (let i = 0; i < x.length; i++) {
      data[2 * i] = -0.5 * x[i] * x[i];
      data[2 * i + 1] = -1 - 0.25 * x[i];
    }
    return { data, shape: [...spec.gen.shape, 2] };
  }
  const a = arrays[spec.array as string];
  const data = Float64Array.from(a.data);
  if (spec.affine) for (let i = 0; i < data.length; i++) data[i] = spec.affine[0] * data[i] + spec.affine[1];
  const N = a.shape[a.shape.length - 1];
  for (const [j, v] of spec.column ?? []) for (let i = j; i < data.length; i += N) data[i] = v;
  for (const [i, v] of spec.set ?? []) data[i] = v;
  return { data, shape: a.shape };
}

/** Runs a Phlox call; a DiagnosticsError becomes its code, any other error fails the test. */
export function outcome(fn: () => ArrayLike<number> | number): Outcome {
  try {
    const v = fn();
    return { values: typeof v === "number" ? [v] : Array.from(v) };
  } catch (e) {
    if (!(e instanceof DiagnosticsError)) throw e;
    return { throws: e.code };
  }
}

/**
 * Relative closeness with NaN ≡ NaN and exact infinities. Only an expected exact 0 gets an absolute floor
 * (1e-13, for a rounding residue such as 1e-17): any other value is held to `rtol` of itself, so a 1e-300
 * result of 0 fails.
 */
export function close(a: number, e: number, rtol: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  if (e === 0) return Math.abs(a) <= 1e-13;
  return Math.abs(a - e) <= rtol * Math.abs(e);
}

/** True when Phlox and the oracle agree: both raised, or the same numbers to `rtol`. */
export function agrees(got: Outcome, want: Oracle, rtol: number): boolean {
  if (!Array.isArray(want)) return "throws" in got;
  if (!("values" in got) || got.values.length !== want.length) return false;
  return want.every((w, i) => close(got.values[i], w, rtol));
}

/** Expects Phlox to give `want` (numbers to `rtol`, or an error for an oracle error), with a readable message. */
export function expectAgrees(got: Outcome, want: Oracle, rtol: number, what: string): void {
  const show = (o: Outcome | Oracle) => JSON.stringify(o, (_k, v) => (typeof v === "number" ? String(v) : v));
  expect.soft(agrees(got, want, rtol), `${what}: Phlox ${show(got)}, oracle ${show(want)}`).toBe(true);
}

/** Flattens an oracle value (number, nested list or error) into {@link Oracle}. */
export function oracle(v: unknown): Oracle {
  if (v === undefined)
    throw new Error("the fixture holds no such value (a wrong key, or no `exact` for this case)");
  if (v !== null && typeof v === "object" && !Array.isArray(v) && "error" in v) return v as { error: string };
  if (typeof v === "number") return [v];
  return (v as unknown[]).flat(2) as number[];
}

/** The value at a dotted path ("numpyro.summary.n_eff") of a nested fixture object. */
export function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split("."))
    cur = cur === undefined ? undefined : (cur as Record<string, unknown>)[part];
  return cur;
}

/** Kinds of warning, from ArviZ's or Phlox's wording: Pareto k, WAIC's variance, pointwise = total. */
export function warningKinds(messages: readonly string[]): string[] {
  return messages
    .map((m) =>
      /Pareto/.test(m)
        ? "pareto-k"
        : /variance/.test(m)
          ? "waic-variance"
          : /point-?wise/i.test(m)
            ? "pointwise"
            : m,
    )
    .sort();
}

/** What Phlox gives where it deliberately differs from the oracle. */
export type Expected =
  | { throws: DiagnosticsErrorCode }
  /** the oracle run on draws rescaled exactly (fixture `exact`), which keeps the digits it loses */
  | { exact: true }
  /**
   * the exact value (as `exact`) rescaled to ArviZ's ESS of S = C·D draws: mcse ∝ 1/√ess, so
   * exact · √(exact ESS at `ess` / S). ArviZ's `_ess` returns S when the slab's range is below
   * np.finfo(float).resolution = 1e-15, an absolute threshold that the raw draws meet and the rescaled
   * `exact` draws do not.
   */
  | { exactAtFullEss: string }
  | { values: number[] }
  /** [first, last] of the sorted draws, NaN last: the HDI at prob 1 */
  | { ends: true }
  /** the stacking weights of the fixture's row-shifted objective (`<ic>_stacking_weight_shifted`) */
  | { shiftedStacking: true };

export interface Deviation {
  /** "<section>/<case>": a fixture case. */
  where: string;
  /** Result keys; a trailing * matches a prefix. */
  keys: string[];
  phlox: Expected;
  why: string;
}

export interface ConvCase {
  shape: number[];
  data?: number[];
  gen?: GenSpec;
  arviz: Record<string, unknown>;
  numpyro: Record<string, unknown>;
  exact?: Record<string, unknown>;
}
export interface IcResult {
  [k: string]: unknown;
}
export interface IcCase {
  shape: number[];
  log_lik: ArraySpec;
  posterior: Record<string, ArraySpec>;
  reff?: number;
  loo: IcResult | { error: string };
  loo_deviance: IcResult | { error: string };
  waic: IcResult | { error: string };
  loo_warnings: string[];
  waic_warnings: string[];
}
export interface CompareCase {
  log_lik: Record<string, ArraySpec>;
  posterior: Record<string, ArraySpec>;
  results: Record<
    string,
    { value: { names: string[]; columns: Record<string, number[]> } | { error: string } }
  >;
  [k: string]: unknown;
}
export interface EdgeFixture {
  arviz_version: string;
  numpyro_version: string;
  quantile_prob: number;
  convergence: Record<string, ConvCase>;
  hdi: Record<string, { x: number[]; hdi: Record<string, { arviz: unknown; numpyro: unknown }> }>;
  arrays: Record<string, { shape: number[]; data: number[] }>;
  ic: Record<string, IcCase>;
  psislw: Record<
    string,
    { log_ratios: number[]; reff: number; log_weights?: number[]; k?: number; error?: string }
  >;
  compare: Record<string, CompareCase>;
  sequences: Record<string, Record<string, unknown> & { x: number[] }>;
}

function matches(pattern: string, s: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === s;
  return new RegExp(`^${parts.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(s);
}

function find(
  deviations: readonly Deviation[],
  used: Set<Deviation>,
  where: string,
  key: string,
): Deviation | undefined {
  const d = deviations.find((d) => matches(d.where, where) && d.keys.some((k) => matches(k, key)));
  if (d) used.add(d);
  return d;
}

/** Context a deviation's expectation may need. */
export interface Ctx {
  exact?: unknown;
  /** C·D, the draws per element. */
  count?: number;
  draws?: number[];
  stacking?: number[];
}

function expected(e: Expected, key: string, ctx: Ctx): Oracle | { throws: string } {
  if ("throws" in e) return { throws: e.throws };
  if ("values" in e) return e.values;
  if ("exact" in e) return oracle(at(ctx.exact, key));
  if ("exactAtFullEss" in e) {
    const S = ctx.count;
    if (S === undefined) throw new Error(`${key}: an exactAtFullEss deviation needs the draw count`);
    const ess = oracle(at(ctx.exact, e.exactAtFullEss)) as number[];
    return (oracle(at(ctx.exact, key)) as number[]).map((v, i) => v * Math.sqrt(ess[i] / S));
  }
  if ("ends" in e) {
    const s = Float64Array.from(ctx.draws as number[]).sort();
    return [s[0], s[s.length - 1]];
  }
  return ctx.stacking as number[];
}

/**
 * `check(where, key, got, want)` compares one Phlox result with the oracle's, or, where `deviations` pins a
 * deviation, with what Phlox gives instead, and then requires the oracle to still differ (a stale deviation
 * fails). `unused()` lists the deviations that no check reached.
 */
export function deviationChecker(deviations: readonly Deviation[], defaultRtol: number) {
  const used = new Set<Deviation>();
  /** Checks one result: against the oracle, or against its pinned deviation (which must still differ). */
  function check(
    where: string,
    key: string,
    got: Outcome,
    want: Oracle,
    ctx: Ctx = {},
    rtol = defaultRtol,
  ): void {
    const dev = find(deviations, used, where, key);
    const what = `${where} ${key}`;
    if (!dev) {
      expectAgrees(got, want, rtol, what);
      return;
    }
    const pinned = expected(dev.phlox, key, ctx);
    if ("throws" in pinned) expect(got, `${what} (deviation: ${dev.why})`).toEqual(pinned);
    else expectAgrees(got, pinned, rtol, `${what} (deviation: ${dev.why})`);
    expect(
      agrees(got, want, rtol),
      `stale deviation ${what}: Phlox now agrees with the oracle; remove it`,
    ).toBe(false);
  }
  const unused = (): string[] =>
    deviations.filter((d) => !used.has(d)).map((d) => `${d.where} ${d.keys.join(",")}`);
  return { check, unused };
}
