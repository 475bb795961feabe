"""Oracle for @phlox/nn's layers: outputs of JAX's own functions on fixed inputs, written to
fixtures/layers.json. Run from the package directory with the oracle Python (JAX 0.10, NumPyro 0.21):

    python scripts/layers_oracle.py

Activations come from jax.nn; the dense layer and the two-layer MLP from jax.example_libraries.stax (the
module library NumPyro's vae.py uses through numpyro.module); LayerNorm is Flax's definition written out in
jax.numpy (Flax is not installed in the oracle); the embedding lookup is jnp.take.
"""

import json

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.example_libraries import stax  # noqa: E402

rng = np.random.default_rng(20261205)
x = rng.normal(size=(7, 3)) * 2.0
grid = np.linspace(-6, 6, 61)

out = {"x": x.tolist(), "grid": grid.tolist(), "activations": {}}
acts = {
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "softplus": jax.nn.softplus,
    "gelu": lambda v: jax.nn.gelu(v, approximate=True),
    "geluExact": lambda v: jax.nn.gelu(v, approximate=False),
    "silu": jax.nn.silu,
    "elu": jax.nn.elu,
    "leakyRelu": lambda v: jax.nn.leaky_relu(v, 0.01),
}
for name, f in acts.items():
    out["activations"][name] = {
        "value": np.asarray(f(grid)).tolist(),
        "grad": np.asarray(jax.vmap(jax.grad(f))(grid)).tolist(),
    }

# Dense via stax: apply_fun(params, inputs) with params (W, b)
_, dense_apply = stax.Dense(4)
W = rng.normal(size=(3, 4))
b = rng.normal(size=(4,))
out["dense"] = {"kernel": W.tolist(), "bias": b.tolist(), "y": np.asarray(dense_apply((W, b), x)).tolist()}

# A stax MLP: Dense(5) → Tanh → Dense(2) → Softplus, params from stax's own init with key 0
init_mlp, apply_mlp = stax.serial(stax.Dense(5), stax.Tanh, stax.Dense(2), stax.Softplus)
_, mlp_params = init_mlp(jax.random.key(0), (7, 3))
out["mlp"] = {
    "params": [[np.asarray(a).tolist() for a in p] for p in mlp_params],
    "y": np.asarray(apply_mlp(mlp_params, x)).tolist(),
}


# LayerNorm, Flax's definition: (x - mean) * rsqrt(var + eps) * scale + bias over the last axis
def layer_norm(v, scale, bias, eps=1e-6):
    m = jnp.mean(v, -1, keepdims=True)
    var = jnp.mean(jnp.square(v - m), -1, keepdims=True)
    return (v - m) * jax.lax.rsqrt(var + eps) * scale + bias


scale = rng.normal(size=(3,))
bias = rng.normal(size=(3,))
out["layerNorm"] = {
    "scale": scale.tolist(),
    "bias": bias.tolist(),
    "y": np.asarray(layer_norm(x, scale, bias)).tolist(),
    # d/dx of sum(layer_norm(x) * weights), a full-Jacobian check
    "weights": (w := rng.normal(size=x.shape)).tolist(),
    "gradX": np.asarray(jax.grad(lambda v: jnp.sum(layer_norm(v, scale, bias) * w))(x)).tolist(),
}

table = rng.normal(size=(6, 2))
idx = np.array([[0, 5, 2], [3, 3, 1]])
out["embedding"] = {"table": table.tolist(), "indices": idx.tolist(), "y": np.asarray(jnp.take(table, idx, 0)).tolist()}

with open("fixtures/layers.json", "w") as fh:
    json.dump(out, fh)
print("wrote fixtures/layers.json")
