import type { SignedTreeHead } from '../api/types';
import { base64ToBytes, hexToBytes } from './merkle';

/** The bytes a tree head signature covers (docs/verification.md): "custodia-tree-head-v1\n<size>\n<timestamp>\n<root hex>\n". */
export function treeHeadMessage(h: Pick<SignedTreeHead, 'size' | 'timestamp' | 'root'>): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`custodia-tree-head-v1\n${h.size}\n${h.timestamp}\n${h.root}\n`);
}

/**
 * Checks the head's Ed25519 signature with WebCrypto. 'unsupported' when this browser has no
 * Ed25519 (older browsers): the caller says so instead of claiming either way.
 */
export async function verifyTreeHeadSignature(h: SignedTreeHead): Promise<boolean | 'unsupported'> {
  const root = hexToBytes(h.root);
  if (!root || root.length !== 32) return false;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('raw', base64ToBytes(h.publicKey), { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'NotSupportedError') return 'unsupported';
    return false;
  }
  try {
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, base64ToBytes(h.signature), treeHeadMessage(h));
  } catch {
    return false;
  }
}

/** The key id the server derives: first 16 hex digits of SHA-256(raw public key). */
export async function keyIdOf(publicKeyBase64: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', base64ToBytes(publicKeyBase64)));
  return Array.from(digest.slice(0, 8), (x) => x.toString(16).padStart(2, '0')).join('');
}
