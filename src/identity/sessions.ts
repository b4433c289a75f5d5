import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { AuditLedger } from '../audit/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Conflict, Invalid, NotFound, TooManyRequests, Unauthenticated } from '../platform/errors.js';
import { auditActor, toActor, type Actor, type RequestMeta } from './actor.js';
import { LoginThrottle } from './login-throttle.js';
import { dummyHash, hashPassword, validatePasswordStrength, verifyPassword } from './passwords.js';
import type { IdentityRepo, UserRow } from './repo.js';
import type { SecretBox } from './secret-box.js';
import type { StepUp } from './step-up.js';
import { newTotpSecret, totpUri } from './totp.js';

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');
const newSecret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

export interface TotpEnrolment {
  /** Base32 secret, for typing into an authenticator by hand. */
  secret: string;
  /** otpauth:// URI (RFC 6238 parameters: SHA-1, 6 digits, 30 s). */
  uri: string;
  /** The URI as a QR code, a PNG data URL. */
  qrDataUrl: string;
}

/**
 * Signing in and staying signed in: password (argon2id) and, once enrolled, a dynamic password
 * (TOTP); browser sessions and API tokens (only their SHA-256 is stored); log out, log out
 * everywhere, password change. Every step is in the ledger.
 */
export class SessionService {
  private readonly throttle = new LoginThrottle();

  constructor(
    private readonly db: Database,
    private readonly repo: IdentityRepo,
    private readonly ledger: AuditLedger,
    private readonly clock: Clock,
    private readonly sessionTtlMs: number,
    private readonly stepUp: StepUp,
    private readonly box: SecretBox,
    private readonly siteName: string,
  ) {}

  /** Password login. Every attempt, failed or not, is in the ledger; repeated failures are throttled. */
  async login(username: string, password: string, otp: string | undefined, meta: RequestMeta): Promise<{ secret: string; expiresAt: number; actor: Actor }> {
    const now = this.clock.now();
    const keys = [`u:${username.toLowerCase()}`, `ip:${meta.ip ?? '-'}`];
    const wait = Math.max(...keys.map((k) => this.throttle.retryAfter(k, now)));
    if (wait > 0) {
      await this.ledger.record({ actor: null, action: 'auth.login_throttled', ip: meta.ip, details: { username } });
      throw TooManyRequests('login_throttled', `too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} min`);
    }
    const user = await this.repo.userByUsername(username);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), password);
    if (!user || !ok || user.active !== 1) {
      for (const k of keys) this.throttle.fail(k, now);
      await this.ledger.record({ actor: null, action: 'auth.login_failed', ip: meta.ip, details: { username, reason: !user || !ok ? 'bad_credentials' : 'inactive' } });
      throw Unauthenticated('bad_credentials', 'wrong username or password');
    }
    if (user.totp_secret !== null) {
      // Enrolled users sign in with password and dynamic password; a wrong code counts as a failure.
      if (!otp) throw Unauthenticated('otp_required', 'enter the dynamic password from your authenticator');
      if (!(await this.stepUp.consume(user.id, this.box.open(user.totp_secret), otp, user.totp_last_step))) {
        for (const k of keys) this.throttle.fail(k, now);
        await this.ledger.record({ actor: null, action: 'auth.login_failed', ip: meta.ip, details: { username, reason: 'otp_invalid' } });
        throw Unauthenticated('otp_invalid', 'the dynamic password is wrong, expired or already used');
      }
    }
    for (const k of keys) this.throttle.succeed(k);
    const secret = newSecret('cs_');
    const id = sha256hex(secret);
    const expiresAt = now + this.sessionTtlMs;
    await this.db.transact(async (trx) => {
      await this.repo.insertSession(trx, { id, user_id: user.id, kind: 'session', name: null, created_at: now, expires_at: expiresAt, revoked_at: null, last_used_at: now, ip: meta.ip, user_agent: meta.userAgent ?? null });
      await this.ledger.append(trx, { actor: { id: user.id, name: user.username }, action: 'auth.login', subject: { type: 'session', id: id.slice(0, 16) }, ip: meta.ip, details: { userAgent: meta.userAgent ?? null } });
    });
    return { secret, expiresAt, actor: toActor(user, { kind: 'session', id }) };
  }

  /** Resolves a session cookie or API token to its user, or undefined when invalid/expired/revoked. */
  async authenticate(secret: string): Promise<Actor | undefined> {
    if (secret.length < 10 || secret.length > 200) return undefined;
    const id = sha256hex(secret);
    const s = await this.repo.sessionById(id);
    const now = this.clock.now();
    if (!s || s.revoked_at !== null || (s.expires_at !== null && s.expires_at <= now)) return undefined;
    const user = await this.repo.userById(s.user_id);
    if (!user || user.active !== 1) return undefined;
    if (s.kind === 'session' && user.password_changed_at > s.created_at) return undefined;
    if (s.last_used_at === null || now - s.last_used_at > 60_000) await this.repo.touchSession(id, now);
    return toActor(user, { kind: s.kind, id });
  }

  async logout(actor: Actor, meta: RequestMeta): Promise<void> {
    if (actor.via.kind !== 'session') throw Invalid('not_a_session', 'only browser sessions log out; revoke tokens instead');
    await this.db.transact(async (trx) => {
      await this.repo.revokeSession(trx, actor.via.id, this.clock.now());
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'auth.logout', subject: { type: 'session', id: actor.via.id.slice(0, 16) }, ip: meta.ip });
    });
  }

  /** "Log out everywhere": ends every browser session of the actor, this one included. */
  async logoutEverywhere(actor: Actor, meta: RequestMeta): Promise<number> {
    return this.db.transact(async (trx) => {
      const n = await this.repo.revokeSessionsOf(trx, actor.id, this.clock.now(), null);
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'auth.logout_everywhere', subject: { type: 'user', id: actor.id }, ip: meta.ip, details: { sessions: n } });
      return n;
    });
  }

  /**
   * Changes the actor's password. Every other session ends; the caller gets a fresh session in
   * place of the current one (a password change rotates the session secret). API tokens, which
   * scripts hold, are revoked separately.
   */
  async changePassword(actor: Actor, current: string, next: string, meta: RequestMeta): Promise<{ secret: string; expiresAt: number }> {
    const user = await this.repo.userById(actor.id);
    if (!user || !(await verifyPassword(user.password_hash, current))) {
      await this.ledger.record({ actor: auditActor(actor), action: 'auth.password_change_failed', subject: { type: 'user', id: actor.id }, ip: meta.ip });
      throw Unauthenticated('bad_credentials', 'the current password is wrong');
    }
    const weak = validatePasswordStrength(next);
    if (weak) throw Invalid('password_weak', weak);
    if (next === current) throw Invalid('password_unchanged', 'the new password must differ from the current one');
    const hash = await hashPassword(next);
    const now = this.clock.now();
    const secret = newSecret('cs_');
    const id = sha256hex(secret);
    const expiresAt = now + this.sessionTtlMs;
    await this.db.transact(async (trx) => {
      await this.repo.setPassword(trx, user.id, hash, now);
      const ended = await this.repo.revokeSessionsOf(trx, user.id, now, null);
      // Created after the change, so the rule "sessions older than the password are invalid" keeps it.
      await this.repo.insertSession(trx, { id, user_id: user.id, kind: 'session', name: null, created_at: now + 1, expires_at: expiresAt, revoked_at: null, last_used_at: now, ip: meta.ip, user_agent: meta.userAgent ?? null });
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'auth.password_change', subject: { type: 'user', id: user.id }, ip: meta.ip, details: { sessionsEnded: ended } });
    });
    return { secret, expiresAt };
  }

  /** Creates an API token for scripts; the secret is shown once. */
  async createToken(username: string, name: string, actor: Actor | null): Promise<{ id: string; secret: string; user: UserRow }> {
    const user = await this.repo.userByUsername(username);
    if (!user) throw NotFound('user_not_found', `no user ${username}`);
    if (user.active !== 1) throw Invalid('user_inactive', `user ${username} is deactivated`);
    const secret = newSecret('cst_');
    const id = sha256hex(secret);
    await this.db.transact(async (trx) => {
      await this.repo.insertSession(trx, { id, user_id: user.id, kind: 'token', name, created_at: this.clock.now(), expires_at: null, revoked_at: null, last_used_at: null, ip: null, user_agent: null });
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'token.create', subject: { type: 'token', id: id.slice(0, 16) }, details: { user: user.username, name } });
    });
    return { id: id.slice(0, 16), secret, user };
  }

  /** Revokes an API token by its public id (the first 16 hex digits shown at creation). */
  async revokeToken(username: string, tokenId: string, actor: Actor | null): Promise<void> {
    const user = await this.repo.userByUsername(username);
    if (!user) throw NotFound('user_not_found', `no user ${username}`);
    const token = (await this.repo.tokensOf(user.id)).find((t) => t.id.startsWith(tokenId) && tokenId.length >= 8);
    if (!token) throw NotFound('token_not_found', `user ${username} has no token ${tokenId}`);
    await this.db.transact(async (trx) => {
      const changed = await this.repo.revokeSession(trx, token.id, this.clock.now());
      if (!changed) throw Conflict('token_already_revoked', `token ${tokenId} was already revoked`);
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'token.revoke', subject: { type: 'token', id: token.id.slice(0, 16) }, details: { user: user.username } });
    });
  }

  async tokens(username: string): Promise<Array<{ id: string; name: string | null; createdAt: number; revokedAt: number | null; lastUsedAt: number | null }>> {
    const user = await this.repo.userByUsername(username);
    if (!user) throw NotFound('user_not_found', `no user ${username}`);
    return (await this.repo.tokensOf(user.id)).map((t) => ({ id: t.id.slice(0, 16), name: t.name, createdAt: t.created_at, revokedAt: t.revoked_at, lastUsedAt: t.last_used_at }));
  }

  /** Starts TOTP enrolment: a new secret, pending until a first code confirms it. */
  async beginTotpEnrolment(actor: Actor, meta: RequestMeta): Promise<TotpEnrolment> {
    const user = await this.repo.userById(actor.id);
    if (!user) throw NotFound('user_not_found', 'no such user');
    if (user.totp_secret !== null) throw Conflict('totp_already_enrolled', 'an authenticator is already enrolled; remove it first');
    const secret = newTotpSecret();
    await this.db.transact(async (trx) => {
      await trx.updateTable('users').set({ totp_pending_secret: this.box.seal(secret) }).where('id', '=', user.id).execute();
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'auth.totp_enrol_start', subject: { type: 'user', id: user.id }, ip: meta.ip });
    });
    const uri = totpUri(secret, user.username, this.siteName);
    return { secret, uri, qrDataUrl: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, scale: 6 }) };
  }

  /** Confirms enrolment with a first code from the authenticator. */
  async confirmTotpEnrolment(actor: Actor, code: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.userById(actor.id);
    if (!user?.totp_pending_secret) throw Conflict('totp_not_pending', 'start enrolment first');
    const secret = this.box.open(user.totp_pending_secret);
    if (!(await this.stepUp.consume(user.id, secret, code, user.totp_last_step))) {
      await this.ledger.record({ actor: auditActor(actor), action: 'auth.totp_enrol_failed', subject: { type: 'user', id: user.id }, ip: meta.ip });
      throw Invalid('otp_invalid', 'the code does not match: check the phone clock and try the next code');
    }
    await this.db.transact(async (trx) => {
      await trx.updateTable('users').set({ totp_secret: user.totp_pending_secret, totp_pending_secret: null, totp_enrolled_at: this.clock.now() }).where('id', '=', user.id).execute();
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'auth.totp_enrol', subject: { type: 'user', id: user.id }, ip: meta.ip });
    });
  }

  /** Removes the caller's authenticator; needs a current code from it. */
  async removeTotp(actor: Actor, code: string, meta: RequestMeta): Promise<void> {
    const user = await this.repo.userById(actor.id);
    if (!user?.totp_secret) throw Conflict('totp_not_enrolled', 'no authenticator is enrolled');
    if (!(await this.stepUp.consume(user.id, this.box.open(user.totp_secret), code, user.totp_last_step))) {
      await this.ledger.record({ actor: auditActor(actor), action: 'auth.totp_remove_failed', subject: { type: 'user', id: user.id }, ip: meta.ip });
      throw Invalid('otp_invalid', 'the dynamic password is wrong, expired or already used');
    }
    await this.db.transact(async (trx) => {
      await trx.updateTable('users').set({ totp_secret: null, totp_pending_secret: null, totp_enrolled_at: null }).where('id', '=', user.id).execute();
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'auth.totp_remove', subject: { type: 'user', id: user.id }, ip: meta.ip });
    });
  }
}
