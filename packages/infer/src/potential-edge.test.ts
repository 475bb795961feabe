import { describe, expect, it } from "vitest";
import { initializeModel, type ModelInfo } from "./initialize-model.js";
import { close, DEVIATIONS, type Deviation, EAGER_DIFFERS } from "./testing/edge-deviations.js";
import { buildData, type Data, fx, MODELS, type Num, type Z } from "./testing/edge-models.js";

// The potential U(z) and its gradient at the extreme unconstrained points NUTS visits during warmup (the
// step-size search and the first trajectories), against NumPyro 0.21's `initialize_model(...).potential_fn`
// under `jax.jit(jax.value_and_grad(...))` (fixtures/potential-edge.json, from
// scripts/potential_edge_fixtures.py): the origin, one component at ±20, ±50, ±100, ±300, ±700, ±750, and
// random mixed points. Values and every gradient component agree to 1e-9 relative to max(1, |NumPyro|); a
// non-finite NumPyro number (±∞, NaN) must be the same non-finite number in Phlox. Sites are matched by name.
// The models are in testing/edge-models.ts. DEVIATIONS (testing/edge-deviations.ts) lists, point by point, where
// Phlox differs, which side is right, and the file at fault; each entry is checked (against NumPyro's un-jitted
// numbers, the fixture's high-precision truth, hand-written densities or central differences), and an entry whose
// point now matches NumPyro fails as stale.

const RTOL = 1e-9;

const deviationOf = new Map<string, Deviation>();
for (const dev of DEVIATIONS) {
  for (const p of dev.points) {
    const key = `${dev.model} at ${p}`;
    if (deviationOf.has(key)) throw new Error(`DEVIATIONS: ${key} listed twice`);
    deviationOf.set(key, dev);
  }
}
const usedDeviations = new Set<string>();

/** The flat vector of `info.layout` from values by site name. */
function flat(info: ModelInfo, values: Z): Float64Array {
  const z = new Float64Array(info.dim);
  for (const l of info.layout) z.set(values[l.name] as Num[], l.offset);
  return z;
}

/** U equal to `value`, and (unless `grad` is undefined) every gradient component equal to `grad`'s. */
function matches(u: number, grad: Z, value: number, want?: Z, rtol = RTOL): boolean {
  if (!close(u, value, rtol)) return false;
  if (want === undefined) return true;
  return Object.entries(want).every(([k, w]) =>
    w.every((v, i) => close((grad[k] as number[])[i] as number, v, rtol)),
  );
}

describe(`the potential at extreme unconstrained points equals NumPyro ${fx.numpyro}'s (fixtures/potential-edge.json)`, () => {
  it("every fixture model is written here, and every model here is in the fixture", () => {
    expect(fx.models.map((m) => m.name).sort()).toEqual(Object.keys(MODELS).sort());
  });

  for (const m of fx.models) {
    describe(m.name, () => {
      const model = MODELS[m.name] as (d: Data) => void;
      let info: ModelInfo | undefined;
      const getInfo = (): ModelInfo => {
        info ??= initializeModel(0, model, [buildData(m)]);
        return info;
      };

      it("has NumPyro's latent sites with NumPyro's unconstrained shapes, and compiles", () => {
        const i = getInfo();
        expect(Object.fromEntries(i.layout.map((l) => [l.name, l.shape]))).toEqual(
          Object.fromEntries(m.sites.map((s) => [s.name, s.shape])),
        );
        expect(i.compiled).toBe(true);
      });

      it("eager autodiff (jit: false) gives the compiled potential's numbers at every point", () => {
        const i = getInfo();
        const eager = initializeModel(0, model, [buildData(m)], { jit: false });
        expect(eager.compiled).toBe(false);
        const bad: string[] = [];
        for (const p of m.points) {
          const z = flat(i, p.z);
          const g = new Float64Array(i.dim);
          const ge = new Float64Array(i.dim);
          const u = i.potentialFn(z, g);
          const ue = eager.potentialFn(z, ge);
          const norm = Math.max(1, ...Array.from(ge).filter(Number.isFinite).map(Math.abs));
          const ok =
            close(u, ue, 1e-12) && Array.from(g).every((v, k) => close(v, ge[k] as number, 1e-10, norm));
          if (!ok && !(EAGER_DIFFERS[m.name] ?? []).includes(p.label))
            bad.push(`${p.label}: ${u} ${g} vs ${ue} ${ge}`);
        }
        expect(bad.join("\n")).toBe("");
      });

      for (const p of m.points) {
        const title = `${m.name} at ${p.label}`;
        const dev = deviationOf.get(title);
        if (dev) usedDeviations.add(title);
        it(`U and ∇U at ${p.label}${dev ? ` (deviation: ${dev.expect.kind})` : ""}`, () => {
          const i = getInfo();
          const z = flat(i, p.z);
          const g = new Float64Array(i.dim);
          const u = i.potentialFn(z, g);
          const grad: Z = {};
          for (const l of i.layout) grad[l.name] = Array.from(g.subarray(l.offset, l.offset + l.size));
          const show = `U = ${u}, ∇U = ${JSON.stringify(grad)}; NumPyro U = ${p.value}, ∇U = ${JSON.stringify(p.grad)}`;
          if (dev === undefined) {
            expect(close(u, p.value, RTOL), `U: ${show}`).toBe(true);
            for (const l of i.layout) {
              const ok = (grad[l.name] as number[]).every((v, k) =>
                close(v, (p.grad[l.name] as Num[])[k] as number, RTOL),
              );
              expect(ok, `∂U/∂${l.name}: ${show}`).toBe(true);
            }
            // where both agree, so does the fixture's high-precision truth (a check of the script's truth itself)
            if (p.truth !== undefined)
              expect(close(p.truth.value, p.value, RTOL), `truth ${p.truth.value}`).toBe(true);
            return;
          }
          expect(
            matches(u, grad, p.value, p.grad),
            `stale deviation, Phlox now equals NumPyro: ${show}`,
          ).toBe(false);
          const e = dev.expect;
          switch (e.kind) {
            case "numpyro-eager": {
              const eager = p.eager;
              expect(eager, "the fixture has NumPyro's un-jitted numbers here").toBeDefined();
              if (eager === undefined) return;
              const gradToo = Number.isFinite(eager.value) ? eager.grad : undefined;
              expect(
                matches(u, grad, eager.value, gradToo),
                `${show}; un-jitted ${JSON.stringify(eager)}`,
              ).toBe(true);
              break;
            }
            case "nonfinite-potential":
              expect(Number.isFinite(p.value)).toBe(false);
              expect(close(u, p.value, RTOL), show).toBe(true);
              break;
            case "finite-grad":
              expect(close(u, p.value, RTOL), show).toBe(true);
              for (const l of i.layout) {
                (p.grad[l.name] as Num[]).forEach((w, k) => {
                  const v = (grad[l.name] as number[])[k] as number;
                  expect(
                    Number.isFinite(w) ? close(v, w, RTOL) : Number.isFinite(v),
                    `∂U/∂${l.name}[${k}]: ${show}`,
                  ).toBe(true);
                });
              }
              break;
            case "ill-conditioned": {
              expect(close(u, p.value, e.valueRtol), show).toBe(true);
              const norm = Math.max(1, ...Object.values(p.grad).flat().filter(Number.isFinite).map(Math.abs));
              for (const l of i.layout) {
                (p.grad[l.name] as Num[]).forEach((w, k) => {
                  const v = (grad[l.name] as number[])[k] as number;
                  expect(close(v, w, e.gradRtol, norm), `∂U/∂${l.name}[${k}]: ${show}`).toBe(true);
                });
              }
              break;
            }
            case "truth": {
              const t = p.truth;
              expect(t?.grad, "the fixture has the high-precision truth here").toBeDefined();
              if (t?.grad === undefined) return;
              expect(close(u, t.value, e.valueRtol ?? 1e-14), `truth U ${t.value}: ${show}`).toBe(true);
              for (const l of i.layout) {
                (t.grad[l.name] as Num[]).forEach((w, k) => {
                  if (e.gradExcept?.includes(`${l.name}[${k}]`)) return;
                  const v = (grad[l.name] as number[])[k] as number;
                  expect(close(v, w, e.gradRtol ?? 1e-13), `∂U/∂${l.name}[${k}], truth ${w}: ${show}`).toBe(
                    true,
                  );
                });
              }
              break;
            }
            case "pinned":
              expect(close(u, e.value, 1e-12), `pinned U ${e.value}: ${show}`).toBe(true);
              if (e.grad === "finite") expect(Array.from(g).every(Number.isFinite), show).toBe(true);
              else if (e.grad !== undefined)
                expect(matches(u, grad, e.value, e.grad, 1e-12), `pinned ∇U: ${show}`).toBe(true);
              else if (Number.isFinite(e.value)) {
                // the gradient is NumPyro's
                expect(matches(u, grad, u, p.grad), `∇U: ${show}`).toBe(true);
              }
              break;
          }
          dev.check?.({ info: i, z, zs: p.z, d: m.data, u, g, grad, truth: p.truth });
        });
      }
    });
  }

  it("every listed deviation names a fixture point", () => {
    expect([...deviationOf.keys()].filter((k) => !usedDeviations.has(k))).toEqual([]);
  });
});
