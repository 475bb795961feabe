import { describe, expect, it } from "vitest";
import { PosteriorPredictor } from "../predictor.js";
import radon from "../testing/radon-model.js";
import { checkInputs } from "./check-inputs.js";

describe("checkInputs (the checks a JSON schema cannot make)", () => {
  const p = new PosteriorPredictor(radon);
  const rows = (county: number, logUppm = 0, floor = 0) =>
    p.flattenRows([{ county, log_uppm: logUppm, floor }]);

  it("accepts values inside every support", () => {
    expect(() => checkInputs(p, rows(84, -2, 1), 1, false)).not.toThrow();
  });

  it.each([
    [rows(2 ** 32 + 3), 'input "county": 4294967299 is not an int32 integer'],
    [rows(1.5), 'input "county": 1.5 is not an int32 integer'],
    [rows(3, Number.POSITIVE_INFINITY), 'input "log_uppm": Infinity is not a finite number'],
    [rows(3, Number.NaN), 'input "log_uppm": NaN is not a finite number'],
    [rows(85), 'input "county": 85 is outside its support integerInterval(0, 84)'],
    [rows(3, 0, 2), 'input "floor": 2 is outside its support boolean'],
  ])("refuses %s: %s", (flat, msg) => {
    expect(() => checkInputs(p, flat, 1, false)).toThrow(msg);
  });

  it("names the row in a batch", () => {
    const flat = p.flattenRows([
      { county: 1, log_uppm: 0, floor: 0 },
      { county: 1, log_uppm: 0, floor: 0.5 },
    ]);
    expect(() => checkInputs(p, flat, 2, true)).toThrow(
      'row 1, input "floor": 0.5 is outside its support boolean',
    );
  });
});
