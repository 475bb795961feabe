import { afterEach, describe, expect, test } from "vitest";
import { type Backend, jsBackend, registerBackend, setBackend } from "../core/backend.js";
import { silenceWarnings } from "../core/errors.js";
import { type Tensor, tensor } from "../index.js";
import { registerCompiler, unregisterCompiler } from "./compiler.js";
import { interpretProgram } from "./interpret.js";
import { jit } from "./jit.js";

silenceWarnings(true);

/** A third-party backend without `compile`: host buffers, reference kernels, and a count of `exec` calls. */
function countingBackend(name: string): Backend & { calls: string[] } {
  const calls: string[] = [];
  return {
    name,
    calls,
    create: (data) => data,
    readSync: jsBackend.readSync,
    read: jsBackend.read,
    dispose: () => {},
    exec: (prim, inputs, params, shape, dtype) => {
      calls.push(prim.name);
      return prim.kernel(inputs, params, shape, dtype);
    },
  };
}

afterEach(() => setBackend("js"));

const f = (x: Tensor): Tensor => x.mul(2).exp().sum();

describe("jit on a registered backend without compile()", () => {
  test("runs every call's equations through the backend's exec, not only while tracing", () => {
    const be = countingBackend("counting-1");
    registerBackend(be);
    setBackend(be.name);
    const g = jit(f);
    const x = tensor([0, 1]);
    const first = g(x);
    const afterFirst = be.calls.length;
    expect(afterFirst).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 4; i++) g(x);
    // Every run (not the cached trace) dispatches the program's mul, exp and sum to the backend.
    expect(be.calls.length - afterFirst).toBe(4 * afterFirst);
    expect(be.calls).toContain("exp");
    expect(first.backend).toBe(be);
    expect(first.item()).toBeCloseTo(1 + Math.exp(2), 12);
  });

  test("a registered host compiler does not bypass the backend", () => {
    const be = countingBackend("counting-2");
    registerBackend(be);
    setBackend(be.name);
    let compiled = 0;
    registerCompiler({
      name: "host-test",
      compile: (program) => {
        compiled++;
        return (inputs) => interpretProgram(program, inputs);
      },
    });
    try {
      const g = jit(f);
      const before = be.calls.length;
      g(tensor([0, 1]));
      g(tensor([0, 1]));
      expect(be.calls.length - before).toBeGreaterThanOrEqual(6);
      // runOn: "host" is the explicit choice of the host compiler: the backend's exec is no longer used.
      const h = jit(f, { runOn: "host" });
      h(tensor([0, 1]));
      const mid = be.calls.length;
      const out = h(tensor([0, 1]));
      expect(be.calls.length - mid).toBe(0);
      expect(compiled).toBeGreaterThanOrEqual(1);
      expect(out.item()).toBeCloseTo(1 + Math.exp(2), 12);
    } finally {
      unregisterCompiler();
    }
  });

  test("the built-in js backend keeps the host path (compiled or interpreted)", () => {
    const g = jit(f);
    expect(g(tensor([0, 1])).item()).toBeCloseTo(1 + Math.exp(2), 12);
  });
});
