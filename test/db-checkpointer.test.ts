import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../src/platform/db/checkpointer.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { tempDir } from './support/app.js';

/**
 * WAL checkpoints on a worker thread (`custodia serve`): a commit only appends to the WAL, the
 * worker copies it into the database file, and nothing committed is lost. Observed through the
 * database file's size: pages reach it only by a checkpoint.
 */

const ROWS = 64;
const ROW_BYTES = 64 * 1024; // 4 MiB in all: ~1,000 WAL pages, the default automatic threshold

let site: { db: Database; file: string; cleanup(): Promise<void> } | undefined;

async function openSite(): Promise<{ db: Database; file: string; cleanup(): Promise<void> }> {
  const tmp = await tempDir('custodia-wal-');
  const file = path.join(tmp.dir, 'site.db');
  const db = openDatabase(`sqlite://${file}`);
  db.sqlite!.exec('create table payload (id integer primary key, body blob not null)');
  site = { db, file, cleanup: () => tmp.cleanup() };
  return site;
}

/** One commit of ROWS × ROW_BYTES random bytes (more than the default 1,000-page threshold). */
function bigCommit(db: Database, from: number): void {
  const insert = db.sqlite!.prepare('insert into payload (id, body) values (?, ?)');
  db.sqlite!.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(from + i, randomBytes(ROW_BYTES));
  })();
}

const fileSize = (file: string) => statSync(file).size;
const DATA = ROWS * ROW_BYTES;

afterEach(async () => {
  await site?.db.close();
  await site?.cleanup();
  site = undefined;
});

describe('background WAL checkpoints', () => {
  it('without them, a large commit checkpoints itself before it returns (the default)', async () => {
    const { db, file } = await openSite();
    bigCommit(db, 0);
    bigCommit(db, ROWS);
    expect(fileSize(file)).toBeGreaterThan(DATA);
  });

  it('with them, a commit only appends to the WAL; the worker moves it into the database file; nothing is lost', async () => {
    const { db, file } = await openSite();
    const errors: string[] = [];
    db.startBackgroundCheckpoints((m) => errors.push(m), 60_000);
    expect(db.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(WalCheckpointer.SAFETY_NET_PAGES);
    const before = fileSize(file);
    bigCommit(db, 0);
    bigCommit(db, ROWS);
    // The worker's next turn is a minute away: the commits left their pages in the WAL.
    expect(fileSize(file)).toBeLessThan(before + DATA);
    expect(fileSize(`${file}-wal`)).toBeGreaterThan(2 * DATA);
    await db.close();
    // Stopping ran a last checkpoint: the data is in the database file itself.
    expect(fileSize(file)).toBeGreaterThan(2 * DATA);
    const again = openDatabase(`sqlite://${file}`);
    try {
      expect(again.sqlite!.prepare('select count(*) n, sum(length(body)) bytes from payload').get()).toEqual({ n: 2 * ROWS, bytes: 2 * DATA });
    } finally {
      await again.close();
    }
    expect(errors).toEqual([]);
  });

  it('checkpoints on its own turn while the site keeps committing; starts once per site', async () => {
    const { db, file } = await openSite();
    const errors: string[] = [];
    db.startBackgroundCheckpoints((m) => errors.push(m), 20);
    bigCommit(db, 0);
    await expect.poll(() => fileSize(file), { timeout: 10_000, interval: 20 }).toBeGreaterThan(DATA);
    bigCommit(db, ROWS);
    await expect.poll(() => fileSize(file), { timeout: 10_000, interval: 20 }).toBeGreaterThan(2 * DATA);
    expect(db.sqlite!.prepare('select count(*) n from payload').get()).toEqual({ n: 2 * ROWS });
    db.startBackgroundCheckpoints((m) => errors.push(`second: ${m}`)); // a second start is a no-op
    expect(errors).toEqual([]);
  });

  it('a process that closes its site waits for the worker to stop, then goes on', async () => {
    // The worker does not keep a process alive while it runs; closing must, until it has stopped
    // (a process with nothing else to do used to end inside close(), silently, exit code 0).
    const tmp = await tempDir('custodia-wal-child-');
    try {
      const compiled = process.env.CUSTODIA_TEST_CLI;
      const moduleUrl = compiled
        ? pathToFileURL(path.join(path.dirname(compiled), 'platform/db/database.js')).href
        : pathToFileURL(path.resolve(import.meta.dirname, '../src/platform/db/database.ts')).href;
      const script = path.join(tmp.dir, 'child.mjs');
      writeFileSync(
        script,
        [
          `const { openDatabase } = await import(${JSON.stringify(moduleUrl)});`,
          `const db = openDatabase(${JSON.stringify(`sqlite://${path.join(tmp.dir, 'child.db')}`)});`,
          "db.sqlite.exec('create table t (x blob)');",
          "db.startBackgroundCheckpoints((m) => console.error(m));",
          "db.sqlite.prepare('insert into t values (randomblob(4096))').run();",
          'await db.close();',
          "console.log('after close');",
        ].join('\n'),
      );
      const { stdout } = await promisify(execFile)(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), script]);
      expect(stdout).toBe('after close\n');
    } finally {
      await tmp.cleanup();
    }
  });

  it('does nothing for a database in memory', async () => {
    const db = openDatabase('sqlite://:memory:');
    try {
      db.startBackgroundCheckpoints(() => undefined);
      expect(db.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await db.close();
    }
  });
});
