import { type Message, mask, Seed, substitute, type Trace, trace } from "@phlox/handlers";
import type { Key, Tensor } from "@phlox/tensor";
import { PhloxError } from "@phlox/tensor";

type AnyModel = (...args: never[]) => unknown;

/** `seed` that counts the keys it hands out (behaves exactly as `Seed`). */
export class CountingSeed extends Seed {
  used = 0;
  /** The message type and site name each key went to, in order. */
  readonly receivers: { type: string; name: string }[] = [];
  override processMessage(msg: Message): void {
    const had = msg.key;
    super.processMessage(msg);
    if (msg.key !== had) {
      this.used++;
      this.receivers.push({ type: msg.type, name: msg.name });
    }
  }
}

/**
 * `seed` whose j-th key is `keys[j]` (staged from the flat row) instead of the j-th split of its own key: the
 * same sites get keys as with `Seed`, and the keys are the ones `Seed` would give (computed on the host).
 */
export class FeedSeed extends Seed {
  private next = 0;
  constructor(private readonly keys: readonly Key[]) {
    super(0);
  }
  override processMessage(msg: Message): void {
    const had = msg.key;
    super.processMessage(msg);
    if (msg.key === had) return;
    if (this.next >= this.keys.length)
      throw new PhloxError("serve-model-keys", "the model asks for more keys than at start-up");
    msg.key = this.keys[this.next++];
  }
}

/**
 * One posterior predictive draw as `@phlox/infer`'s `Predictive` runs it: the model under `mask(false)`, seeded
 * by `seeder`, with the latent values substituted (deterministic sites recomputed).
 */
export function predictiveTrace(
  model: AnyModel,
  args: readonly unknown[],
  latent: Readonly<Record<string, Tensor>>,
  seeder: Seed,
): Trace {
  const run = mask(() => (model as (...a: readonly unknown[]) => unknown)(...args), false);
  const sub = (msg: Message): Tensor | undefined =>
    msg.type === "deterministic" || !Object.hasOwn(latent, msg.name) ? undefined : latent[msg.name];
  return trace(substitute(() => seeder.run(run), sub)).getTrace();
}

/** The words of `key(seed)` from `@phlox/tensor` (seed in [0, 2^53)). */
export function seedWords(seed: number): [number, number] {
  return [Math.floor(seed / 4294967296) >>> 0, seed >>> 0];
}
