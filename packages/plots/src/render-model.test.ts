import { HalfCauchy, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { getModelRelations } from "./model-relations.js";
import { modelToDot, renderModel, renderRelations } from "./render-model.js";

function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0]!, () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

const sigma = tensor([15, 10, 16, 11, 9, 11, 10, 18]);
const y = tensor([28, 8, -3, 7, -1, 1, 18, 12]);

describe("renderModel (NumPyro's render_model)", () => {
  it("finds the relations of non-centred eight schools as NumPyro does", () => {
    const r = getModelRelations(eightSchools, sigma, y);
    // NumPyro 0.21 get_model_relations on the same model gives these lists
    expect(r.sampleSample).toEqual({
      mu: [],
      tau: [],
      theta_raw: [],
      theta: ["mu", "tau", "theta_raw"],
      obs: ["theta"],
    });
    expect(r.sampleDist).toEqual({
      mu: "Normal",
      tau: "HalfCauchy",
      theta_raw: "Normal",
      theta: "Deterministic",
      obs: "Normal",
    });
    expect(r.plateSample).toEqual({ school: ["theta_raw", "theta", "obs"] });
    expect(r.observe).toEqual(["obs"]);
  });
  it("draws an SVG graph: nodes, a plate cluster, edges, observed shaded", async () => {
    const dot = modelToDot(getModelRelations(eightSchools, sigma, y), { renderDistributions: true });
    expect(dot).toContain('subgraph "cluster_school"');
    expect(dot).toContain('"theta" -> "obs"');
    expect(dot).toMatch(/"obs" \[label="obs" shape=ellipse style="filled" fillcolor=grey\]/);
    expect(dot).toContain("tau ~ HalfCauchy");
    const svg = (await renderModel(eightSchools, sigma, y)) as string;
    expect(svg.startsWith("<svg")).toBe(true);
    expect((svg.match(/class="node"/g) ?? []).length).toBe(5);
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(4);
    expect((svg.match(/class="cluster"/g) ?? []).length).toBe(1);
    expect(svg).toMatch(/<title>obs<\/title>\s*<ellipse fill="grey"/);
    const withDist = (await renderRelations(getModelRelations(eightSchools, sigma, y), {
      renderDistributions: true,
      output: "string",
    })) as string;
    expect(withDist).toContain("HalfCauchy");
  }, 60_000);
  it("errors clearly when the model throws", () => {
    expect(() =>
      getModelRelations(() => {
        throw new Error("boom");
      }),
    ).toThrow(/running the model failed: boom/);
  });
});
