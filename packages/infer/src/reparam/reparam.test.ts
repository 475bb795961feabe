import { AffineTransform, Normal, TransformedDistribution, VonMises } from "@phlox/distributions";
import { plate, reparam, sample, seed, substitute, trace } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { potentialEnergy } from "../potential.js";
import { CircularReparam } from "./circular.js";
import { LocScaleReparam } from "./loc-scale.js";
import { TransformReparam } from "./transform.js";

const num = (t: Tensor): number => (t.dataSync() as ArrayLike<number>)[0];
const normalLogPdf = (x: number, m: number, s: number): number =>
  -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

describe("LocScaleReparam", () => {
  it("records the decentred site and a deterministic site with the original name", () => {
    const model = () => plate("n", 3, () => sample("x", new Normal(1, 2)));
    const tr = trace(seed(reparam(model, { x: new LocScaleReparam(0) }), 0)).getTrace();
    const dec = tr.get("x_decentered")!;
    expect(dec.type).toBe("sample");
    expect(dec.fn!.batchShape).toEqual([3]);
    const x = tr.get("x")!;
    expect(x.type).toBe("deterministic");
    const d = Array.from(dec.value!.dataSync() as ArrayLike<number>);
    const v = Array.from(x.value!.dataSync() as ArrayLike<number>);
    for (let i = 0; i < 3; i++) expect(v[i]).toBeCloseTo(1 + 2 * d[i], 12);
  });

  it("centered = 1 leaves the site unchanged", () => {
    const model = () => sample("x", new Normal(1, 2));
    const tr = trace(seed(reparam(model, { x: new LocScaleReparam(1) }), 0)).getTrace();
    expect([...tr.keys()]).toEqual(["x"]);
    expect(tr.get("x")!.type).toBe("sample");
  });

  it("without centered, learns the centring as a param in [0, 1]", () => {
    const model = () => sample("x", new Normal(1, 2));
    const tr = trace(seed(reparam(model, { x: new LocScaleReparam() }), 0)).getTrace();
    expect(tr.get("x_centered")!.type).toBe("param");
    expect(num(tr.get("x_centered")!.value!)).toBe(0.5);
  });

  it("rejects centring outside [0, 1] and observed sites", () => {
    expect(() => new LocScaleReparam(1.5)).toThrow(/0 ≤ centered ≤ 1/);
    const model = () => sample("x", new Normal(0, 1), { obs: 0 });
    expect(() => seed(reparam(model, { x: new LocScaleReparam(0) }), 0)()).toThrow(/observed/);
  });
});

describe("TransformReparam", () => {
  it("samples the base distribution and applies the transforms deterministically", () => {
    const model = () => sample("x", new TransformedDistribution(new Normal(0, 1), new AffineTransform(1, 2)));
    const rp = reparam(model, { x: new TransformReparam() });
    const tr = trace(seed(rp, 0)).getTrace();
    expect(tr.get("x")!.type).toBe("deterministic");
    expect(num(tr.get("x")!.value!)).toBeCloseTo(1 + 2 * num(tr.get("x_base")!.value!), 12);
    // The reparameterised density is the base density of x_base.
    expect(num(potentialEnergy(rp, [], { x_base: 0.3 }))).toBeCloseTo(-normalLogPdf(0.3, 0, 1), 12);
  });

  it("rejects a distribution that is not a TransformedDistribution", () => {
    const model = () => sample("x", new Normal(0, 1));
    expect(() => seed(reparam(model, { x: new TransformReparam() }), 0)()).toThrow(/TransformedDistribution/);
  });
});

describe("CircularReparam", () => {
  it("samples on the real line, wraps into [−π, π) and adds the circular density as a factor", () => {
    const vm = new VonMises(0.5, 2);
    const model = () => sample("angle", vm);
    const rp = reparam(model, { angle: new CircularReparam() });
    const u = 0.4 + 2 * Math.PI; // wraps to 0.4
    const tr = trace(substitute(rp, { angle_unwrapped: u })).getTrace();
    expect(num(tr.get("angle")!.value!)).toBeCloseTo(0.4, 12);
    expect(tr.get("angle_factor")!.isObserved).toBe(true);
    const u0 = num(potentialEnergy(rp, [], { angle_unwrapped: u }));
    expect(u0).toBeCloseTo(-num(vm.logProb(tensor(0.4))), 10);
  });
});

describe("unconstrained reparameterisation under scale and subsampling", () => {
  const halfNormalLogPdf = (x: number): number => 0.5 * Math.log(2 / Math.PI) - 0.5 * x * x;

  it("the log-Jacobian is scaled like the site (NumPyro test_unconstrained_reparam_scale)", async () => {
    const { scale } = await import("@phlox/handlers");
    const { HalfNormal } = await import("@phlox/distributions");
    const model = () => scale(5).run(() => sample("x", new HalfNormal(1)));
    const u = 0.3;
    expect(num(potentialEnergy(model, [], { x: u }))).toBeCloseTo(
      -5 * (halfNormalLogPdf(Math.exp(u)) + u),
      10,
    );
  });

  it("and like a subsampled plate's scale (NumPyro test_unconstrained_reparam_subsample)", async () => {
    const { HalfNormal } = await import("@phlox/distributions");
    const idx = tensor([0, 1], { dtype: "int32" });
    const model = () => plate("N", 10, () => sample("x", new HalfNormal(1)), { subsampleSize: 2 });
    const u = [0.3, -0.2];
    const U = num(potentialEnergy(substitute(model, { N: idx }), [], { x: tensor(u) }));
    const expected = -5 * u.reduce((s, v) => s + halfNormalLogPdf(Math.exp(v)) + v, 0);
    expect(U).toBeCloseTo(expected, 10);
  });
});
