/**
 * Eigenvalues of a real symmetric matrix (row-major `n × n`, only the lower triangle is read), in ascending
 * order: Householder reduction to tridiagonal form, then the implicit QL iteration with Wilkinson shifts.
 * O(n³) host arithmetic on plain numbers, accurate to a few ulps of the largest eigenvalue.
 * @throws Error when the QL iteration does not converge (never for finite input in practice).
 */
export function eigvalsh(matrix: ArrayLike<number>, n: number): number[] {
  const a = Float64Array.from({ length: n * n }, (_, k) => {
    const i = Math.floor(k / n);
    const j = k % n;
    return i >= j ? matrix[k]! : matrix[j * n + i]!;
  });
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  // Householder: zero column k below the subdiagonal, updating the trailing block A ← HAH.
  for (let k = 0; k < n - 2; k++) {
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += a[i * n + k]! ** 2;
    if (norm2 === 0) continue;
    const x0 = a[(k + 1) * n + k]!;
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    for (let i = k + 1; i < n; i++) v[i] = a[i * n + k]!;
    v[k + 1] = x0 - alpha;
    const vv = norm2 - x0 * x0 + v[k + 1]! ** 2;
    if (vv === 0) continue;
    // p = 2 A v / vᵀv, K = vᵀp / vᵀv, q = p − K v, A ← A − v qᵀ − q vᵀ
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[i * n + j]! * v[j]!;
      p[i] = (2 * s) / vv;
      vp += v[i]! * p[i]!;
    }
    const K = vp / vv;
    for (let i = k + 1; i < n; i++) p[i] = p[i]! - K * v[i]!;
    for (let i = k + 1; i < n; i++)
      for (let j = k + 1; j < n; j++) a[i * n + j] = a[i * n + j]! - v[i]! * p[j]! - p[i]! * v[j]!;
    a[(k + 1) * n + k] = alpha;
    for (let i = k + 2; i < n; i++) a[i * n + k] = 0;
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]!;
  for (let i = 0; i + 1 < n; i++) e[i] = a[(i + 1) * n + i]!;
  e[n - 1] = 0;
  // implicit QL on (d, e), e[i] coupling d[i] and d[i + 1]
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= eps * dd) break;
      }
      if (m === l) break;
      if (++iter > 60) throw new Error("eigvalsh: the QL iteration did not converge");
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let pp = 0;
      let i = m - 1;
      let deflated = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] = d[i + 1]! - pp;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - pp;
        r = (d[i]! - g) * s + 2 * c * b;
        pp = s * r;
        d[i + 1] = g + pp;
        g = c * r - b;
      }
      if (deflated) continue;
      d[l] = d[l]! - pp;
      e[l] = g;
      e[m] = 0;
    }
  }
  return Array.from(d).sort((x, y) => x - y);
}
