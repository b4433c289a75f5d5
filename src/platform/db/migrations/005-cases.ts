import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Cases and enforcement activities (R-CASE) with their linked recordings, and work records of
 * interrupted or unmade recordings (R-INTERRUPT).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  const ms = 'bigint';
  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('case_type', 'text')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('supervised_party', 'text')
    .addColumn('officer_ids', 'text', (c) => c.notNull())
    .addColumn('documents_started_at', ms)
    .addColumn('documents_ended_at', ms)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('closed_at', ms)
    // Case-file retention: records used as evidence are kept as long as the file (null: not set; see retention).
    .addColumn('file_retention_until', ms)
    .addColumn('file_retention_permanent', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cases_unit').on('cases').columns(['unit_id', 'created_at']).execute();
  await db.schema.createIndex('cases_status').on('cases').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('case_recordings')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    .addColumn('linked_by', 'text', (c) => c.references('users.id'))
    .addColumn('linked_at', ms, (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('case_recordings_pk', ['case_id', 'recording_id'])
    .execute();
  await db.schema.createIndex('case_recordings_recording').on('case_recordings').columns(['recording_id', 'case_id']).execute();

  await db.schema
    .createTable('work_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('recording_id', 'text', (c) => c.references('recordings.id'))
    .addColumn('officer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('occurred_at', ms, (c) => c.notNull())
    .addColumn('activity', 'text')
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('reason_text', 'text')
    .addColumn('stated_on_restart', 'integer')
    .addColumn('legal_basis', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', ms)
    .addColumn('decision_reason', 'text')
    .addColumn('filed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('filed_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('work_records_unit').on('work_records').columns(['unit_id', 'occurred_at']).execute();
  await db.schema.createIndex('work_records_case').on('work_records').columns(['case_id']).execute();
}
