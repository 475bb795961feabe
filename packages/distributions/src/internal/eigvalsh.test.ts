import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logAbsDet } from "../testing/parity3.js";
import { eigvalsh } from "./eigvalsh.js";

describe("eigvalsh (host symmetric eigenvalues)", () => {
  it("gives the known spectrum of the path-graph Laplacian, 2 − 2cos(kπ/n)", () => {
    const n = 9;
    const m = new Array(n * n).fill(0);
    for (let i = 0; i < n; i++) {
      m[i * n + i] = i === 0 || i === n - 1 ? 1 : 2;
      if (i + 1 < n) m[i * n + i + 1] = m[(i + 1) * n + i] = -1;
    }
    const want = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos((k * Math.PI) / n)).sort(
      (a, b) => a - b,
    );
    for (const [i, v] of eigvalsh(m, n).entries()) expect(Math.abs(v - want[i]!)).toBeLessThan(1e-13);
  });
  it("preserves trace, sum of squares and log|det| of random symmetric matrices (fast-check)", () => {
    const n = 6;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -30, max: 30 }), { minLength: n * n, maxLength: n * n }),
        (ri) => {
          const r = ri.map((v) => v / 10 + 0.001 * Math.sin(v));
          const m = r.map((_, k) => r[k]! + r[(k % n) * n + Math.floor(k / n)]!);
          const lam = eigvalsh(m, n);
          const tr = Array.from({ length: n }, (_, i) => m[i * n + i]!).reduce((a, b) => a + b, 0);
          const fro = m.reduce((a, b) => a + b * b, 0);
          expect(Math.abs(lam.reduce((a, b) => a + b, 0) - tr)).toBeLessThan(
            1e-11 * Math.max(1, Math.abs(tr)),
          );
          expect(Math.abs(lam.reduce((a, b) => a + b * b, 0) - fro)).toBeLessThan(1e-11 * Math.max(1, fro));
          const ld = lam.reduce((a, b) => a + Math.log(Math.abs(b)), 0);
          const det = logAbsDet(Array.from({ length: n }, (_, i) => m.slice(i * n, i * n + n)));
          if (Number.isFinite(ld) && Number.isFinite(det) && Math.abs(ld) < 30)
            expect(Math.abs(ld - det)).toBeLessThan(1e-8 * Math.max(1, Math.abs(ld)));
        },
      ),
      { numRuns: 30, seed: 2 },
    );
  });
});
