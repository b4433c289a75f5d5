import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Custody and authority, identity side: clearance, forced password change and TOTP on users;
 * site settings; sensitivity and the responsible officer on recordings.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  const ms = 'bigint';
  await db.schema.alterTable('users').addColumn('clearance', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('users').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('users').addColumn('deactivated_at', ms).execute();
  // TOTP secrets are stored sealed (AES-256-GCM under a key derived from the site key), never in clear.
  await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_pending_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_enrolled_at', ms).execute();
  // The last time step whose code was accepted: a code is never accepted twice (replay).
  await db.schema.alterTable('users').addColumn('totp_last_step', ms).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .execute();

  // 0 none · 1 privacy · 2 commercial secret · 3 state secret (R-SECRET).
  await db.schema.alterTable('recordings').addColumn('sensitivity', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The officer responsible for the recording: from the badge in its file name, or the device's holder at the time.
  await db.schema.alterTable('recordings').addColumn('officer_id', 'text', (c) => c.references('users.id')).execute();
  await db.schema.createIndex('recordings_officer_id_time').on('recordings').columns(['officer_id', 'started_at', 'id']).execute();
}
