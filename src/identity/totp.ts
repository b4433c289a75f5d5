import { Secret, TOTP } from 'otpauth';

/** RFC 6238 parameters every common authenticator app supports. */
export const TOTP_PERIOD_S = 30;
const DIGITS = 6;
/** Codes from one step before or after now are accepted (clock drift of the phone). */
const WINDOW = 1;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = 'user', issuer = 'Custodia'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: TOTP_PERIOD_S, secret: Secret.fromBase32(secretBase32) });
}

/** The otpauth:// URI an authenticator app reads (as text or from a QR code). */
export function totpUri(secretBase32: string, label: string, issuer: string): string {
  return totp(secretBase32, label, issuer).toString();
}

/** The code for a time (tests and the CLI's self-check). */
export function totpCode(secretBase32: string, at: number): string {
  return totp(secretBase32).generate({ timestamp: at });
}

/**
 * The time step a code belongs to, or null when it matches none within the window. Callers
 * refuse a step at or before the last accepted one, so a code is never accepted twice.
 */
export function totpStep(secretBase32: string, code: string, at: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: at, window: WINDOW });
  if (delta === null) return null;
  return Math.floor(at / 1000 / TOTP_PERIOD_S) + delta;
}
