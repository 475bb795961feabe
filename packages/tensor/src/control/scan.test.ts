import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ConcretizationError,
  cond,
  foriLoop,
  grad,
  jit,
  jvp,
  makeProgram,
  scan,
  silenceWarnings,
  switchCase,
  type Tensor,
  tensor,
  whileLoop,
} from "../index.js";
import { checkGrads } from "../testing/check-grads.js";

/** A deterministic pseudo-random generator (for generated programs). */
const rng = (seed: number) => {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
};

type Op = (a: Tensor, b: Tensor) => Tensor;
const OPS: Op[] = [
  (a, b) => a.add(b),
  (a, b) => a.mul(b),
  (a, b) => a.sub(b.mul(0.5)),
  (a) => a.tanh(),
  (a) => a.sin(),
  (a, b) => a.mul(0.3).add(b.square().mul(0.1)),
  (a, b) => a.maximum(b),
  (a) => a.mul(0.9).exp().mul(0.1),
];

/** A random step function (carry [2], x [2]) → (carry, y) built from `n` ops. */
function randomStep(seed: number, n: number): (c: Tensor, x: Tensor) => [Tensor, Tensor] {
  const r = rng(seed);
  const plan = Array.from({ length: n }, () => [
    Math.floor(r() * OPS.length),
    Math.floor(r() * 3),
    Math.floor(r() * 3),
  ]);
  return (c, x) => {
    const vals: Tensor[] = [c, x, c.mul(x)];
    for (const [o, i, j] of plan)
      vals.push(
        (OPS[o as number] as Op)(
          vals[vals.length - 1 - (i as number)] as Tensor,
          vals[j as number] as Tensor,
        ),
      );
    const last = vals[vals.length - 1] as Tensor;
    return [last.tanh().add(c.mul(0.5)), last.sum()];
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("scan", () => {
  it("equals the unrolled loop to 1e-12 on generated programs (eager and jit), values and gradients", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const step = randomStep(seed, 6);
      const T = 7;
      const xs = tensor(Array.from({ length: T }, (_, t) => [Math.sin(t + seed), Math.cos(2 * t)]));
      const viaScan = (c0: Tensor) => {
        const [c, ys] = scan(step, c0, xs);
        return c.sum().add((ys as Tensor).mul(0.3).sum());
      };
      const unrolled = (c0: Tensor) => {
        let c = c0;
        let acc: Tensor = tensor(0);
        for (let t = 0; t < T; t++) {
          const [nc, y] = step(c, xs.take(tensor(t, { dtype: "int32" }), 0));
          c = nc;
          acc = acc.add(y.mul(0.3));
        }
        return c.sum().add(acc);
      };
      const c0 = tensor([0.2, -0.4]);
      const a = viaScan(c0).item();
      expect(a).toBeCloseTo(unrolled(c0).item(), 12);
      expect(jit(viaScan)(c0).item()).toBeCloseTo(a, 12);
      const ga = (grad(viaScan)(c0) as Tensor).toArray() as number[];
      const gu = (grad(unrolled)(c0) as Tensor).toArray() as number[];
      const gj = (jit(grad(viaScan))(c0) as Tensor).toArray() as number[];
      ga.forEach((g, i) => {
        expect(g).toBeCloseTo(gu[i] as number, 12);
        expect(gj[i] as number).toBeCloseTo(g, 12);
      });
    }
  });

  it("passes finite-difference and second-order gradient checks, reverse and checkpointed", () => {
    const xs = tensor([
      [0.3, 1.2],
      [-0.5, 0.7],
      [1.1, -0.2],
      [0.4, 0.4],
    ]);
    for (const options of [{}, { reverse: true }, { checkpoint: true }]) {
      const f = (w: Tensor, c0: Tensor) => {
        const [c, ys] = scan(
          (c: Tensor, x: Tensor) => {
            const h = c.mul(w).add(x).tanh();
            return [h, h.square().sum()];
          },
          c0,
          xs,
          options,
        );
        return c.sum().add((ys as Tensor).sum());
      };
      checkGrads(f, [tensor([0.7, -0.3]), tensor([0.1, 0.2])]);
    }
  });

  it("handles pytree carries and ys, null xs with length, and int carries", () => {
    const [c, ys] = scan(
      (c: { n: Tensor; s: [Tensor, Tensor] }) => [
        { n: c.n.add(1), s: [c.s[0].add(c.n.cast("float64")), c.s[1].mul(2)] as [Tensor, Tensor] },
        { n: c.n },
      ],
      { n: tensor(0, { dtype: "int32" }), s: [tensor(0), tensor(1)] as [Tensor, Tensor] },
      null,
      { length: 4 },
    );
    expect(c.n.item()).toBe(4);
    expect(c.s[0].item()).toBe(6);
    expect(c.s[1].item()).toBe(16);
    expect((ys as { n: Tensor }).n.toArray()).toEqual([0, 1, 2, 3]);
  });

  it("gives clear errors for bad carries, xs lengths, body results and JS ifs on traced values", () => {
    const xs = tensor([1, 2, 3]);
    expect(() => scan((c: Tensor, x: Tensor) => [c.add(x).reshape([1]), null], tensor(0), xs)).toThrow(
      /carry leaf 0 enters the body as float64\[\] but comes out as float64\[1\]/,
    );
    expect(() =>
      scan((c: Tensor, x: Tensor) => [c.cast("float32").add(x.cast("float32")), null], tensor(0), xs),
    ).toThrow(/carry-dtype|cast the new value/);
    expect(() =>
      scan(
        (c: [Tensor, Tensor]) => [[c[0]] as unknown as [Tensor, Tensor], null],
        [tensor(0), tensor(1)],
        xs,
      ),
    ).toThrow(/structure/);
    expect(() => scan((c: Tensor) => [c, null], tensor(0), { a: xs, b: tensor([1, 2]) })).toThrow(
      /unequal leading axes/,
    );
    expect(() => scan((c: Tensor) => [c, null], tensor(0), null)).toThrow(/number of steps is unknown/);
    expect(() => scan((c: Tensor) => c as never, tensor(0), xs)).toThrow(/\[newCarry, y\]/);
    let err: unknown;
    try {
      scan((c: Tensor, x: Tensor) => [x.item() > 1 ? c.add(x) : c, null], tensor(0), xs, { name: "myLoop" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConcretizationError);
    expect((err as Error).message).toMatch(/myLoop body/);
  });

  it("a body may return a value it closes over, also under grad and jit", () => {
    const f = (a: Tensor) => {
      const [, ys] = scan((c: Tensor) => [c, a], tensor(0), tensor([1, 2, 3]));
      return (ys as Tensor).sum();
    };
    expect((grad(f)(tensor(2)) as Tensor).item()).toBe(3);
    expect((jit(grad(f))(tensor(2)) as Tensor).item()).toBe(3);
  });

  it("compiles the body once: a long scan traces one small program", () => {
    const { program } = makeProgram(
      (x: Tensor) => scan((c: Tensor, y: Tensor) => [c.mul(0.9).add(y), null], tensor(0), x)[0],
      [{ shape: [100_000], dtype: "float64" }],
    );
    expect(program.eqns).toHaveLength(1);
    expect(program.eqns[0]?.primitive).toBe("scan");
  });
});

describe("cond and switchCase", () => {
  it("choose a branch by a traced predicate, with gradients through the chosen branch", () => {
    const f = (x: Tensor) =>
      cond(
        x.sum().gt(0),
        (u: Tensor) => u.square().sum(),
        (u: Tensor) => u.sin().sum(),
        x,
      );
    for (const v of [
      [0.5, 0.2],
      [-0.5, 0.1],
    ]) {
      const x = tensor(v);
      expect(jit(f)(x).item()).toBeCloseTo(f(x).item(), 14);
      checkGrads(f, [x]);
    }
    const g = (i: Tensor, x: Tensor) =>
      switchCase(i, [(u: Tensor) => u.neg(), (u: Tensor) => u.exp(), (u: Tensor) => u.mul(3)], x);
    expect(jit(g)(tensor(1, { dtype: "int32" }), tensor(0)).item()).toBe(1);
    expect(g(tensor(7, { dtype: "int32" }), tensor(2)).item()).toBe(6); // clamped to the last branch
  });

  it("rejects branches with different result shapes", () => {
    expect(() =>
      cond(
        tensor(true),
        (u: Tensor) => u,
        (u: Tensor) => u.sum(),
        tensor([1, 2]),
      ),
    ).toThrow(/branch 1 returns/);
  });
});

describe("whileLoop and foriLoop", () => {
  it("whileLoop runs to its condition eagerly and under jit, and differentiates in forward mode", () => {
    const f = (x: Tensor) =>
      whileLoop(
        (c: [Tensor, Tensor]) => c[0].lt(5),
        (c: [Tensor, Tensor]) => [c[0].add(1), c[1].mul(x).sin()] as [Tensor, Tensor],
        [tensor(0), x],
      )[1];
    const x = tensor(0.7);
    const v = f(x).item();
    expect(jit(f)(x).item()).toBeCloseTo(v, 14);
    const [, t] = jvp(f, [x], [tensor(1)]);
    const h = 1e-6;
    expect(t.item()).toBeCloseTo((f(tensor(0.7 + h)).item() - f(tensor(0.7 - h)).item()) / (2 * h), 7);
    const tj = jit((x: Tensor) => jvp(f, [x], [tensor(1)])[1])(x);
    expect(tj.item()).toBeCloseTo(t.item(), 12);
    expect(() => grad(f)(x)).toThrow(/reverse-mode differentiation .* not supported/);
  });

  it("foriLoop with number bounds is a scan (reverse mode works); with tensor bounds a whileLoop", () => {
    const f = (x: Tensor) =>
      foriLoop(0, 5, (i: Tensor, v: Tensor) => v.mul(x).add(i.cast("float64")), tensor(1));
    checkGrads(f, [tensor(0.8)]);
    const g = (n: Tensor) => foriLoop(0, n, (i: Tensor, v: Tensor) => v.add(i.cast("float64")), tensor(0));
    expect(g(tensor(5, { dtype: "int32" })).item()).toBe(10);
    expect(jit(g)(tensor(4, { dtype: "int32" })).item()).toBe(6);
  });
});

describe("long programs", () => {
  it("warn once, naming scan, when tracing passes 20,000 equations", () => {
    silenceWarnings(false, true);
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    const unrolled = (x: Tensor) => {
      let c = x;
      for (let t = 0; t < 21_000; t++) c = c.add(1);
      return c;
    };
    makeProgram(unrolled, [{ shape: [], dtype: "float64" }]);
    makeProgram(unrolled, [{ shape: [], dtype: "float64" }]);
    const msgs = spy.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("long-program"));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatch(/scan\(fn, init, xs\)/);
  });
});
