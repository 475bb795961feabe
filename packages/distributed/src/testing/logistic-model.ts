/** The model module the distributed tests send to workers: Bayesian logistic regression, β ~ N(0, 1). */
import { Bernoulli, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { matmul, type Tensor, tensor } from "@phlox/tensor";

/** y ~ Bernoulli(logits = X β), β ~ N(0, 1)ᴰ. */
export function model(X: Tensor, y: Tensor): void {
  const d = X.shape[1];
  const beta = sample("beta", new Normal(tensor(new Float64Array(d)), 1).toEvent(1));
  plate("N", X.shape[0], () => sample("y", new Bernoulli({ logits: matmul(X, beta) }), { obs: y }));
}

/** Simulated data: X ~ N(0, 1) (deterministic LCG + Box–Muller), true β = [1, -0.5, 0.25, …]. */
export function simulate(n: number, d: number, seed = 1): { X: Float64Array; y: Float64Array } {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < d; j++) {
      const x = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
      X[i * d + j] = x;
      eta += (x * (j % 2 === 0 ? 1 : -0.5)) / (1 + j);
    }
    y[i] = u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X, y };
}

/** For data references: the reference is "n,d,seed" of the whole data set; shard k of K is its k-th row block. */
export function loadShard(
  ref: string,
  shard: number,
): Record<string, { data: Float64Array; shape: number[] }> {
  const [n, d, seed, k] = ref.split(",").map(Number);
  const { X, y } = simulate(n, d, seed);
  const rows = n / k;
  return {
    X: { data: X.slice(shard * rows * d, (shard + 1) * rows * d), shape: [rows, d] },
    y: { data: y.slice(shard * rows, (shard + 1) * rows), shape: [rows] },
  };
}

/** Neal's funnel in its centred form (ignores the data): NUTS diverges in its neck. */
export function funnel(_X: Tensor, _y: Tensor): void {
  const v = sample("v", new Normal(0, 3));
  sample("x", new Normal(tensor(new Float64Array(9)), v.div(2).exp()).toEvent(1));
}
