import { Normal } from "@phlox/distributions";
import { key, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { defineHandler } from "./define-handler.js";
import { seed } from "./handlers/seed.js";
import { trace } from "./handlers/trace.js";
import { Message } from "./message.js";
import { Messenger } from "./messenger.js";
import { deterministic } from "./primitives/deterministic.js";
import { sample } from "./primitives/sample.js";
import { applyStack, stackIsEmpty } from "./stack.js";

class Recorder extends Messenger {
  constructor(
    readonly tag: string,
    readonly log: string[],
    readonly stopHere = false,
  ) {
    super();
  }
  override processMessage(msg: Message): void {
    this.log.push(`process ${this.tag}`);
    if (this.stopHere) msg.stop = true;
  }
  override postprocessMessage(_msg: Message): void {
    this.log.push(`post ${this.tag}`);
  }
}

describe("Messenger stack", () => {
  it("applyStack processes top-down and postprocesses bottom-up", () => {
    const log: string[] = [];
    const outer = new Recorder("outer", log);
    const inner = new Recorder("inner", log);
    outer.run(() => inner.run(() => applyStack(new Message("deterministic", "x"))));
    expect(log).toEqual(["process inner", "process outer", "post outer", "post inner"]);
    expect(stackIsEmpty()).toBe(true);
  });

  it("a handler that sets stop hides the message from the handlers outside it", () => {
    const log: string[] = [];
    const outer = new Recorder("outer", log);
    const inner = new Recorder("inner", log, true);
    outer.run(() => inner.run(() => applyStack(new Message("deterministic", "x"))));
    expect(log).toEqual(["process inner", "post inner"]);
  });

  it("run pops the handler and everything above it when the body throws", () => {
    const a = new Recorder("a", []);
    const b = new Recorder("b", []);
    expect(() =>
      a.run(() => {
        b.enter(); // left dangling by a faulty body
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(stackIsEmpty()).toBe(true);
  });

  it("a model that throws under trace and seed leaves the stack empty", () => {
    const model = () => {
      sample("x", new Normal(0, 1));
      throw new Error("model failed");
    };
    expect(() => trace(seed(model, 0)).getTrace()).toThrow("model failed");
    expect(stackIsEmpty()).toBe(true);
  });

  it("Message sets every field in its constructor", () => {
    const m = new Message("sample", "x");
    expect(Object.keys(m).sort()).toEqual(
      [
        "args",
        "condIndepStack",
        "constraint",
        "done",
        "eventDim",
        "fn",
        "infer",
        "init",
        "intervenerId",
        "isObserved",
        "key",
        "mask",
        "name",
        "sampleShape",
        "scale",
        "stop",
        "type",
        "value",
      ].sort(),
    );
    const c = m.copy();
    expect(c).not.toBe(m);
    expect(c.condIndepStack).not.toBe(m.condIndepStack);
  });
});

describe("defineHandler", () => {
  class Doubler extends Messenger {
    override postprocessMessage(msg: Message): void {
      if (msg.type === "deterministic" && msg.value !== null) msg.value = msg.value.mul(2);
    }
  }
  const doubler = defineHandler(() => new Doubler(), 0);

  it("doubler(model) wraps a model and keeps its arguments", () => {
    const model = (a: number) => deterministic("y", tensor(a));
    expect(doubler(model)(3).item()).toBe(6);
  });

  it("doubler().run(fn) handles a block of code", () => {
    expect(
      doubler()
        .run(() => deterministic("y", tensor(1)))
        .item(),
    ).toBe(2);
  });

  it("a handler with a required function parameter is a scope when called with it alone", () => {
    class Tagger extends Messenger {
      constructor(readonly f: (m: Message) => void) {
        super();
      }
      override processMessage(msg: Message): void {
        this.f(msg);
      }
    }
    const seen: string[] = [];
    const tagger = defineHandler((f: (m: Message) => void) => new Tagger(f), 1);
    const h = tagger((m) => seen.push(m.name));
    expect(h).toBeInstanceOf(Tagger);
    h.run(() => deterministic("z", tensor(0)));
    tagger(
      () => deterministic("w", tensor(0)),
      (m: Message) => seen.push(m.name),
    )();
    expect(seen).toEqual(["z", "w"]);
  });
});

describe("sample without handlers", () => {
  it("returns obs", () => {
    expect(sample("x", new Normal(0, 1), { obs: 0.5 }).item()).toBe(0.5);
  });

  it("draws with rngKey, deterministically", () => {
    const a = sample("x", new Normal(0, 1), { rngKey: key(3), sampleShape: [4] });
    const b = sample("x", new Normal(0, 1), { rngKey: key(3), sampleShape: [4] });
    expect(a.shape).toEqual([4]);
    expect(a.toArray()).toEqual(b.toArray());
  });

  it("throws an error naming the site when no key is available", () => {
    expect(() => sample("theta", new Normal(0, 1))).toThrow(/sample\("theta"\).*seed/);
  });

  it("rejects a second argument that is not a distribution, naming the site", () => {
    expect(() => sample("w", tensor(1) as never)).toThrow(
      /sample\("w", …\): the second argument must be a Distribution/,
    );
  });

  it("rejects obs whose shape does not fit the distribution, naming the site", () => {
    expect(() => sample("y", new Normal(tensor([0, 0, 0]), 1), { obs: tensor([1, 2]) })).toThrow(
      /sample\("y"\).*\[2\].*\[3\]/,
    );
  });
});

it("an async model is refused with async-model, and its later rejection is not left unhandled", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  try {
    const model = async () => {
      sample("a", new Normal(0, 1));
      await new Promise((r) => setTimeout(r, 5));
      // Runs after the handlers are gone: it throws, rejecting the promise nobody awaits.
      sample("b", new Normal(0, 1));
    };
    expect(() => trace(seed(model, 0)).getTrace()).toThrow(
      expect.objectContaining({ code: "async-model", message: expect.stringMatching(/must be synchronous/) }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});
