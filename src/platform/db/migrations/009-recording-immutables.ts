import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Set once, then never changed (issue 4 review): a recording's unified code (统一编码) is stable,
 * and it keeps the profile version that governed it (R-PROFILE). Like the original facts guarded
 * by 001, the database itself refuses an UPDATE that changes `code`, `profile_id` or
 * `profile_version` once it holds a value — to another value or back to NULL.
 *
 * The one legitimate write stays open: giving a value to a column that is still NULL. Rows imported
 * before codes and profiles existed get their code once (`RecordingsService.assignMissingCodes`);
 * an import writes all three in its INSERT, which no UPDATE trigger sees.
 */
export const ASSIGNED_ONCE_RECORDING_COLUMNS = ['code', 'profile_id', 'profile_version'] as const;

const MESSAGE = 'a recording keeps its unified code and its profile version: they are set once and never changed';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const columns = ASSIGNED_ONCE_RECORDING_COLUMNS.join(', ');
  const changed = ASSIGNED_ONCE_RECORDING_COLUMNS.map((c) =>
    dialect === 'postgres' ? `(OLD.${c} IS NOT NULL AND NEW.${c} IS DISTINCT FROM OLD.${c})` : `(OLD.${c} IS NOT NULL AND NEW.${c} IS NOT OLD.${c})`,
  ).join(' OR ');
  if (dialect === 'sqlite') {
    // UPDATE OF: the trigger runs only for statements that name one of these columns (never for
    // the deletion's `deleted_at`, so 006/007's protection triggers keep answering those first).
    await sql.raw(`CREATE TRIGGER recordings_assigned_once BEFORE UPDATE OF ${columns} ON recordings WHEN ${changed} BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`).execute(db);
    return;
  }
  await sql
    .raw(`CREATE FUNCTION custodia_recordings_assigned_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ${changed} THEN RAISE EXCEPTION '${MESSAGE}'; END IF; RETURN NEW; END $$`)
    .execute(db);
  await sql.raw(`CREATE TRIGGER recordings_assigned_once BEFORE UPDATE OF ${columns} ON recordings FOR EACH ROW EXECUTE FUNCTION custodia_recordings_assigned_once()`).execute(db);
}
