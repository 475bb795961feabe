// Ported from NumPyro's test/contrib/test_control_flow.py::test_scan_svi: SVI with AutoNormal on a Gaussian
// HMM written with the model-level scan recovers the latent path it was simulated from.
import { Normal } from "@phlox/distributions";
import { plate, sample, scan, seed, trace } from "@phlox/handlers";
import { type Tensor, zeros } from "@phlox/tensor";
import { Adam, SVI, TraceELBO } from "@phlox/vi";
import { expect, it } from "vitest";
import { AutoNormal } from "./auto-normal.js";

const T = 3;
const N = 5;
function gaussianHmm(y: Tensor | null): [Tensor, Tensor] {
  const x0 = plate("data", N, () => sample("x_0", new Normal(zeros([N]), 5)));
  const [, xy] = scan(
    (xPrev: Tensor, yCurr: Tensor | null) =>
      plate("data", N, () => {
        const x = sample("x", new Normal(xPrev, 1.5));
        const yy = sample("y", new Normal(x, 0.1), { obs: yCurr });
        return [x, [x, yy]] as [Tensor, [Tensor, Tensor]];
      }),
    x0,
    y,
    { length: T },
  );
  return xy as [Tensor, Tensor];
}

it("SVI with AutoNormal through scan recovers the simulated path (test_scan_svi)", {
  timeout: 120_000,
}, () => {
  const [, y] = seed(gaussianHmm, 0)(null);
  const tr = trace(seed(gaussianHmm, 0)).getTrace(y);
  const guide = new AutoNormal(gaussianHmm);
  const svi = new SVI(gaussianHmm, guide, new Adam(0.1), new TraceELBO());
  const { params } = svi.run(0, 1000, y);
  const xhat = params.x_auto_loc.dataSync();
  const x = tr.get("x")?.value?.dataSync() as Float64Array;
  expect(params.x_auto_loc.shape).toEqual([T, N]);
  for (let i = 0; i < T * N; i++)
    expect(Math.abs((xhat[i] as number) - (x[i] as number))).toBeLessThan(
      0.2 + 0.1 * Math.abs(x[i] as number),
    );
});
