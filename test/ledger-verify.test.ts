import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/leaf.js';
import { encodeLeaf } from '../src/audit/leaf.js';
import { leafHash } from '../src/audit/merkle.js';
import { verifyLedger, type LedgerProblem, type VerifyLedgerOptions } from '../src/audit/verify-ledger.js';
import { dialects, openTestApp, postgresSkipNote, type TestApp, type TestDialect } from './support/app.js';

/**
 * `verifyLedger` checks the ledger in aligned ranges (on worker threads for a SQLite file) and
 * combines them; it also checks every stored subtree node. Whatever the range size and the
 * number of threads, the report is the same, and each tampering is reported once, where it is.
 */

const SIZE = 150;
/** Signed heads at range edges (powers of two), inside ranges, and an unsigned tail. */
const HEAD_SIZES = [16, 17, 31, 32, 33, 64, 100, 128, 141];

function note(i: number): AuditEvent {
  return { actor: { id: `user-${i % 3}`, name: `officer ${i % 3}` }, action: 'test.note', subject: { type: 'note', id: `note-${i}` }, ip: null, details: { i } };
}

async function buildLedger(dialect: TestDialect): Promise<TestApp> {
  const t = await openTestApp({ dialect });
  // A new site has a few entries of its own (its creation) already.
  let appended = (await t.app.ledger.state()).size;
  expect(appended).toBeLessThan(HEAD_SIZES[0]!);
  for (const size of [...HEAD_SIZES, SIZE]) {
    const n = size - appended;
    await t.app.db.transact((trx) => t.app.ledger.appendMany(trx, Array.from({ length: n }, (_, k) => note(appended + k))));
    appended = size;
    if (size !== SIZE) await t.app.ledger.signHead();
  }
  return t;
}

/** SQL straight on the site's database, as someone with file access (triggers dropped where asked). */
async function raw(t: TestApp, statements: Array<[string, unknown[]]>, dropTriggersOf: Array<'audit_entries' | 'audit_nodes'> = []): Promise<void> {
  const url = t.config.databaseUrl;
  if (url.startsWith('postgres')) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      for (const table of dropTriggersOf) await c.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
      for (const [s, p] of statements) {
        let n = 0;
        await c.query(s.replace(/\?/g, () => `$${++n}`), p);
      }
    } finally {
      await c.end();
    }
    return;
  }
  const db = new SqliteDatabase(url.replace(/^sqlite:\/\//, ''));
  try {
    db.pragma('busy_timeout = 10000');
    for (const table of dropTriggersOf) db.exec(`DROP TRIGGER ${table}_no_update; DROP TRIGGER ${table}_no_delete;`);
    for (const [s, p] of statements) db.prepare(s).run(...p);
  } finally {
    db.close();
  }
}

/** The configurations that must agree: one range on this thread, small ranges here, small ranges on 2 worker threads. */
const CONFIGS: Array<[string, VerifyLedgerOptions]> = [
  ['one range', {}],
  ['ranges of 4 here', { chunkLevel: 2, workers: 0 }],
  ['ranges of 8 on 2 workers', { chunkLevel: 3, workers: 2 }],
  ['ranges of 32 on 3 workers', { chunkLevel: 5, workers: 3 }],
];

async function reports(t: TestApp): Promise<Array<{ config: string; entries: number; problems: LedgerProblem[] }>> {
  const out = [];
  for (const [config, opts] of CONFIGS) {
    const r = await verifyLedger(t.app.auditRepo, undefined, opts);
    out.push({ config, entries: r.entries, problems: [...r.problems].sort((a, b) => a.location.localeCompare(b.location) || a.kind.localeCompare(b.kind)) });
  }
  return out;
}

/** Every configuration gives the same report; returns it. */
async function agreedReport(t: TestApp): Promise<{ entries: number; problems: LedgerProblem[] }> {
  const all = await reports(t);
  for (const r of all.slice(1)) expect({ entries: r.entries, problems: r.problems }, r.config).toEqual({ entries: all[0]!.entries, problems: all[0]!.problems });
  return { entries: all[0]!.entries, problems: all[0]!.problems };
}

const where = (problems: LedgerProblem[]) => problems.map((p) => `${p.kind} @ ${p.location}`);

postgresSkipNote();

describe.each(dialects())('ledger verify in ranges (%s)', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('an intact ledger: no problem, every entry counted, whatever the ranges and threads', async () => {
    t = await buildLedger(dialect);
    const r = await agreedReport(t);
    expect(r).toEqual({ entries: SIZE, problems: [] });
    const full = await verifyLedger(t.app.auditRepo, undefined, { chunkLevel: 3, workers: 2 });
    expect(full).toMatchObject({ heads: HEAD_SIZES.length, unsignedEntries: SIZE - HEAD_SIZES[HEAD_SIZES.length - 1]! });
  });

  it('a changed subtree node: that node alone (low and high in the tree)', async () => {
    t = await buildLedger(dialect);
    await raw(t, [
      ['UPDATE audit_nodes SET hash = ? WHERE level = 1 AND idx = 20', [Buffer.alloc(32, 7)]],
      ['UPDATE audit_nodes SET hash = ? WHERE level = 6 AND idx = 1', [Buffer.alloc(32, 9)]],
    ], ['audit_nodes']);
    const r = await agreedReport(t);
    expect(where(r.problems)).toEqual(['node_changed @ tree node level 1 index 20', 'node_changed @ tree node level 6 index 1']);
  });

  it('deleted subtree nodes: one problem per run of a level; a forged node beyond the tree: that node', async () => {
    t = await buildLedger(dialect);
    await raw(t, [
      ['DELETE FROM audit_nodes WHERE level = 2 AND idx >= 3 AND idx <= 5', []],
      ['DELETE FROM audit_nodes WHERE level = 7 AND idx = 0', []],
      ['INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)', [3, 40, Buffer.alloc(32, 1)]],
    ], ['audit_nodes']);
    const r = await agreedReport(t);
    expect(where(r.problems)).toEqual(['node_missing @ tree node level 2 index 3..5', 'node_misplaced @ tree node level 3 index 40', 'node_missing @ tree node level 7 index 0']);
  });

  it('an entry rewritten with a recomputed leaf hash: the lowest node above it, and the heads covering it', async () => {
    t = await buildLedger(dialect);
    const seq = 50;
    const leaf = encodeLeaf(seq, Date.now(), { ...note(seq - 1), details: { i: 'rewritten' } });
    await raw(t, [['UPDATE audit_entries SET leaf = ?, leaf_hash = ?, at = ? WHERE seq = ?', [leaf, leafHash(leaf), (JSON.parse(leaf.toString()) as { at: number }).at, seq]]], ['audit_entries']);
    const r = await agreedReport(t);
    const heads = HEAD_SIZES.filter((h) => h >= seq).map((h) => `head_root_mismatch @ tree head size ${h}`);
    expect(where(r.problems).sort()).toEqual([...heads, 'node_changed @ tree node level 1 index 24', 'state_mismatch @ ledger state'].sort());
  });

  it('deleted entries across a range edge: one missing range; the nodes above them are not blamed', async () => {
    t = await buildLedger(dialect);
    await raw(t, [['DELETE FROM audit_entries WHERE seq >= 30 AND seq <= 35', []]], ['audit_entries']);
    const r = await agreedReport(t);
    expect(r.entries).toBe(SIZE - 6);
    expect(where(r.problems).filter((p) => !p.startsWith('head_root_mismatch') && !p.startsWith('state_mismatch'))).toEqual(['entry_missing @ ledger seq 30..35']);
  });

  it("a site written when level-0 subtrees were stored as nodes: its copies verify, and a changed copy is reported", async () => {
    t = await buildLedger(dialect);
    const rows = await t.app.db.kysely.selectFrom('audit_entries').select(['seq', 'leaf_hash']).orderBy('seq').execute();
    await raw(t, rows.map((r) => ['INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)', [0, r.seq - 1, Buffer.from(r.leaf_hash)]] as [string, unknown[]]));
    expect(await agreedReport(t)).toEqual({ entries: SIZE, problems: [] });
    // Proofs and appends read level 0 from the entries, so the copies change nothing for them.
    const p = await t.app.ledger.inclusionProof(77);
    expect(p?.leafHash).toBe(Buffer.from(rows[76]!.leaf_hash).toString('hex'));
    await raw(t, [['UPDATE audit_nodes SET hash = ? WHERE level = 0 AND idx = 76', [Buffer.alloc(32, 3)]]], ['audit_nodes']);
    expect(where((await agreedReport(t)).problems)).toEqual(['node_changed @ tree node level 0 index 76']);
  });
});
