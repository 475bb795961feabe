import { Normal, positive } from "@phlox/distributions";
import { param, plate, sample } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import { TraceELBO } from "./elbo.js";
import { Adam } from "./index.js";
import { SVI } from "./svi.js";

// Type-level tests: `pnpm -F @phlox/vi typecheck` (tsc over src, tests included) fails when one of the
// `@ts-expect-error` lines compiles, i.e. when SVI stops carrying the model's argument types.
const model = (obs: Tensor, n: number): void => {
  const mu = sample("mu", new Normal(0, 1));
  plate("data", n, () => sample("x", new Normal(mu, 1), { obs }));
};
const guide = (): void => {
  const loc = param("loc", tensor(0));
  const scale = param("scale", tensor(1), { constraint: positive });
  sample("mu", new Normal(loc, scale));
};

test("SVI's init/update/evaluate/run take the model's arguments (checked by tsc); getParams gives Tensors", () => {
  const x = tensor([0.8, 1.4, 1.1]);
  const svi = new SVI(model, guide, new Adam(0.05), new TraceELBO());
  const wrong = [
    // @ts-expect-error: a string where the model takes a number
    () => svi.init(0, x, "3"),
    // @ts-expect-error: a missing argument
    () => svi.update(svi.init(0, x, 3), x),
    // @ts-expect-error: one argument too many
    () => svi.evaluate(svi.init(0, x, 3), x, 3, 4),
    // @ts-expect-error: the arguments swapped, with options
    () => svi.run(0, 10, 3, x, { progressBar: false }),
    // @ts-expect-error: the arguments swapped, without options
    () => svi.run(0, 10, 3, x),
  ];
  expect(wrong).toHaveLength(5);
  const { state } = svi.run(0, 20, x, 3, { progressBar: false });
  const p: Record<string, Tensor> = svi.getParams(state);
  expect(Object.keys(p).sort()).toEqual(["loc", "scale"]);
  expect(p.scale.shape).toEqual([]);
  expect(p.scale.item()).toBeGreaterThan(0);
  expect(svi.update(state, x, 3).loss).toBeTypeOf("number");
});
