/** Gateway child processes for the bench: the shared test-support launcher, in development mode by default. */
import { startGateway as launch, type Gateway } from "../../src/testing/gateway";

export type GatewayProc = Gateway;

// Ctrl-C ends the bench through process.exit, whose handler in src/testing kills the gateways still running
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

export function startGateway(port: number, env: Record<string, string>, timeoutMs = 180_000): Promise<GatewayProc> {
  return launch({ port, env: { NODE_ENV: "development", ...env }, readyTimeoutMs: timeoutMs });
}

export function pct(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}
