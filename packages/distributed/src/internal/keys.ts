/** Redis keys and BullMQ job ids of a run (BullMQ custom job ids may not contain ":"). */

/** Prefix of every key Phlox writes beside BullMQ's own. */
export const KEY_PREFIX = "phlox:distributed";

/** Hash holding shard `shard`'s data arrays. */
export function dataKey(queue: string, runId: string, shard: number): string {
  return `${KEY_PREFIX}:${queue}:${runId}:data:${shard}`;
}

/** Hash holding shard `shard`'s draws. */
export function drawsKey(queue: string, runId: string, shard: number): string {
  return `${KEY_PREFIX}:${queue}:${runId}:draws:${shard}`;
}

/** The BullMQ job id of a shard: one job per (run, shard), so enqueueing twice never duplicates it. */
export function jobId(runId: string, shard: number): string {
  return `${runId}-shard-${shard}`;
}
