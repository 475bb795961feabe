import { ConstraintError } from "@phlox/tensor";
/** One adaptation window: iterations `start..end` inclusive (0-based warmup iterations). */
export interface AdaptWindow {
  start: number;
  end: number;
}

/**
 * Stan's windowed warmup schedule (Stan Reference Manual, "HMC algorithm parameters: automatic parameter
 * tuning"; NumPyro's `build_adaptation_schedule`): an initial fast buffer of 75 iterations, slow windows
 * starting at 25 iterations and doubling (the last one stretched to the end buffer), and a final fast
 * buffer of 50. When 75 + 25 + 50 > numWarmup the buffers become 15% / 10% of numWarmup; below 20
 * iterations there is one window. Only the slow (middle) windows feed the mass-matrix estimate.
 * @param numWarmup - number of warmup iterations (≥ 0).
 * @returns the contiguous windows covering `0..numWarmup-1`.
 * @throws RangeError if numWarmup is not a non-negative integer.
 * @example
 * buildAdaptationSchedule(1000).map((w) => w.end - w.start + 1); // → [75, 25, 50, 100, 200, 500, 50]
 */
export function buildAdaptationSchedule(numWarmup: number): AdaptWindow[] {
  if (!Number.isInteger(numWarmup) || numWarmup < 0) {
    throw new ConstraintError(
      "num-warmup",
      `buildAdaptationSchedule: numWarmup must be a non-negative integer, got ${numWarmup}.`,
    );
  }
  if (numWarmup === 0) return [];
  if (numWarmup < 20) return [{ start: 0, end: numWarmup - 1 }];
  let startBuffer = 75;
  let endBuffer = 50;
  let initWindow = 25;
  if (startBuffer + endBuffer + initWindow > numWarmup) {
    startBuffer = Math.floor(0.15 * numWarmup);
    endBuffer = Math.floor(0.1 * numWarmup);
    initWindow = numWarmup - startBuffer - endBuffer;
  }
  const windows: AdaptWindow[] = [{ start: 0, end: startBuffer - 1 }];
  const endStart = numWarmup - endBuffer;
  let nextSize = initWindow;
  let nextStart = startBuffer;
  while (nextStart < endStart) {
    const curStart = nextStart;
    let curSize = nextSize;
    // The next window doubles only if the one after it would still fit; otherwise stretch this one.
    if (3 * curSize <= endStart - curStart) nextSize = 2 * curSize;
    else curSize = endStart - curStart;
    nextStart = curStart + curSize;
    windows.push({ start: curStart, end: nextStart - 1 });
  }
  windows.push({ start: endStart, end: numWarmup - 1 });
  return windows;
}
