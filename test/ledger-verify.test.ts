import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/leaf.js';
import { encodeLeaf } from '../src/audit/leaf.js';
import { leafHash, MerkleFrontier, STORED_MIN_LEVEL, verifyInclusion } from '../src/audit/merkle.js';
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
      ['UPDATE audit_nodes SET hash = ? WHERE level = 4 AND idx = 2', [Buffer.alloc(32, 7)]],
      ['UPDATE audit_nodes SET hash = ? WHERE level = 6 AND idx = 1', [Buffer.alloc(32, 9)]],
    ], ['audit_nodes']);
    const r = await agreedReport(t);
    expect(where(r.problems)).toEqual(['node_changed @ tree node level 4 index 2', 'node_changed @ tree node level 6 index 1']);
  });

  it('deleted subtree nodes: one problem per run of a level; a forged node beyond the tree: that node', async () => {
    t = await buildLedger(dialect);
    await raw(t, [
      ['DELETE FROM audit_nodes WHERE level = 4 AND idx >= 3 AND idx <= 5', []],
      ['DELETE FROM audit_nodes WHERE level = 7 AND idx = 0', []],
      ['INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)', [3, 40, Buffer.alloc(32, 1)]],
    ], ['audit_nodes']);
    const r = await agreedReport(t);
    expect(where(r.problems)).toEqual(['node_misplaced @ tree node level 3 index 40', 'node_missing @ tree node level 4 index 3..5', 'node_missing @ tree node level 7 index 0']);
  });

  it('an entry rewritten with a recomputed leaf hash: the lowest node above it, and the heads covering it', async () => {
    t = await buildLedger(dialect);
    const seq = 50;
    const leaf = encodeLeaf(seq, Date.now(), { ...note(seq - 1), details: { i: 'rewritten' } });
    await raw(t, [['UPDATE audit_entries SET leaf = ?, leaf_hash = ?, at = ? WHERE seq = ?', [leaf, leafHash(leaf), (JSON.parse(leaf.toString()) as { at: number }).at, seq]]], ['audit_entries']);
    const r = await agreedReport(t);
    const heads = HEAD_SIZES.filter((h) => h >= seq).map((h) => `head_root_mismatch @ tree head size ${h}`);
    expect(where(r.problems).sort()).toEqual([...heads, 'node_changed @ tree node level 4 index 3', 'state_mismatch @ ledger state'].sort());
  });

  it('columns that lie, a leaf that is not JSON, a leaf spelled differently: the same report from SQL-checked and JavaScript-checked ranges', async () => {
    t = await buildLedger(dialect);
    const [r60] = await t.app.db.kysely.selectFrom('audit_entries').select(['leaf']).where('seq', '=', 60).execute();
    const notJson = Buffer.from('{"v":1,"seq":40, this is not JSON');
    // The same values, spelled as no encoder writes them: seq 60 as 60.0.
    const respelled = Buffer.from(Buffer.from(r60!.leaf).toString('utf8').replace('"seq":60,', '"seq":60.0,'));
    expect(respelled.equals(Buffer.from(r60!.leaf))).toBe(false);
    await raw(t, [
      ['UPDATE audit_entries SET action = ? WHERE seq = ?', ['test.other', 20]],
      ['UPDATE audit_entries SET leaf = ?, leaf_hash = ? WHERE seq = ?', [notJson, leafHash(notJson), 40]],
      ['UPDATE audit_entries SET leaf = ?, leaf_hash = ? WHERE seq = ?', [respelled, leafHash(respelled), 60]],
    ], ['audit_entries']);
    const r = await agreedReport(t);
    const entryProblems = r.problems.filter((p) => p.kind.startsWith('entry_'));
    expect(where(entryProblems)).toEqual(['entry_index_mismatch @ ledger seq 20', 'entry_changed @ ledger seq 40']);
    expect(entryProblems[1]!.message).toMatch(/not a well-formed ledger leaf/);
    // Seq 40 is unsound (its node is not blamed); seq 60 reads as itself, so the node above it is.
    expect(where(r.problems.filter((p) => p.kind.startsWith('node_')))).toEqual(['node_changed @ tree node level 4 index 3']);
  });

  it('deleted entries across a range edge: one missing range; the nodes above them are not blamed', async () => {
    t = await buildLedger(dialect);
    await raw(t, [['DELETE FROM audit_entries WHERE seq >= 30 AND seq <= 35', []]], ['audit_entries']);
    const r = await agreedReport(t);
    expect(r.entries).toBe(SIZE - 6);
    expect(where(r.problems).filter((p) => !p.startsWith('head_root_mismatch') && !p.startsWith('state_mismatch'))).toEqual(['entry_missing @ ledger seq 30..35']);
  });

  it('a site written when subtrees below level 4 were stored as nodes: its copies verify, and a changed copy is reported', async () => {
    t = await buildLedger(dialect);
    const rows = await t.app.db.kysely.selectFrom('audit_entries').select(['seq', 'leaf_hash']).orderBy('seq').execute();
    // What the ledger used to store: every complete subtree, the leaves (level 0) included.
    const frontier = MerkleFrontier.empty();
    const legacy: Array<[string, unknown[]]> = [];
    for (const r of rows) {
      for (const n of frontier.append(r.leaf_hash)) {
        if (n.level < STORED_MIN_LEVEL) legacy.push(['INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)', [n.level, n.index, n.hash]]);
      }
    }
    expect(legacy.length).toBeGreaterThan(SIZE);
    await raw(t, legacy);
    expect(await agreedReport(t)).toEqual({ entries: SIZE, problems: [] });
    // Proofs and appends recompute low subtrees from the entries, so the copies change nothing for them.
    const p = await t.app.ledger.inclusionProof(77);
    expect(p?.leafHash).toBe(Buffer.from(rows[76]!.leaf_hash).toString('hex'));
    await raw(t, [
      ['UPDATE audit_nodes SET hash = ? WHERE level = 0 AND idx = 76', [Buffer.alloc(32, 3)]],
      ['UPDATE audit_nodes SET hash = ? WHERE level = 2 AND idx = 30', [Buffer.alloc(32, 4)]],
    ], ['audit_nodes']);
    expect(where((await agreedReport(t)).problems)).toEqual(['node_changed @ tree node level 0 index 76', 'node_changed @ tree node level 2 index 30']);
    // An inclusion proof through the changed copies is still right: it never reads them.
    const proof = await t.app.ledger.inclusionProof(121);
    const head = await t.app.ledger.latestHead();
    expect(verifyInclusion(proof!.leafIndex, proof!.treeSize, Buffer.from(proof!.leafHash, 'hex'), proof!.path.map((h) => Buffer.from(h, 'hex')), Buffer.from(head!.root, 'hex'))).toBe(true);
  });

  it('a new site stores no subtree below level 4', async () => {
    t = await buildLedger(dialect);
    const low = await t.app.db.kysely.selectFrom('audit_nodes').select(({ fn }) => fn.countAll<number>().as('n')).where('level', '<', STORED_MIN_LEVEL).executeTakeFirstOrThrow();
    const high = await t.app.db.kysely.selectFrom('audit_nodes').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(low.n)).toBe(0);
    // SIZE = 150 entries: 9 complete subtrees of 16, 4 of 32, 2 of 64, 1 of 128.
    expect(Number(high.n)).toBe(9 + 4 + 2 + 1);
  });
});
