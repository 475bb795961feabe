import { describe, expect, it } from "vitest";
import { values, zeros } from "../internal/ops.js";
import type { Constraint } from "./constraint.js";
import {
  boolean,
  circular,
  corrCholesky,
  corrMatrix,
  greaterThan,
  greaterThanEq,
  independent,
  integerGreaterThan,
  integerInterval,
  interval,
  lessThan,
  lessThanEq,
  lowerCholesky,
  multinomial,
  nonnegative,
  nonnegativeInteger,
  openInterval,
  orderedVector,
  positive,
  positiveDefinite,
  positiveInteger,
  positiveOrderedVector,
  positiveSemidefinite,
  real,
  realMatrix,
  realVector,
  simplex,
  sphere,
  unitInterval,
} from "./constraint.js";

const check = (c: Constraint, x: Parameters<Constraint["check"]>[0]): boolean[] =>
  values(c.check(x)).map((v) => v !== 0);

describe("constraints: check(x) is true exactly inside the set, per event", () => {
  const cases: [Constraint, Parameters<Constraint["check"]>[0], boolean[]][] = [
    [real, [0, Number.NaN, Number.POSITIVE_INFINITY, -3], [true, false, false, true]],
    [positive, [1, 0, -1], [true, false, false]],
    [nonnegative, [1, 0, -1], [true, true, false]],
    [unitInterval, [0, 0.5, 1, 1.1], [true, true, true, false]],
    [interval(-1, 2), [-1, 2, 2.5], [true, true, false]],
    [openInterval(-1, 2), [-1, 0, 2], [false, true, false]],
    [circular, [-Math.PI, 0, 4], [true, true, false]],
    [greaterThan(2), [2, 3], [false, true]],
    [greaterThanEq(2), [2, 1], [true, false]],
    [lessThan(2), [2, 1], [false, true]],
    [lessThanEq(2), [2, 3], [true, false]],
    [boolean, [0, 1, 0.5], [true, true, false]],
    [nonnegativeInteger, [0, 3, -1, 1.5], [true, true, false, false]],
    [positiveInteger, [0, 1], [false, true]],
    [integerInterval(0, 3), [0, 3, 4, 1.5], [true, true, false, false]],
    [integerGreaterThan(2), [2, 1], [true, false]],
    [
      realVector,
      [
        [0, 1],
        [0, Number.NaN],
      ],
      [true, false],
    ],
    [
      realMatrix,
      [
        [
          [0, 1],
          [2, 3],
        ],
      ],
      [true],
    ],
    [
      independent(positive, 1),
      [
        [1, 2],
        [1, -2],
      ],
      [true, false],
    ],
    [
      simplex,
      [
        [0.2, 0.8],
        [0.5, 0.6],
        [-0.1, 1.1],
      ],
      [true, false, false],
    ],
    [
      multinomial(3),
      [
        [1, 2],
        [2, 2],
        [1, 0.5],
      ],
      [true, false, false],
    ],
    [
      orderedVector,
      [
        [0, 1, 2],
        [0, 2, 1],
      ],
      [true, false],
    ],
    [
      positiveOrderedVector,
      [
        [0.5, 1],
        [-1, 2],
      ],
      [true, false],
    ],
    [
      lowerCholesky,
      [
        [
          [1, 0],
          [2, 3],
        ],
        [
          [1, 1],
          [2, 3],
        ],
        [
          [1, 0],
          [2, -3],
        ],
      ],
      [true, false, false],
    ],
    [
      corrCholesky,
      [
        [
          [1, 0],
          [0.6, 0.8],
        ],
        [
          [1, 0],
          [0.6, 0.9],
        ],
      ],
      [true, false],
    ],
    [
      corrMatrix,
      [
        [
          [1, 0.5],
          [0.5, 1],
        ],
        [
          [1, 2],
          [2, 1],
        ],
      ],
      [true, false],
    ],
    [
      positiveDefinite,
      [
        [
          [2, 1],
          [1, 2],
        ],
        [
          [1, 2],
          [2, 1],
        ],
        [
          [2, 1],
          [0, 2],
        ],
      ],
      [true, false, false],
    ],
    [
      positiveSemidefinite,
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
      [true],
    ],
    [
      sphere,
      [
        [0.6, 0.8],
        [1, 1],
      ],
      [true, false],
    ],
  ];
  for (const [c, x, expected] of cases) {
    it(`${c.name}.check`, () => {
      expect(check(c, x)).toEqual(expected);
    });
  }
  it("event dimensions and discreteness are declared", () => {
    expect(real.eventDim).toBe(0);
    expect(simplex.eventDim).toBe(1);
    expect(corrCholesky.eventDim).toBe(2);
    expect(independent(simplex, 1).eventDim).toBe(2);
    expect(nonnegativeInteger.isDiscrete).toBe(true);
    expect(positive.isDiscrete).toBe(false);
  });
  it("feasibleLike returns a point inside the set", () => {
    for (const c of [positive, interval(2, 5), simplex, orderedVector, lowerCholesky, positiveDefinite]) {
      const shape = c.eventDim === 2 ? [2, 3, 3] : c.eventDim === 1 ? [2, 4] : [2];
      const p = c.feasibleLike(zeros(shape));
      expect(check(c, p).every(Boolean)).toBe(true);
    }
  });
});
