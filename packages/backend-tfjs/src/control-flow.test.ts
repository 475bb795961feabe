import {
  cond,
  PhloxError,
  scan,
  silenceWarnings,
  switchCase,
  type Tensor,
  tensor,
  valueAndGrad,
  whileLoop,
  withBackend,
} from "@phlox/tensor";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { jitOnBackend } from "./program.js";
import { createTfjsBackend, type TfjsBackend } from "./tfjs-backend.js";

silenceWarnings(true);

let be: TfjsBackend;

/**
 * tfjs-cpu declared asynchronous (`syncRead: false`), as WebGPU is: reading a computed value synchronously
 * throws. The primitives without a tfjs kernel (which WebGPU gets from custom WGSL) are declined kernels
 * here: these tests never use them.
 */
const asyncCpu = (name: string): TfjsBackend =>
  createTfjsBackend({
    name,
    tfBackend: "cpu",
    syncRead: false,
    extraKernels: (
      [
        "cholesky",
        "digamma",
        "erfc",
        "lgamma",
        "ndtri",
        "polygamma",
        "randomBits",
        "triangularSolve",
      ] as const
    ).map((primitive) => ({ primitive, run: () => null })),
  });
beforeAll(async () => {
  await import("@tensorflow/tfjs-backend-cpu");
  await tf.setBackend("cpu");
  await tf.ready();
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  be = createTfjsBackend({ name: "tfcpu-control", tfBackend: "cpu", fallbacks: "js" });
});

describe("control flow on a tfjs backend (jitOnBackend: a host loop dispatching the body's kernels)", () => {
  it("scan with its gradient, cond and whileLoop agree with the js backend", () => {
    const f = (w: Tensor, xs: Tensor) => {
      const [c, ys] = scan(
        (h: Tensor, x: Tensor) => {
          const n = h.mul(w).add(x).tanh();
          return [n, n.square()];
        },
        tensor(0.1),
        xs,
      );
      const s = cond(
        c.gt(0),
        (u: Tensor) => u.mul(2),
        (u: Tensor) => u.neg(),
        c,
      );
      const k = whileLoop(
        (v: Tensor) => v.lt(3),
        (v: Tensor) => v.add(1.5),
        xs.sum().stopGradient(),
      );
      return (ys as Tensor).sum().add(k).add(s);
    };
    const vg = (w: Tensor, xs: Tensor) => valueAndGrad(f)(w, xs);
    const xsData = [0.5, -0.3, 0.8, 0.1];
    const [v0, g0] = vg(tensor(0.7), tensor(xsData));
    const [v1, g1] = withBackend(be, () => jitOnBackend(vg, be)(tensor(0.7), tensor(xsData)));
    expect(v1.item()).toBeCloseTo(v0.item(), 5);
    expect((g1 as Tensor).item()).toBeCloseTo((g0 as Tensor).item(), 5);
  });

  it("an asynchronous backend (syncRead: false) selects cond branches on the device, never reading back", async () => {
    // tfjs-cpu with syncRead: false behaves as WebGPU does: reading a computed value synchronously throws
    const async = asyncCpu("tfcpu-async-control");
    const f = (x: Tensor, k: Tensor) => {
      const a = cond(
        x.sum().gt(0),
        (u: Tensor) => u.mul(2),
        (u: Tensor) => u.neg(),
        x,
      );
      const b = switchCase(k, [(u: Tensor) => u, (u: Tensor) => u.exp(), (u: Tensor) => u.square()], a);
      return b;
    };
    const cases: [number[], number][] = [
      [[0.5, -0.2], 1],
      [[-0.5, -0.2], 2],
      [[-0.5, 0.1], -3],
      [[0.3, 0.1], 7],
    ];
    for (const [x, k] of cases) {
      const want = f(tensor(x), tensor(k, { dtype: "int32" })).dataSync();
      const jitted = withBackend(async, () => jitOnBackend(f, async));
      const got = withBackend(async, () => jitted(tensor(x), tensor(k, { dtype: "int32" })));
      expect([...(await got.data())].map((v) => Number(v.toFixed(5)))).toEqual(
        [...want].map((v) => Number(v.toFixed(5))),
      );
      // eagerly too: the computed predicate stays on the device
      const eager = withBackend(async, () => f(tensor(x).mul(1), tensor(k, { dtype: "int32" }).add(0)));
      expect([...(await eager.data())].map((v) => Number(v.toFixed(5)))).toEqual(
        [...want].map((v) => Number(v.toFixed(5))),
      );
    }
  });

  it("a whileLoop on an asynchronous backend is a clear error naming the fix, not a failed read-back", () => {
    const async = asyncCpu("tfcpu-async-while");
    const f = (x: Tensor) =>
      whileLoop(
        (v: Tensor) => v.lt(3),
        (v: Tensor) => v.add(1.5),
        x,
      );
    let err: unknown;
    try {
      withBackend(async, () => jitOnBackend(f, async)(tensor(0.5)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PhloxError);
    expect((err as PhloxError).code).toBe("while-loop-async-backend");
    expect(String((err as Error).message)).toMatch(/foriLoop|scan/);
  });
});
