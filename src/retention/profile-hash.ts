import { createHash } from 'node:crypto';
import type { Profile } from './profile-schema.js';

/**
 * Canonical JSON of plain data: object keys sorted by code unit, no whitespace, strings and
 * numbers as JSON.stringify writes them. The same content always gives the same bytes, whatever
 * the key order or formatting of the file it came from. Rejects what JSON cannot hold exactly
 * (undefined, non-finite numbers, functions), so a hash never silently drops a field.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON: cannot encode a ${typeof value}`);
}

/** SHA-256 (hex) of a profile's canonical JSON: what a recording's profile version points at. */
export function profileHash(profile: Profile): string {
  return createHash('sha256').update(canonicalJson(profile), 'utf8').digest('hex');
}

/** `id@version`, the reference a recording keeps. */
export function profileRef(profile: Pick<Profile, 'id' | 'version'>): string {
  return `${profile.id}@${profile.version}`;
}
