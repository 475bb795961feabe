import { PhloxError } from "@phlox/tensor";

/**
 * Raised by the distributed driver and workers. `code` is stable: `"redis-unreachable"`, `"shard-failed"`,
 * `"shard-timeout"`, `"shard-columns"`, `"model-module"`, `"bad-options"`, `"run-timeout"`; `shard` is the shard
 * index when one shard is at fault.
 */
export class DistributedError extends PhloxError {
  /** The shard at fault, when there is one. */
  readonly shard?: number;
  constructor(code: string, message: string, shard?: number) {
    super(code, message);
    if (shard !== undefined) this.shard = shard;
  }
}
