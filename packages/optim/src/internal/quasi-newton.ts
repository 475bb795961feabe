/**
 * Inverse-Hessian approximations for {@link minimize}: limited-memory (two-loop recursion, Nocedal &
 * Wright Algorithm 7.4) and dense BFGS (N&W eq. 6.17, with the first-step scaling of eq. 6.20).
 * The caller fills `s()` and `y()` with xₖ₊₁ − xₖ and ∇fₖ₊₁ − ∇fₖ and calls `commit`.
 */
export interface QuasiNewton {
  /** Forget all curvature information (H = I). */
  reset(): void;
  /** True when no curvature pair has been stored since the last reset. */
  empty(): boolean;
  /** Writes d = −H·g. */
  direction(g: Float64Array, d: Float64Array): void;
  /** Buffer to write the step s into. */
  s(): Float64Array;
  /** Buffer to write the gradient change y into. */
  y(): Float64Array;
  /** Stores the pair written into s() and y(), given sᵀy > 0 and yᵀy. */
  commit(sy: number, yy: number): void;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** L-BFGS with `m` pairs in a ring buffer; H₀ = γI with γ = sᵀy/yᵀy of the newest pair. */
export class LimitedMemory implements QuasiNewton {
  private readonly S: Float64Array[];
  private readonly Y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private count = 0;
  private head = 0;
  private gamma = 1;

  constructor(
    private readonly n: number,
    private readonly m: number,
  ) {
    this.S = Array.from({ length: m }, () => new Float64Array(n));
    this.Y = Array.from({ length: m }, () => new Float64Array(n));
    this.rho = new Float64Array(m);
    this.alpha = new Float64Array(m);
  }

  reset(): void {
    this.count = 0;
    this.gamma = 1;
  }

  empty(): boolean {
    return this.count === 0;
  }

  direction(g: Float64Array, d: Float64Array): void {
    const { n, m, S, Y, rho, alpha, count, head } = this;
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let c = 0; c < count; c++) {
      const j = (head - 1 - c + m) % m;
      const a = rho[j] * dot(S[j], d);
      alpha[j] = a;
      const y = Y[j];
      for (let i = 0; i < n; i++) d[i] -= a * y[i];
    }
    const gamma = this.gamma;
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let c = count - 1; c >= 0; c--) {
      const j = (head - 1 - c + m) % m;
      const b = rho[j] * dot(Y[j], d);
      const s = S[j];
      const a = alpha[j];
      for (let i = 0; i < n; i++) d[i] += (a - b) * s[i];
    }
  }

  s(): Float64Array {
    return this.S[this.head];
  }

  y(): Float64Array {
    return this.Y[this.head];
  }

  commit(sy: number, yy: number): void {
    this.rho[this.head] = 1 / sy;
    this.gamma = sy / yy;
    this.head = (this.head + 1) % this.m;
    if (this.count < this.m) this.count++;
  }
}

/** Dense BFGS inverse Hessian H (n×n, row-major), as NumPyro's `Minimize` (JAX BFGS) keeps. */
export class DenseBFGS implements QuasiNewton {
  /** The current inverse-Hessian approximation, row-major n×n. */
  readonly H: Float64Array;
  private readonly sBuf: Float64Array;
  private readonly yBuf: Float64Array;
  private readonly Hy: Float64Array;
  private pairs = 0;

  constructor(private readonly n: number) {
    this.H = new Float64Array(n * n);
    this.sBuf = new Float64Array(n);
    this.yBuf = new Float64Array(n);
    this.Hy = new Float64Array(n);
    this.reset();
  }

  reset(): void {
    const { H, n } = this;
    H.fill(0);
    for (let i = 0; i < n; i++) H[i * n + i] = 1;
    this.pairs = 0;
  }

  empty(): boolean {
    return this.pairs === 0;
  }

  direction(g: Float64Array, d: Float64Array): void {
    const { H, n } = this;
    for (let i = 0; i < n; i++) {
      let v = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) v += H[row + j] * g[j];
      d[i] = -v;
    }
  }

  s(): Float64Array {
    return this.sBuf;
  }

  y(): Float64Array {
    return this.yBuf;
  }

  commit(sy: number, yy: number): void {
    const { H, n, sBuf: s, yBuf: y, Hy } = this;
    if (this.pairs === 0) {
      // N&W eq. 6.20: rescale H₀ = I to (sᵀy / yᵀy)·I before the first update.
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) H[i * n + i] = gamma;
    }
    const rho = 1 / sy;
    let yHy = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) v += H[row + j] * y[j];
      Hy[i] = v;
      yHy += y[i] * v;
    }
    // H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ = H − ρ(Hy sᵀ + s yᵀH) + (ρ²·yᵀHy + ρ) ssᵀ   (H symmetric)
    const c = rho * rho * yHy + rho;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) H[row + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + c * s[i] * s[j];
    }
    this.pairs++;
  }
}
