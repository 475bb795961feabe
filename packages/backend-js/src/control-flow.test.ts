import * as T from "@phlox/tensor";
import { cond, foriLoop, scan, switchCase, type Tensor, tensor, whileLoop } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { compileProgram } from "./compile.js";
import { jsCompiler } from "./register.js";
import { expectClose, threeWays, threeWaysGrad } from "./testing/check.js";

const rnd = (n: number, seed: number): Float64Array => {
  const a = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    a[i] = (s / 2147483647) * 2 - 1;
  }
  return a;
};

const agree = (r: ReturnType<typeof threeWays>): void => {
  r.eager.forEach((e, k) => {
    expectClose(r.interpreted[k] as ArrayLike<number>, e, 1e-12, `interpreted ${k}`);
    expectClose(r.compiled[k] as ArrayLike<number>, e, 1e-12, `compiled ${k}`);
  });
};

describe("backend-js control flow", () => {
  it("eager scans share compiled loops by structure, and only scans of the same structure", () => {
    const xs = tensor(rnd(50, 5));
    const run = (k: number, div: boolean): number[] =>
      T.withCompiler(jsCompiler, () => {
        const [c, ys] = scan(
          (h: Tensor, x: Tensor) => {
            const n = div ? h.add(x.mul(k)).div(2) : h.add(x.mul(k));
            return [n, n.neg()];
          },
          tensor(0.25),
          xs,
        );
        return [...(c as Tensor).dataSync(), ...(ys as Tensor).dataSync()];
      });
    const ref = (k: number, div: boolean): number[] => {
      let h = 0.25;
      const out: number[] = [];
      for (const x of xs.dataSync()) {
        h = div ? (h + x * k) / 2 : h + x * k;
        out.push(-h);
      }
      return [h, ...out];
    };
    for (const [k, div] of [
      [2, false],
      [3, false],
      [2, true],
      [2, false],
      [-0, true],
      [0, true],
    ] as const)
      expectClose(run(k, div), ref(k, div), 1e-12, `k=${k} div=${div}`);
  });

  it("compiles a scalar-carry scan to one JS loop with no unrolling and matches eager and the interpreter", () => {
    const ys = tensor(rnd(500, 3));
    const f = (a: Tensor) => {
      const [c, out] = scan(
        (h: Tensor, y: Tensor) => {
          const m = h.mul(a).tanh();
          return [m, y.sub(m).square().mul(-0.5)];
        },
        tensor(0.1),
        ys,
      );
      return (out as Tensor).sum().add(c);
    };
    const r = threeWaysGrad(f, [tensor(0.7)]);
    agree(r);
    expect(r.source).toMatch(/for \(let step\d+ = 0; step\d+ < 500; step\d+\+\+\)/);
    expect(r.source).toMatch(/for \(let step\d+ = 499; step\d+ >= 0; step\d+--\)/);
    expect(r.source.split("\n").length).toBeLessThan(80);
  });

  it("vector carries, vector xs and ys, reverse and nested scans agree three ways", () => {
    const xs = tensor(rnd(40 * 3, 5), { shape: [40, 3] });
    const f = (w: Tensor) => {
      const [c, ys] = scan(
        (h: Tensor, x: Tensor) => {
          const [inner] = scan((g: Tensor, v: Tensor) => [g.add(v.mul(w.sum())), null], h.sum(), x);
          const nh = h.mul(0.9).add(x.mul(w)).add(inner);
          return [nh, { s: nh.exp().sum(), v: nh.mul(2) }];
        },
        T.zeros([3]),
        xs,
        { reverse: true },
      );
      const y = ys as { s: Tensor; v: Tensor };
      return c.sum().add(y.s.sum()).add(y.v.square().sum().mul(0.01));
    };
    agree(threeWaysGrad(f, [tensor([0.3, -0.2, 0.5])]));
  });

  it("cond, switchCase, whileLoop and foriLoop compile to branches and loops", () => {
    const f = (x: Tensor) => {
      const a = cond(
        x.sum().gt(0),
        (u: Tensor) => u.mul(2),
        (u: Tensor) => u.neg(),
        x,
      );
      const b = switchCase(2, [(u: Tensor) => u, (u: Tensor) => u.exp(), (u: Tensor) => u.square()], a);
      const n = whileLoop(
        (c: [Tensor, Tensor]) => c[0].lt(5),
        (c: [Tensor, Tensor]) => [c[0].add(1), c[1].mul(1.1)] as [Tensor, Tensor],
        [tensor(0), b],
      );
      const m = foriLoop(0, 3, (i: Tensor, acc: Tensor) => acc.add(i.cast("float64")), n[1]);
      return m;
    };
    const r = threeWays(f, [tensor([0.5, -0.2, 0.1])]);
    agree(r);
    expect(r.source).toMatch(/for \(;;\)/);
    agree(threeWays(f, [tensor([-0.5, -0.2, 0.1])]));
  });

  it("a reverse scan's gradient pieces are written straight into the gradient output, gaps zeroed", () => {
    const ys = tensor(rnd(60, 7));
    // z = [log σ, (unused), level_0 … level_59, (unused)]: the unused entries' gradient must come out 0
    const f = (z: Tensor) => {
      const s = T.exp(T.reshape(T.slice(z, [0], [1]), []));
      const lv = T.slice(z, [2], [62]);
      const [, terms] = scan(
        (prev: Tensor, [m, y]: [Tensor, Tensor]) => {
          const d = m.sub(prev).div(s);
          return [m, d.square().mul(-0.5).add(y.sub(m).square().mul(-0.5)).sub(T.log(s))];
        },
        tensor(0),
        [lv, ys],
      );
      return (terms as Tensor).sum().sub(s.square().mul(0.5));
    };
    const z = tensor(Float64Array.from(rnd(63, 11), (v, i) => (i === 0 ? 0.2 : v)));
    const r = threeWaysGrad(f, [z]);
    agree(r);
    expect(r.compiled[1]?.[1]).toBe(0);
    expect(r.compiled[1]?.[62]).toBe(0);
    // the reverse loop writes o1 at offset 2; no copy loop of the 60-long piece follows
    expect(r.source).toMatch(/o1\[2 \+ step\d+/);
    expect(r.source).not.toMatch(/for \(let i = \d+; i < 62; i\+\+\)/);
  });

  it("GARCH: σ = [σ₀, scan ys] is written in place, and the reverse carry waits for one multiplication", () => {
    const y = tensor(rnd(40, 13));
    const f = (z: Tensor) => {
      const mu = T.reshape(T.slice(z, [0], [1]), []);
      const a0 = T.exp(T.reshape(T.slice(z, [1], [2]), []));
      const a1 = T.logistic(T.reshape(T.slice(z, [2], [3]), []));
      const b1 = T.mul(T.logistic(T.reshape(T.slice(z, [3], [4]), [])), T.sub(1, a1));
      const [, sig] = scan(
        (prev: Tensor, yPrev: Tensor) => {
          const s = T.sqrt(a0.add(a1.mul(yPrev.sub(mu).square())).add(b1.mul(prev.square())));
          return [s, s];
        },
        tensor(0.5),
        T.slice(y, [0], [39]),
      );
      const sigma = T.concatenate([tensor([0.5]), sig as Tensor]);
      return T.sum(T.sub(T.mul(T.square(T.div(T.sub(y, mu), sigma)), -0.5), T.log(sigma)));
    };
    const r = threeWaysGrad(f, [tensor([0.1, -0.5, 0.3, 0.8])]);
    agree(r);
    // the forward scan writes its ys at offset 1 of σ's buffer; no 39-long copy loop
    expect(r.source).toMatch(/b\d+\[1 \+ step\d+/);
    expect(r.source).not.toMatch(/i\d* < 39; i\d*\+\+\) \{? ?b\d+\[1 \+ i/);
    // the reverse scan's cotangent carry: one multiplication of (carry + cotangent) by a step factor
    const rev = r.source.slice(r.source.search(/for \(let step\d+ = 38; step\d+ >= 0/));
    const carry = /^(s\d+) = n\d+_0;$/m.exec(rev)?.[1] as string;
    const next = /const n\d+_0 = (s\d+);/.exec(rev)?.[1] as string;
    expect(rev).toMatch(new RegExp(`const ${next} = \\(s\\d+ \\* s\\d+\\);`));
    expect(carry).toBeDefined();
  });

  it("unroll: k body copies per loop iteration, the remainder after, same values and gradients", () => {
    const xs = tensor(rnd(23 * 2, 9), { shape: [23, 2] });
    for (const reverse of [false, true])
      for (const unroll of [1, 3, 4, 23, 50]) {
        const f = (w: Tensor) => {
          const [c, ys] = scan(
            (h: Tensor, x: Tensor) => {
              const nh = h.mul(0.7).add(x.mul(w)).tanh();
              return [nh, nh.sum().square()];
            },
            T.zeros([2]),
            xs,
            { reverse, unroll },
          );
          return c.sum().add((ys as Tensor).sum());
        };
        const r = threeWaysGrad(f, [tensor([0.4, -0.3])]);
        agree(r);
        const copies = r.source.match(/while \(step\d+ [<>]=/g)?.length ?? 0;
        expect(copies, `unroll ${unroll}`).toBe(unroll > 1 ? 2 : 0); // forward and reverse scans
      }
  });

  it("a compiled scan program round-trips through JSON (worker threads)", () => {
    const { program } = T.makeProgram(
      (x: Tensor) => scan((c: Tensor, y: Tensor) => [c.add(y), c.mul(y)], tensor(0), x),
      [{ shape: [4], dtype: "float64" }],
    );
    const back = JSON.parse(JSON.stringify(program));
    const x = new Float64Array([1, 2, 3, 4]);
    expect([...(compileProgram(back).call([x])[1] as Float64Array)]).toEqual([0, 2, 9, 24]);
  });
});
