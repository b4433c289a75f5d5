import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Retention guards (issue 4 review): the database itself refuses what only the retention process,
 * with an approved batch, may do — and the expiry scan gets an index it can page along.
 *
 * - A recording is marked deleted only through an approved deletion batch whose recovery window
 *   is over and that lists it (same id, same blob hash, still pending). A plain
 *   `UPDATE recordings SET deleted_at = …` is refused even for an unprotected recording.
 * - A tombstone is accepted only for a recording already marked deleted by that same batch, with
 *   the same blob hash, the batch approved and listing it. A forged `INSERT INTO tombstones` for a
 *   live (held, marked, case-linked, or merely unexpired) recording is refused, so the sweep that
 *   removes the bytes of tombstoned recordings can never be pointed at a live original. (The
 *   deleting transaction marks the recording deleted first, then inserts the tombstone.)
 * - `recordings_expiry (ended_at, id)` replaces `recordings_ended (ended_at)`: the dry run pages
 *   by (end time, id) — keyset paging on an index in the order it reads, on both dialects, with
 *   no sort per page and no dependence on planner statistics.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.createIndex('recordings_expiry').on('recordings').columns(['ended_at', 'id']).execute();
  await db.schema.dropIndex('recordings_ended').execute();

  const approvedBatchLists = (rec: string, sha: string, batch: string, extra: string) => `EXISTS (SELECT 1 FROM deletion_batches b JOIN deletion_batch_items i ON i.batch_id = b.id
      WHERE b.id = ${batch} AND b.status = 'approved' AND i.recording_id = ${rec} AND i.sha256 = ${sha}${extra})`;
  const deletionAllowed = approvedBatchLists('NEW.id', 'NEW.blob_sha256', 'NEW.deletion_batch_id', ` AND i.outcome = 'pending' AND b.recovery_until IS NOT NULL AND b.recovery_until <= NEW.deleted_at`);
  const tombstoneAllowed = `EXISTS (SELECT 1 FROM recordings r WHERE r.id = NEW.recording_id AND r.deleted_at IS NOT NULL AND r.blob_sha256 = NEW.sha256 AND r.deletion_batch_id = NEW.batch_id)
    AND ${approvedBatchLists('NEW.recording_id', 'NEW.sha256', 'NEW.batch_id', '')}`;
  const deletionMessage = 'a recording cannot be deleted except by an approved deletion batch past its recovery window that lists it';
  const tombstoneMessage = 'a tombstone needs its recording already marked deleted by an approved batch, with the same blob hash';

  if (dialect === 'sqlite') {
    await sql.raw(`CREATE TRIGGER recordings_deletion_approved BEFORE UPDATE OF deleted_at ON recordings WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL AND NOT (${deletionAllowed}) BEGIN SELECT RAISE(ABORT, '${deletionMessage}'); END`).execute(db);
    // SQLite fires the newest trigger first: re-create the protection trigger of 006 (unchanged) so a
    // held, marked or open-case recording is still refused with that reason before this one's.
    const protectedTrigger = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'recordings_protected'`.execute(db);
    const definition = protectedTrigger.rows[0]?.sql;
    if (definition) {
      await sql.raw('DROP TRIGGER recordings_protected').execute(db);
      await sql.raw(definition).execute(db);
    }
    await sql.raw(`CREATE TRIGGER tombstones_guard BEFORE INSERT ON tombstones WHEN NOT (${tombstoneAllowed}) BEGIN SELECT RAISE(ABORT, '${tombstoneMessage}'); END`).execute(db);
    return;
  }
  // PostgreSQL fires triggers in name order: recordings_deletion (006, protection) before this one.
  await sql
    .raw(
      `CREATE FUNCTION custodia_recordings_deletion_approved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL AND NOT (${deletionAllowed}) THEN RAISE EXCEPTION '${deletionMessage}'; END IF;
        RETURN NEW; END $$`,
    )
    .execute(db);
  await sql.raw(`CREATE TRIGGER recordings_deletion_approved BEFORE UPDATE OF deleted_at ON recordings FOR EACH ROW EXECUTE FUNCTION custodia_recordings_deletion_approved()`).execute(db);
  await sql
    .raw(
      `CREATE FUNCTION custodia_tombstones_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF NOT (${tombstoneAllowed}) THEN RAISE EXCEPTION '${tombstoneMessage}'; END IF;
        RETURN NEW; END $$`,
    )
    .execute(db);
  await sql.raw(`CREATE TRIGGER tombstones_guard BEFORE INSERT ON tombstones FOR EACH ROW EXECUTE FUNCTION custodia_tombstones_guard()`).execute(db);
}
