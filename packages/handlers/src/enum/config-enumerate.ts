import { InferConfigMessenger } from "../handlers/infer-config.js";
import type { InferConfig, Message } from "../message.js";

/** The enumeration strategy `configEnumerate` sets; only `"parallel"` exists. */
export type EnumerateStrategy = "parallel";

function enumerateConfig(msg: Message, strategy: EnumerateStrategy): InferConfig {
  if (msg.isObserved || msg.fn === null || !msg.fn.hasEnumerateSupport) return {};
  return { enumerate: msg.infer.enumerate ?? strategy };
}

/**
 * Marks every latent sample site whose distribution has finite support (`hasEnumerateSupport`) for
 * enumeration (NumPyro's `config_enumerate`); a site's own `infer: { enumerate }` wins.
 * @param model - the model.
 * @param strategy - `"parallel"` (the default and only strategy).
 * @returns the model with its discrete sites marked.
 * @example
 * const m = configEnumerate(() => sample("z", new Bernoulli(0.5)));
 * trace(seed(m, 0)).getTrace().get("z")?.infer.enumerate; // → "parallel"
 */
export function configEnumerate<A extends unknown[], R>(
  model: (...args: A) => R,
  strategy: EnumerateStrategy = "parallel",
): (...args: A) => R {
  const configured = (...args: A): R =>
    new InferConfigMessenger((msg) => enumerateConfig(msg, strategy)).run(() => model(...args));
  Object.defineProperty(configured, "name", { value: `configEnumerate(${model.name || "model"})` });
  return configured;
}
