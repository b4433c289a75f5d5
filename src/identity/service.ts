import { randomBytes } from 'node:crypto';
import type { AuditLedger } from '../audit/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Conflict, Invalid, NotFound } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { auditActor, type Actor, type RequestMeta } from './actor.js';
import type { Sensitivity } from './authorization.js';
import type { Authorizer } from './authorizer.js';
import { hashPassword, validatePasswordStrength } from './passwords.js';
import type { IdentityRepo, UnitRow, UserRow } from './repo.js';
import { isRoleId, type RoleId } from './roles.js';
import type { UnitTree } from './unit-tree.js';

export interface UnitView {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  depth: number;
  createdAt: number;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: RoleId[];
  unitId: string;
  badge: string | null;
  clearance: number;
  active: boolean;
  mustChangePassword: boolean;
  totpEnrolled: boolean;
  createdAt: number;
  deactivatedAt: number | null;
}

export interface NewUser {
  username: string;
  password: string;
  roles: RoleId[];
  unitCode?: string | undefined;
  unitId?: string | undefined;
  badge?: string | undefined;
  displayName?: string | undefined;
  clearance?: Sensitivity | undefined;
  /** The password was chosen by someone else: the user must replace it before anything else. */
  mustChangePassword?: boolean | undefined;
}

export interface UserChanges {
  displayName?: string | undefined;
  roles?: RoleId[] | undefined;
  unitId?: string | undefined;
  badge?: string | null | undefined;
  clearance?: Sensitivity | undefined;
}

const UNIT_CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const USERNAME = /^[\p{L}\p{N}_.@-]{2,64}$/u;
const BADGE = /^[A-Za-z0-9]{1,16}$/;

export function userView(u: UserRow): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    roles: (JSON.parse(u.roles) as string[]).filter(isRoleId),
    unitId: u.unit_id,
    badge: u.badge,
    clearance: u.clearance,
    active: u.active === 1,
    mustChangePassword: u.must_change_password === 1,
    totpEnrolled: u.totp_secret !== null,
    createdAt: u.created_at,
    deactivatedAt: u.deactivated_at,
  };
}

/**
 * The directory (R-ORG, R-ROLES): the unit tree and the people in it. Methods taking an `Actor`
 * are the administrator's, asked of the authorization rule and scoped to the actor's subtree;
 * the operator's CLI calls the others with `actor` null (it runs on the server itself).
 */
export class IdentityService {
  constructor(
    private readonly db: Database,
    private readonly repo: IdentityRepo,
    private readonly ledger: AuditLedger,
    private readonly clock: Clock,
    private readonly units: UnitTree,
    private readonly authz: Authorizer,
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

  async addUnit(input: { code: string; name: string; parentCode?: string | undefined; parentId?: string | undefined }, actor: Actor | null, meta: RequestMeta = { ip: null }): Promise<UnitRow> {
    if (!UNIT_CODE.test(input.code)) throw Invalid('unit_code_invalid', 'unit code: 1–64 letters, digits, "_", "-", "."');
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw Invalid('unit_name_invalid', 'unit name: 1–100 characters');
    const parent = input.parentId
      ? await this.repo.unitById(input.parentId)
      : input.parentCode
        ? await this.repo.unitByCode(input.parentCode)
        : (await this.repo.rootUnits())[0];
    if ((input.parentCode || input.parentId) && !parent) throw NotFound('unit_not_found', `no unit ${input.parentCode ?? input.parentId ?? ''}`);
    if (actor) await this.authz.require(actor, 'unit.manage', { type: 'unit', id: parent?.id ?? null, unitId: parent?.id ?? null }, meta);
    if (await this.repo.unitByCode(input.code)) throw Conflict('unit_code_taken', `unit code ${input.code} is already used`);
    const row: UnitRow = { id: newId(), code: input.code, name, parent_id: parent?.id ?? null, created_at: this.clock.now() };
    await this.db.transact(async (trx) => {
      await this.repo.insertUnit(trx, row);
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'unit.create', subject: { type: 'unit', id: row.id }, ip: meta.ip, details: { code: row.code, name: row.name, parent: parent?.code ?? null } });
    });
    return row;
  }

  async renameUnit(actor: Actor, id: string, name: string, meta: RequestMeta): Promise<UnitView> {
    const unit = await this.repo.unitById(id);
    await this.authz.require(actor, 'unit.manage', { type: 'unit', id, unitId: unit?.id ?? null }, meta);
    if (!unit) throw NotFound('unit_not_found', `no unit ${id}`);
    const clean = name.trim();
    if (clean.length === 0 || clean.length > 100) throw Invalid('unit_name_invalid', 'unit name: 1–100 characters');
    if (clean !== unit.name) {
      await this.db.transact(async (trx) => {
        await trx.updateTable('units').set({ name: clean }).where('id', '=', id).execute();
        await this.ledger.append(trx, { actor: auditActor(actor), action: 'unit.rename', subject: { type: 'unit', id }, ip: meta.ip, details: { before: unit.name, after: clean } });
      });
      this.units.invalidate();
    }
    return { id, code: unit.code, name: clean, parentId: unit.parent_id, depth: await this.units.depth(id), createdAt: unit.created_at };
  }

  /** The units the actor can see: their own and every unit below it. */
  async listUnits(actor: Actor, meta: RequestMeta): Promise<UnitView[]> {
    await this.authz.require(actor, 'unit.read', null, meta);
    const ids = new Set(await this.units.subtreeIds(actor.unitId));
    const rows = await this.db.kysely.selectFrom('units').selectAll().orderBy('code').execute();
    const out: UnitView[] = [];
    for (const u of rows) if (ids.has(u.id)) out.push({ id: u.id, code: u.code, name: u.name, parentId: u.parent_id, depth: await this.units.depth(u.id), createdAt: u.created_at });
    return out;
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

  /** Creates a user. With an actor (the administrator over HTTP) the user must choose a new password at first sign-in. */
  async addUser(input: NewUser, actor: Actor | null, meta: RequestMeta = { ip: null }): Promise<UserRow> {
    if (!USERNAME.test(input.username)) throw Invalid('username_invalid', 'username: 2–64 letters, digits, "_", ".", "@", "-"');
    if (input.roles.length === 0) throw Invalid('roles_required', 'at least one role is required');
    const weak = validatePasswordStrength(input.password);
    if (weak) throw Invalid('password_weak', weak);
    if (input.badge !== undefined && !BADGE.test(input.badge)) throw Invalid('badge_invalid', 'badge: 1–16 letters or digits');
    const unit = input.unitId ? await this.repo.unitById(input.unitId) : await this.resolveUnit(input.unitCode);
    if (!unit) throw NotFound('unit_not_found', `no unit ${input.unitId ?? ''}`);
    if (actor) await this.authz.require(actor, 'user.manage', { type: 'unit', id: unit.id, unitId: unit.id }, meta);
    if (await this.repo.userByUsername(input.username)) throw Conflict('username_taken', `user ${input.username} already exists`);
    if (input.badge !== undefined && (await this.repo.userByBadge(input.badge))) throw Conflict('badge_taken', `badge ${input.badge} already belongs to another user`);
    const now = this.clock.now();
    const row: UserRow = {
      id: newId(),
      username: input.username,
      display_name: input.displayName?.trim() || input.username,
      password_hash: await hashPassword(input.password),
      badge: input.badge ?? null,
      unit_id: unit.id,
      roles: JSON.stringify([...new Set(input.roles)]),
      active: 1,
      password_changed_at: now,
      created_at: now,
      clearance: input.clearance ?? 0,
      must_change_password: (input.mustChangePassword ?? actor !== null) ? 1 : 0,
      deactivated_at: null,
      totp_secret: null,
      totp_pending_secret: null,
      totp_enrolled_at: null,
      totp_last_step: null,
    };
    await this.db.transact(async (trx) => {
      await this.repo.insertUser(trx, row);
      await this.ledger.append(trx, {
        actor: auditActor(actor),
        action: 'user.create',
        subject: { type: 'user', id: row.id },
        ip: meta.ip,
        details: { username: row.username, roles: JSON.parse(row.roles) as string[], unit: unit.code, badge: row.badge, clearance: row.clearance },
      });
    });
    return row;
  }

  async listUsers(actor: Actor, q: { unitId?: string | undefined; text?: string | undefined; role?: RoleId | undefined; includeInactive?: boolean | undefined }, meta: RequestMeta): Promise<UserView[]> {
    await this.authz.require(actor, 'user.read', null, meta);
    const mine = await this.units.subtreeIds(actor.unitId);
    let unitIds = mine;
    if (q.unitId) unitIds = mine.includes(q.unitId) ? await this.units.subtreeIds(q.unitId) : [];
    if (unitIds.length === 0) return [];
    let query = this.db.kysely.selectFrom('users').selectAll().where('unit_id', 'in', unitIds);
    if (!q.includeInactive) query = query.where('active', '=', 1);
    if (q.text) {
      const like = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('username', 'like', like), eb('display_name', 'like', like), eb('badge', 'like', like)]));
    }
    const rows = (await query.orderBy('username').limit(2000).execute()).map(userView);
    return q.role ? rows.filter((u) => u.roles.includes(q.role!)) : rows;
  }

  async getUser(actor: Actor, id: string, meta: RequestMeta): Promise<UserView> {
    const u = await this.repo.userById(id);
    // A person outside one's subtree is not found, as anything else there (their existence is not revealed).
    if (!u || !(await this.units.subtreeIds(actor.unitId)).includes(u.unit_id)) throw NotFound('user_not_found', `no user ${id}`);
    await this.authz.require(actor, 'user.read', { type: 'user', id, unitId: u.unit_id }, meta);
    return userView(u);
  }

  /** The administrator changes someone's name, roles, unit, badge or clearance. Nobody changes their own authority. */
  async updateUser(actor: Actor, id: string, changes: UserChanges, reason: string | null, meta: RequestMeta): Promise<UserView> {
    const u = await this.manageable(actor, id, meta);
    const authorityChange = changes.roles !== undefined || changes.clearance !== undefined || changes.unitId !== undefined;
    if (authorityChange && u.id === actor.id) throw await this.selfChange(actor, u, meta, 'nobody changes their own roles, unit or clearance');
    const set: Partial<UserRow> = {};
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const note = (k: keyof UserRow, b: unknown, a: unknown) => {
      before[k] = b;
      after[k] = a;
    };
    if (changes.displayName !== undefined && changes.displayName.trim() !== u.display_name) {
      const name = changes.displayName.trim();
      if (name.length === 0 || name.length > 100) throw Invalid('display_name_invalid', 'name: 1–100 characters');
      set.display_name = name;
      note('display_name', u.display_name, name);
    }
    if (changes.roles !== undefined) {
      const roles = [...new Set(changes.roles)];
      if (roles.length === 0) throw Invalid('roles_required', 'at least one role is required');
      if (JSON.stringify(roles) !== u.roles) {
        set.roles = JSON.stringify(roles);
        note('roles', JSON.parse(u.roles), roles);
      }
    }
    if (changes.unitId !== undefined && changes.unitId !== u.unit_id) {
      const unit = await this.repo.unitById(changes.unitId);
      if (!unit) throw NotFound('unit_not_found', `no unit ${changes.unitId}`);
      await this.authz.require(actor, 'user.manage', { type: 'unit', id: unit.id, unitId: unit.id }, meta);
      set.unit_id = unit.id;
      note('unit_id', u.unit_id, unit.id);
    }
    if (changes.badge !== undefined && changes.badge !== u.badge) {
      if (changes.badge !== null && !BADGE.test(changes.badge)) throw Invalid('badge_invalid', 'badge: 1–16 letters or digits');
      if (changes.badge !== null) {
        const other = await this.repo.userByBadge(changes.badge);
        if (other && other.id !== u.id) throw Conflict('badge_taken', `badge ${changes.badge} already belongs to another user`);
      }
      set.badge = changes.badge;
      note('badge', u.badge, changes.badge);
    }
    if (changes.clearance !== undefined && changes.clearance !== u.clearance) {
      set.clearance = changes.clearance;
      note('clearance', u.clearance, changes.clearance);
    }
    if (Object.keys(set).length === 0) return userView(u);
    await this.db.transact(async (trx) => {
      await trx.updateTable('users').set(set).where('id', '=', id).execute();
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'user.update', subject: { type: 'user', id }, ip: meta.ip, reason, details: { before, after } });
    });
    return userView({ ...u, ...set });
  }

  /** Deactivation ends every session and token of the user at once; reactivation restores sign-in only. */
  async setActive(actor: Actor, id: string, active: boolean, reason: string, meta: RequestMeta): Promise<UserView> {
    const u = await this.manageable(actor, id, meta);
    if (u.id === actor.id) throw await this.selfChange(actor, u, meta, 'you cannot deactivate your own account');
    if (reason.trim().length === 0) throw Invalid('reason_required', 'give a reason');
    if ((u.active === 1) === active) throw Conflict(active ? 'user_already_active' : 'user_already_inactive', `user ${u.username} is already ${active ? 'active' : 'deactivated'}`);
    const now = this.clock.now();
    await this.db.transact(async (trx) => {
      await trx.updateTable('users').set({ active: active ? 1 : 0, deactivated_at: active ? null : now }).where('id', '=', id).execute();
      const ended = active ? 0 : await this.repo.revokeAllOf(trx, id, now);
      await this.ledger.append(trx, { actor: auditActor(actor), action: active ? 'user.reactivate' : 'user.deactivate', subject: { type: 'user', id }, ip: meta.ip, reason, details: { sessionsEnded: ended } });
    });
    return userView({ ...u, active: active ? 1 : 0, deactivated_at: active ? null : now });
  }

  /** Sets a one-time password (shown once) that the user must replace at first sign-in; ends their sessions. */
  async resetPassword(actor: Actor, id: string, reason: string, meta: RequestMeta): Promise<{ password: string }> {
    const u = await this.manageable(actor, id, meta);
    if (u.id === actor.id) throw await this.selfChange(actor, u, meta, 'change your own password with your current one');
    const password = randomBytes(12).toString('base64url');
    const hash = await hashPassword(password);
    const now = this.clock.now();
    await this.db.transact(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash, password_changed_at: now, must_change_password: 1 }).where('id', '=', id).execute();
      const ended = await this.repo.revokeSessionsOf(trx, id, now, null);
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'user.password_reset', subject: { type: 'user', id }, ip: meta.ip, reason, details: { sessionsEnded: ended } });
    });
    return { password };
  }

  /** Removes a user's authenticator (a lost phone); they can enrol again after signing in. */
  async resetTotp(actor: Actor, id: string, reason: string, meta: RequestMeta): Promise<UserView> {
    const u = await this.manageable(actor, id, meta);
    if (u.id === actor.id) throw await this.selfChange(actor, u, meta, 'remove your own authenticator with a code from it');
    if (u.totp_secret === null && u.totp_pending_secret === null) throw Conflict('totp_not_enrolled', `user ${u.username} has no authenticator`);
    await this.db.transact(async (trx) => {
      await trx.updateTable('users').set({ totp_secret: null, totp_pending_secret: null, totp_enrolled_at: null }).where('id', '=', id).execute();
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'user.totp_reset', subject: { type: 'user', id }, ip: meta.ip, reason });
    });
    return userView({ ...u, totp_secret: null });
  }

  /** Nobody manages their own account as an administrator: an audited 403 `self_change_forbidden`. */
  private selfChange(actor: Actor, u: UserRow, meta: RequestMeta, message: string) {
    return this.authz.deny(actor, 'user.manage', { type: 'user', id: u.id, unitId: u.unit_id }, 'self_change_forbidden', meta, message);
  }

  private async manageable(actor: Actor, id: string, meta: RequestMeta): Promise<UserRow> {
    const u = await this.repo.userById(id);
    // Someone outside the administrator's subtree is not revealed.
    if (!u || !(await this.units.subtreeIds(actor.unitId)).includes(u.unit_id)) {
      await this.authz.require(actor, 'user.manage', { type: 'user', id, unitId: null }, meta);
      throw NotFound('user_not_found', `no user ${id}`);
    }
    await this.authz.require(actor, 'user.manage', { type: 'user', id, unitId: u.unit_id }, meta);
    return u;
  }

  countUsers(): Promise<number> {
    return this.repo.countUsers();
  }

  subtreeIds(unitId: string): Promise<string[]> {
    return this.units.subtreeIds(unitId);
  }

  userByUsername(username: string): Promise<UserRow | undefined> {
    return this.repo.userByUsername(username);
  }

  userById(id: string): Promise<UserRow | undefined> {
    return this.repo.userById(id);
  }

  userByBadge(badge: string): Promise<UserRow | undefined> {
    return this.repo.userByBadge(badge);
  }

  unitByCode(code: string): Promise<UnitRow | undefined> {
    return this.repo.unitByCode(code);
  }

  unitById(id: string): Promise<UnitRow | undefined> {
    return this.repo.unitById(id);
  }
}
