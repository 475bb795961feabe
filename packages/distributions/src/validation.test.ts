import { ConstraintError, type PhloxError, ShapeError } from "@phlox/tensor";
import { afterEach, describe, expect, it } from "vitest";
import { bijectTo } from "./bijectTo.js";
import { Constraint } from "./constraints/constraint.js";
import { HalfNormal } from "./continuous/half-normal.js";
import { Normal } from "./continuous/normal.js";
import { Bernoulli } from "./discrete/bernoulli.js";
import { Binomial } from "./discrete/binomial.js";
import { Poisson } from "./discrete/poisson.js";
import { enableValidation } from "./distribution.js";
import type { Tensor, TensorLike } from "./internal/ops.js";
import { ImproperUniform } from "./meta/improper-uniform.js";
import { Dirichlet } from "./multivariate/dirichlet.js";
import { LKJCholesky } from "./multivariate/lkj-cholesky.js";
import { MultivariateNormal } from "./multivariate/mvn.js";

const v = { validateArgs: true };

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

describe("validateArgs: clear errors that name the distribution, parameter, shape and offending value", () => {
  afterEach(() => enableValidation(false));
  it("is off by default: invalid parameters build and give NaN without throwing", () => {
    expect(() => new Normal(0, -1)).not.toThrow();
    expect(new Normal(0, 1).validateArgs).toBe(false);
  });
  it("a parameter outside its constraint throws ConstraintError naming the parameter and value", () => {
    const e = thrown(() => new Normal([0, 0], [1, -2], v));
    expect(e).toBeInstanceOf(ConstraintError);
    expect((e as PhloxError).code).toBe("distribution-invalid-parameter");
    expect(e.message).toMatch(/Normal/);
    expect(e.message).toMatch(/scale/);
    expect(e.message).toMatch(/\[2\]/);
    expect(e.message).toMatch(/-2/);
    expect(e.message).toMatch(/greaterThan\(0\)/);
  });
  it("a probability above one throws for Bernoulli", () => {
    expect(() => new Bernoulli({ probs: 1.5 }, v)).toThrow(
      /Bernoulli: parameter probs .* interval\(0, 1\).*1\.5/,
    );
  });
  it("a non-integer total count throws for Binomial", () => {
    expect(() => new Binomial(2.5, 0.3, v)).toThrow(/Binomial: parameter totalCount/);
  });
  it("a concentration vector with a negative entry throws for Dirichlet", () => {
    expect(() => new Dirichlet([1, -1, 2], v)).toThrow(/Dirichlet: parameter concentration of shape \[3\]/);
  });
  it("a non-positive-definite covariance throws for MultivariateNormal", () => {
    expect(
      () =>
        new MultivariateNormal(
          [0, 0],
          {
            covarianceMatrix: [
              [1, 2],
              [2, 1],
            ],
          },
          v,
        ),
    ).toThrow(/MultivariateNormal: parameter covarianceMatrix .*positiveDefinite/);
  });
  it("a value outside the support throws in logProb, with the value and the support", () => {
    const e = thrown(() => new HalfNormal(1, v).logProb([1, -0.5]));
    expect(e).toBeInstanceOf(ConstraintError);
    expect((e as PhloxError).code).toBe("distribution-value-outside-support");
    expect(e.message).toMatch(
      /HalfNormal\.logProb: value of shape \[2\] is outside the support greaterThan\(0\)/,
    );
    expect(e.message).toMatch(/flat index 1 \(value -0\.5\)/);
  });
  it("a non-integer count throws in Poisson.logProb", () => {
    expect(() => new Poisson(2, v).logProb(1.5)).toThrow(/outside the support integerGreaterThan\(0\)/);
  });
  it("a vector off the simplex throws in Dirichlet.logProb, showing the whole event", () => {
    expect(() => new Dirichlet([1, 1, 1], v).logProb([0.5, 0.6, 0.1])).toThrow(/\[0\.5, 0\.6, 0\.1\]/);
  });
  it("a matrix that is not a correlation Cholesky factor throws in LKJCholesky.logProb", () => {
    expect(() =>
      new LKJCholesky(2, 1, v).logProb([
        [1, 0],
        [0.5, 0.5],
      ]),
    ).toThrow(/corrCholesky/);
  });
  it("an unordered vector throws for ImproperUniform(orderedVector)", async () => {
    const { orderedVector } = await import("./constraints/constraint.js");
    expect(() => new ImproperUniform(orderedVector, [], [2], v).logProb([1, 0])).toThrow(/orderedVector/);
  });
  it("enableValidation(true) turns validation on for distributions built afterwards", () => {
    enableValidation(true);
    expect(() => new Normal(0, 0)).toThrow(ConstraintError);
    enableValidation(false);
    expect(() => new Normal(0, 0)).not.toThrow();
  });
  it("parameters whose shapes do not broadcast throw ShapeError naming the distribution and shapes", () => {
    const e = thrown(() => new Normal([0, 1], [1, 2, 3]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/Normal: shapes \[2\], \[3\] do not broadcast/);
  });
  it("expand to an incompatible batch shape throws and says which dimensions may expand", () => {
    expect(() => new Normal([0, 1], 1).expand([3])).toThrow(/cannot be expanded/);
  });
  it("toEvent with more dimensions than the batch has throws ShapeError", () => {
    expect(() => new Normal([0, 1], 1).toEvent(2)).toThrow(ShapeError);
  });
  it("MultivariateNormal without exactly one scale argument throws", () => {
    expect(() => new MultivariateNormal([0, 0], {} as never)).toThrow(/exactly one of/);
  });
  it("rsample on a distribution without a reparameterised sampler throws with a fix", () => {
    expect(() => new Poisson(2).rsample({} as Tensor)).toThrow(/hasRsample is false.*Use sample/);
  });
  it("bijectTo of an unregistered constraint throws ConstraintError naming it and bijectTo.register", () => {
    class Weird extends Constraint {
      readonly name = "weird";
      check(x: TensorLike): Tensor {
        return new Normal(0, 1).logProb(x);
      }
    }
    expect(() => bijectTo(new Weird())).toThrow(/bijectTo\(weird\).*bijectTo\.register\(Weird/);
  });
});

describe("validateArgs also checks the parameters of distributions built on another one", () => {
  it("BetaProportion, Chi2, NegativeBinomial2 and OrderedLogistic validate their own parameters", async () => {
    const { BetaProportion, Chi2, NegativeBinomial2, OrderedLogistic } = await import("./index.js");
    expect(() => new BetaProportion(1.2, 3, v)).toThrow(/BetaProportion: parameter mean/);
    expect(() => new Chi2(-1, v)).toThrow(/Chi2: parameter df/);
    expect(() => new NegativeBinomial2(-1, 2, v)).toThrow(/NegativeBinomial2: parameter mean/);
    expect(() => new OrderedLogistic(0, [1, 0], v)).toThrow(
      /OrderedLogistic: parameter cutpoints .*orderedVector/,
    );
  });
});
