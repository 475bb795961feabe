/**
 * The integrator and trajectory builders behind `hmc()`: leapfrog, kinetic energy, momentum draws, the
 * static HMC trajectory and NUTS's iterative tree doubling. Everything works on buffers preallocated once
 * per dimension in {@link Workspace}; the loops allocate nothing (STYLE.md point 8).
 *
 * A trajectory is a resumable machine so that one implementation serves synchronous potentials (compiled
 * JS, wasm) and asynchronous ones (WebGPU read-back): `hmcBegin`/`nutsBegin` set it up and leave a
 * half-kicked, drifted position on the active edge (`ws.z`, `ws.g`); the driver evaluates U there (∇U into
 * `ws.g`) and hands the value to {@link advance}, which returns true while it needs another evaluation.
 * {@link runTrajectory} drives it with a plain call, {@link runTrajectoryAsync} with `await`.
 *
 * NUTS follows NumPyro's iterative `build_tree` (hmc_util.py) and Betancourt (2017) "A Conceptual
 * Introduction to Hamiltonian Monte Carlo", appendix A: multinomial sampling (uniform progressive
 * sampling inside a subtree, biased between the old tree and the new subtree), the generalised no-U-turn
 * criterion on the momentum sum (A.4.2) checked over subtrees with checkpoints, and divergence when the
 * energy error exceeds `maxDeltaEnergy`.
 */
import type { ChainRandom } from "@phlox/tensor";

/** U(z) = −log density; writes ∇U(z) into `grad` and returns U(z). */
export type PotentialFn = (z: Float64Array, grad: Float64Array) => number;

/**
 * An asynchronous U(z) (a GPU backend reading its result back): resolves to U(z) after writing ∇U(z) into
 * `grad`. It must not touch `z` or `grad` after it resolves.
 */
export type AsyncPotentialFn = (z: Float64Array, grad: Float64Array) => Promise<number>;

/** The mass matrix in the form the integrator uses. */
export interface Mass {
  dense: boolean;
  /** Inverse mass matrix: [d] diagonal or [d·d] row-major. */
  inv: Float64Array;
  /** Momentum scale: [d] 1/√inv (diagonal) or [d·d] lower Cholesky factor of M = inv⁻¹ (dense). */
  sqrt: Float64Array;
}

/** Outputs of one trajectory, written into the workspace's result fields. */
export class Workspace {
  readonly d: number;
  // Tree edges (leapfrog runs in place on the edge it extends).
  zL: Float64Array;
  rL: Float64Array;
  gL: Float64Array;
  zR: Float64Array;
  rR: Float64Array;
  gR: Float64Array;
  // Proposal of the whole tree and of the subtree under construction.
  zP: Float64Array;
  gP: Float64Array;
  zS: Float64Array;
  gS: Float64Array;
  rSum: Float64Array;
  rSumS: Float64Array;
  rCk: Float64Array[];
  rSumCk: Float64Array[];
  v1: Float64Array;
  v2: Float64Array;
  tmp: Float64Array;
  /** The mass matrix of the current transition (reused, so no object is allocated per transition). */
  mass: Mass = { dense: false, inv: new Float64Array(0), sqrt: new Float64Array(0) };
  // Results.
  pe = 0;
  /** K(r) after the last {@link kickK}. */
  kin = 0;
  energy = 0;
  numSteps = 0;
  depth = 0;
  acceptProb = 0;
  diverging = false;
  // The machine: the active edge (z, r, g), the signed step, and the trajectory's running statistics.
  z: Float64Array;
  r: Float64Array;
  g: Float64Array;
  /** Starting point of a static HMC trajectory (restored on rejection). */
  z0: Float64Array;
  g0: Float64Array;
  pe0 = 0;
  nuts = true;
  eps = 0;
  stepEps = 0;
  e0 = 0;
  maxDeltaEnergy = 1000;
  maxTreeDepth = 10;
  stepsLeft = 0;
  rng: ChainRandom | null = null;
  pePro = 0;
  ePro = 0;
  weight = 0;
  turning = false;
  sumAccept = 0;
  numLeaves = 0;
  // The NUTS subtree under construction.
  maxLeaves = 0;
  n = 0;
  wS = 0;
  peS = 0;
  eS = 0;

  constructor(d: number, maxTreeDepth: number) {
    this.d = d;
    const f = () => new Float64Array(d);
    this.zL = f();
    this.rL = f();
    this.gL = f();
    this.zR = f();
    this.rR = f();
    this.gR = f();
    this.zP = f();
    this.gP = f();
    this.zS = f();
    this.gS = f();
    this.rSum = f();
    this.rSumS = f();
    this.rCk = Array.from({ length: Math.max(1, maxTreeDepth) }, f);
    this.rSumCk = Array.from({ length: Math.max(1, maxTreeDepth) }, f);
    this.v1 = f();
    this.v2 = f();
    this.tmp = f();
    this.z = this.zR;
    this.r = this.rR;
    this.g = this.gR;
    this.z0 = this.zP;
    this.g0 = this.gP;
  }
}

/** v = M⁻¹ r. */
export function velocity(m: Mass, r: Float64Array, v: Float64Array): void {
  const d = r.length;
  const inv = m.inv;
  if (m.dense) {
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j < d; j++) s += inv[row + j] * r[j];
      v[i] = s;
    }
  } else {
    for (let i = 0; i < d; i++) v[i] = inv[i] * r[i];
  }
}

/** K(r) = ½ rᵀ M⁻¹ r. */
export function kinetic(m: Mass, r: Float64Array, scratch: Float64Array): number {
  const d = r.length;
  let s = 0;
  if (m.dense) {
    velocity(m, r, scratch);
    for (let i = 0; i < d; i++) s += r[i] * scratch[i];
  } else {
    const inv = m.inv;
    for (let i = 0; i < d; i++) s += inv[i] * r[i] * r[i];
  }
  return 0.5 * s;
}

/** Draws r ~ N(0, M) into `r` (uses `scratch` for the standard normals when dense). */
export function drawMomentum(m: Mass, rng: ChainRandom, r: Float64Array, scratch: Float64Array): void {
  const d = r.length;
  const sq = m.sqrt;
  if (m.dense) {
    for (let i = 0; i < d; i++) scratch[i] = rng.normal();
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j <= i; j++) s += sq[row + j] * scratch[j];
      r[i] = s;
    }
  } else {
    for (let i = 0; i < d; i++) r[i] = sq[i] * rng.normal();
  }
}

/** Generalised U-turn check (Betancourt 2017, A.4.2): turning unless both v·(ρ − (r_l + r_r)/2) > 0. */
function isTurning(
  m: Mass,
  rLeft: Float64Array,
  rRight: Float64Array,
  rSum: Float64Array,
  ws: Workspace,
): boolean {
  const d = rLeft.length;
  if (!m.dense) {
    const inv = m.inv;
    let a = 0;
    let b = 0;
    for (let i = 0; i < d; i++) {
      const c = inv[i] * (rSum[i] - 0.5 * (rLeft[i] + rRight[i]));
      a += rLeft[i] * c;
      b += rRight[i] * c;
    }
    return a <= 0 || b <= 0;
  }
  const vl = ws.v1;
  const vr = ws.v2;
  velocity(m, rLeft, vl);
  velocity(m, rRight, vr);
  let a = 0;
  let b = 0;
  for (let i = 0; i < d; i++) {
    const c = rSum[i] - 0.5 * (rLeft[i] + rRight[i]);
    a += vl[i] * c;
    b += vr[i] * c;
  }
  return a <= 0 || b <= 0;
}

/**
 * {@link isTurning} for the subtree from checkpoint k to the current leaf, whose momentum sum is
 * rSumS − rSumCk + rCk: fused into one loop (nothing written) when the mass is diagonal.
 */
function subtreeTurning(
  m: Mass,
  rk: Float64Array,
  r: Float64Array,
  rSumS: Float64Array,
  rs: Float64Array,
  ws: Workspace,
): boolean {
  const d = r.length;
  if (m.dense) {
    const sub = ws.tmp;
    for (let i = 0; i < d; i++) sub[i] = rSumS[i] - rs[i] + rk[i];
    return isTurning(m, rk, r, sub, ws); // scratch v1/v2 only, so `sub` (tmp) survives
  }
  const inv = m.inv;
  let a = 0;
  let b = 0;
  for (let i = 0; i < d; i++) {
    const c = inv[i] * (rSumS[i] - rs[i] + rk[i] - 0.5 * (rk[i] + r[i]));
    a += rk[i] * c;
    b += r[i] * c;
  }
  return a <= 0 || b <= 0;
}

/** dst ← src (a plain loop: cheaper than `TypedArray.set` for the short vectors of a trajectory). */
function copy(dst: Float64Array, src: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) dst[i] = src[i];
}

function popcount(n: number): number {
  // SWAR bit count: constant time, no loop.
  let x = n >>> 0;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Number of trailing one bits of n (n ≥ 0): the subtrees of the iterative tree that end at leaf n. */
function trailingOnes(n: number): number {
  const lowestZero = ~n & (n + 1); // 2^t for t trailing ones
  return 31 - Math.clz32(lowestZero);
}

function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === Number.NEGATIVE_INFINITY) return m;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * The first half of a leapfrog step on the active edge: r ← r − ε/2·∇U(z), z ← z + ε·M⁻¹r. The caller then
 * evaluates U and ∇U at the new z.
 */
export function kickDrift(ws: Workspace): void {
  const { z, r, g, mass: m, d } = ws;
  const eps = ws.stepEps;
  const h = 0.5 * eps;
  if (m.dense) {
    for (let i = 0; i < d; i++) r[i] -= h * g[i];
    const v = ws.tmp;
    velocity(m, r, v);
    for (let i = 0; i < d; i++) z[i] += eps * v[i];
    return;
  }
  const inv = m.inv;
  for (let i = 0; i < d; i++) {
    const ri = r[i] - h * g[i];
    r[i] = ri;
    z[i] += eps * inv[i] * ri;
  }
}

/** The second half kick, r ← r − ε/2·∇U(z), on the active edge. */
export function kick(ws: Workspace): void {
  const { r, g, d } = ws;
  const h = 0.5 * ws.stepEps;
  for (let i = 0; i < d; i++) r[i] -= h * g[i];
}

/** {@link kick} that also leaves K(r) in `ws.kin` (fused into the kick when the mass is diagonal). */
function kickK(ws: Workspace): void {
  const { r, g, mass: m, d } = ws;
  if (m.dense) {
    kick(ws);
    ws.kin = kinetic(m, r, ws.tmp);
    return;
  }
  const h = 0.5 * ws.stepEps;
  const inv = m.inv;
  let k = 0;
  for (let i = 0; i < d; i++) {
    const ri = r[i] - h * g[i];
    r[i] = ri;
    k += inv[i] * ri * ri;
  }
  ws.kin = 0.5 * k;
}

/** Points the active edge at (z, r, g) with signed step `eps`. */
export function setEdge(ws: Workspace, z: Float64Array, r: Float64Array, g: Float64Array, eps: number): void {
  ws.z = z;
  ws.r = r;
  ws.g = g;
  ws.stepEps = eps;
}

/** What both trajectories start from: the mass, the stream, (z0, r0, g0) on the right edge and H(z0, r0). */
function startAt(
  ws: Workspace,
  m: Mass,
  z0: Float64Array,
  g0: Float64Array,
  pe0: number,
  r0: Float64Array,
  maxDeltaEnergy: number,
  rng: ChainRandom,
): void {
  ws.mass = m;
  ws.rng = rng;
  ws.maxDeltaEnergy = maxDeltaEnergy;
  ws.zR.set(z0);
  ws.rR.set(r0);
  ws.gR.set(g0);
  ws.e0 = pe0 + kinetic(m, r0, ws.tmp);
}

/**
 * Starts a static HMC trajectory: `numSteps` leapfrog steps from (z0, r0), then a Metropolis correction.
 * When {@link advance} returns false the workspace holds the accepted state in (zP, gP, pe, energy) and the
 * statistics. `z0` and `g0` must stay untouched until then.
 */
export function hmcBegin(
  m: Mass,
  eps: number,
  numSteps: number,
  z0: Float64Array,
  g0: Float64Array,
  pe0: number,
  r0: Float64Array,
  maxDeltaEnergy: number,
  rng: ChainRandom,
  ws: Workspace,
): void {
  ws.nuts = false;
  startAt(ws, m, z0, g0, pe0, r0, maxDeltaEnergy, rng);
  ws.z0 = z0;
  ws.g0 = g0;
  ws.pe0 = pe0;
  setEdge(ws, ws.zR, ws.rR, ws.gR, eps);
  ws.stepsLeft = numSteps;
  ws.numSteps = numSteps;
  ws.depth = 0;
  kickDrift(ws);
}

function hmcAdvance(ws: Workspace, pe: number): boolean {
  kick(ws);
  if (--ws.stepsLeft > 0) {
    kickDrift(ws);
    return true;
  }
  const m = ws.mass;
  const e1 = pe + kinetic(m, ws.r, ws.tmp);
  let delta = e1 - ws.e0;
  if (Number.isNaN(delta)) delta = Number.POSITIVE_INFINITY;
  const accept = delta > 0 ? Math.exp(-delta) : 1;
  ws.acceptProb = accept;
  ws.diverging = delta > ws.maxDeltaEnergy;
  if ((ws.rng as ChainRandom).uniform() < accept) {
    ws.zP.set(ws.z);
    ws.gP.set(ws.g);
    ws.pe = pe;
    ws.energy = e1;
  } else {
    ws.zP.set(ws.z0);
    ws.gP.set(ws.g0);
    ws.pe = ws.pe0;
    ws.energy = ws.e0;
  }
  return false;
}

/**
 * Starts one NUTS transition from (z0, g0, pe0) with momentum r0: the tree grows by iterative doubling until
 * a U-turn, a divergence or `maxTreeDepth`. When {@link advance} returns false the chosen state is in
 * (zP, gP, pe, energy).
 */
export function nutsBegin(
  m: Mass,
  eps: number,
  maxTreeDepth: number,
  z0: Float64Array,
  g0: Float64Array,
  pe0: number,
  r0: Float64Array,
  maxDeltaEnergy: number,
  rng: ChainRandom,
  ws: Workspace,
): void {
  ws.nuts = true;
  startAt(ws, m, z0, g0, pe0, r0, maxDeltaEnergy, rng);
  ws.eps = eps;
  ws.maxTreeDepth = maxTreeDepth;
  ws.zL.set(z0);
  ws.rL.set(r0);
  ws.gL.set(g0);
  ws.zP.set(z0);
  ws.gP.set(g0);
  ws.rSum.set(r0);
  ws.pePro = pe0;
  ws.ePro = ws.e0;
  ws.weight = 0; // log Σ exp(−ΔH) over the tree's leaves
  ws.depth = 0;
  ws.turning = false;
  ws.diverging = false;
  ws.sumAccept = 0;
  ws.numLeaves = 0;
  subtreeBegin(ws); // maxTreeDepth ≥ 1, so the first doubling always happens
}

/** Picks a direction and starts a subtree of 2^depth leaves outward from that edge. */
function subtreeBegin(ws: Workspace): void {
  const right = (ws.rng as ChainRandom).uniform() < 0.5;
  if (right) setEdge(ws, ws.zR, ws.rR, ws.gR, ws.eps);
  else setEdge(ws, ws.zL, ws.rL, ws.gL, -ws.eps);
  ws.maxLeaves = 2 ** ws.depth;
  ws.n = 0;
  ws.wS = Number.NEGATIVE_INFINITY;
  ws.peS = 0;
  ws.eS = 0;
  kickDrift(ws);
}

function nutsAdvance(ws: Workspace, pe: number): boolean {
  const d = ws.d;
  const m = ws.mass;
  const rng = ws.rng as ChainRandom;
  const { z, r, g } = ws;
  kickK(ws);
  const e = pe + ws.kin;
  let delta = e - ws.e0;
  if (Number.isNaN(delta)) delta = Number.POSITIVE_INFINITY;
  const wLeaf = -delta;
  const divS = delta > ws.maxDeltaEnergy;
  ws.sumAccept += delta > 0 ? Math.exp(-delta) : 1;
  const rSumS = ws.rSumS;
  const n = ws.n;
  if (n === 0) {
    copy(rSumS, r, d);
    copy(ws.zS, z, d);
    copy(ws.gS, g, d);
    ws.peS = pe;
    ws.eS = e;
    ws.wS = wLeaf;
  } else {
    for (let i = 0; i < d; i++) rSumS[i] += r[i];
    // Uniform progressive sampling inside the subtree: P(new leaf) = e^w_leaf / (e^w_S + e^w_leaf).
    const wNew = logAddExp(ws.wS, wLeaf);
    if (rng.uniform() < Math.exp(wLeaf - wNew)) {
      copy(ws.zS, z, d);
      copy(ws.gS, g, d);
      ws.peS = pe;
      ws.eS = e;
    }
    ws.wS = wNew;
  }
  // Checkpoint bookkeeping (NumPyro's _leaf_idx_to_ckpt_idxs): even leaves store (r, ρ) at index
  // popcount(n >> 1); the subtrees ending at this leaf are checked against those checkpoints.
  const idxMax = popcount(n >>> 1);
  const numSub = trailingOnes(n);
  const idxMin = idxMax - numSub + 1;
  if (n % 2 === 0) {
    copy(ws.rCk[idxMax], r, d);
    copy(ws.rSumCk[idxMax], rSumS, d);
  }
  let turnS = false;
  for (let k = idxMax; k >= idxMin && !turnS; k--)
    turnS = subtreeTurning(m, ws.rCk[k], r, rSumS, ws.rSumCk[k], ws);
  ws.n = n + 1;
  if (ws.n < ws.maxLeaves && !turnS && !divS) {
    kickDrift(ws);
    return true;
  }
  // The subtree is complete: combine it with the old tree (biased progressive sampling).
  ws.numLeaves += ws.n;
  for (let i = 0; i < d; i++) ws.rSum[i] += rSumS[i];
  const u = rng.uniform();
  if (!turnS && !divS && u < Math.exp(ws.wS - ws.weight)) {
    const tz = ws.zP;
    ws.zP = ws.zS;
    ws.zS = tz;
    const tg = ws.gP;
    ws.gP = ws.gS;
    ws.gS = tg;
    ws.pePro = ws.peS;
    ws.ePro = ws.eS;
  }
  ws.weight = logAddExp(ws.weight, ws.wS);
  ws.depth++;
  ws.diverging = divS;
  ws.turning = turnS || isTurning(m, ws.rL, ws.rR, ws.rSum, ws);
  if (ws.depth < ws.maxTreeDepth && !ws.turning && !divS) {
    subtreeBegin(ws);
    return true;
  }
  ws.pe = ws.pePro;
  ws.energy = ws.ePro;
  ws.numSteps = ws.numLeaves;
  ws.acceptProb = ws.numLeaves > 0 ? ws.sumAccept / ws.numLeaves : 0;
  return false;
}

/**
 * Consumes U at the active edge (∇U already in `ws.g`); returns true when the trajectory needs U at the
 * next position (again at `ws.z`, gradient into `ws.g`), false when it is complete.
 */
export function advance(ws: Workspace, pe: number): boolean {
  return ws.nuts ? nutsAdvance(ws, pe) : hmcAdvance(ws, pe);
}

/** Runs a begun trajectory to the end with a synchronous potential. */
export function runTrajectory(U: PotentialFn, ws: Workspace): void {
  if (ws.nuts) while (nutsAdvance(ws, U(ws.z, ws.g)));
  else while (hmcAdvance(ws, U(ws.z, ws.g)));
}

/** Runs a begun trajectory to the end, awaiting the potential at each leapfrog step. */
export async function runTrajectoryAsync(U: PotentialFn | AsyncPotentialFn, ws: Workspace): Promise<void> {
  while (advance(ws, await U(ws.z, ws.g)));
}
