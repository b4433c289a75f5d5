import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Devices (R-DEV-REG, R-DEV-LOAN, R-DEV-CHECK, R-DEV-FAULT): the registry, the issue/return
 * ledger (loans), checks and clock calibrations, faults and repairs, and the history of every
 * transition. The database holds the custody invariants: one open loan per device (a unique
 * partial index, on SQLite and PostgreSQL alike), unique codes and serials.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  const ms = 'bigint';

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // 统一编号: the number the agency paints on the device.
    .addColumn('code', 'text', (c) => c.notNull().unique())
    // The recorder's product serial, as it stamps it into file names (several NULLs are allowed).
    .addColumn('serial', 'text', (c) => c.unique())
    .addColumn('model', 'text')
    .addColumn('asset_number', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('keeper_id', 'text', (c) => c.references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('maintenance_interval_days', 'integer')
    .addColumn('notes', 'text')
    .addColumn('last_inspected_at', ms)
    // The latest calibration, kept on the device for lists (the history is device_calibrations).
    .addColumn('clock_offset_ms', ms)
    .addColumn('clock_calibrated_at', ms)
    // Bumped by every change: transitions update only the version they read (compare-and-set).
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('retired_at', ms)
    .execute();
  await db.schema.createIndex('devices_unit_status').on('devices').columns(['unit_id', 'status', 'code']).execute();

  await db.schema
    .createTable('device_loans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('officer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('issued_by', 'text', (c) => c.references('users.id'))
    .addColumn('issued_at', ms, (c) => c.notNull())
    .addColumn('due_at', ms, (c) => c.notNull())
    .addColumn('issue_notes', 'text')
    .addColumn('returned_at', ms)
    .addColumn('received_by', 'text', (c) => c.references('users.id'))
    .addColumn('return_notes', 'text')
    .execute();
  // A device is issued at most once at a time, whatever races the desk (two processes, two clicks).
  await db.schema.createIndex('device_loans_one_open').on('device_loans').column('device_id').unique().where(sql.ref('returned_at'), 'is', null).execute();
  await db.schema.createIndex('device_loans_device').on('device_loans').columns(['device_id', 'issued_at']).execute();
  await db.schema.createIndex('device_loans_officer').on('device_loans').columns(['officer_id', 'issued_at']).execute();
  await db.schema.createIndex('device_loans_due').on('device_loans').columns(['returned_at', 'due_at']).execute();

  await db.schema
    .createTable('device_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('loan_id', 'text', (c) => c.references('device_loans.id'))
    // pre_use · return · inspection (routine maintenance inspection)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('checked_at', ms, (c) => c.notNull())
    .addColumn('checked_by', 'text', (c) => c.references('users.id'))
    .addColumn('battery_percent', 'integer')
    // ok · low · full · error
    .addColumn('storage_state', 'text')
    .addColumn('free_bytes', ms)
    .addColumn('damage', 'text')
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text')
    .execute();
  await db.schema.createIndex('device_checks_device').on('device_checks').columns(['device_id', 'checked_at']).execute();

  await db.schema
    .createTable('device_calibrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('check_id', 'text', (c) => c.references('device_checks.id'))
    .addColumn('loan_id', 'text', (c) => c.references('device_loans.id'))
    // True (server) time of the measurement.
    .addColumn('measured_at', ms, (c) => c.notNull())
    .addColumn('measured_by', 'text', (c) => c.references('users.id'))
    // The time the device showed, when the offset was computed from a reading.
    .addColumn('device_time', ms)
    // device − true, ms.
    .addColumn('offset_ms', ms, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('device_calibrations_device').on('device_calibrations').columns(['device_id', 'measured_at']).execute();

  await db.schema
    .createTable('device_faults')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('loan_id', 'text', (c) => c.references('device_loans.id'))
    .addColumn('reported_at', ms, (c) => c.notNull())
    .addColumn('reported_by', 'text', (c) => c.references('users.id'))
    // fault · weather · battery · storage · damage · other
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('resolved_at', ms)
    .addColumn('resolution', 'text')
    .execute();
  await db.schema.createIndex('device_faults_device').on('device_faults').columns(['device_id', 'reported_at']).execute();

  await db.schema
    .createTable('device_repairs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('sent_at', ms, (c) => c.notNull())
    .addColumn('sent_by', 'text', (c) => c.references('users.id'))
    .addColumn('repairer', 'text')
    .addColumn('reference', 'text')
    .addColumn('notes', 'text')
    .addColumn('returned_at', ms)
    .addColumn('received_by', 'text', (c) => c.references('users.id'))
    // repaired · not_repaired
    .addColumn('outcome', 'text')
    .addColumn('outcome_notes', 'text')
    .execute();
  await db.schema.createIndex('device_repairs_device').on('device_repairs').columns(['device_id', 'sent_at']).execute();

  // Every change of a device, with the state before and after (the desk's own ledger; each row's
  // entry in the audit ledger is `ledger_seq`).
  await db.schema
    .createTable('device_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('status_before', 'text')
    .addColumn('status_after', 'text', (c) => c.notNull())
    .addColumn('loan_id', 'text', (c) => c.references('device_loans.id'))
    // JSON: the fields before and after, the check, the calibration, the fault…
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('ledger_seq', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('device_events_device').on('device_events').columns(['device_id', 'at']).execute();
}
