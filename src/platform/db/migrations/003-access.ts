import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Approval-gated access (R-ACCESS, R-ACCESS-LOG): requests for an action on recordings, their
 * items (an approval may narrow them), and the access register — one row per use of a grant.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  const ms = 'bigint';
  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('requester_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('requester_unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('reason_text', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_at', ms, (c) => c.notNull())
    .addColumn('requested_until', ms)
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', ms)
    .addColumn('decision_reason', 'text')
    .addColumn('expires_at', ms)
    .addColumn('revoked_by', 'text', (c) => c.references('users.id'))
    .addColumn('revoked_at', ms)
    .addColumn('revoke_reason', 'text')
    .execute();
  await db.schema.createIndex('access_requests_requester').on('access_requests').columns(['requester_id', 'requested_at']).execute();
  await db.schema.createIndex('access_requests_status').on('access_requests').columns(['status', 'requested_at']).execute();

  await db.schema
    .createTable('access_request_items')
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    // 1 when the approval covers this recording (an approver may narrow a request).
    .addColumn('granted', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_request_items_pk', ['request_id', 'recording_id'])
    .execute();
  await db.schema.createIndex('access_request_items_recording').on('access_request_items').columns(['recording_id', 'request_id']).execute();

  await db.schema
    .createTable('access_uses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.references('access_requests.id'))
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('served_kind', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('byte_range', 'text')
    .addColumn('ip', 'text')
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('ledger_seq', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_uses_request').on('access_uses').columns(['request_id', 'at']).execute();
  await db.schema.createIndex('access_uses_recording').on('access_uses').columns(['recording_id', 'at']).execute();
  await db.schema.createIndex('access_uses_user').on('access_uses').columns(['user_id', 'at']).execute();
}
