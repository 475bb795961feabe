import { grad, type Tensor } from "@phlox/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  asTensor,
  exp,
  log,
  logSumExp,
  matmul,
  maximum,
  PhloxError,
  reshape,
  sliceAxis,
  softplus,
  sqrt,
  sum,
  tanh,
  values,
} from "../internal/ops.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { loadParity3, numericLogDet } from "../testing/parity3.js";
import { BlockNeuralAutoregressiveTransform, InverseAutoregressiveTransform } from "./flows.js";

interface Dense {
  W: number[][];
  b: number[];
  ws?: number[];
}
const flows = loadParity3("flows");
const iafCase = flows.find((c) => c.name.startsWith("IAF"))!;
const bnafCase = flows.find((c) => c.name.startsWith("BNAF"))!;

/** NumPyro's AutoregressiveNN (one ReLU hidden layer) with the fixture's masked weights: x ↦ (μ, log σ). */
function made(layers: Dense[]) {
  const [l1, l2] = layers as [Dense, Dense];
  return (x: Tensor): [Tensor, Tensor] => {
    const h = maximum(matmul(x, l1.W).add(asTensor(l1.b)), 0);
    const out = matmul(h, l2.W).add(asTensor(l2.b));
    const d = out.shape.at(-1)! / 2;
    return [sliceAxis(out, -1, 0, d), sliceAxis(out, -1, d, 2 * d)];
  };
}

/** NumPyro's BlockNeuralAutoregressiveNN (Tanh between block-masked dense layers) for one vector x [D]. */
function bnafNet(layers: Dense[], factors: number[], D: number) {
  return (x: Tensor): [Tensor, Tensor] => {
    let h = reshape(x, [1, D]);
    let L: Tensor | undefined;
    layers.forEach((ly, l) => {
      const inF = factors[l]!;
      const outF = factors[l + 1]!;
      const md = ly.W.map((r, i) => r.map((_, j) => (Math.floor(i / inF) === Math.floor(j / outF) ? 1 : 0)));
      const mo = ly.W.map((r, i) => r.map((_, j) => (Math.floor(i / inF) < Math.floor(j / outF) ? 1 : 0)));
      const W = asTensor(ly.W);
      const w = exp(W)
        .mul(asTensor(md))
        .add(W.mul(asTensor(mo)));
      const wn = sqrt(sum(w.mul(w), 0, true));
      const ws = reshape(asTensor(ly.ws!), [1, D * outF]);
      const out = matmul(h, exp(ws).mul(w).div(wn)).add(asTensor(ly.b));
      const dl = values(ws.add(W).sub(log(wn)));
      const blocks: number[][][] = [];
      for (let b = 0; b < D; b++)
        blocks.push(
          Array.from({ length: inF }, (_, i) =>
            Array.from({ length: outF }, (_, j) => dl[(b * inF + i) * D * outF + b * outF + j]!),
          ),
        );
      const B = asTensor(blocks);
      L = L === undefined ? B : logSumExp(reshape(L, [...L.shape, 1]).add(reshape(B, [D, 1, inF, outF])), 2);
      if (l + 1 < layers.length) {
        h = tanh(out);
        const tl = out
          .add(softplus(out.mul(-2)))
          .sub(Math.LN2)
          .mul(-2);
        L = L.add(reshape(tl, [D, 1, outF]));
      } else h = out;
    });
    return [reshape(h, [D]), reshape(L!, [D])];
  };
}

describe("InverseAutoregressiveTransform (NumPyro's AutoregressiveNN weights, fixtures/parity3.json)", () => {
  const t = new InverseAutoregressiveTransform(made(iafCase.layers as Dense[]));
  it("forward, inverse and log|det J| match NumPyro 0.21 to 1e-10 (log σ clipped to [−5, 3])", () => {
    const y = t.forward(iafCase.x as number[][]);
    expect(maxRelErr(values(y), flat(iafCase.y))).toBeLessThanOrEqual(1e-10);
    expect(maxRelErr(values(t.inverse(iafCase.y as number[][])), flat(iafCase.inverse))).toBeLessThanOrEqual(
      1e-10,
    );
    const ld = t.logAbsDetJacobian(iafCase.x as number[][], y);
    expect(maxRelErr(values(ld), flat(iafCase.logDet))).toBeLessThanOrEqual(1e-10);
  });
  it("round trip and log|det J| against central differences (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (x) => {
          const y = t.forward(x);
          expect(maxRelErr(values(t.inverse(y)), x)).toBeLessThan(1e-10);
          const numeric = numericLogDet((v) => values(t.forward(v)), x);
          expect(Math.abs(values(t.logAbsDetJacobian(x, y))[0]! - numeric)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 10, seed: 9 },
    );
  });
  it("gradients pass through the log-scale clip (NumPyro's clamp that preserves gradients)", () => {
    const iaf = new InverseAutoregressiveTransform((x) => [x.mul(0), x.mul(0).add(10)]);
    // log σ = 10 is clipped to 3 in value, but d/dx of Σ log σ(x) = 0 and d/dx of y = e³·x is e³
    expect(values(iaf.forward([1, 2]))).toEqual([Math.exp(3), 2 * Math.exp(3)]);
    expect(values(grad((x: Tensor) => sum(iaf.forward(x), -1))(asTensor([1, 2])) as Tensor)).toEqual([
      Math.exp(3),
      Math.exp(3),
    ]);
    expect(
      () => new InverseAutoregressiveTransform((x) => [x, x], { logScaleMinClip: 1, logScaleMaxClip: 0 }),
    ).toThrow(PhloxError);
  });
});

describe("BlockNeuralAutoregressiveTransform (NumPyro's BlockNeuralAutoregressiveNN weights)", () => {
  const D = 4;
  const t = new BlockNeuralAutoregressiveTransform(
    bnafNet(bnafCase.layers as Dense[], bnafCase.factors as number[], D),
  );
  it("forward and log|det J| match NumPyro 0.21 to 1e-10 per input vector, and agree with central differences", () => {
    const xs = bnafCase.x as number[][];
    const ys = bnafCase.y as number[][];
    xs.forEach((x, i) => {
      const y = t.forward(x);
      expect(maxRelErr(values(y), ys[i]!)).toBeLessThanOrEqual(1e-10);
      const ld = values(t.logAbsDetJacobian(x, y))[0]!;
      expect(maxRelErr([ld], [flat(bnafCase.logDet)[i]!])).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(ld - numericLogDet((v) => values(t.forward(v)), x))).toBeLessThan(1e-5);
    });
  });
  it("has no inverse (as in NumPyro)", () => {
    expect(() => t.inverse([0, 0, 0, 0])).toThrow(PhloxError);
  });
});
