import { defineHandler } from "../define-handler.js";
import type { Message, MessageType } from "../message.js";
import { Messenger } from "../messenger.js";

/** Options of {@link scope}. */
export interface ScopeOptions {
  /** Separator between prefix and name; default `"/"`. */
  divider?: string;
  /** Message types whose names are left alone (`"plate"` also leaves plate frames alone). */
  hideTypes?: readonly MessageType[];
}

/** Prefixes site names (and plate names) with `prefix + divider` (NumPyro's `handlers.scope`). */
export class Scope extends Messenger {
  readonly divider: string;
  readonly hideTypes: readonly MessageType[];

  constructor(
    readonly prefix: string,
    options: ScopeOptions = {},
  ) {
    super();
    this.divider = options.divider ?? "/";
    this.hideTypes = options.hideTypes ?? [];
  }

  override processMessage(msg: Message): void {
    if (msg.name !== "" && !this.hideTypes.includes(msg.type)) {
      msg.name = `${this.prefix}${this.divider}${msg.name}`;
    }
    if (msg.condIndepStack.length > 0 && !this.hideTypes.includes("plate")) {
      msg.condIndepStack = msg.condIndepStack.map((f) => ({
        name: `${this.prefix}${this.divider}${f.name}`,
        dim: f.dim,
        size: f.size,
      }));
    }
  }
}

/**
 * Namespaces site names (NumPyro's `handlers.scope`), to reuse one sub-model twice.
 * @param prefix - the prefix.
 * @param options - `divider` (default `"/"`), `hideTypes`.
 * @example
 * const inner = () => sample("x", new Normal(0, 1), { obs: 0 });
 * [...trace(scope(inner, "a")).getTrace().keys()]; // → ["a/x"]
 */
export const scope = /* @__PURE__ */ defineHandler(
  (prefix: string, options?: ScopeOptions) => new Scope(prefix, options),
  1,
);
