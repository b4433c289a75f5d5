import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { filteredEntries, type EntryPage, type EntryRow } from './repo.js';

/** Whose eyes the ledger browser lists entries for. */
export interface LedgerViewer {
  /** The viewer's unit subtree (their unit and every unit below it). */
  unitIds: readonly string[];
  /** The highest sensitivity of recording they may know about (0 none … 3 state secret). */
  clearance: number;
}

/** Highest sensitivity a recording can carry: a viewer cleared for it sees every recording's entries. */
const MAX_SENSITIVITY = 3;

type Entries = ExpressionBuilder<DB, 'audit_entries'>;

/** Ledger subject types that name a row carrying its unit, and that row's table. */
const UNIT_SUBJECTS: ReadonlyArray<readonly [string, keyof DB]> = [
  ['device', 'devices'],
  ['user', 'users'],
  ['case', 'cases'],
  ['work_record', 'work_records'],
  ['import_batch', 'import_batches'],
  ['deletion_batch', 'deletion_batches'],
];

/**
 * An entry whose subject the viewer may not know about (issue 3: the existence of a recording
 * outside their unit subtree or above their clearance is hidden, not just its content). Subjects
 * that carry a unit — recordings, devices, users, cases, work records, import and deletion
 * batches, units — are withheld outside the subtree; a recording also above the clearance; an access
 * request when any recording it names is withheld. Site-wide subjects (settings, profiles,
 * sessions, tokens) and entries without a subject are listed. SQL only (correlated lookups by
 * primary key), so a page costs one query however much is withheld.
 */
function withheld(eb: Entries, v: { unitIds: readonly string[] | null; clearance: number }): Expression<SqlBool> {
  const about = (type: string, hidden: Expression<SqlBool>) => eb.and([eb('audit_entries.subject_type', '=', type), hidden]);
  const outside = (column: string, ids: readonly string[]) => sql<SqlBool>`${sql.ref(column)} not in (${sql.join(ids)})`;
  const cases: Array<Expression<SqlBool>> = [];
  const recordingParts = [...(v.unitIds ? [outside('r.unit_id', v.unitIds)] : []), ...(v.clearance < MAX_SENSITIVITY ? [sql<SqlBool>`r.sensitivity > ${v.clearance}`] : [])];
  if (recordingParts.length > 0) {
    const hiddenRecording = sql<SqlBool>`(${sql.join(recordingParts, sql` or `)})`;
    cases.push(about('recording', eb.exists(sql`(select 1 from recordings r where r.id = audit_entries.subject_id and ${hiddenRecording})`)));
    cases.push(
      about('access_request', eb.exists(sql`(select 1 from access_request_items i inner join recordings r on r.id = i.recording_id where i.request_id = audit_entries.subject_id and ${hiddenRecording})`)),
    );
  }
  if (v.unitIds) {
    for (const [type, table] of UNIT_SUBJECTS) cases.push(about(type, eb.exists(sql`(select 1 from ${sql.table(table)} s where s.id = audit_entries.subject_id and ${outside('s.unit_id', v.unitIds)})`)));
    cases.push(about('unit', outside('audit_entries.subject_id', v.unitIds)));
  }
  return eb.or(cases);
}

/**
 * The ledger browser's page: entries matching every given filter, ascending after `after` or newest
 * first before `before`, leaving out what the viewer may not know about (`withheld`). A withheld
 * entry is simply not listed — its seq is a gap; its inclusion proof stays public (it is hashes only).
 * `action` is exact, or a prefix when it ends in `*` (`recording.*`).
 */
export async function visibleEntries(
  db: Database,
  viewer: LedgerViewer,
  q: EntryPage,
): Promise<EntryRow[]> {
  // A viewer whose subtree is the whole site needs no unit test at all.
  const units = Number((await db.kysely.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const scope = { unitIds: viewer.unitIds.length >= units ? null : viewer.unitIds, clearance: viewer.clearance };
  let query = filteredEntries(db.kysely, q);
  // Entries without a subject are never withheld (and NOT of a NULL comparison would drop them).
  if (scope.unitIds !== null || scope.clearance < MAX_SENSITIVITY) query = query.where((eb) => eb.or([eb('audit_entries.subject_type', 'is', null), eb.not(withheld(eb, scope))]));
  return query.orderBy('seq', q.order).limit(q.limit).execute();
}
