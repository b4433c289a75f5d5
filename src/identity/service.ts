import { createHash, randomBytes } from 'node:crypto';
import type { AuditLedger } from '../audit/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Conflict, Invalid, NotFound, TooManyRequests, Unauthenticated } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { LoginThrottle } from './login-throttle.js';
import { dummyHash, hashPassword, validatePasswordStrength, verifyPassword } from './passwords.js';
import type { IdentityRepo, UnitRow, UserRow } from './repo.js';
import { isRoleId, type RoleId } from './roles.js';

/** The signed-in person as every capability sees them. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  roles: RoleId[];
  unitId: string;
  badge: string | null;
  active: boolean;
  /** How they authenticated: a browser session or an API token (its id). */
  via: { kind: 'session' | 'token' | 'cli'; id: string };
}

/** Where a request came from, for the ledger. */
export interface RequestMeta {
  ip: string | null;
  userAgent?: string | null;
}

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');
const newSecret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

export function toActor(u: UserRow, via: Actor['via']): Actor {
  const roles = (JSON.parse(u.roles) as string[]).filter(isRoleId);
  return { id: u.id, username: u.username, displayName: u.display_name, roles, unitId: u.unit_id, badge: u.badge, active: u.active === 1, via };
}

export const auditActor = (a: Actor | null) => (a ? { id: a.id, name: a.username } : null);

export class IdentityService {
  private readonly throttle = new LoginThrottle();

  constructor(
    private readonly db: Database,
    private readonly repo: IdentityRepo,
    private readonly ledger: AuditLedger,
    private readonly clock: Clock,
    private readonly sessionTtlMs: number,
  ) {}

  /** The top unit of the site, created on first start so every record belongs to a unit (R-ORG). */
  async ensureRootUnit(name: string): Promise<UnitRow> {
    const existing = (await this.repo.rootUnits())[0];
    if (existing) return existing;
    const row: UnitRow = { id: newId(), code: 'root', name, parent_id: null, created_at: this.clock.now() };
    await this.db.transact(async (trx) => {
      await this.repo.insertUnit(trx, row);
      await this.ledger.append(trx, { actor: null, action: 'unit.create', subject: { type: 'unit', id: row.id }, details: { code: row.code, name, parent: null } });
    });
    return row;
  }

  async addUnit(input: { code: string; name: string; parentCode?: string | undefined }, actor: Actor | null): Promise<UnitRow> {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(input.code)) throw Invalid('unit_code_invalid', 'unit code: 1–64 letters, digits, "_", "-", "."');
    const parent = input.parentCode ? await this.repo.unitByCode(input.parentCode) : (await this.repo.rootUnits())[0];
    if (input.parentCode && !parent) throw NotFound('unit_not_found', `no unit with code ${input.parentCode}`);
    if (await this.repo.unitByCode(input.code)) throw Conflict('unit_code_taken', `unit code ${input.code} is already used`);
    const row: UnitRow = { id: newId(), code: input.code, name: input.name, parent_id: parent?.id ?? null, created_at: this.clock.now() };
    await this.db.transact(async (trx) => {
      await this.repo.insertUnit(trx, row);
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'unit.create', subject: { type: 'unit', id: row.id }, details: { code: row.code, name: row.name, parent: parent?.code ?? null } });
    });
    return row;
  }

  async resolveUnit(code: string | undefined): Promise<UnitRow> {
    if (code) {
      const u = await this.repo.unitByCode(code);
      if (!u) throw NotFound('unit_not_found', `no unit with code ${code}`);
      return u;
    }
    const root = (await this.repo.rootUnits())[0];
    if (!root) throw NotFound('unit_not_found', 'the site has no units yet');
    return root;
  }

  async addUser(
    input: { username: string; password: string; roles: RoleId[]; unitCode?: string | undefined; badge?: string | undefined; displayName?: string | undefined },
    actor: Actor | null,
  ): Promise<UserRow> {
    if (!/^[\p{L}\p{N}_.@-]{2,64}$/u.test(input.username)) throw Invalid('username_invalid', 'username: 2–64 letters, digits, "_", ".", "@", "-"');
    const weak = validatePasswordStrength(input.password);
    if (weak) throw Invalid('password_weak', weak);
    if (input.badge !== undefined && !/^[A-Za-z0-9]{1,16}$/.test(input.badge)) throw Invalid('badge_invalid', 'badge: 1–16 letters or digits');
    const unit = await this.resolveUnit(input.unitCode);
    if (await this.repo.userByUsername(input.username)) throw Conflict('username_taken', `user ${input.username} already exists`);
    const now = this.clock.now();
    const row: UserRow = {
      id: newId(),
      username: input.username,
      display_name: input.displayName ?? input.username,
      password_hash: await hashPassword(input.password),
      badge: input.badge ?? null,
      unit_id: unit.id,
      roles: JSON.stringify(input.roles),
      active: 1,
      password_changed_at: now,
      created_at: now,
    };
    await this.db.transact(async (trx) => {
      await this.repo.insertUser(trx, row);
      await this.ledger.append(trx, {
        actor: auditActor(actor),
        action: 'user.create',
        subject: { type: 'user', id: row.id },
        details: { username: row.username, roles: input.roles, unit: unit.code, badge: row.badge },
      });
    });
    return row;
  }

  /** Password login. Every attempt, failed or not, is in the ledger; repeated failures are throttled. */
  async login(username: string, password: string, meta: RequestMeta): Promise<{ secret: string; expiresAt: number; actor: Actor }> {
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

  countUsers(): Promise<number> {
    return this.repo.countUsers();
  }

  subtreeIds(unitId: string): Promise<string[]> {
    return this.repo.subtreeIds(unitId);
  }

  userByUsername(username: string): Promise<UserRow | undefined> {
    return this.repo.userByUsername(username);
  }

  unitByCode(code: string): Promise<UnitRow | undefined> {
    return this.repo.unitByCode(code);
  }
}
