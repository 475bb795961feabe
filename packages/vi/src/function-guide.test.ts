import { Bernoulli, Normal, positive, unitInterval } from "@phlox/distributions";
import { param, plate, sample } from "@phlox/handlers";
import { exponentialDecay } from "@phlox/optim";
import { type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { TraceELBO, TraceGraphELBO, TraceMeanFieldELBO } from "./elbo.js";
import { FunctionGuide } from "./function-guide.js";
import { Adam } from "./index.js";
import { RenyiELBO } from "./renyi-elbo.js";
import { SVI } from "./svi.js";

// Normal–Normal: mu ~ N(0, 1), x_i ~ N(mu, 1), 5 observations → posterior N(Σx/6, 1/6)
const x = tensor([0.8, 1.4, 1.1, 0.3, 1.9]);
function nnModel(obs: Tensor): void {
  const mu = sample("mu", new Normal(0, 1));
  plate("data", 5, () => sample("x", new Normal(mu, 1), { obs }));
}
function nnGuide(): void {
  const loc = param("loc", tensor(0));
  const scale = param("scale", tensor(1), { constraint: positive });
  sample("mu", new Normal(loc, scale));
}
const postMean = (0.8 + 1.4 + 1.1 + 0.3 + 1.9) / 6;
const postSd = Math.sqrt(1 / 6);

describe("SVI with a guide function (param + sample)", () => {
  for (const loss of [new TraceELBO({ numParticles: 2 }), new TraceMeanFieldELBO({ numParticles: 2 })]) {
    it(`${loss.name} fits the exact Normal–Normal posterior (mean within 0.05 sd, sd within 5%)`, () => {
      const svi = new SVI(nnModel, nnGuide, new Adam(exponentialDecay(0.05, 1200, 0.02)), loss);
      const { params } = svi.run(0, 1200, x);
      expect(Math.abs(params.loc.dataSync()[0] - postMean)).toBeLessThan(0.05 * postSd);
      expect(Math.abs(params.scale.dataSync()[0] / postSd - 1)).toBeLessThan(0.05);
    }, 30_000);
  }

  it("each ELBO's gradient matches finite differences of its value on a tiny model", () => {
    const setup = new FunctionGuide(nnModel, nnGuide).setup(0, [x]);
    for (const loss of [
      new TraceELBO({ numParticles: 2 }),
      new TraceMeanFieldELBO(),
      new RenyiELBO({ numParticles: 3 }),
    ]) {
      const obj = loss.build(setup);
      const u = Float64Array.of(0.3, -0.4);
      const g = new Float64Array(2);
      const tmp = new Float64Array(2);
      obj(u, g, 3, 4);
      for (let i = 0; i < 2; i++) {
        const h = 1e-6;
        const up = Float64Array.from(u);
        const um = Float64Array.from(u);
        up[i] += h;
        um[i] -= h;
        const fd = (obj(up, tmp, 3, 4) - obj(um, tmp, 3, 4)) / (2 * h);
        expect(Math.abs(g[i] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it("a discrete latent with a Bernoulli guide (TraceGraphELBO, score function): exact posterior within 0.03", () => {
    // z ~ Bernoulli(0.3), x ~ Normal(2z, 1), x = 1.5 observed: p(z = 1 | x) = 0.3 φ(−0.5) / (0.3 φ(−0.5) + 0.7 φ(1.5))
    const phi = (t: number): number => Math.exp(-0.5 * t * t);
    const exact = (0.3 * phi(-0.5)) / (0.3 * phi(-0.5) + 0.7 * phi(1.5));
    function model(obs: Tensor): void {
      const z = sample("z", new Bernoulli(0.3));
      sample("x", new Normal(z.mul(2), 1), { obs });
    }
    function guide(): void {
      const p = param("p_q", tensor(0.5), { constraint: unitInterval });
      sample("z", new Bernoulli(p));
    }
    const svi = new SVI(
      model,
      guide,
      new Adam(exponentialDecay(0.05, 1500, 0.05)),
      new TraceGraphELBO({ numParticles: 4 }),
    );
    const { params } = svi.run(0, 1500, tensor(1.5));
    expect(Math.abs(params.p_q.dataSync()[0] - exact)).toBeLessThan(0.03);
  }, 30_000);
});
