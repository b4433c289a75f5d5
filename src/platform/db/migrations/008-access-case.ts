import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * An access request may name a case (all of its recordings the requester may know about), and
 * keeps the label of the reason it was asked under — a profile's list may change later, the
 * request's words must not. Requests made before this migration have neither (null).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('access_requests').addColumn('case_id', 'text', (c) => c.references('cases.id')).execute();
  // JSON {"zh","en"}.
  await db.schema.alterTable('access_requests').addColumn('reason_label', 'text').execute();
  await db.schema.createIndex('access_requests_case').on('access_requests').columns(['case_id']).execute();
}
