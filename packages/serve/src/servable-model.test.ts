import { Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import type { Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { ServeError } from "./errors.js";
import { defineServable, loadModelModule, nestedShape, type ServableModel } from "./servable-model.js";

const linear = (x: Tensor) => {
  const b = sample("b", new Normal(0, 1));
  plate("rows", x.shape[0], () => sample("y", new Normal(b.mul(x), 1)));
};
const good: ServableModel = {
  name: "linear",
  model: linear,
  inputs: { x: { shape: [2] } },
  args: (i) => [i.x],
  outputs: ["y"],
  example: { x: [1, 2] },
};

function codeAndMessage(f: () => unknown): [string, string] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ServeError);
    return [(e as ServeError).code, (e as Error).message];
  }
  throw new Error("did not throw");
}

describe("defineServable", () => {
  it("returns the description frozen", () => {
    const s = defineServable(good);
    expect(s.outputs).toEqual(["y"]);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it.each([
    [{ name: "" }, "name must be a non-empty string"],
    [{ model: 3 }, "model must be the model function"],
    [{ args: undefined }, "args must be a function"],
    [{ inputs: {} }, "inputs must name at least one input"],
    [{ inputs: { "a-b": {} }, example: { "a-b": 1 } }, 'input name "a-b" must match'],
    [{ inputs: { x: { shape: [0] } } }, 'input "x": shape must be an array of positive integers'],
    [
      { inputs: { x: { dtype: "int64" } }, example: { x: 1 } },
      'input "x": dtype must be "float64" or "int32"',
    ],
    [{ outputs: [] }, "outputs must list the predicted site names"],
    [{ example: { x: [1, 2, 3] } }, 'example input "x" has shape [3], but the input\'s shape is [2]'],
    [{ example: {} }, 'example has no value for input "x"'],
    [{ example: { x: [1, 2], z: 1 } }, 'example has "z", which is not one of the inputs'],
  ])("refuses %j: %s", (patch, msg) => {
    const [code, message] = codeAndMessage(() =>
      defineServable({ ...good, ...patch } as unknown as ServableModel),
    );
    expect(code).toBe("bad-model");
    expect(message).toContain(msg);
  });

  it("nestedShape reads rectangular nested arrays only", () => {
    expect(nestedShape(1)).toEqual([]);
    expect(
      nestedShape([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ).toEqual([3, 2]);
    expect(nestedShape([[1, 2], [3]])).toBeNull();
    expect(nestedShape(["a"])).toBeNull();
  });
});

describe("loadModelModule", () => {
  it("imports a TypeScript model module and returns its default export, checked", async () => {
    const m = await loadModelModule(new URL("./testing/radon-model.ts", import.meta.url).href);
    expect(m.name).toBe("radon");
    expect(Object.keys(m.inputs)).toEqual(["county", "log_uppm", "floor"]);
  });

  it("refuses a module that does not exist or exports no servable model, saying how to export one", async () => {
    await expect(loadModelModule("./no-such-model.js")).rejects.toMatchObject({ code: "bad-model" });
    await expect(loadModelModule(new URL("./errors.ts", import.meta.url).href)).rejects.toThrow(
      /exports no servable model; export default defineServable/,
    );
  });
});
