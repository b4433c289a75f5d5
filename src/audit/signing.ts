import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../platform/durable-fs.js';

/** A signed tree head, as printed by `custodia audit head` and served at /api/audit/head. */
export interface SignedTreeHead {
  size: number;
  root: string;
  timestamp: number;
  signature: string;
  publicKey: string;
  keyId: string;
}

/**
 * The bytes a tree head signature covers. Documented in docs/verification.md so anyone can check a
 * head with any Ed25519 implementation: "custodia-tree-head-v1\n<size>\n<timestamp>\n<root hex>\n".
 */
export function treeHeadMessage(size: number, timestamp: number, rootHex: string): Buffer {
  return Buffer.from(`custodia-tree-head-v1\n${size}\n${timestamp}\n${rootHex}\n`, 'utf8');
}

export interface SiteKey {
  keyId: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  privateKey: KeyObject;
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}

export function keyIdOf(rawPublic: Uint8Array): string {
  return createHash('sha256').update(rawPublic).digest('hex').slice(0, 16);
}

export function publicKeyFromRaw(rawBase64: string): KeyObject {
  const raw = Buffer.from(rawBase64, 'base64');
  const prefix = Buffer.from('302a300506032b6570032100', 'hex');
  return createPublicKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'spki' });
}

export function signTreeHead(key: SiteKey, size: number, timestamp: number, root: Uint8Array): Buffer {
  return sign(null, treeHeadMessage(size, timestamp, Buffer.from(root).toString('hex')), key.privateKey);
}

export function verifyTreeHead(publicKeyBase64: string, size: number, timestamp: number, rootHex: string, signature: Uint8Array): boolean {
  try {
    return verify(null, treeHeadMessage(size, timestamp, rootHex), publicKeyFromRaw(publicKeyBase64), signature);
  } catch {
    return false;
  }
}

/** Loads the site's Ed25519 key from `<data>/keys/site-ed25519.pem`, creating it (mode 0600) on first start. */
export async function loadOrCreateSiteKey(dataDir: string): Promise<{ key: SiteKey; created: boolean }> {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'site-ed25519.pem');
  let created = false;
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Written whole to a temp name, fsynced, then linked into place: a crash never leaves a
    // truncated key, and an existing key is never replaced.
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = await open(tmp, 'w', 0o400);
    try {
      await fd.writeFile(pem);
      await fd.sync();
    } finally {
      await fd.close();
    }
    try {
      await link(tmp, file);
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      pem = await readFile(file, 'utf8');
    } finally {
      await unlink(tmp);
    }
    await fsyncDir(dir);
  }
  const privateKey = createPrivateKey(pem);
  const raw = rawPublicKey(createPublicKey(privateKey));
  return { key: { keyId: keyIdOf(raw), publicKey: raw.toString('base64'), privateKey }, created };
}
