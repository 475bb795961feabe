import { fromSVI } from "@phlox/arviz-io";
import { Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { Predictive } from "@phlox/infer";
import { MCMC, NUTS } from "@phlox/mcmc";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { defineServable } from "./servable-model.js";
import { createServer } from "./server.js";
import { eightSchools, eightSchoolsServable, SIGMA, Y } from "./testing/eight-schools-model.js";
import { postJson } from "./testing/http.js";

describe("serving an MCMC run in process (eight schools, fitted here with a short NUTS run)", () => {
  it("predicts a new school's theta_new and y_new, equal to Predictive on the run's draws", async () => {
    const sigma = tensor(SIGMA);
    const y = tensor(Y);
    const mcmc = new MCMC(new NUTS(eightSchools), {
      numWarmup: 200,
      numSamples: 150,
      numChains: 2,
      progressBar: false,
    });
    await mcmc.run(key(1), sigma, y);
    const server = await createServer({
      model: eightSchoolsServable(sigma, y),
      posterior: mcmc,
      logger: false,
    });
    try {
      expect(server.predictor.latents.map((l) => l.name)).toEqual(["mu", "tau", "theta"]);
      expect(server.predictor.compiled).toBe(true);
      expect(server.posterior).toMatchObject({
        source: "MCMC",
        numChains: 2,
        drawsPerChain: 150,
        numDraws: 300,
      });
      const url = await server.listen();
      const r = await postJson(`${url}/predict`, { inputs: { sigma: 12.5 }, seed: 21, returnDraws: true });
      expect(r.status).toBe(200);
      const outputs = r.body.outputs as Record<string, { shape: number[]; draws: number[]; mean: number }>;
      const direct = new Predictive(eightSchools, {
        posteriorSamples: mcmc.getSamples(),
        returnSites: ["theta_new", "y_new"],
      }).run(key(21), sigma, y, tensor([12.5]));
      for (const site of ["theta_new", "y_new"]) {
        expect(outputs[site].shape).toEqual([]);
        expect(outputs[site].draws).toEqual(Array.from(direct[site].dataSync() as ArrayLike<number>));
      }
      const bad = await postJson(`${url}/predict`, { inputs: { sigma: -1 } });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('input "sigma": -1 is outside its support greaterThan(0)');
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe("a model that does not trace runs eagerly per draw, with the same answers", () => {
  // Reads its input's value (data-dependent control flow): staging it fails, so the compiled loop is not used.
  const model = (x: Tensor) => {
    const b = sample("b", new Normal(0, 1));
    const scale = x.item() > 0 ? 1 : 3;
    plate("rows", x.shape[0], () => sample("y", new Normal(b.mul(x), scale)));
  };
  const servable = defineServable({
    name: "branchy",
    model,
    inputs: { x: {} },
    args: (i) => [i.x],
    outputs: ["y"],
    example: { x: 1 },
  });

  it("answers from an SVI-style posterior (fromSVI) and equals Predictive", async () => {
    const b = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const server = await createServer({
      model: servable,
      posterior: fromSVI({ b: { data: b, shape: [50] } }),
      logger: false,
    });
    try {
      expect(server.predictor.compiled).toBe(false);
      expect(server.predictor.eagerReason).toBeTruthy();
      const url = await server.listen();
      for (const x of [2, -0.5]) {
        const r = await postJson(`${url}/predict`, { inputs: { x }, seed: 4, returnDraws: true });
        const want = new Predictive(model, { posteriorSamples: { b: tensor(b) }, returnSites: ["y"] }).run(
          key(4),
          tensor([x]),
        );
        const got = r.body.outputs as { y: { shape: number[]; draws: number[] } };
        expect(got.y.shape).toEqual([]);
        expect(got.y.draws).toEqual(Array.from(want.y.dataSync() as ArrayLike<number>));
      }
    } finally {
      await server.close();
    }
  }, 120_000);

  it("a failure inside the model is a 500 for that request only; the process keeps serving", async () => {
    const fragile = defineServable({
      ...servable,
      name: "fragile",
      model: (x: Tensor) => {
        if (x.item() > 100) throw new Error("x too large for this model");
        model(x);
      },
    });
    const b = Float64Array.from({ length: 10 }, (_, i) => i / 10);
    const server = await createServer({
      model: fragile,
      posterior: { draws: { b: { data: b, shape: [10] } } },
      logger: false,
    });
    try {
      const url = await server.listen();
      const bad = await postJson(`${url}/predict`, { inputs: { x: 1000 } });
      expect(bad.status).toBe(500);
      expect(bad.body).toMatchObject({ code: "internal" });
      expect(bad.body.message).toContain("x too large for this model");
      const good = await postJson(`${url}/predict`, { inputs: { x: 1 } });
      expect(good.status).toBe(200);
    } finally {
      await server.close();
    }
  }, 120_000);
});
