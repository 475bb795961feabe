/**
 * Where HMCECS's Taylor proxy gets its coefficients: the whole-data totals and each subsample's per-datum
 * coefficients, from a table of every data point (when it fits), the compiled coefficient programs, or eager
 * autodiff (a model that does not compile).
 */
import { silenceWarnings } from "@phlox/tensor";
import {
  type CompiledTaylor,
  compiledTable,
  compiledTotals,
  compileTaylor,
  type TaylorContext,
} from "./ecs-coefficients.js";
import {
  gatherProxy,
  type PlateProxy,
  type ProxyTotals,
  perDatumTable,
  perDatumTaylor,
  proxyTotals,
  type SubsamplePlate,
  tableTotals,
} from "./ecs-model.js";

/** Default {@link TaylorSourceOptions.tableMax}: 2²⁴ numbers (128 MiB). */
export const TABLE_MAX = 2 ** 24;

/** Options of {@link TaylorSource}. */
export interface TaylorSourceOptions {
  /** Numbers up to which a plate's per-datum coefficients, N·(1 + d (+ d²)), are tabulated. */
  readonly tableMax: number;
  /** `false`: eager autodiff only (the compiled programs are not built). */
  readonly compile: boolean;
}

/** How one plate's subsample coefficients are found. */
export type TaylorMode = "table" | "compiled" | "eager";

/** The Taylor proxy's coefficients for every subsampled plate, built once per model arguments. */
export class TaylorSource {
  /** Whole-data Σ ℓᵢ(θ̂), ∇ℓᵢ(θ̂), ∇²ℓᵢ(θ̂) per plate. */
  readonly totals = new Map<string, ProxyTotals>();
  /** How each plate's subsample coefficients are found. */
  readonly modes = new Map<string, TaylorMode>();
  private readonly tables = new Map<string, PlateProxy>();
  private readonly compiled = new Map<string, CompiledTaylor>();
  /** Plates whose model cannot run on a block of indices: their blocks are cut from the whole subsample's. */
  private readonly wholeOnly = new Set<string>();

  /**
   * Builds the totals (and tables) of every plate in `ctx.plates`; `idx` are subsample indices of every
   * plate (the other plates' indices while one plate is swept, and the subsample the compiled programs are
   * checked on).
   */
  constructor(
    private readonly ctx: TaylorContext,
    idx: Readonly<Record<string, Int32Array>>,
    options: TaylorSourceOptions,
  ) {
    const { ref, degree } = ctx;
    const d = ref.length;
    for (const p of ctx.plates) {
      const compiled = options.compile ? compileTaylor(ctx, p, idx) : undefined;
      const tabulate = p.size * (1 + d + (degree === 2 ? d * d : 0)) <= options.tableMax;
      if (compiled) this.compiled.set(p.name, compiled);
      if (tabulate) {
        const table = compiled
          ? compiledTable(compiled, p, idx, d, degree)
          : perDatumTable(ctx.model, ctx.args, ctx.layout, ctx.plates, p, idx, ref, degree);
        this.tables.set(p.name, table);
        this.totals.set(p.name, tableTotals(table, d));
        this.modes.set(p.name, "table");
      } else if (compiled) {
        this.totals.set(p.name, compiledTotals(compiled, p, idx, d, degree));
        this.modes.set(p.name, "compiled");
      } else {
        this.totals.set(
          p.name,
          proxyTotals(ctx.model, ctx.args, ctx.layout, ctx.plates, p, idx, ref, degree),
        );
        this.modes.set(p.name, "eager");
      }
    }
  }

  /**
   * The Taylor coefficients of entries `start … start + count − 1` of the subsample `idx[plate]` (a Gibbs
   * block; NumPyro's block update likewise differentiates only the new block): rows of the table, or the
   * compiled per-datum program on the block's indices (padded to `width` with the block's first index, so
   * that every block of a run shares one program), or eager autodiff on them.
   */
  ofBlock(
    plate: SubsamplePlate,
    idx: Readonly<Record<string, Int32Array>>,
    start: number,
    count: number,
    width: number,
  ): PlateProxy {
    const { ctx } = this;
    const all = idx[plate.name] as Int32Array;
    if (count === all.length || this.wholeOnly.has(plate.name))
      return rows(this.of(plate, idx), start, count);
    const block = all.subarray(start, start + count);
    const table = this.tables.get(plate.name);
    if (table) return gatherProxy(table, block, ctx.ref.length);
    const compiled = this.compiled.get(plate.name);
    // The model's plate sees fewer indices than its subsample size here; its warning about that is expected.
    // A model that cannot run on fewer (it reads its subsample's length, say) falls back to the whole subsample.
    const was = silenceWarnings(true);
    try {
      if (compiled) {
        const padded = new Int32Array(width).fill(block[0] as number);
        padded.set(block);
        return rows(compiled.perDatum({ ...idx, [plate.name]: padded }), 0, count);
      }
      const sub = { ...idx, [plate.name]: block };
      return perDatumTaylor(
        ctx.model,
        ctx.args,
        ctx.layout,
        ctx.plates,
        plate.name,
        sub,
        ctx.ref,
        ctx.degree,
      );
    } catch {
      this.wholeOnly.add(plate.name);
      return rows(this.of(plate, idx), start, count);
    } finally {
      silenceWarnings(was);
    }
  }

  /** The Taylor coefficients of the subsample `idx[plate]`: read from a table, compiled, or differentiated. */
  of(plate: SubsamplePlate, idx: Readonly<Record<string, Int32Array>>): PlateProxy {
    const { ctx } = this;
    const table = this.tables.get(plate.name);
    if (table) return gatherProxy(table, idx[plate.name] as Int32Array, ctx.ref.length);
    const compiled = this.compiled.get(plate.name);
    if (compiled) return compiled.perDatum(idx);
    return perDatumTaylor(ctx.model, ctx.args, ctx.layout, ctx.plates, plate.name, idx, ctx.ref, ctx.degree);
  }
}

/** Rows `start … start + n − 1` of per-datum coefficients (the same object when that is all of them). */
function rows(p: PlateProxy, start: number, n: number): PlateProxy {
  const m = p.l.length;
  if (start === 0 && n === m) return p;
  const cut = (a: Float64Array): Float64Array => {
    const w = a.length / m;
    return a.slice(start * w, (start + n) * w);
  };
  return { l: cut(p.l), g: cut(p.g), h: cut(p.h) };
}
