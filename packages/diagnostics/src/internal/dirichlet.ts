// Seeded Dirichlet draws for the Bayesian bootstrap (compare's BB-pseudo-BMA). The package depends on no
// tensor code, so it carries its own small generator: xoshiro128** seeded through splitmix32, doubles from
// 53 random bits, normals by the polar method and gammas by Marsaglia–Tsang (boosted below shape 1).

/** A seeded source of uniform doubles in [0, 1). */
export type Uniform = () => number;

/** splitmix32 step: spreads a 32-bit seed over the generator's state. */
function splitmix32(s: number): [number, number] {
  const z0 = (s + 0x9e3779b9) | 0;
  let z = z0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [z0, (z ^ (z >>> 16)) >>> 0];
}

/**
 * xoshiro128** (Blackman and Vigna) seeded from an integer in [0, 2^32 − 1]; the same seed gives the same
 * stream on every JavaScript engine (32-bit integer arithmetic only).
 */
export function xoshiro128(seed: number): Uniform {
  let s = seed >>> 0;
  const st = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const [next, out] = splitmix32(s);
    s = next;
    st[i] = out;
  }
  const next32 = (): number => {
    const r = Math.imul(rotl(Math.imul(st[1], 5), 7), 9) >>> 0;
    const t = st[1] << 9;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = rotl(st[3], 11);
    return r;
  };
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** A standard normal draw (Marsaglia's polar method; the second value of each pair is dropped). */
function normal(u: Uniform): number {
  for (;;) {
    const a = 2 * u() - 1;
    const b = 2 * u() - 1;
    const s = a * a + b * b;
    if (s > 0 && s < 1) return a * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/**
 * The logarithm of a Gamma(shape, 1) draw: Marsaglia and Tsang (2000); shape < 1 as Gamma(shape + 1)·U^(1/shape),
 * kept in logs so that tiny shapes (whose draws underflow) still normalise.
 */
export function logGamma(u: Uniform, shape: number): number {
  if (shape < 1) return logGamma(u, shape + 1) + Math.log(1 - u()) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = 1 - u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return Math.log(d * v);
  }
}

/** Fills `out` with one Dirichlet(alpha, …, alpha) draw: gamma variates normalised in log space. */
export function dirichlet(u: Uniform, alpha: number, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < out.length; i++) {
    out[i] = logGamma(u, alpha);
    if (out[i] > max) max = out[i];
  }
  let total = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.exp(out[i] - max);
    total += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
}
