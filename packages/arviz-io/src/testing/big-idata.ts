import { fromArrays } from "../from-arrays.js";
import type { InferenceData } from "../inference-data.js";

/**
 * A deterministic InferenceData of 8 float64 variables `[1, n]` (fixed `created_at`), so that a test and a
 * child process build identical data.
 */
export function bigIdata(n: number, seed: number): InferenceData {
  const base = new Float64Array(n);
  for (let i = 0; i < n; i++) base[i] = Math.sin(i + seed) * 1e3 + i;
  return fromArrays(
    {
      posterior: Object.fromEntries(
        Array.from({ length: 8 }, (_, k) => [`v${k}`, { data: base.map((x) => x + k), shape: [1, n] }]),
      ),
    },
    { attrs: { created_at: "2026-01-01T00:00:00+00:00", seed } },
  );
}
