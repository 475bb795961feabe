// Plain-JS potential factories for the parallel-chain tests: a worker imports this module and calls an
// export with the spec's payload (WorkerPotentialSpec), exactly as it would call backend-js's loadPotential.

/** Independent normals N(mu_i, sigma_i): payload { mu: number[], sigma: number[] }. */
export function normalPotential({ mu, sigma }) {
  return (z, g) => {
    let u = 0;
    for (let i = 0; i < z.length; i++) {
      const e = (z[i] - mu[i]) / sigma[i];
      u += 0.5 * e * e;
      g[i] = e / sigma[i];
    }
    return u;
  };
}

/** Like normalPotential, but throws once z[0] exceeds `limit`: payload { mu, sigma, limit }. */
export function failingPotential({ mu, sigma, limit }) {
  const inner = normalPotential({ mu, sigma });
  return (z, g) => {
    if (z[0] > limit) throw new Error(`z[0] = ${z[0]} is beyond the limit ${limit}`);
    return inner(z, g);
  };
}

/** Like normalPotential, but hangs forever (a busy loop) once z[0] exceeds `limit`: payload { mu, sigma, limit }. */
export function hangingPotential({ mu, sigma, limit }) {
  const inner = normalPotential({ mu, sigma });
  return (z, g) => {
    if (z[0] > limit) for (;;);
    return inner(z, g);
  };
}
