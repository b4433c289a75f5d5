import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database, Dialect } from './database.js';
import * as m001 from './migrations/001-evidence-core.js';
import * as m002 from './migrations/002-authority.js';
import * as m003 from './migrations/003-access.js';
import * as m004 from './migrations/004-devices.js';
import * as m005 from './migrations/005-cases.js';
import * as m006 from './migrations/006-retention.js';
import * as m007 from './migrations/007-retention-guards.js';
import * as m008 from './migrations/008-access-case.js';
import * as m009 from './migrations/009-recording-immutables.js';

interface DialectMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Migrations in order. Each is portable; a migration receives the dialect for the rare DDL that differs. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '001-evidence-core': m001,
  '002-authority': m002,
  '003-access': m003,
  '004-devices': m004,
  '005-cases': m005,
  '006-retention': m006,
  '007-retention-guards': m007,
  '008-access-case': m008,
  '009-recording-immutables': m009,
};

class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => m.up(db, this.dialect) };
    return Promise.resolve(out);
  }
}

/** Brings the schema up to date. Safe to call from several processes: Kysely takes a lock. */
export async function migrateToLatest(db: Database): Promise<void> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: new CodeMigrationProvider(db.dialect),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
  }
}
