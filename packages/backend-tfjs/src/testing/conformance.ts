/**
 * The backend conformance suite: one set of vitest tests parameterised by backend. Every primitive's values vs
 * the built-in "js" backend (reference kernels in float64 on float32-rounded inputs), gradients, PRNG bits, jit
 * programs, errors and (optionally) memory.
 */
import {
  type Backend,
  type DType,
  getPrimitive,
  jit,
  jsBackend,
  type KernelArg,
  key,
  matmul,
  primitiveNames,
  randomBits,
  registerBackend,
  ShapeError,
  setBackend,
  split,
  type Tensor,
  type TypedArray,
  tensor,
  uniform,
  valueAndGrad,
} from "@phlox/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CaseInput, type PrimitiveCase, primitiveCases } from "./cases.js";

/** A backend under test. */
export interface ConformanceTarget {
  /** Creates (and initialises) the backend; the suite registers it. Return `jsBackend` to test the reference. */
  setup(): Backend | Promise<Backend>;
  /** Relative tolerance for float outputs (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance for float outputs (default 1e-6). */
  atol?: number;
  /** Bytes held by the backend (enables the memory test). */
  numBytes?: () => number;
  /** Frees every backend buffer of a pytree of tensors (used with `scope` by the memory test). */
  scope?: <T>(fn: () => T) => T;
  /** Iterations of the memory test (default 1000). */
  memoryIterations?: number;
  /** Runs a function on the backend's buffers without per-call tracing (jit over backend buffers). */
  jit?: <A extends unknown[], R>(f: (...args: A) => R, backend: Backend) => (...args: A) => R;
}

const isFloat = (d: DType): boolean => d === "float32" || d === "float64";

function hostArray(x: CaseInput, round: boolean): TypedArray {
  const a =
    x.dtype === "float64"
      ? new Float64Array(x.data)
      : x.dtype === "float32"
        ? new Float32Array(x.data)
        : x.dtype === "int32"
          ? new Int32Array(x.data)
          : x.dtype === "uint32"
            ? new Uint32Array(x.data)
            : new Uint8Array(x.data);
  if (round && x.dtype === "float64") for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i] as number);
  return a;
}

/** Asserts `got` ≈ `want` elementwise (exact for integer/bool dtypes; NaN matches NaN). */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  dtype: DType,
  rtol: number,
  atol: number,
  what: string,
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    if (Number.isNaN(w)) expect(Number.isNaN(g), `${what}[${i}]: want NaN, got ${g}`).toBe(true);
    else if (!isFloat(dtype) || !Number.isFinite(w)) expect(g, `${what}[${i}]`).toBe(w);
    else if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w)))
      expect.fail(
        `${what}[${i}]: got ${g}, want ${w} (|diff| ${Math.abs(g - w)} > ${atol} + ${rtol}·|want|)`,
      );
  }
}

const title = (c: PrimitiveCase): string =>
  `${c.primitive}${c.label ? ` (${c.label})` : ""} matches the js reference kernel`;

async function read(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/**
 * Declares the conformance tests for one backend (call it at the top level of a `*.test.ts` file).
 * @param name - the backend's registry name (`"js"`, `"wasm"`, `"webgpu"`).
 * @param target - how to create it, tolerances, optional memory and jit hooks.
 * @example
 * conformance("wasm", { setup: () => wasm({ fallbacks: "js" }), numBytes: ..., scope });
 */
export function conformance(name: string, target: ConformanceTarget): void {
  const rtol = target.rtol ?? 1e-5;
  const atol = target.atol ?? 1e-6;
  let be: Backend = jsBackend;

  describe(`backend "${name}" conformance`, () => {
    beforeAll(async () => {
      be = await target.setup();
      if (be !== jsBackend) registerBackend(be);
      setBackend("js");
    });
    afterAll(() => setBackend("js"));

    it("has a conformance case for every defined primitive", () => {
      const covered = new Set(primitiveCases.map((c) => c.primitive));
      expect(primitiveNames().filter((p) => !covered.has(p as never))).toEqual([]);
    });

    for (const c of primitiveCases) {
      it(title(c), async () => {
        const prim = getPrimitive(c.primitive);
        const avals = c.inputs.map((x) => ({ shape: x.shape, dtype: x.dtype }));
        const shape = prim.shape(avals, c.params as never);
        const dtype = prim.dtype(avals, c.params as never);
        const refArgs: KernelArg[] = c.inputs.map((x) => ({
          shape: x.shape,
          dtype: x.dtype,
          buf: hostArray(x, true),
        }));
        const want = prim.kernel(refArgs, c.params as never, shape, dtype);
        const bufs = c.inputs.map((x) => be.create(hostArray(x, false), x.dtype));
        const args: KernelArg[] = c.inputs.map((x, k) => ({ shape: x.shape, dtype: x.dtype, buf: bufs[k] }));
        const out =
          be === jsBackend
            ? prim.kernel(args, c.params as never, shape, dtype)
            : be.exec(prim, args, c.params as never, shape, dtype);
        const size = shape.reduce((a, b) => a * b, 1);
        const got = await be.read(out, dtype, size);
        for (const b of [...bufs, out]) be.dispose(b);
        expect(got.constructor, "typed array class of the output dtype").toBe(want.constructor);
        expectClose(got, want, dtype, rtol, atol, title(c));
      });
    }

    it("randomBits and split give the same bits as the js backend (threefry-2x32, JAX-compatible)", async () => {
      setBackend(name);
      try {
        expect(await read(randomBits(key(0), [2]))).toEqual([4070199207, 4202968722]);
        const [k1] = split(key(42));
        const bits = await read(randomBits(k1 as Tensor, [4]));
        setBackend("js");
        const [r1] = split(key(42));
        expect(bits).toEqual(Array.from(randomBits(r1 as Tensor, [4]).dataSync()));
      } finally {
        setBackend("js");
      }
    });

    it("uniform draws match the js backend to float32 precision", async () => {
      setBackend(name);
      let got: number[];
      try {
        got = await read(uniform(key(3), [6]));
      } finally {
        setBackend("js");
      }
      expectClose(got, uniform(key(3), [6]).dataSync(), "float64", 1e-6, 1e-7, "uniform");
    });

    const X = [0.5, -1.2, 0.3, 2.0, -0.7, 1.1, 0.05, -0.4];
    const Y = [1, 0, 1, 1];
    const W = [0.2, -0.1];
    const potential = (w: Tensor, x: Tensor, y: Tensor): Tensor => {
      // Logistic regression: sum(softplus(logits)) − y·logits + ½|w|²
      const logits = matmul(x, w.reshape([2, 1])).reshape([4]);
      const sp = logits.exp().log1p();
      return sp.sub(y.mul(logits)).sum().add(w.mul(w).sum().mul(0.5));
    };

    it("valueAndGrad of a logistic-regression potential matches the js backend", async () => {
      const run = (): [Tensor, Tensor] =>
        valueAndGrad((w: Tensor) => potential(w, tensor(X, { shape: [4, 2] }), tensor(Y)))(tensor(W)) as [
          Tensor,
          Tensor,
        ];
      const [v0, g0] = run();
      setBackend(name);
      let v: number[];
      let g: number[];
      try {
        const [v1, g1] = run();
        v = await read(v1);
        g = await read(g1);
      } finally {
        setBackend("js");
      }
      expectClose(v, v0.dataSync(), "float64", rtol, atol, "value");
      expectClose(g, g0.dataSync(), "float64", rtol, atol, "gradient");
    });

    it("runs a jit program over backend buffers with the same values as the js backend", async () => {
      const f = (w: Tensor, x: Tensor, y: Tensor): [Tensor, Tensor] =>
        valueAndGrad((ww: Tensor) => potential(ww, x, y))(w) as [Tensor, Tensor];
      const ref = f(tensor(W), tensor(X, { shape: [4, 2] }), tensor(Y));
      if (target.jit === undefined) {
        expect(be === jsBackend, "only the js reference may omit the jit hook").toBe(true);
        return;
      }
      setBackend(name);
      try {
        const jf = target.jit(f, be);
        const args = (): [Tensor, Tensor, Tensor] => [tensor(W), tensor(X, { shape: [4, 2] }), tensor(Y)];
        for (let rep = 0; rep < 2; rep++) {
          const [v, g] = jf(...args());
          expectClose(await read(v), ref[0].dataSync(), "float64", rtol, atol, "jit value");
          expectClose(await read(g), ref[1].dataSync(), "float64", rtol, atol, "jit gradient");
        }
      } finally {
        setBackend("js");
      }
    });

    it("runs @phlox/tensor's own jit on the current backend (no backend-specific call) with the js values", async () => {
      const f = (w: Tensor, x: Tensor, y: Tensor): [Tensor, Tensor] =>
        valueAndGrad((ww: Tensor) => potential(ww, x, y))(w) as [Tensor, Tensor];
      const ref = f(tensor(W), tensor(X, { shape: [4, 2] }), tensor(Y));
      setBackend(name);
      try {
        const jf = jit(f);
        for (let rep = 0; rep < 2; rep++) {
          const [v, g] = jf(tensor(W), tensor(X, { shape: [4, 2] }), tensor(Y));
          expect(v.backend).toBe(be);
          expectClose(await read(v), ref[0].dataSync(), "float64", rtol, atol, "jit value");
          expectClose(await read(g), ref[1].dataSync(), "float64", rtol, atol, "jit gradient");
        }
      } finally {
        setBackend("js");
      }
    });

    it("raises the same ShapeError as the js backend for mismatched matmul operands", () => {
      setBackend(name);
      try {
        expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(ShapeError);
      } finally {
        setBackend("js");
      }
    });

    // 1000 iterations take a few seconds on a busy machine: a generous timeout, not vitest's 5 s default.
    it("keeps numBytes flat over a loop of potential + gradient inside scopes", {
      timeout: 120_000,
    }, async () => {
      const numBytes = target.numBytes;
      const sc = target.scope;
      if (numBytes === undefined || sc === undefined) {
        expect(be === jsBackend, "only the js reference (garbage-collected) may omit the memory hooks").toBe(
          true,
        );
        return;
      }
      setBackend(name);
      try {
        const x = tensor(X, { shape: [4, 2] });
        const y = tensor(Y);
        let w = tensor(W);
        const step = (): void => {
          const next = sc(() => {
            const [, g] = valueAndGrad((ww: Tensor) => potential(ww, x, y))(w) as [Tensor, Tensor];
            return w.sub(g.mul(0.01));
          });
          w = next;
        };
        step();
        await read(w); // asynchronous backends release buffers once queued work is flushed
        const before = numBytes();
        const iters = target.memoryIterations ?? 1000;
        for (let k = 0; k < iters; k++) {
          const old = w;
          step();
          be.dispose(old.buf);
        }
        await read(w);
        expect(numBytes()).toBeLessThanOrEqual(before);
      } finally {
        setBackend("js");
      }
    });
  });
}
