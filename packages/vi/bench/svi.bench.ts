/**
 * SVI benchmark: AutoNormal on eight schools (5,000 Adam steps) and logistic regression N = 100k, D = 20
 * (1,000 steps), through the model (initializeModel's compiled potential) and through a hand-written
 * potential (the floor: SVI + guide overhead only). Prints medians and ratios to NumPyro's anchors;
 * asserts nothing.
 *
 * Run from the repository root:
 *   node --conditions=@phlox/source --import tsx packages/vi/bench/svi.bench.ts
 */
import { Bernoulli, HalfCauchy, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import { AutoNormal } from "../../autoguide/src/index.js";
import { Adam, type PotentialModel, SVI, TraceELBO } from "../src/index.js";

const NUMPYRO_ES_US = 234; // µs/step, NumPyro AutoNormal eight schools, 2 cores
const NUMPYRO_ES_COMPILE_S = 3.8;
const NUMPYRO_LR_MS = 2.08; // ms/step, logistic regression N=100k D=20

const y8 = [28, 8, -3, 7, -1, 1, 18, 12];
const s8 = [15, 10, 16, 11, 9, 11, 10, 18];

function eightSchools(sigma: number[], y?: number[]): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.length, () => {
    const z = sample("theta_raw", new Normal(0, 1));
    sample("obs", new Normal(mu.add(tau.mul(z)), tensor(sigma)), { obs: y && tensor(y) });
  });
}

/** Eight schools' potential by hand: z = [mu, log tau, theta_raw(8)]. */
const eightSchoolsPotential: PotentialModel = {
  dim: 10,
  initialZ: new Float64Array(10),
  potentialFn(z, g) {
    const mu = z[0];
    const lt = z[1];
    const tau = Math.exp(lt);
    let u = (mu * mu) / 50;
    g[0] = mu / 25;
    // HalfCauchy(5) on tau plus the log-Jacobian lt: −log p = log(1 + (tau/5)²) − lt (+ const)
    u += Math.log1p((tau / 5) ** 2) - lt;
    g[1] = (2 * (tau / 5) ** 2) / (1 + (tau / 5) ** 2) - 1;
    for (let j = 0; j < 8; j++) {
      const th = z[2 + j];
      const r = (mu + tau * th - y8[j]) / s8[j];
      const rs = r / s8[j];
      u += 0.5 * th * th + 0.5 * r * r;
      g[0] += rs;
      g[1] += rs * tau * th;
      g[2 + j] = th + rs * tau;
    }
    return u;
  },
};

/** CPU time of this process in ms (user + system): robust to other processes on a loaded machine. */
const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function benchEightSchools(): void {
  const steps = 5000;
  const total: number[] = [];
  const perStep: number[] = [];
  const init: number[] = [];
  const cpuStep: number[] = [];
  let compiled: unknown = "?";
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    const guide = new AutoNormal(eightSchools);
    const svi = new SVI(eightSchools, guide, new Adam(0.01), new TraceELBO());
    const state = svi.init(rep, s8, y8);
    const t1 = performance.now();
    const c1 = cpuMs();
    svi.run(0, steps, s8, y8, { initState: state });
    cpuStep.push(((cpuMs() - c1) * 1000) / steps);
    const t2 = performance.now();
    compiled = (guide as unknown as { bound: { pm: { compiled?: boolean } } }).bound.pm.compiled;
    init.push(t1 - t0);
    total.push(t2 - t0);
    perStep.push(((t2 - t1) * 1000) / steps);
  }
  const us = median(perStep);
  const tot = median(total) / 1000;
  console.log(
    `eight schools, AutoNormal, model (compiled=${compiled}): ${us.toFixed(2)} µs/step wall ` +
      `(${median(cpuStep).toFixed(2)} µs CPU), ` +
      `setup ${median(init).toFixed(1)} ms, total ${tot.toFixed(3)} s ` +
      `| NumPyro ${NUMPYRO_ES_US} µs/step → ${(NUMPYRO_ES_US / us).toFixed(1)}× faster per step; ` +
      `total vs NumPyro ${(NUMPYRO_ES_COMPILE_S + (NUMPYRO_ES_US * steps) / 1e6).toFixed(2)} s → ` +
      `${((NUMPYRO_ES_COMPILE_S + (NUMPYRO_ES_US * steps) / 1e6) / tot).toFixed(0)}×`,
  );
  const hand: number[] = [];
  const handCpu: number[] = [];
  const handTot: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    const svi = new SVI(
      eightSchoolsPotential,
      new AutoNormal(eightSchoolsPotential),
      new Adam(0.01),
      new TraceELBO(),
    );
    const state = svi.init(rep);
    const t1 = performance.now();
    const c1 = cpuMs();
    svi.run(0, steps, { initState: state });
    handCpu.push(((cpuMs() - c1) * 1000) / steps);
    const t2 = performance.now();
    hand.push(((t2 - t1) * 1000) / steps);
    handTot.push(t2 - t0);
  }
  console.log(
    `eight schools, AutoNormal, hand-written potential (floor): ${median(hand).toFixed(2)} µs/step wall ` +
      `(${median(handCpu).toFixed(2)} µs CPU), ` +
      `total ${(median(handTot) / 1000).toFixed(3)} s | NumPyro → ${(NUMPYRO_ES_US / median(hand)).toFixed(0)}×`,
  );
}

function benchLogistic(): void {
  const N = 100_000;
  const D = 20;
  // deterministic data: x from a linear congruential generator, y from the true logits
  let s = 12345;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const X = new Float64Array(N * D);
  const Y = new Float64Array(N);
  const beta = Array.from({ length: D }, (_, j) => ((j % 5) - 2) * 0.5);
  for (let i = 0; i < N; i++) {
    let eta = 0.5;
    for (let j = 0; j < D; j++) {
      const v = (rnd() - 0.5) * 3.4;
      X[i * D + j] = v;
      eta += v * beta[j];
    }
    Y[i] = rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  const steps = 1000;
  const Xt = tensor(X, { shape: [N, D] }) as Tensor;
  const Yt = tensor(Y) as Tensor;
  function logistic(x: Tensor, y?: Tensor): void {
    const alpha = sample("alpha", new Normal(0, 5));
    const b = sample("beta", new Normal(0, 2.5).expand([D]).toEvent(1));
    plate("data", N, () => sample("y", new Bernoulli({ logits: x.matmul(b).add(alpha) }), { obs: y }));
  }
  try {
    const t0 = performance.now();
    const guide = new AutoNormal(logistic);
    const svi = new SVI(logistic, guide, new Adam(0.01), new TraceELBO());
    const state = svi.init(0, Xt, Yt);
    const t1 = performance.now();
    const n = 100;
    const c1 = cpuMs();
    svi.run(0, n, Xt, Yt, { initState: state });
    const cpu = (cpuMs() - c1) / n;
    const t2 = performance.now();
    const ms = (t2 - t1) / n;
    const compiled = (guide as unknown as { bound: { pm: { compiled?: boolean } } }).bound.pm.compiled;
    console.log(
      `logistic N=100k D=20, AutoNormal, model (compiled=${compiled}): ${ms.toFixed(2)} ms/step wall ` +
        `(${cpu.toFixed(2)} ms CPU) ` +
        `(${n} steps timed), setup ${((t1 - t0) / 1000).toFixed(2)} s | NumPyro ${NUMPYRO_LR_MS} ms → ratio ${(ms / NUMPYRO_LR_MS).toFixed(2)}`,
    );
  } catch (e) {
    console.log(`logistic N=100k D=20 through the model: failed (${(e as Error).message.split("\n")[0]})`);
  }
  // hand-written fused potential (z = [alpha, beta(20)])
  const eta = new Float64Array(N);
  const pm: PotentialModel = {
    dim: D + 1,
    initialZ: new Float64Array(D + 1),
    potentialFn(z, g) {
      let u = (z[0] * z[0]) / 50;
      g[0] = z[0] / 25;
      for (let j = 0; j < D; j++) {
        u += (z[1 + j] * z[1 + j]) / 12.5;
        g[1 + j] = z[1 + j] / 6.25;
      }
      for (let i = 0; i < N; i++) {
        let e = z[0];
        const o = i * D;
        for (let j = 0; j < D; j++) e += X[o + j] * z[1 + j];
        eta[i] = e;
        // log(1 + e^η) − yη
        u += (e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e))) - Y[i] * e;
        const r = 1 / (1 + Math.exp(-e)) - Y[i];
        g[0] += r;
        for (let j = 0; j < D; j++) g[1 + j] += r * X[o + j];
      }
      return u;
    },
  };
  const svi = new SVI(pm, new AutoNormal(pm), new Adam(0.01), new TraceELBO());
  const st = svi.init(0);
  svi.run(0, 20, { initState: st });
  const t0 = performance.now();
  const c0 = cpuMs();
  svi.run(0, steps, { initState: st });
  const cpu = (cpuMs() - c0) / steps;
  const ms = (performance.now() - t0) / steps;
  console.log(
    `logistic N=100k D=20, AutoNormal, hand-written fused JS potential: ${ms.toFixed(2)} ms/step wall ` +
      `(${cpu.toFixed(2)} ms CPU, ${steps} steps) ` +
      `| NumPyro ${NUMPYRO_LR_MS} ms → ratio ${(ms / NUMPYRO_LR_MS).toFixed(2)}`,
  );
}

const os = await import("node:os");
console.log(
  `load average ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(" ")} on ${os.cpus().length} CPUs (wall times inflate under load; CPU times do not)`,
);
benchEightSchools();
benchLogistic();
