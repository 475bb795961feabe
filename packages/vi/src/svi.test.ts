import { Adam, exponentialDecay, SGD } from "@phlox/optim";
import { Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it, vi } from "vitest";
import { TraceELBO } from "./elbo.js";
import type { Guide, GuideSetup, PotentialModel } from "./guide.js";
import { RenyiELBO } from "./renyi-elbo.js";
import { isSVIRunOptions, SVI } from "./svi.js";

/** Cursor-up / clear-line escapes and carriage returns, stripped to measure what a terminal shows. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[\\d*[AK]|\\r`, "g");

/** The Guide TSDoc example: q(θ) = Normal(m, exp(u₁)) over a 1-D potential. */
class MyNormalGuide implements Guide {
  constructor(private readonly U: (z: Float64Array, g: Float64Array) => number) {}
  setup(): GuideSetup {
    const U = this.U;
    const z = new Float64Array(1);
    const g = new Float64Array(1);
    return {
      numParams: 2,
      noiseDim: 1,
      initialParams: () => Float64Array.of(0, Math.log(0.1)),
      constrainParams: (u) => ({
        m: { data: u.slice(0, 1), shape: [] },
        s: { data: Float64Array.of(Math.exp(u[1])), shape: [] },
      }),
      unconstrainParams: (p) => Float64Array.of(p.m?.data[0] ?? 0, Math.log(p.s?.data[0] ?? 0.1)),
      particle(u, eps, grad) {
        const s = Math.exp(u[1]);
        z[0] = u[0] + s * eps[0];
        const value = U(z, g) - u[1] - 0.5 * eps[0] * eps[0] - 0.5 * Math.log(2 * Math.PI);
        grad[0] = g[0];
        grad[1] = g[0] * eps[0] * s - 1;
        return value;
      },
    };
  }
}

// posterior N(3, 0.5²): U(θ) = (θ − 3)² / (2·0.25)
const U = (z: Float64Array, g: Float64Array): number => {
  g[0] = (z[0] - 3) / 0.25;
  return (z[0] - 3) ** 2 / 0.5;
};
const model: PotentialModel = { potentialFn: U, dim: 1, initialZ: new Float64Array(1) };

describe("SVI", () => {
  it("SVI.run fits a hand-written Guide to a Gaussian posterior", () => {
    const svi = new SVI(
      model,
      new MyNormalGuide(U),
      new Adam(exponentialDecay(0.05, 3000, 0.02)),
      new TraceELBO({ numParticles: 8 }),
    );
    const { params, losses, state } = svi.run(0, 3000);
    expect(losses.length).toBe(3000);
    expect(params.m.dataSync()[0]).toBeCloseTo(3, 1);
    expect(params.s.dataSync()[0]).toBeCloseTo(0.5, 1);
    const got = svi.getParams(state);
    expect(got.m.dataSync()[0]).toBe(params.m.dataSync()[0]);
    expect(got.m.shape).toEqual(params.m.shape);
    // getParams hands out copies: mutating one changes neither the state nor the next call.
    (got.m.dataSync() as Float64Array)[0] = 99;
    expect(svi.getParams(state).m.dataSync()[0]).toBe(params.m.dataSync()[0]);
    // the optimum of −ELBO is −log Z = −log(√(2π)·0.5)
    const tail = losses.slice(-500).reduce((a, b) => a + b, 0) / 500;
    expect(tail).toBeCloseTo(-Math.log(Math.sqrt(2 * Math.PI) * 0.5), 1);
  });

  it("SVI.run(...).params are Tensors over copies: mutating them leaves the state alone", () => {
    const svi = new SVI(model, new MyNormalGuide(U), new SGD(0.01), new TraceELBO());
    const { params, state } = svi.run(0, 50);
    expect(params.m).toBeInstanceOf(Tensor);
    expect(params.m.dtype).toBe("float64");
    const m = params.m.item();
    const flat = Float64Array.from(state.params);
    (params.m.dataSync() as Float64Array)[0] = 99;
    (params.s.dataSync() as Float64Array)[0] = -1;
    expect(Array.from(state.params)).toEqual(Array.from(flat));
    expect(svi.getParams(state).m.item()).toBe(m);
    // a second run from the state continues from the fitted values, not the mutated ones
    const again = svi.run(0, 0, { initState: state });
    expect(again.params.m.item()).toBe(m);
    expect(again.params.m).not.toBe(params.m);
  });

  it("initParams takes Tensors or { data, shape }", () => {
    const svi = new SVI(model, new MyNormalGuide(U), new SGD(0.01), new TraceELBO());
    const fromTensor = svi.initWith(0, [], { m: tensor(2), s: tensor(0.3) });
    const fromData = svi.initWith(0, [], {
      m: { data: Float64Array.of(2), shape: [] },
      s: { data: Float64Array.of(0.3), shape: [] },
    });
    expect(Array.from(fromTensor.params)).toEqual([2, Math.log(0.3)]);
    expect(Array.from(fromData.params)).toEqual(Array.from(fromTensor.params));
  });

  it("SVI.init / update / evaluate / getParams follow NumPyro's functional API", () => {
    const svi = new SVI(model, new MyNormalGuide(U), new SGD(0.01), new TraceELBO());
    const state = svi.init(1);
    expect(svi.getParams(state).s.item()).toBeCloseTo(0.1, 12);
    const before = Float64Array.from(state.params);
    const e1 = svi.evaluate(state);
    const e2 = svi.evaluate(state);
    expect(e1).toBe(e2); // evaluate does not advance the key
    const { state: s2, loss } = svi.update(state);
    expect(s2).toBe(state);
    expect(loss).toBe(e1); // update uses the same noise evaluate previewed
    expect(state.params[0]).not.toBe(before[0]);
    expect(state.optState.step).toBe(1);
  });

  it("SVI.run is reproducible from the key and continues exactly from initState", () => {
    const make = () => new SVI(model, new MyNormalGuide(U), new Adam(0.01), new TraceELBO());
    const full = make().run(5, 200);
    const svi = make();
    const a = svi.run(5, 120);
    const b = svi.run(0, 80, { initState: a.state });
    expect(Array.from(b.losses)).toEqual(Array.from(full.losses.slice(120)));
    expect(Array.from(b.state.params)).toEqual(Array.from(full.state.params));
  });

  it("SVI.run takes initParams by name and reports progress", () => {
    const svi = new SVI(model, new MyNormalGuide(U), new Adam(0.01), new TraceELBO());
    const seen: number[] = [];
    const r = svi.run(0, 100, {
      initParams: { m: { data: Float64Array.of(2.5), shape: [] } },
      onProgress: (step) => seen.push(step),
      progressEvery: 4,
    });
    expect(seen).toEqual([25, 50, 75, 100]);
    expect(Math.abs(r.params.m.dataSync()[0] - 2.5)).toBeLessThan(0.5);
  });

  it.each([
    [false, 80],
    [true, 50],
    [true, 120],
  ])("SVI.run with progressBar shows one progress line on stderr (TTY %s, %i columns)", (isTTY, columns) => {
    const chunks: string[] = [];
    const stderr = process.stderr as { isTTY?: boolean; columns?: number };
    const saved = { isTTY: stderr.isTTY, columns: stderr.columns };
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    Object.assign(stderr, { isTTY, columns });
    try {
      new SVI(model, new MyNormalGuide(U), new Adam(0.01), new TraceELBO()).run(0, 200, {
        progressBar: true,
      });
    } finally {
      spy.mockRestore();
      Object.assign(stderr, saved);
    }
    const text = chunks.join("");
    // The last line drawn is the finished run with its mean loss; no line reaches the terminal's width.
    const lines = text.split("\n").map((l) => l.replace(ANSI, ""));
    for (const l of lines) expect(l.length).toBeLessThan(columns);
    expect(lines.filter((l) => l !== "").at(-1)).toMatch(/^SVI .*200\/200 \[\d+:\d\d/);
    if (!isTTY) {
      expect(text).not.toContain("\x1b");
      expect(text).toMatch(/200\/200 \[[^\]]*\] loss -?\d/);
    }
  });

  it("SVI.stableUpdate skips non-finite steps while update lets NaN through", () => {
    // U is NaN for θ > 1: the guide's first draws land there only occasionally
    const bad = (z: Float64Array, g: Float64Array): number => {
      if (z[0] > 0.15) {
        g[0] = Number.NaN;
        return Number.NaN;
      }
      g[0] = z[0];
      return 0.5 * z[0] * z[0];
    };
    const m2: PotentialModel = { potentialFn: bad, dim: 1, initialZ: new Float64Array(1) };
    const stable = new SVI(m2, new MyNormalGuide(bad), new Adam(0.01), new TraceELBO());
    const r = stable.run(3, 300, { stableUpdate: true });
    expect(r.losses.some((l) => !Number.isFinite(l))).toBe(true);
    expect(Number.isFinite(r.state.params[0]) && Number.isFinite(r.state.params[1])).toBe(true);

    const plain = new SVI(m2, new MyNormalGuide(bad), new Adam(0.01), new TraceELBO());
    const st = plain.init(3);
    let sawNaN = false;
    for (let i = 0; i < 300 && !sawNaN; i++) sawNaN = !Number.isFinite(plain.update(st).loss);
    expect(sawNaN).toBe(true);
    expect(Number.isNaN(st.params[0])).toBe(true);

    const st2 = stable.init(3);
    for (let i = 0; i < 300; i++) stable.stableUpdate(st2);
    expect(Number.isFinite(st2.params[0])).toBe(true);
  });

  it("RenyiELBO with a NaN particle returns NaN (and the stable update skips it)", () => {
    const nanU = (_z: Float64Array, g: Float64Array): number => {
      g[0] = Number.NaN;
      return Number.NaN;
    };
    const svi = new SVI(model, new MyNormalGuide(nanU), new Adam(0.01), new RenyiELBO());
    const st = svi.init(0);
    const before = Float64Array.from(st.params);
    expect(Number.isNaN(svi.stableUpdate(st).loss)).toBe(true);
    expect(Array.from(st.params)).toEqual(Array.from(before));
  });

  it("SVI.run takes the model's arguments variadically and a trailing plain object of option keys as options", () => {
    const seen: unknown[][] = [];
    const recording: Guide = {
      setup(_key, args) {
        seen.push([...args]);
        return new MyNormalGuide(U).setup();
      },
    };
    const argsOf = (...rest: unknown[]): unknown[] => {
      new SVI(model, recording, new Adam(0.01), new TraceELBO()).run(0, 2, ...rest);
      return seen[seen.length - 1];
    };
    const x = Float64Array.of(1, 2);
    const data = { x: 1 };
    const bare = Object.assign(Object.create(null) as object, { stableUpdate: true });
    expect(argsOf(x, 3)).toEqual([x, 3]);
    expect(argsOf(x, 3, { stableUpdate: true })).toEqual([x, 3]);
    expect(argsOf(x, {})).toEqual([x]);
    expect(argsOf(x, bare)).toEqual([x]);
    expect(argsOf(data)).toEqual([data]);
    expect(argsOf(data, {})).toEqual([data]);
    expect(argsOf([1, 2])).toEqual([[1, 2]]);
    expect(argsOf()).toEqual([]);
    expect(isSVIRunOptions({ progressBar: false, progressEvery: 5 })).toBe(true);
    expect(isSVIRunOptions({})).toBe(true);
    expect(isSVIRunOptions(bare)).toBe(true);
    expect(isSVIRunOptions({ stableUpdates: true })).toBe(false);
    expect(isSVIRunOptions(x)).toBe(false);
    expect(isSVIRunOptions([])).toBe(false);
    expect(isSVIRunOptions(new (class Opts {})())).toBe(false);
    expect(isSVIRunOptions(null)).toBe(false);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const typo = { stableUpdate: true, stableUpdates: true };
      expect(argsOf(typo)).toEqual([typo]);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/unknown keys \(stableUpdates\)/);
    } finally {
      warn.mockRestore();
    }
  });

  it("bad arguments throw errors that say what to pass", () => {
    const g = new MyNormalGuide(U);
    expect(() => new SVI(model, {} as Guide, new Adam(0.01), new TraceELBO())).toThrow(/Guide interface/);
    expect(() => new SVI(model, g, {} as Adam, new TraceELBO())).toThrow(/Optimizer/);
    expect(() => new SVI(model, g, new Adam(0.01), {} as TraceELBO)).toThrow(/ELBO/);
    expect(() => new SVI(model, g, new Adam(0.01), new TraceELBO()).run(0, -1)).toThrow(/numSteps/);
    expect(() => new TraceELBO({ numParticles: 0 })).toThrow(/numParticles/);
    expect(() => new RenyiELBO({ alpha: 1 })).toThrow(/TraceELBO/);
    expect(() => new SVI(model, g, new Adam(0.01), new TraceELBO()).getParams({} as never)).toThrow(/init/);
    expect(() => new SVI(model, g, new Adam(0.01), new TraceELBO()).init(-1)).toThrow(/seed/);
  });
});
