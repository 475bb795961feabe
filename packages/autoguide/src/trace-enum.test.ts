import { Categorical, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { Adam, SVI, TraceEnumELBO } from "@phlox/vi";
import { describe, expect, it } from "vitest";
import { AutoNormal } from "./index.js";

// A two-component mixture whose assignments are enumerated: AutoNormal covers the locations only.
const y = T.tensor([-2.2, -1.8, -2.5, -2.0, 1.9, 2.4, 2.1, 1.7, 2.0]);
const model = (data: T.Tensor): void => {
  const locs = plate("K", 2, () => sample("locs", new Normal(T.tensor([-1, 1]), 2)));
  plate("N", data.shape[0], () => {
    const z = sample("z", new Categorical(T.tensor([0.45, 0.55])), { infer: { enumerate: "parallel" } });
    sample("y", new Normal(T.take(locs, T.cast(z, "int32"), 0), 0.4), { obs: data });
  });
};

describe("AutoNormal with TraceEnumELBO on a model with an enumerated discrete site", () => {
  it("guides the continuous sites only and finds the two clusters", () => {
    const guide = new AutoNormal(model);
    const svi = new SVI(model, guide, new Adam(0.05), new TraceEnumELBO({ numParticles: 2 }));
    const { params } = svi.run(0, 600, y);
    expect(Object.keys(params).sort()).toEqual(["locs_auto_loc", "locs_auto_scale"]);
    const loc = Array.from(params.locs_auto_loc.dataSync());
    expect(Math.abs(loc[0] + 2.1)).toBeLessThan(0.3);
    expect(Math.abs(loc[1] - 2.0)).toBeLessThan(0.3);
  }, 60_000);
});
