/**
 * Benchmark: the potential `initializeModel` builds from a model (compiled with jit, and eager) against
 * the hand-written JavaScript potential, measured in the same run; plus the one-off costs
 * (initializeModel, postprocess per draw). Run from the repository root:
 *   node --conditions=@phlox/source --import tsx packages/infer/bench/potential.bench.ts
 * Prints medians over repeated timing blocks and ratios; asserts nothing.
 */
import { silenceWarnings, tensor } from "@phlox/tensor";
import { initializeModel } from "../src/initialize-model.js";
import {
  eightSchools,
  eightSchoolsPotential,
  logistic,
  logisticData,
  logisticPotential,
  SIGMA,
  Y,
} from "../src/testing/models.js";

type Fn = (z: Float64Array, g: Float64Array) => number;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median microseconds per call over `blocks` blocks of `calls` calls, after a warm-up block. */
function usPerCall(fn: Fn, z: Float64Array, calls: number, blocks = 7): number {
  const g = new Float64Array(z.length);
  let sink = 0;
  for (let i = 0; i < calls; i++) sink += fn(z, g);
  const per: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += fn(z, g);
    per.push(((performance.now() - t0) * 1000) / calls);
  }
  if (Number.isNaN(sink)) console.log("(NaN)");
  return median(per);
}

function msOnce(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

silenceWarnings(true);
const cases: { name: string; model: (...a: never[]) => unknown; args: unknown[]; hand: Fn }[] = [];
cases.push({
  name: "eight schools (d=10)",
  model: eightSchools,
  args: [tensor(SIGMA), tensor(Y)],
  hand: eightSchoolsPotential,
});
const { X, y } = logisticData(1000, 5);
cases.push({
  name: "logistic regression N=1000 D=5",
  model: logistic,
  args: [tensor(X), tensor(y)],
  hand: (z, g) => logisticPotential(X, y, z, g),
});

for (const c of cases) {
  let info = initializeModel(0, c.model, c.args);
  const tInit = msOnce(() => {
    info = initializeModel(0, c.model, c.args);
  });
  const eager = initializeModel(0, c.model, c.args, { jit: false });
  const z = info.initialZ;
  const hand = usPerCall(c.hand, Float64Array.from(z), 20000);
  const compiled = usPerCall(info.potentialFn, Float64Array.from(z), 20000);
  const eagerUs = usPerCall(eager.potentialFn, Float64Array.from(z), 200);
  const post = usPerCall(
    (zz) => {
      info.postprocess(zz);
      return 0;
    },
    Float64Array.from(z),
    200,
  );
  console.log(
    `${c.name}: compiled=${info.compiled} | initializeModel ${tInit.toFixed(1)} ms | µs per value+grad: ` +
      `hand-written ${hand.toFixed(3)}, compiled ${compiled.toFixed(3)} (×${(compiled / hand).toFixed(2)}), ` +
      `eager ${eagerUs.toFixed(1)} (×${(eagerUs / hand).toFixed(0)}) | postprocess ${post.toFixed(1)} µs/draw`,
  );
}
