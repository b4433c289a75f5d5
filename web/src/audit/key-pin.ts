/** The site key first seen on this browser (trust on first use): a changed key is worth a question. */
const STORAGE_KEY = 'custodia.audit.firstSeenKey';

export interface KeyPin {
  keyId: string;
  publicKey: string;
  firstSeenAt: number;
}

export type PinState = { state: 'new'; pin: KeyPin } | { state: 'same'; pin: KeyPin } | { state: 'changed'; pin: KeyPin };

export function comparePinnedKey(keyId: string, publicKey: string, now: number): PinState {
  let pin: KeyPin | null = null;
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    pin = raw ? (JSON.parse(raw) as KeyPin) : null;
  } catch {
    pin = null;
  }
  if (pin && typeof pin.publicKey === 'string') return { state: pin.publicKey === publicKey ? 'same' : 'changed', pin };
  const fresh = { keyId, publicKey, firstSeenAt: now };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(fresh));
  } catch {
    // No storage: nothing to remember.
  }
  return { state: 'new', pin: fresh };
}

export function forgetPinnedKey(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}
