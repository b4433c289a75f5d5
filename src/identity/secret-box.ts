import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

/**
 * Seals small secrets kept in the database (TOTP seeds) with AES-256-GCM under a key derived
 * (HKDF-SHA-256) from the site's private key, which lives in the data folder and not in the
 * database: a copy of the database alone does not reveal anyone's authenticator.
 * Sealed form: "v1.<iv b64url>.<ciphertext+tag b64url>".
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(sitePrivateKey: KeyObject, purpose: string) {
    const ikm = sitePrivateKey.export({ type: 'pkcs8', format: 'der' });
    this.key = Buffer.from(hkdfSync('sha256', ikm, Buffer.from('custodia-secret-box'), Buffer.from(purpose), 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final(), c.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Throws when the sealed text was altered or sealed under another key. */
  open(sealed: string): string {
    const [v, ivText, bodyText] = sealed.split('.');
    if (v !== 'v1' || !ivText || !bodyText) throw new Error('not a sealed secret');
    const body = Buffer.from(bodyText, 'base64url');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(ivText, 'base64url'));
    d.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]).toString('utf8');
  }
}
