// Eager valueAndGrad of the eight-schools non-centred log density vs a hand-written JS value+gradient.
// Run (from the repo root):  pnpm --filter @phlox/tensor build && node packages/tensor/bench/eight-schools-eager.mjs
// Prints medians of several repeats (µs per call) and the ratio; it asserts nothing about time.
import { tensor, valueAndGrad } from "../dist/index.node.js";

const Y = [28, 8, -3, 7, -1, 1, 18, 12];
const SIGMA = [15, 10, 16, 11, 9, 11, 10, 18];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const y = tensor(Y);
const sigma = tensor(SIGMA);
const logSigma = sigma.log();

/** log p(mu, log tau, theta_raw | y): mu ~ N(0, 5), tau ~ HalfCauchy(5) (+ log-Jacobian), theta_raw ~ N(0, 1). */
function logDensity(p) {
  const { mu, logTau, thetaRaw } = p;
  const tau = logTau.exp();
  const lpMu = mu
    .div(5)
    .square()
    .mul(-0.5)
    .sub(Math.log(5) + HALF_LOG_2PI);
  const lpTau = tau
    .div(5)
    .square()
    .log1p()
    .neg()
    .add(Math.log(2 / Math.PI) - Math.log(5))
    .add(logTau);
  const lpRaw = thetaRaw.square().mul(-0.5).sub(HALF_LOG_2PI).sum();
  const theta = mu.add(tau.mul(thetaRaw));
  const lpY = y.sub(theta).div(sigma).square().mul(-0.5).sub(logSigma).sub(HALF_LOG_2PI).sum();
  return lpMu.add(lpTau).add(lpRaw).add(lpY);
}
const vg = valueAndGrad(logDensity);

/** Hand-written value and gradient over z = [mu, log tau, theta_raw(8)], gradient written into g. */
function handWritten(z, g) {
  const mu = z[0];
  const lt = z[1];
  const tau = Math.exp(lt);
  let lp = -0.5 * (mu / 5) ** 2 - Math.log(5) - HALF_LOG_2PI;
  const u = tau / 5;
  lp += -Math.log1p(u * u) + Math.log(2 / Math.PI) - Math.log(5) + lt;
  let gmu = -mu / 25;
  let glt = (-2 * u * u) / (1 + u * u) + 1;
  for (let j = 0; j < 8; j++) {
    const r = z[2 + j];
    lp += -0.5 * r * r - HALF_LOG_2PI;
    const s = SIGMA[j];
    const d = (Y[j] - mu - tau * r) / s;
    lp += -0.5 * d * d - Math.log(s) - HALF_LOG_2PI;
    const dd = d / s; // ∂lp/∂theta_j
    gmu += dd;
    glt += dd * r * tau;
    g[2 + j] = -r + dd * tau;
  }
  g[0] = gmu;
  g[1] = glt;
  return lp;
}

const z = Float64Array.from([1.5, 0.7, 0.1, -0.3, 0.5, 0.2, -1.1, 0.4, 0.9, -0.2]);
const params = { mu: tensor(z[0]), logTau: tensor(z[1]), thetaRaw: tensor(z.slice(2)) };

// Agreement check before timing.
const gh = new Float64Array(10);
const vh = handWritten(z, gh);
const [v, g] = vg(params);
const gPhlox = [g.mu.item(), g.logTau.item(), ...g.thetaRaw.dataSync()];
const maxDiff = Math.max(Math.abs(v.item() - vh), ...gPhlox.map((x, i) => Math.abs(x - gh[i])));
if (!(maxDiff < 1e-12)) throw new Error(`phlox and hand-written disagree by ${maxDiff}`);

/** µs per call: wall clock and this process's CPU time (steadier on a loaded machine). */
function timeIt(fn, calls) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / calls;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / calls };
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
let sink = 0;
const phlox = () => {
  sink += vg(params)[0].item();
};
const hand = () => {
  sink += handWritten(z, gh);
};
for (let i = 0; i < 3000; i++) phlox();
for (let i = 0; i < 200000; i++) hand();
const reps = 7;
const tp = [];
const th = [];
for (let r = 0; r < reps; r++) {
  tp.push(timeIt(phlox, 5000));
  th.push(timeIt(hand, 500000));
}
const mp = median(tp.map((x) => x.wall));
const mh = median(th.map((x) => x.wall));
const cp = median(tp.map((x) => x.cpu));
const ch = median(th.map((x) => x.cpu));
console.log(`eight schools, value+gradient (10 params), node ${process.version}, medians of ${reps} repeats`);
console.log(`  phlox eager valueAndGrad : ${mp.toFixed(2)} µs/call wall, ${cp.toFixed(2)} µs/call CPU`);
console.log(`  hand-written JS          : ${mh.toFixed(3)} µs/call wall, ${ch.toFixed(3)} µs/call CPU`);
console.log(`  ratio eager / hand       : ${(mp / mh).toFixed(0)}× wall, ${(cp / ch).toFixed(0)}× CPU`);
console.log(`  (phlox and hand-written agree to ${maxDiff.toExponential(1)}; sink ${sink > 0 ? "+" : "-"})`);
