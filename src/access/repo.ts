import type { Database, Executor, Trx } from '../platform/db/database.js';
import type { AccessActionId, AccessRequestItemTable, AccessRequestTable, AccessUseTable } from '../platform/db/schema.js';
import type { RequestStanding } from './grant-state.js';

export type AccessRequestRow = AccessRequestTable;
export type AccessItemRow = AccessRequestItemTable;
export type AccessUseRow = AccessUseTable;

export interface RequestListQuery {
  requesterId?: string | undefined;
  requesterUnitIds?: string[] | undefined;
  /** Requests touching any recording of these units. */
  recordingUnitIds?: string[] | undefined;
  status?: AccessRequestRow['status'] | undefined;
  before?: number | undefined;
  limit: number;
}

export class AccessRepo {
  constructor(private readonly db: Database) {}

  async insertRequest(trx: Trx, row: AccessRequestRow, items: AccessItemRow[]): Promise<void> {
    await trx.insertInto('access_requests').values(row).execute();
    for (let i = 0; i < items.length; i += 200) await trx.insertInto('access_request_items').values(items.slice(i, i + 200)).execute();
  }

  /** The roles someone holds now (none for an unknown id). */
  async rolesOf(userId: string): Promise<string[]> {
    const u = await this.db.kysely.selectFrom('users').select('roles').where('id', '=', userId).executeTakeFirst();
    return u ? (JSON.parse(u.roles) as string[]) : [];
  }

  byId(id: string, ex: Executor = this.db.kysely): Promise<AccessRequestRow | undefined> {
    return ex.selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirst();
  }

  items(requestId: string, ex: Executor = this.db.kysely): Promise<AccessItemRow[]> {
    return ex.selectFrom('access_request_items').selectAll().where('request_id', '=', requestId).orderBy('recording_id').execute();
  }

  /** Every request of `userId` for `action` that names `recordingId`. */
  standings(userId: string, recordingId: string, action: AccessActionId): Promise<RequestStanding[]> {
    return this.db.kysely
      .selectFrom('access_request_items as i')
      .innerJoin('access_requests as r', 'r.id', 'i.request_id')
      .select(['r.id as requestId', 'r.status', 'i.granted', 'r.expires_at as expiresAt', 'r.revoked_at as revokedAt'])
      .where('i.recording_id', '=', recordingId)
      .where('r.requester_id', '=', userId)
      .where('r.action', '=', action)
      .execute()
      .then((rows) => rows.map((r) => ({ requestId: r.requestId, status: r.status, granted: r.granted === 1, expiresAt: r.expiresAt, revokedAt: r.revokedAt })));
  }

  /** Decides a pending request; false when it was no longer pending (someone else decided first). */
  async decide(trx: Trx, id: string, set: Pick<AccessRequestRow, 'status' | 'decided_by' | 'decided_at' | 'decision_reason' | 'expires_at'>): Promise<boolean> {
    const r = await trx.updateTable('access_requests').set(set).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async narrow(trx: Trx, requestId: string, grantedIds: readonly string[]): Promise<void> {
    await trx.updateTable('access_request_items').set({ granted: 0 }).where('request_id', '=', requestId).execute();
    for (let i = 0; i < grantedIds.length; i += 200) {
      await trx.updateTable('access_request_items').set({ granted: 1 }).where('request_id', '=', requestId).where('recording_id', 'in', grantedIds.slice(i, i + 200)).execute();
    }
  }

  async revoke(trx: Trx, id: string, by: string, at: number, reason: string): Promise<boolean> {
    const r = await trx
      .updateTable('access_requests')
      .set({ revoked_by: by, revoked_at: at, revoke_reason: reason })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async list(q: RequestListQuery): Promise<AccessRequestRow[]> {
    let query = this.db.kysely.selectFrom('access_requests').selectAll();
    if (q.requesterId) query = query.where('requester_id', '=', q.requesterId);
    if (q.requesterUnitIds) query = query.where('requester_unit_id', 'in', q.requesterUnitIds.length > 0 ? q.requesterUnitIds : ['']);
    if (q.recordingUnitIds) {
      const units = q.recordingUnitIds.length > 0 ? q.recordingUnitIds : [''];
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('access_request_items as i')
            .innerJoin('recordings as rec', 'rec.id', 'i.recording_id')
            .select('i.recording_id')
            .whereRef('i.request_id', '=', 'access_requests.id')
            .where('rec.unit_id', 'in', units),
        ),
      );
    }
    if (q.status) query = query.where('status', '=', q.status);
    if (q.before !== undefined) query = query.where('requested_at', '<', q.before);
    return query.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  }

  async insertUse(trx: Trx, row: AccessUseRow): Promise<void> {
    await trx.insertInto('access_uses').values(row).execute();
  }

  usesOfRequest(requestId: string): Promise<AccessUseRow[]> {
    return this.db.kysely.selectFrom('access_uses').selectAll().where('request_id', '=', requestId).orderBy('at').execute();
  }

  /** The access register: uses of recordings in `unitIds`, newest first. */
  register(q: { unitIds: string[]; userId?: string | undefined; recordingId?: string | undefined; from?: number | undefined; to?: number | undefined; limit: number; before?: number | undefined }) {
    let query = this.db.kysely
      .selectFrom('access_uses as u')
      .innerJoin('recordings as rec', 'rec.id', 'u.recording_id')
      .innerJoin('users as p', 'p.id', 'u.user_id')
      .leftJoin('access_requests as r', 'r.id', 'u.request_id')
      .select([
        'u.id',
        'u.at',
        'u.action',
        'u.served_kind',
        'u.sha256',
        'u.byte_range',
        'u.ip',
        'u.ledger_seq',
        'u.recording_id',
        'u.request_id',
        'rec.original_name',
        'rec.unit_id',
        'p.id as user_id',
        'p.username',
        'p.display_name',
        'r.reason_code',
        'r.reason_text',
      ])
      .where('rec.unit_id', 'in', q.unitIds.length > 0 ? q.unitIds : ['']);
    if (q.userId) query = query.where('u.user_id', '=', q.userId);
    if (q.recordingId) query = query.where('u.recording_id', '=', q.recordingId);
    if (q.from !== undefined) query = query.where('u.at', '>=', q.from);
    if (q.to !== undefined) query = query.where('u.at', '<', q.to);
    if (q.before !== undefined) query = query.where('u.at', '<', q.before);
    return query.orderBy('u.at', 'desc').limit(q.limit).execute();
  }
}
