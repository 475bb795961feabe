/**
 * @internal Scan models of `scripts/enum_scan_fixtures.py` written in Phlox, shared by the tests.
 */
import { Bernoulli, Beta, Categorical, Dirichlet } from "@phlox/distributions";
import { Mask, plate, sample, scan } from "@phlox/handlers";
import * as T from "@phlox/tensor";

const H = 3;
const int = (x: T.Tensor): T.Tensor => T.cast(x, "int32");

/** A second-order HMM (x[t] depends on x[t−1] and x[t−2]) written with scan(..., { history: 2 }). */
export function model3(sequences: T.Tensor, lengths: T.Tensor): void {
  const [n, , d] = sequences.shape;
  const probsX = sample("probs_x", new Dirichlet(T.ones([H])).expand([H, H]).toEvent(2));
  const probsY = sample("probs_y", new Beta(0.1, 0.9).expand([H, d]).toEvent(2));
  const flatX = T.reshape(probsX, [H * H, H]);
  scan(
    ([xPrev, xPrev2, t]: [T.Tensor, T.Tensor, T.Tensor], y: T.Tensor) => {
      let x = xPrev;
      plate(
        "sequences",
        n,
        () => {
          new Mask(T.reshape(T.gt(lengths, t), [n, 1])).run(() => {
            x = int(sample("x", new Categorical(T.take(flatX, T.add(T.mul(xPrev2, H), xPrev), 0))));
            plate("tones", d, () => {
              sample("y", new Bernoulli(T.take(probsY, T.squeeze(x, -1), 0)), { obs: y });
            });
          });
        },
        { dim: -2 },
      );
      return [[x, xPrev, T.add(t, 1)] as [T.Tensor, T.Tensor, T.Tensor], null];
    },
    [T.zeros([n, 1], "int32"), T.zeros([n, 1], "int32"), T.scalar(0)],
    T.transpose(sequences, [1, 0, 2]),
    { history: 2 },
  );
}
