/**
 * OCPP security profile 1: HTTP Basic auth per charge point (username = charge point identity). Config shape
 * (env OCPP_CREDENTIALS or var/ocpp-credentials.json):
 *   { "chargePoints": { "EV-S001": "a-long-random-password", … },
 *     "unknownDevices": true }   // let charge points outside the inventory connect so their boot is Rejected
 *                                 // and they appear in the unknown-devices list (default true)
 * Passwords are compared in constant time on their SHA-256. Profile 2 (TLS) is the same check behind a TLS
 * terminator or an HTTPS gateway: see README "Charge points (OCPP 1.6J)".
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const OcppCredentials = z
  .object({
    chargePoints: z.record(
      z
        .string()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9_.:-]+$/, "charge point ids use letters, digits and _ . : - only"),
      z.string().min(16, "use at least 16 characters (OCPP security whitepaper)").max(40),
    ),
    unknownDevices: z.boolean().default(true),
  })
  .strict();
export type OcppCredentials = z.infer<typeof OcppCredentials>;

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest();

export class CredentialBook {
  private readonly hashes = new Map<string, Buffer>();
  constructor(readonly config: OcppCredentials | undefined) {
    for (const [id, pw] of Object.entries(config?.chargePoints ?? {})) this.hashes.set(id, sha(pw));
  }
  get size(): number {
    return this.hashes.size;
  }
  has(identity: string): boolean {
    return this.hashes.has(identity);
  }
  /** true when the charge point has credentials and the password matches */
  check(identity: string, password: Buffer | undefined): boolean {
    const want = this.hashes.get(identity);
    if (!want || !password) return false;
    return timingSafeEqual(want, sha(password));
  }
  get admitsUnknown(): boolean {
    return this.config?.unknownDevices ?? false;
  }
}
