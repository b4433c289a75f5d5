import type { Database, Executor } from '../platform/db/database.js';
import type { SessionTable, UnitTable, UserTable } from '../platform/db/schema.js';

export type UserRow = UserTable;
export type UnitRow = UnitTable;
export type SessionRow = SessionTable;

export class IdentityRepo {
  constructor(private readonly db: Database) {}

  unitByCode(code: string, ex: Executor = this.db.kysely): Promise<UnitRow | undefined> {
    return ex.selectFrom('units').selectAll().where('code', '=', code).executeTakeFirst();
  }

  unitById(id: string, ex: Executor = this.db.kysely): Promise<UnitRow | undefined> {
    return ex.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
  }

  rootUnits(ex: Executor = this.db.kysely): Promise<UnitRow[]> {
    return ex.selectFrom('units').selectAll().where('parent_id', 'is', null).orderBy('created_at').execute();
  }

  async insertUnit(ex: Executor, row: UnitRow): Promise<void> {
    await ex.insertInto('units').values(row).execute();
  }

  userByUsername(username: string, ex: Executor = this.db.kysely): Promise<UserRow | undefined> {
    return ex.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  userByBadge(badge: string, ex: Executor = this.db.kysely): Promise<UserRow | undefined> {
    return ex.selectFrom('users').selectAll().where('badge', '=', badge).executeTakeFirst();
  }

  userById(id: string, ex: Executor = this.db.kysely): Promise<UserRow | undefined> {
    return ex.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async countUsers(): Promise<number> {
    const r = await this.db.kysely.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async insertUser(ex: Executor, row: UserRow): Promise<void> {
    await ex.insertInto('users').values(row).execute();
  }

  async insertSession(ex: Executor, row: SessionRow): Promise<void> {
    await ex.insertInto('sessions').values(row).execute();
  }

  sessionById(id: string): Promise<SessionRow | undefined> {
    return this.db.kysely.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async revokeSession(ex: Executor, id: string, at: number): Promise<boolean> {
    const r = await ex.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Revokes every live browser session of a user except `keepId`; returns how many. */
  async revokeSessionsOf(ex: Executor, userId: string, at: number, keepId: string | null): Promise<number> {
    let q = ex.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('kind', '=', 'session').where('revoked_at', 'is', null);
    if (keepId) q = q.where('id', '!=', keepId);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Revokes every live session and API token of a user; returns how many. */
  async revokeAllOf(ex: Executor, userId: string, at: number): Promise<number> {
    const r = await ex.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async setPassword(ex: Executor, userId: string, hash: string, at: number): Promise<void> {
    await ex.updateTable('users').set({ password_hash: hash, password_changed_at: at, must_change_password: 0 }).where('id', '=', userId).execute();
  }

  async touchSession(id: string, at: number): Promise<void> {
    await this.db.kysely.updateTable('sessions').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  tokensOf(userId: string): Promise<SessionRow[]> {
    return this.db.kysely.selectFrom('sessions').selectAll().where('user_id', '=', userId).where('kind', '=', 'token').orderBy('created_at').execute();
  }
}
