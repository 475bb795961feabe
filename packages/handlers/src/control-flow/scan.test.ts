// Cases ported from NumPyro's test/contrib/test_control_flow.py (the structure-only ones; the numeric ones
// against NumPyro's own numbers live in @phlox/mcmc's time-series-scan.test.ts).
import { MultivariateNormal, Normal } from "@phlox/distributions";
import * as T from "@phlox/tensor";
import { eye, ones, type Tensor, tensor, zeros } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { condition } from "../handlers/condition.js";
import { mask } from "../handlers/mask.js";
import { seed } from "../handlers/seed.js";
import { substitute } from "../handlers/substitute.js";
import { trace } from "../handlers/trace.js";
import { deterministic } from "../primitives/deterministic.js";
import { plate } from "../primitives/plate.js";
import { sample } from "../primitives/sample.js";
import { scan } from "./scan.js";

describe("model-level scan (NumPyro's contrib.control_flow.scan)", () => {
  it("scan without a handler stack is lax.scan (test_scan_without_stack)", () => {
    const K = tensor([
      [0.7, 0.3],
      [0.3, 0.7],
    ]);
    const [, ys] = scan(
      (c: Tensor, x: Tensor) => {
        const n = c.reshape([1, 2]).matmul(K).reshape([2]).add(x);
        return [n, n];
      },
      tensor([1, 0]),
      tensor([[1, 0]]),
    );
    const r = (ys as Tensor).toArray() as number[][];
    expect(r[0]?.[0]).toBeCloseTo(1.7, 14);
    expect(r[0]?.[1]).toBeCloseTo(0.3, 14);
  });

  it("sites get a leading time axis, deterministic sites too (test_scan)", () => {
    const model = (T: number) => {
      const x0 = sample("x_0", new Normal(0, 1));
      const [, xy] = scan(
        ([x, mu]: [Tensor, Tensor]) => {
          const x1 = sample("x", new Normal(x.mul(0), 1));
          const mu1 = mu.mul(0).add(x1);
          const y1 = sample("y", new Normal(mu1, 1));
          deterministic("y2", y1.mul(2));
          return [[x1, mu1] as [Tensor, Tensor], [x1, y1]];
        },
        [x0, x0] as [Tensor, Tensor],
        null,
        { length: T },
      );
      return xy;
    };
    const tr = trace(seed(model, 0)).getTrace(10);
    for (const name of ["x", "y", "y2"]) expect(tr.get(name)?.value?.shape).toEqual([10]);
    const value = (name: string): Tensor => {
      const v = tr.get(name)?.value;
      if (v === null || v === undefined) throw new Error(`no value at ${name}`);
      return v;
    };
    expect(value("y2").toArray()).toEqual(value("y").mul(2).toArray() as number[]);
    // seeded draws differ from step to step and are reproducible
    const x = value("x").toArray() as number[];
    expect(new Set(x).size).toBe(10);
    expect(trace(seed(model, 0)).getTrace(10).get("x")?.value?.toArray()).toEqual(x);
    // condition with a full-length value: the body sees x[t] and the site is observed
    const xs = tensor(Array.from({ length: 10 }, (_, i) => i / 10));
    const tc = trace(condition(seed(model, 1), { x: xs })).getTrace(10);
    expect(tc.get("x")?.value?.toArray()).toEqual(xs.toArray());
    expect(tc.get("x")?.isObserved).toBe(true);
    const ts = trace(substitute(seed(model, 1), { x: xs })).getTrace(10);
    expect(ts.get("x")?.isObserved).toBe(false);
  });

  it("plates inside the body: batch shape (T, N), log densities per step and element (test_scan_promote)", () => {
    const model = () =>
      scan(
        () => {
          // NumPyro observes the scalar 1.0; Phlox refuses observations smaller than the plate
          // ("obs-shape"), so the value is broadcast explicitly.
          plate("N", 3, () => sample("x", new Normal(0, 1), { obs: ones([3]) }));
          return [null, null];
        },
        null,
        null,
        { length: 10 },
      );
    const tr = trace(model).getTrace();
    const site = tr.get("x");
    expect(site?.fn?.batchShape).toEqual([10, 3]);
    expect(site?.fn?.logProb(site.value as Tensor).shape).toEqual([10, 3]);
  });

  it("plate and mask inside the body, event dims kept (test_scan_plate_mask)", () => {
    const model = (T: number) => {
      const x0 = sample("x_0", new Normal(zeros([10, 3]), ones([10, 3])).toEvent(1));
      scan(
        ([xPrev, t]: [Tensor, Tensor]) =>
          plate("N", 10, () =>
            mask(t.lt(T)).run(() => {
              const x = sample("x", new Normal(xPrev.mul(0), ones([10, 3])).toEvent(1));
              sample("y", new Normal(x, ones([10, 3])).toEvent(1));
              return [[x, t.add(1)] as [Tensor, Tensor], null];
            }),
          ),
        [x0, tensor(0, { dtype: "int32" })] as [Tensor, Tensor],
        null,
        { length: T },
      );
    };
    const tr = trace(seed(model, 0)).getTrace(12);
    expect(tr.get("x")?.fn?.batchShape).toEqual([12, 10]);
    expect(tr.get("x")?.fn?.eventShape).toEqual([3]);
    expect(tr.get("y")?.value?.shape).toEqual([12, 10, 3]);
  });

  it("multivariate sites in a plate (test_scan_mvn)", () => {
    const model = () =>
      scan(
        (c: Tensor, a: Tensor) => {
          const c2 = plate("foo", 5, () =>
            sample("val", new MultivariateNormal(c.add(a), { scaleTril: eye(2) })),
          );
          return [c2, c2];
        },
        zeros([5, 2]),
        ones([4, 5, 2]),
      );
    const tr = trace(seed(model, 0)).getTrace();
    expect(tr.get("val")?.fn?.batchShape).toEqual([4, 5]);
  });

  it("nested scans (NumPyro marks this xfail; here the inner sites get both time axes)", () => {
    const model = () => {
      const x = sample("x", new Normal(0, 1));
      return scan(
        (y: Tensor) => {
          const y2 = sample("y", new Normal(y, 1));
          const [, zs] = scan(
            (z: Tensor) => {
              const z2 = sample("z", new Normal(z, 1));
              return [z2, z2];
            },
            y2,
            null,
            { length: 4 },
          );
          return [y2, zs];
        },
        x,
        null,
        { length: 3 },
      )[1];
    };
    const tr = trace(seed(model, 0)).getTrace();
    expect(tr.get("y")?.value?.shape).toEqual([3]);
    expect(tr.get("z")?.value?.shape).toEqual([3, 4]);
    const z = tr.get("z");
    const lp = z?.fn?.logProb(z.value as Tensor) as Tensor;
    expect(Number.isFinite(lp.sum().item())).toBe(true);
  });

  it("history > 1 changes nothing without enumerated sites (NumPyro: the same draws and densities)", () => {
    const model = (h: number) => () =>
      scan(
        (c: Tensor, x: Tensor) => {
          const z = sample("z", new Normal(c, 1));
          sample("y", new Normal(z, 0.5), { obs: x });
          return [z, z];
        },
        tensor(0),
        tensor([0.3, -0.1, 0.8, 1.2]),
        { history: h },
      );
    const a = trace(seed(model(1), 3)).getTrace();
    for (const h of [0, 2, 3]) {
      const b = trace(seed(model(h), 3)).getTrace();
      expect([...(b.get("z")?.value?.dataSync() ?? [])]).toEqual([...(a.get("z")?.value?.dataSync() ?? [])]);
      const lp = (t: typeof a) => {
        const s = t.get("y");
        if (s?.fn === undefined || s.fn === null) throw new Error("no site y");
        return s.fn
          .logProb(s.value as Tensor)
          .sum()
          .item();
      };
      expect(lp(b)).toBe(lp(a));
    }
  });

  it("a substituted series shorter than the scan: its values first, then draws (NumPyro's _subs_wrapper)", () => {
    const model = () =>
      scan(
        (c: Tensor) => {
          const x = sample("x", new Normal(c, 1));
          return [x, x];
        },
        tensor(10),
        null,
        { length: 5 },
      );
    const given = tensor([1.5, -2]);
    const tr = trace(seed(substitute(model, { x: given }), 4)).getTrace();
    const x = [...(tr.get("x")?.value?.dataSync() ?? [])];
    expect(x).toHaveLength(5);
    expect(x.slice(0, 2)).toEqual([1.5, -2]);
    // the rest are draws from Normal(previous, 1): near −2 and each other, never the zero padding
    for (let t = 2; t < 5; t++) {
      expect(x[t]).not.toBe(0);
      expect(Math.abs((x[t] as number) - (x[t - 1] as number))).toBeLessThan(6);
    }
    // the same seed gives the same draws; another seed others; the given steps never change
    const again = [
      ...(trace(seed(substitute(model, { x: given }), 4))
        .getTrace()
        .get("x")
        ?.value?.dataSync() ?? []),
    ];
    expect(again).toEqual(x);
    const other = [
      ...(trace(seed(substitute(model, { x: given }), 5))
        .getTrace()
        .get("x")
        ?.value?.dataSync() ?? []),
    ];
    expect(other.slice(0, 2)).toEqual([1.5, -2]);
    expect(other.slice(2)).not.toEqual(x.slice(2));
    // condition: observed at every step, as NumPyro's condition through the same wrapper
    const ctr = trace(seed(condition(model, { x: given }), 4)).getTrace();
    expect(ctr.get("x")?.isObserved).toBe(true);
    expect([...(ctr.get("x")?.value?.dataSync() ?? [])].slice(0, 2)).toEqual([1.5, -2]);
    // longer than the scan, or draws without a key: clear errors
    expect(() => trace(seed(substitute(model, { x: T.zeros([6]) }), 0)).getTrace()).toThrow(
      /6 steps .* more than the scan's 5/,
    );
    expect(() => trace(substitute(model, { x: given })).getTrace()).toThrow(/needs a PRNG key/);
  });

  it("a scan inside a plate is a clear error (NumPyro: put the plate inside the body)", () => {
    const model = () =>
      plate("N", 3, () =>
        scan((c: Tensor) => [sample("x", new Normal(c, 1)), null], zeros([3]), null, { length: 4 }),
      );
    expect(() => trace(seed(model, 0)).getTrace()).toThrow(
      /inside a plate[\s\S]*put the plate inside the body/,
    );
  });

  it("errors: a draw without a key, a negative history, and a scanned site cannot be redrawn", () => {
    const model = () =>
      scan((c: Tensor) => [sample("x", new Normal(c, 1)), null], tensor(0), null, { length: 3 });
    expect(() => trace(model).getTrace()).toThrow(/needs a PRNG key/);
    expect(() => scan((c: Tensor) => [c, null], tensor(0), null, { length: 3, history: -1 })).toThrow(
      /history/,
    );
    const tr = trace(seed(model, 0)).getTrace();
    expect(() => tr.get("x")?.fn?.sample(tensor([0, 1], { dtype: "uint32" }))).toThrow(/drawn inside a scan/);
  });
});
