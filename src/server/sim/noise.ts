import type { Rng } from "../../protocol/prng";

/**
 * Ornstein-Uhlenbeck step: mean-reverting noise with stationary standard deviation `sigma` and time constant
 * `tauMs`. Exact discretisation, so the statistics do not depend on the step size.
 */
export function ouStep(x: number, dtMs: number, tauMs: number, sigma: number, rng: Rng): number {
  const a = Math.exp(-dtMs / tauMs);
  return x * a + sigma * Math.sqrt(1 - a * a) * rng.normal();
}
