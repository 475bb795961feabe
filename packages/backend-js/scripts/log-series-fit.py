"""Near-minimax coefficients of P(z) = sum_{j>=1} 2 z^(j-1) / (2j + 1) on [0, A] (the log series of
simd-math.ts's `emitLog1pUnit`: log1p(f) = f - hfsq + s (hfsq + z P(z)), s = f / (2 + f), z = s^2), by
interpolation at the Chebyshev nodes of [0, A], solved in exact rational arithmetic (stdlib only).
Prints the coefficients (lowest degree first) and the largest error of the fit on a dense grid.
Run: python3 packages/backend-js/scripts/log-series-fit.py [degree] [A]
"""

import math
import sys
from fractions import Fraction

DEG = int(sys.argv[1]) if len(sys.argv) > 1 else 7
A = Fraction(sys.argv[2]) if len(sys.argv) > 2 else Fraction(1, 25)  # s <= 0.2: z <= 0.04


def p(z: Fraction) -> Fraction:
    # the series to 60 terms: truncation below 0.04^60, far under double precision
    return sum((Fraction(2, 2 * j + 1) * z ** (j - 1) for j in range(1, 61)), Fraction(0))


n = DEG + 1
nodes = [A / 2 * (1 - Fraction(math.cos(math.pi * (2 * k + 1) / (2 * n)))) for k in range(n)]
# Vandermonde system, Gauss-Jordan in fractions
m = [[z**i for i in range(n)] + [p(z)] for z in nodes]
for c in range(n):
    piv = next(r for r in range(c, n) if m[r][c] != 0)
    m[c], m[piv] = m[piv], m[c]
    for r in range(n):
        if r != c and m[r][c] != 0:
            f = m[r][c] / m[c][c]
            m[r] = [a - f * b for a, b in zip(m[r], m[c])]
coef = [float(m[i][n] / m[i][i]) for i in range(n)]
err = max(
    abs(float(p(A * k / 400) - sum(Fraction(c) * (A * k / 400) ** i for i, c in enumerate(coef))))
    for k in range(401)
)
print("coefficients:", ", ".join(repr(c) for c in coef))
print(f"max |fit - P| on [0, {float(A)}]: {err:.3g}; times s*z <= {float(A) * math.sqrt(float(A)):.3g}: "
      f"{err * float(A) * math.sqrt(float(A)):.3g}")
