import { jit, type Tensor } from "@phlox/tensor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asTensor, PhloxError, values } from "../internal/ops.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { loadParity3, numericLogDet } from "../testing/parity3.js";
import { PackRealFastFourierCoefficientsTransform, RealFastFourierTransform } from "./fft.js";
import { ComposeTransform, type Transform } from "./transform.js";

const cases = loadParity3("transforms");
const check = (t: Transform, c: (typeof cases)[number]) => {
  const x = c.x as number[];
  const y = t.forward(x);
  expect(y.shape).toEqual(t.forwardShape(asTensor(x).shape));
  expect(maxRelErr(values(y), flat(c.y))).toBeLessThanOrEqual(1e-10);
  expect(maxRelErr(values(t.inverse(c.y as number[])), flat(c.inverse))).toBeLessThanOrEqual(1e-10);
  expect(maxRelErr(values(t.logAbsDetJacobian(x, y)), flat(c.logDet))).toBeLessThanOrEqual(1e-10);
};

describe("RealFastFourierTransform ((re, im) pairs on a trailing axis)", () => {
  for (const c of cases.filter((c) => c.name.startsWith("RealFFT"))) {
    it(`${c.name}: rfftn, irfftn and log|det J| match NumPyro 0.21 to 1e-10`, () => {
      const t = new RealFastFourierTransform(
        (c.transformShape ?? undefined) as number[] | undefined,
        c.transformNdims as number,
      );
      check(t, c);
    });
  }
  for (const n of [5, 6]) {
    it(`n = ${n}: round trip, and log|det J| is the Jacobian onto the free real coordinates (fast-check)`, () => {
      const t = new RealFastFourierTransform(n);
      // the free output coordinates: all real parts, imaginary parts of coefficients 1 … ⌈n/2⌉ − 1
      const nImag = n - (Math.floor(n / 2) + 1);
      const free = (y: Tensor): number[] => {
        const v = values(y);
        const m = v.length / 2;
        return [
          ...Array.from({ length: m }, (_, k) => v[2 * k]!),
          ...Array.from({ length: nImag }, (_, k) => v[2 * (k + 1) + 1]!),
        ];
      };
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
          (x) => {
            const y = t.forward(x);
            expect(maxRelErr(values(t.inverse(y)), x)).toBeLessThan(1e-12);
            const numeric = numericLogDet((v) => free(t.forward(v)), x);
            expect(Math.abs(values(t.logAbsDetJacobian(x, y))[0]! - numeric)).toBeLessThan(1e-6);
          },
        ),
        { numRuns: 10, seed: n },
      );
    });
  }
  it("traces under jit", () => {
    const c = cases.find((c) => c.name.startsWith("RealFFT/x3x4x5"))!;
    const t = new RealFastFourierTransform(undefined, 2);
    const y = jit((x: Tensor) => t.forward(x))(asTensor(c.x as number[]));
    expect(maxRelErr(values(y), flat(c.y))).toBeLessThanOrEqual(1e-10);
  });
});

describe("PackRealFastFourierCoefficientsTransform", () => {
  for (const c of cases.filter((c) => c.name.startsWith("PackRFFT"))) {
    it(`${c.name}: packing, unpacking and log|det J| match NumPyro 0.21`, () => {
      const n = asTensor(c.x as number[]).shape.at(-1)!;
      check(new PackRealFastFourierCoefficientsTransform(n), c);
    });
  }
  it("composed with the inverse real FFT it maps free coefficients to a real signal as NumPyro does", () => {
    const c = cases.find((c) => c.name.startsWith("PackThenInverseRFFT"))!;
    const t = new ComposeTransform([
      new PackRealFastFourierCoefficientsTransform(7),
      new RealFastFourierTransform(7).inv,
    ]);
    check(t, c);
    expect(t.codomain.eventDim).toBe(1);
  });
  it("inverse needs the signal length", () => {
    expect(() => new PackRealFastFourierCoefficientsTransform().inverse([[1, 0]])).toThrow(PhloxError);
  });
});
