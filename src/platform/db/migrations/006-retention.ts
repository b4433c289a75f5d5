import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Regulation profiles and retention (R-PROFILE, R-RETAIN, R-LONGTERM, R-DELETE, R-24H,
 * R-CLASSIFY): versioned profiles and their assignment to unit trees; on each recording the
 * profile version that governs it, its upload deadline, its unified code (统一编码) and, once
 * deleted, when and by which batch; long-term marks and legal holds; deletion batches and the
 * tombstones they leave. The database itself refuses to mark a protected recording deleted.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = 'bigint';

  await db.schema
    .createTable('profiles')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('based_on', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addPrimaryKeyConstraint('profiles_pk', ['id', 'version'])
    .execute();

  await db.schema
    .createTable('unit_profiles')
    .addColumn('unit_id', 'text', (c) => c.primaryKey().references('units.id'))
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('profile_version', 'integer', (c) => c.notNull())
    .addColumn('assigned_at', ms, (c) => c.notNull())
    .addColumn('assigned_by', 'text', (c) => c.references('users.id'))
    .execute();

  await db.schema.alterTable('recordings').addColumn('profile_id', 'text').execute();
  await db.schema.alterTable('recordings').addColumn('profile_version', 'integer').execute();
  await db.schema.alterTable('recordings').addColumn('upload_deadline_at', ms).execute();
  // 1 late, 0 on time, null when the profile sets no deadline or its anchor is unknown.
  await db.schema.alterTable('recordings').addColumn('late_import', 'integer').execute();
  await db.schema.alterTable('recordings').addColumn('code', 'text').execute();
  await db.schema.alterTable('recordings').addColumn('deleted_at', ms).execute();
  await db.schema.alterTable('recordings').addColumn('deletion_batch_id', 'text').execute();
  await db.schema.createIndex('recordings_code').on('recordings').column('code').unique().execute();
  // The last sequence number given per unified-code prefix (unit, device, day): an atomic counter.
  await db.schema
    .createTable('code_sequences')
    .addColumn('prefix', 'text', (c) => c.primaryKey())
    .addColumn('last', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recordings_late').on('recordings').columns(['late_import', 'unit_id', 'started_at']).execute();
  // Expiry scans go by end time; deleted_at is deliberately not indexed (an index on it would steal the search plans).
  await db.schema.createIndex('recordings_ended').on('recordings').column('ended_at').execute();

  await db.schema
    .createTable('long_term_marks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    .addColumn('reason_id', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('marked_by', 'text', (c) => c.references('users.id'))
    .addColumn('marked_at', ms, (c) => c.notNull())
    .addColumn('lifted_by', 'text', (c) => c.references('users.id'))
    .addColumn('lifted_at', ms)
    .addColumn('lift_reason', 'text')
    .execute();
  await db.schema.createIndex('long_term_marks_recording').on('long_term_marks').columns(['recording_id', 'lifted_at']).execute();

  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('placed_by', 'text', (c) => c.references('users.id'))
    .addColumn('placed_at', ms, (c) => c.notNull())
    .addColumn('lifted_by', 'text', (c) => c.references('users.id'))
    .addColumn('lifted_at', ms)
    .addColumn('lift_reason', 'text')
    .execute();
  await db.schema.createIndex('legal_holds_recording').on('legal_holds').columns(['recording_id', 'lifted_at']).execute();

  await db.schema
    .createTable('deletion_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('reason_text', 'text')
    .addColumn('recordings', 'integer', (c) => c.notNull())
    .addColumn('bytes', ms, (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.references('users.id'))
    .addColumn('proposed_at', ms, (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', ms)
    .addColumn('decision_reason', 'text')
    .addColumn('recovery_until', ms)
    .addColumn('restored_by', 'text', (c) => c.references('users.id'))
    .addColumn('restored_at', ms)
    .addColumn('restore_reason', 'text')
    .addColumn('executed_at', ms)
    .execute();
  await db.schema.createIndex('deletion_batches_status').on('deletion_batches').columns(['status', 'recovery_until']).execute();

  await db.schema
    .createTable('deletion_batch_items')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('deletion_batches.id'))
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', ms, (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('kept_reason', 'text')
    .addPrimaryKeyConstraint('deletion_batch_items_pk', ['batch_id', 'recording_id'])
    .execute();
  await db.schema.createIndex('deletion_batch_items_recording').on('deletion_batch_items').columns(['recording_id']).execute();

  await db.schema
    .createTable('tombstones')
    .addColumn('recording_id', 'text', (c) => c.primaryKey().references('recordings.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', ms, (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('device_serial', 'text')
    .addColumn('officer_badge', 'text')
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('ended_at', ms)
    .addColumn('deleted_at', ms, (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('deletion_batches.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('approvers', 'text', (c) => c.notNull())
    .addColumn('ledger_seq', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tombstones_sha256').on('tombstones').column('sha256').execute();

  await protectRecordings(db, dialect);
}

/**
 * Profile versions and tombstones never change; a recording marked deleted stays deleted; and no
 * recording under a legal hold, a long-term mark or an open case can be marked deleted — whatever
 * path tries it, SQL included.
 */
async function protectRecordings(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const protectedWhere = `EXISTS (SELECT 1 FROM legal_holds h WHERE h.recording_id = NEW.id AND h.lifted_at IS NULL)
    OR EXISTS (SELECT 1 FROM long_term_marks m WHERE m.recording_id = NEW.id AND m.lifted_at IS NULL)
    OR EXISTS (SELECT 1 FROM case_recordings l JOIN cases c ON c.id = l.case_id WHERE l.recording_id = NEW.id AND c.status = 'open')`;
  if (dialect === 'sqlite') {
    for (const t of ['profiles', 'tombstones']) {
      await sql.raw(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`).execute(db);
      await sql.raw(`CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`).execute(db);
    }
    await sql.raw(`CREATE TRIGGER recordings_deleted_final BEFORE UPDATE OF deleted_at ON recordings WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NOT OLD.deleted_at BEGIN SELECT RAISE(ABORT, 'a deleted recording stays deleted'); END`).execute(db);
    await sql.raw(`CREATE TRIGGER recordings_protected BEFORE UPDATE OF deleted_at ON recordings WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL AND (${protectedWhere}) BEGIN SELECT RAISE(ABORT, 'recording is under a hold, a long-term mark or an open case: it cannot be deleted'); END`).execute(db);
    return;
  }
  for (const t of ['profiles', 'tombstones']) {
    await sql.raw(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION custodia_refuse()`).execute(db);
    await sql.raw(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION custodia_refuse()`).execute(db);
  }
  await sql
    .raw(
      `CREATE FUNCTION custodia_recordings_deletion() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS DISTINCT FROM OLD.deleted_at THEN RAISE EXCEPTION 'a deleted recording stays deleted'; END IF;
        IF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL AND (${protectedWhere}) THEN
          RAISE EXCEPTION 'recording is under a hold, a long-term mark or an open case: it cannot be deleted';
        END IF;
        RETURN NEW; END $$`,
    )
    .execute(db);
  await sql.raw(`CREATE TRIGGER recordings_deletion BEFORE UPDATE OF deleted_at ON recordings FOR EACH ROW EXECUTE FUNCTION custodia_recordings_deletion()`).execute(db);
}
