import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The evidence core: units, users, sessions, blobs, imports, recordings, derivatives, jobs
 * and the audit ledger. Portable DDL through Kysely; only the immutability triggers are
 * written once per dialect.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bin = dialect === 'postgres' ? 'bytea' : 'blob';
  const ms = 'bigint';

  await db.schema
    .createTable('units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('units.id'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('badge', 'text', (c) => c.unique())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('password_changed_at', ms, (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('revoked_at', ms)
    .addColumn('last_used_at', ms)
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id', 'kind']).execute();

  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', ms, (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('import_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('station', 'text', (c) => c.notNull())
    .addColumn('collected_by', 'text', (c) => c.references('users.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('device_serial', 'text')
    .addColumn('officer_badge', 'text')
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('finished_at', ms)
    .addColumn('files_total', 'integer', (c) => c.notNull())
    .addColumn('files_imported', 'integer', (c) => c.notNull())
    .addColumn('files_duplicate', 'integer', (c) => c.notNull())
    .addColumn('files_failed', 'integer', (c) => c.notNull())
    .addColumn('bytes', ms, (c) => c.notNull())
    .addColumn('wiped', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('blob_sha256', 'text', (c) => c.notNull().unique().references('blobs.sha256'))
    .addColumn('size', ms, (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('source_path', 'text', (c) => c.notNull())
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.references('import_batches.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('device_serial', 'text')
    .addColumn('officer_badge', 'text')
    .addColumn('collected_by', 'text', (c) => c.references('users.id'))
    .addColumn('collected_at', ms, (c) => c.notNull())
    .addColumn('station', 'text', (c) => c.notNull())
    .addColumn('file_name_pattern', 'text')
    .addColumn('device_started_at', ms)
    .addColumn('device_ended_at', ms)
    .addColumn('clock_offset_ms', ms, (c) => c.notNull())
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('ended_at', ms)
    .addColumn('time_source', 'text', (c) => c.notNull())
    .addColumn('duration_ms', ms)
    .addColumn('import_delay_ms', ms)
    .addColumn('media_probed', 'integer', (c) => c.notNull())
    .addColumn('media', 'text')
    .addColumn('container', 'text')
    .addColumn('video_codec', 'text')
    .addColumn('audio_codec', 'text')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('playable', 'integer', (c) => c.notNull())
    .addColumn('damaged', 'integer', (c) => c.notNull())
    .addColumn('damage_reason', 'text')
    .addColumn('title', 'text')
    .addColumn('description', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  // Search paths: unit subtree + time, officer + time, device + time; id breaks ties for a stable sort.
  await db.schema.createIndex('recordings_unit_time').on('recordings').columns(['unit_id', 'started_at', 'id']).execute();
  await db.schema.createIndex('recordings_officer_time').on('recordings').columns(['officer_badge', 'started_at', 'id']).execute();
  await db.schema.createIndex('recordings_device_time').on('recordings').columns(['device_serial', 'started_at', 'id']).execute();
  await db.schema.createIndex('recordings_time').on('recordings').columns(['started_at', 'id']).execute();

  await db.schema
    .createTable('import_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('import_batches.id'))
    .addColumn('source_path', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recording_id', 'text', (c) => c.references('recordings.id'))
    .addColumn('sha256', 'text')
    .addColumn('size', ms)
    .addColumn('error', 'text')
    .addColumn('flags', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_items_batch').on('import_items').column('batch_id').execute();

  await db.schema
    .createTable('derivatives')
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size', ms, (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('derivatives_pk', ['recording_id', 'kind'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('run_after', ms, (c) => c.notNull())
    .addColumn('locked_until', ms)
    .addColumn('result', 'text')
    .addColumn('progress', 'double precision', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_ready').on('jobs').columns(['status', 'run_after']).execute();

  await db.schema
    .createTable('audit_entries')
    // On SQLite exactly "integer primary key" makes seq the rowid: one B-tree instead of two.
    .addColumn('seq', dialect === 'sqlite' ? 'integer' : ms, (c) => c.primaryKey())
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('leaf', bin, (c) => c.notNull())
    .addColumn('leaf_hash', bin, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_subject').on('audit_entries').columns(['subject_type', 'subject_id', 'seq']).execute();
  await db.schema.createIndex('audit_actor').on('audit_entries').columns(['actor_id', 'seq']).execute();

  await db.schema
    .createTable('audit_nodes')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', ms, (c) => c.notNull())
    .addColumn('hash', bin, (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_nodes_pk', ['level', 'idx'])
    // SQLite: the primary key is the table (no separate rowid B-tree).
    .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
    .execute();

  await db.schema
    .createTable('audit_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', ms, (c) => c.notNull())
    .addColumn('root', bin, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tree_heads')
    .addColumn('size', ms, (c) => c.primaryKey())
    .addColumn('root', bin, (c) => c.notNull())
    .addColumn('signed_at', ms, (c) => c.notNull())
    .addColumn('signature', bin, (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('site_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await createImmutabilityTriggers(db, dialect);
}

/** Columns of a recording that are facts of the original and never change after import. */
export const IMMUTABLE_RECORDING_COLUMNS = [
  'id', 'blob_sha256', 'size', 'original_name', 'source_path', 'source_kind', 'batch_id',
  'collected_by', 'collected_at', 'station', 'device_started_at', 'created_at',
] as const;

const APPEND_ONLY_TABLES = ['audit_entries', 'audit_nodes', 'tree_heads', 'site_keys', 'blobs'] as const;

async function createImmutabilityTriggers(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const changed = IMMUTABLE_RECORDING_COLUMNS.map((c) =>
    dialect === 'postgres' ? `NEW.${c} IS DISTINCT FROM OLD.${c}` : `NEW.${c} IS NOT OLD.${c}`,
  ).join(' OR ');
  if (dialect === 'sqlite') {
    for (const t of APPEND_ONLY_TABLES) {
      await sql.raw(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`).execute(db);
      await sql.raw(`CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`).execute(db);
    }
    await sql.raw(`CREATE TRIGGER recordings_immutable BEFORE UPDATE ON recordings WHEN ${changed} BEGIN SELECT RAISE(ABORT, 'recording original facts are immutable'); END`).execute(db);
    await sql.raw(`CREATE TRIGGER recordings_no_delete BEFORE DELETE ON recordings BEGIN SELECT RAISE(ABORT, 'recordings are removed only by the retention process'); END`).execute(db);
    return;
  }
  await sql.raw(`CREATE FUNCTION custodia_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`).execute(db);
  for (const t of APPEND_ONLY_TABLES) {
    await sql.raw(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION custodia_refuse()`).execute(db);
    // TRUNCATE fires no row triggers: refuse it with a statement trigger.
    await sql.raw(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION custodia_refuse()`).execute(db);
  }
  await sql.raw(`CREATE FUNCTION custodia_recordings_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ${changed} THEN RAISE EXCEPTION 'recording original facts are immutable'; END IF; RETURN NEW; END $$`).execute(db);
  await sql.raw(`CREATE TRIGGER recordings_immutable BEFORE UPDATE ON recordings FOR EACH ROW EXECUTE FUNCTION custodia_recordings_immutable()`).execute(db);
  await sql.raw(`CREATE TRIGGER recordings_no_delete BEFORE DELETE ON recordings FOR EACH ROW EXECUTE FUNCTION custodia_refuse()`).execute(db);
  await sql.raw(`CREATE TRIGGER recordings_no_truncate BEFORE TRUNCATE ON recordings FOR EACH STATEMENT EXECUTE FUNCTION custodia_refuse()`).execute(db);
}
