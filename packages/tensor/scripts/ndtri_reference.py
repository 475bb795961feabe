"""scipy.special.ndtri at the probabilities src/special/ndtri.test.ts checks `ndtriScalar` at.

The grid covers the points where a Newton/Halley refinement of Φ⁻¹ loses accuracy: p = ½ ± k·2⁻⁵² (the
residual Φ(x) − p cancels near ½), 0.4999999999999 and 0.495, the switch between the central and tail
approximations (0.02425) and of the residual's form (0.25), the far tails (1e-300, the smallest subnormal)
and p near 1 (1 − 1e-10, 1 − 2⁻⁵³ = the double nearest 1 − 1e-16).

Prints TypeScript `[p, ndtri(p)]` rows (shortest round-trip reprs). Run with the oracle python (scipy):
`<oracle python> packages/tensor/scripts/ndtri_reference.py`, and paste them into src/special/ndtri.test.ts.
"""

import numpy as np
import scipy
from scipy.special import ndtri

U = 2.0**-52
P = (
    [0.5 + k * U for k in (1, 2, 3, 10, 1000, 2**20)]
    + [0.5 - k * U for k in (1, 2, 3, 10, 1000, 2**20)]
    + [0.4999999999999, 0.5000000000001, 0.495, 0.505, 0.49, 0.45, 0.4, 0.3]
    + [0.25, np.nextafter(0.25, 0.0), 0.2, 0.1, 0.05, 0.02425, np.nextafter(0.02425, 0.0), 0.01]
    + [1e-5, 1e-10, 1e-20, 1e-100, 1e-300, 5e-324]
    + [0.6, 0.75, 0.9, 0.975, 0.999, 1 - 1e-10, 1 - 1e-15, 1 - 1e-16]
)
print(f"// scipy {scipy.__version__} special.ndtri (scripts/ndtri_reference.py)")
for p in P:
    print(f"[{float(p)!r}, {float(ndtri(p))!r}],")
