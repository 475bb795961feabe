import {
  cond,
  scan,
  silenceWarnings,
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
});
