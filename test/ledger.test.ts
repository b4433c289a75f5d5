import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify as ed25519Verify } from 'node:crypto';
import { rm } from 'node:fs/promises';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/leaf.js';
import { decodeLeaf, encodeLeaf } from '../src/audit/leaf.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../src/audit/merkle.js';
import { keyIdOf, verifyTreeHead } from '../src/audit/signing.js';
import { verifyLedger } from '../src/audit/verify-ledger.js';
import type { Clock } from '../src/platform/clock.js';
import { CLI, dialects, openTestApp, postgresSkipNote, type TestApp } from './support/app.js';
import { mulberry32 } from './support/fixtures.js';

/**
 * DESIGN invariant 3, the ledger half: every entry is a leaf of an RFC 6962 Merkle tree with
 * gapless 1-based sequence numbers, appended in the caller's transaction or group-committed by
 * `record`; tree heads are Ed25519-signed; inclusion and consistency proofs verify with the pure
 * RFC 9162 verifiers, and the root recomputed from exported leaves by an independent MTH matches.
 *
 * Random choices come from a seeded PRNG; reproduce with `CUSTODIA_LEDGER_SEED=<seed>`.
 */

const SEED = Number(process.env.CUSTODIA_LEDGER_SEED ?? Math.floor(Math.random() * 2 ** 31));

// ---------------------------------------------------------------------------
// An independent RFC 6962 MTH (section 2.1), written from the RFC, not from src/audit/merkle.ts.

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function mth(leafHashes: readonly Buffer[]): Buffer {
  const n = leafHashes.length;
  if (n === 0) return sha256();
  if (n === 1) return leafHashes[0]!;
  let k = 1;
  while (k * 2 < n) k *= 2; // largest power of two < n
  return sha256(Buffer.from([0x01]), mth(leafHashes.slice(0, k)), mth(leafHashes.slice(k)));
}

/** Canonical JSON as promised for leaves: keys sorted, no whitespace (written here independently). */
function sortedJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
    .join(',')}}`;
}

function event(i: number, tag: string): AuditEvent {
  return {
    actor: i % 3 === 0 ? null : { id: `user-${i}`, name: `警员 ${i}` },
    action: `test.${tag}`,
    subject: i % 2 === 1 ? { type: 'recording', id: `rec-${i}` } : null,
    ip: i % 4 === 0 ? null : `10.0.${i % 7}.${i % 250}`,
    reason: i % 5 === 0 ? `reason ${i}: "quoted", \\ back, \n new line` : null,
    details: { i, tag, nested: { z: [1, 'two', null, { y: false }], a: true }, unicode: '执法记录仪 🎥', empty: {} },
  };
}

/** The leaf exactly as the event should encode it. */
function expectedLeaf(seq: number, at: number, e: AuditEvent) {
  return { v: 1, seq, at, actor: e.actor, action: e.action, subject: e.subject ?? null, ip: e.ip ?? null, reason: e.reason ?? null, details: e.details ?? {} };
}

const hexBuf = (h: string) => Buffer.from(h, 'hex');

/** All stored rows in seq order. */
async function allEntries(t: TestApp) {
  const rows = [];
  let after = 0;
  for (;;) {
    const page = await t.app.auditRepo.entriesPage(after, 1000);
    if (page.length === 0) return rows;
    rows.push(...page);
    after = page[page.length - 1]!.seq;
  }
}

/** Count of committed entries as seen by a separate connection (proves the commit, not a cache). */
async function committedCount(t: TestApp): Promise<number> {
  const url = t.config.databaseUrl;
  if (url.startsWith('postgres')) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>('select count(*) as n from audit_entries');
      return Number(r.rows[0]!.n);
    } finally {
      await c.end();
    }
  }
  const db = new SqliteDatabase(url.replace(/^sqlite:\/\//, ''), { readonly: true });
  try {
    return (db.prepare('select count(*) as n from audit_entries').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

postgresSkipNote();
console.warn(`ledger test seed: ${SEED} (CUSTODIA_LEDGER_SEED=${SEED} to reproduce)`);

describe.each(dialects())('audit ledger on %s', (dialect) => {
  it('appends through transact (alone, grouped, appendMany) and record(): gapless 1-based seqs whose leaf bytes decode to the event', async () => {
    const t = await openTestApp({ dialect });
    try {
      const { app } = t;
      const base = (await app.ledger.state()).size;
      expect(base).toBeGreaterThanOrEqual(1); // the site's root unit was recorded at start
      const sent = new Map<number, AuditEvent>();
      let i = 0;

      // One by one, each awaited in its own transaction.
      for (let k = 0; k < 15; k++) {
        const e = event(i++, 'alone');
        sent.set(await app.db.transact((trx) => app.ledger.append(trx, e)), e);
      }
      // Concurrent transact units: grouped into shared commits, each in its own savepoint.
      const grouped = Array.from({ length: 25 }, () => event(i++, 'grouped'));
      const groupedSeqs = await Promise.all(grouped.map((e) => app.db.transact((trx) => app.ledger.append(trx, e))));
      groupedSeqs.forEach((s, k) => sent.set(s, grouped[k]!));
      // Several entries in one unit, in order.
      const many = Array.from({ length: 7 }, () => event(i++, 'many'));
      const manySeqs = await app.db.transact((trx) => app.ledger.appendMany(trx, many));
      expect(manySeqs).toEqual(manySeqs.map((_, k) => manySeqs[0]! + k));
      manySeqs.forEach((s, k) => sent.set(s, many[k]!));
      // record() interleaved with transact units.
      const recorded = Array.from({ length: 40 }, () => event(i++, 'record'));
      const interleaved = Array.from({ length: 10 }, () => event(i++, 'interleaved'));
      const [recSeqs, interSeqs] = await Promise.all([
        Promise.all(recorded.map((e) => app.ledger.record(e))),
        Promise.all(interleaved.map((e) => app.db.transact((trx) => app.ledger.append(trx, e)))),
      ]);
      recSeqs.forEach((s, k) => sent.set(s, recorded[k]!));
      interSeqs.forEach((s, k) => sent.set(s, interleaved[k]!));

      // Every call got its own seq, and together they fill base+1..base+N with no gap.
      const seqs = [...sent.keys()].sort((a, b) => a - b);
      expect(sent.size).toBe(i);
      expect(seqs).toEqual(Array.from({ length: i }, (_, k) => base + 1 + k));
      // The events submitted one after another got increasing seqs.
      for (let k = 1; k < 15; k++) expect([...sent.keys()][k]).toBeGreaterThan([...sent.keys()][k - 1]!);

      // The stored ledger is exactly 1..size, and each row's leaf bytes are the event.
      const rows = await allEntries(t);
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: base + i }, (_, k) => k + 1));
      expect(await app.ledger.state()).toMatchObject({ size: base + i });
      for (const row of rows) {
        const leafText = Buffer.from(row.leaf).toString('utf8');
        const leaf = decodeLeaf(row.leaf);
        expect(leaf.seq).toBe(row.seq);
        expect(leafText).toBe(sortedJson(JSON.parse(leafText))); // canonical: sorted keys, no whitespace
        expect(Buffer.from(row.leaf_hash).equals(leafHash(row.leaf))).toBe(true);
        expect(Buffer.from(row.leaf_hash).equals(sha256(Buffer.from([0]), row.leaf))).toBe(true);
        const e = sent.get(row.seq);
        if (!e) continue; // entries written by the site itself at start
        expect(leaf).toEqual(expectedLeaf(row.seq, row.at, e));
        expect(Buffer.from(row.leaf).equals(encodeLeaf(row.seq, row.at, e))).toBe(true);
        // The indexed columns mirror the leaf.
        expect({ action: row.action, actor_id: row.actor_id, subject_type: row.subject_type, subject_id: row.subject_id }).toEqual({
          action: e.action,
          actor_id: e.actor?.id ?? null,
          subject_type: e.subject?.type ?? null,
          subject_id: e.subject?.id ?? null,
        });
      }
      // Resolved means committed: a separate connection sees every entry.
      expect(await committedCount(t)).toBe(base + i);
      expect((await verifyLedger(app.auditRepo)).problems).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('a change rolled back after its append leaves no entry, and the next appends continue the tree', async () => {
    const t = await openTestApp({ dialect });
    try {
      const { app } = t;
      await app.db.transact((trx) => app.ledger.appendMany(trx, Array.from({ length: 5 }, (_, k) => event(k, 'before'))));
      const before = await app.ledger.state();

      // A unit that appends, then fails: nothing of it stays.
      await expect(
        app.db.transact(async (trx) => {
          await app.ledger.append(trx, event(100, 'rolled_back'));
          await app.ledger.append(trx, event(101, 'rolled_back'));
          throw new Error('the change failed after its audit entry');
        }),
      ).rejects.toThrow('the change failed after its audit entry');
      expect(await app.ledger.state()).toEqual(before);
      expect(await app.auditRepo.entry(before.size + 1)).toBeUndefined();

      // The next append takes the seq the rolled-back entry had, and the root is right (cached frontier was discarded).
      const next = await app.db.transact((trx) => app.ledger.append(trx, event(102, 'after')));
      expect(next).toBe(before.size + 1);
      const rows1 = await allEntries(t);
      expect(rows1.map((r) => r.action)).not.toContain('test.rolled_back');
      expect((await app.ledger.state()).root).toBe(mth(rows1.map((r) => leafHash(r.leaf))).toString('hex'));

      // A failing unit in the middle of a group commit rolls back alone; the units around it commit.
      const size1 = (await app.ledger.state()).size;
      const outcomes = await Promise.allSettled([
        app.db.transact((trx) => app.ledger.append(trx, event(200, 'group_ok'))),
        app.db.transact((trx) => app.ledger.append(trx, event(201, 'group_ok'))),
        app.db.transact(async (trx) => {
          await app.ledger.append(trx, event(202, 'group_failed'));
          throw new Error('unit failed');
        }),
        app.db.transact((trx) => app.ledger.append(trx, event(203, 'group_ok'))),
        app.db.transact((trx) => app.ledger.append(trx, event(204, 'group_ok'))),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const okSeqs = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      expect([...okSeqs].sort((a, b) => a - b)).toEqual([size1 + 1, size1 + 2, size1 + 3, size1 + 4]);

      // A malformed event (not encodable) fails alone in record(), and does not poison the others.
      const bad: AuditEvent = { actor: null, action: 'test.bad', details: { n: Number.NaN } };
      const recs = await Promise.allSettled([
        app.ledger.record(event(300, 'record_ok')),
        app.ledger.record(event(301, 'record_ok')),
        app.ledger.record(bad),
        app.ledger.record(event(302, 'record_ok')),
      ]);
      expect(recs.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect(await app.ledger.record(event(303, 'record_ok'))).toBe(size1 + 8);

      const rows = await allEntries(t);
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: size1 + 8 }, (_, k) => k + 1));
      expect(rows.map((r) => r.action)).not.toContain('test.group_failed');
      expect(rows.map((r) => r.action)).not.toContain('test.bad');
      expect((await app.ledger.state()).root).toBe(mth(rows.map((r) => leafHash(r.leaf))).toString('hex'));
      expect(await committedCount(t)).toBe(size1 + 8);
      expect((await verifyLedger(app.auditRepo)).problems).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('group commit: 500 concurrent record() calls get 500 distinct contiguous seqs in far fewer than 500 commits', async () => {
    // A clock that ticks on every read: each appendMany reads it once, so the number of distinct
    // `at` values among the entries is an upper bound on the number of commits that wrote them.
    let tick = Date.UTC(2026, 0, 1);
    const ticking: Clock = { now: () => tick++ };
    const t = await openTestApp({ dialect, clock: ticking });
    try {
      const { app } = t;
      const base = (await app.ledger.state()).size;
      const events = Array.from({ length: 500 }, (_, k) => event(k, 'burst'));
      const seqs = await Promise.all(events.map((e) => app.ledger.record(e)));
      expect(new Set(seqs).size).toBe(500);
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, k) => base + 1 + k));
      // Submission order is seq order.
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(await committedCount(t)).toBe(base + 500);

      const rows = (await allEntries(t)).filter((r) => r.action === 'test.burst');
      expect(rows).toHaveLength(500);
      for (const r of rows) expect(decodeLeaf(r.leaf).details['i']).toBe(seqs.indexOf(r.seq));
      const commits = new Set(rows.map((r) => r.at)).size;
      expect(commits).toBeGreaterThanOrEqual(1);
      expect(commits).toBeLessThanOrEqual(10);
    } finally {
      await t.close();
    }
  });

  it('verifyLedger run while entries are being appended finds no problem and ends', async () => {
    const t = await openTestApp({ dialect });
    try {
      const { app } = t;
      await app.db.transact((trx) => app.ledger.appendMany(trx, Array.from({ length: 300 }, (_, k) => event(k, 'seed'))));
      let stop = false;
      let written = 0;
      const writer = (async () => {
        while (!stop) {
          await Promise.all(Array.from({ length: 25 }, (_, k) => app.ledger.record(event(k, 'busy'))));
          written += 25;
        }
      })();
      let previous = 0;
      for (let run = 0; run < 6; run++) {
        const report = await verifyLedger(app.auditRepo);
        expect(report.problems, `run ${run}`).toEqual([]);
        expect(report.entries).toBeGreaterThanOrEqual(previous);
        previous = report.entries;
      }
      stop = true;
      await writer;
      expect(written).toBeGreaterThan(0);
      const final = await verifyLedger(app.auditRepo);
      expect(final.problems).toEqual([]);
      expect(final.entries).toBe((await app.ledger.state()).size);
    } finally {
      await t.close();
    }
  });

  describe('heads and proofs', () => {
    let t: TestApp;
    const headsBySize = new Map<number, Awaited<ReturnType<TestApp['app']['ledger']['signHead']>>>();
    let leafHashes: Buffer[] = [];
    const rng = mulberry32(SEED);

    beforeAll(async () => {
      t = await openTestApp({ dialect });
      const { app } = t;
      // Grow the tree through sizes that exercise the right edge, signing heads on the way.
      const targets = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 64, 100, 137];
      let i = 0;
      for (const target of targets) {
        const size = (await app.ledger.state()).size;
        if (target > size) await app.db.transact((trx) => app.ledger.appendMany(trx, Array.from({ length: target - size }, () => event(i++, 'tree'))));
        const head = await app.ledger.signHead();
        headsBySize.set(head.size, head);
      }
      leafHashes = (await allEntries(t)).map((r) => leafHash(r.leaf));
    });
    afterAll(() => t?.close());

    it('signHead returns a signed head that verifyTreeHead accepts and rejects once modified', async () => {
      const { app } = t;
      const head = await app.ledger.signHead();
      expect(Object.keys(head).sort()).toEqual(['keyId', 'publicKey', 'root', 'signature', 'size', 'timestamp']);
      expect(head.size).toBe(137);
      expect(head.root).toMatch(/^[0-9a-f]{64}$/);
      expect(head.root).toBe(mth(leafHashes).toString('hex'));
      expect(head.root).toBe((await app.ledger.state()).root);
      expect(Number.isSafeInteger(head.timestamp)).toBe(true);
      expect(Buffer.from(head.publicKey, 'base64')).toHaveLength(32);
      expect(head.keyId).toBe(keyIdOf(Buffer.from(head.publicKey, 'base64')));
      const sig = Buffer.from(head.signature, 'base64');
      expect(sig).toHaveLength(64);

      expect(verifyTreeHead(head.publicKey, head.size, head.timestamp, head.root, sig)).toBe(true);
      // The documented message, checked with plain node:crypto (what any Ed25519 tool does).
      const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(head.publicKey, 'base64')]);
      const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      const msg = Buffer.from(`custodia-tree-head-v1\n${head.size}\n${head.timestamp}\n${head.root}\n`, 'utf8');
      expect(ed25519Verify(null, msg, pub, sig)).toBe(true);

      // Any change to what was signed is refused.
      const flippedRoot = head.root.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const flippedSig = Buffer.from(sig);
      flippedSig[10]! ^= 0x01;
      expect(verifyTreeHead(head.publicKey, head.size + 1, head.timestamp, head.root, sig)).toBe(false);
      expect(verifyTreeHead(head.publicKey, head.size - 1, head.timestamp, head.root, sig)).toBe(false);
      expect(verifyTreeHead(head.publicKey, head.size, head.timestamp + 1, head.root, sig)).toBe(false);
      expect(verifyTreeHead(head.publicKey, head.size, head.timestamp, flippedRoot, sig)).toBe(false);
      expect(verifyTreeHead(head.publicKey, head.size, head.timestamp, head.root, flippedSig)).toBe(false);
      expect(verifyTreeHead(head.publicKey, head.size, head.timestamp, head.root, sig.subarray(0, 63))).toBe(false);
      const otherKey = Buffer.from(head.publicKey, 'base64');
      otherKey[0]! ^= 0x80;
      expect(verifyTreeHead(otherKey.toString('base64'), head.size, head.timestamp, head.root, sig)).toBe(false);
      expect(verifyTreeHead('not a key', head.size, head.timestamp, head.root, sig)).toBe(false);

      // Signing again without growth returns the same head; after growth, a new larger one.
      expect(await app.ledger.signHead()).toEqual(head);
      expect(await app.ledger.latestHead()).toEqual(head);
      // Every head signed on the way was stored and still verifies, with the root of its prefix.
      for (const [size, h] of headsBySize) {
        expect(h.root).toBe(mth(leafHashes.slice(0, size)).toString('hex'));
        expect(verifyTreeHead(h.publicKey, h.size, h.timestamp, h.root, Buffer.from(h.signature, 'base64'))).toBe(true);
      }
    });

    it('inclusion proofs for random seqs verify against the signed root; the root recomputed from the leaves matches', async () => {
      const { app } = t;
      const head = (await app.ledger.latestHead())!;
      expect(mth(leafHashes).toString('hex')).toBe(head.root);
      const picks = new Set<number>([1, 2, head.size - 1, head.size, 64, 65, 128, 129]);
      while (picks.size < 40) picks.add(1 + Math.floor(rng() * head.size));
      for (const seq of picks) {
        const p = (await app.ledger.inclusionProof(seq))!;
        expect(Object.keys(p).sort()).toEqual(['leafHash', 'leafIndex', 'path', 'root', 'seq', 'treeSize']);
        expect(p).toMatchObject({ seq, leafIndex: seq - 1, treeSize: head.size, root: head.root, leafHash: leafHashes[seq - 1]!.toString('hex') });
        const pathBufs = p.path.map(hexBuf);
        expect(verifyInclusion(p.leafIndex, p.treeSize, hexBuf(p.leafHash), pathBufs, hexBuf(head.root))).toBe(true);
        // The proof is specific: another leaf, another index, or a changed path does not verify.
        const other = leafHashes[seq % head.size]!;
        expect(verifyInclusion(p.leafIndex, p.treeSize, other, pathBufs, hexBuf(head.root))).toBe(false);
        if (pathBufs.length > 0) {
          const bent = pathBufs.map((b) => Buffer.from(b));
          bent[Math.floor(rng() * bent.length)]![0]! ^= 0x01;
          expect(verifyInclusion(p.leafIndex, p.treeSize, hexBuf(p.leafHash), bent, hexBuf(head.root))).toBe(false);
          expect(verifyInclusion(p.leafIndex ^ 1, p.treeSize, hexBuf(p.leafHash), pathBufs, hexBuf(head.root))).toBe(false);
        }
      }
      // Against older signed heads (explicit tree size): the proof verifies with that head's root.
      for (const [size, h] of headsBySize) {
        const seq = 1 + Math.floor(rng() * size);
        const p = (await app.ledger.inclusionProof(seq, size))!;
        expect(p.root).toBe(h.root);
        expect(verifyInclusion(seq - 1, size, leafHashes[seq - 1]!, p.path.map(hexBuf), hexBuf(h.root))).toBe(true);
      }
      // Every seq of a small tree, against every size that contains it.
      for (let size = 1; size <= 20; size++) {
        const root = mth(leafHashes.slice(0, size));
        for (let seq = 1; seq <= size; seq++) {
          const p = (await app.ledger.inclusionProof(seq, size))!;
          expect(p.root).toBe(root.toString('hex'));
          expect(verifyInclusion(seq - 1, size, leafHashes[seq - 1]!, p.path.map(hexBuf), root)).toBe(true);
        }
      }
      expect(await app.ledger.inclusionProof(0)).toBeUndefined();
      expect(await app.ledger.inclusionProof(head.size + 1)).toBeUndefined();
      expect(await app.ledger.inclusionProof(1.5)).toBeUndefined();
    });

    it.runIf(dialect === 'sqlite')('a proof is served while a unit of work holds the site connection, and does not see its uncommitted entries', async () => {
      const { app } = t;
      const head = (await app.ledger.latestHead())!;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let appended!: () => void;
      const inside = new Promise<void>((r) => (appended = r));
      const unit = app.db.transact(async (trx) => {
        await app.ledger.appendMany(trx, [{ actor: null, action: 'test.uncommitted', subject: null, details: {} }]);
        appended();
        await gate;
        throw new Error('rolled back');
      });
      try {
        await inside;
        // Proofs read through the read-only connection: they neither wait for the open unit (this
        // would hang) nor see its entry.
        const p = (await app.ledger.inclusionProof(head.size, head.size))!;
        expect(verifyInclusion(p.leafIndex, p.treeSize, hexBuf(p.leafHash), p.path.map(hexBuf), hexBuf(head.root))).toBe(true);
        // The unit's entry is not there for it: a tree that would hold it cannot be proven.
        await expect(app.ledger.inclusionProof(head.size + 1, head.size + 1)).rejects.toThrow(/missing/);
      } finally {
        release();
        await expect(unit).rejects.toThrow('rolled back');
      }
      expect((await app.ledger.state()).size).toBe(head.size);
    });

    it('consistency proofs between many pairs of sizes verify, and match the independently recomputed roots', async () => {
      const { app } = t;
      const size = (await app.ledger.state()).size;
      const pairs: Array<[number, number]> = [
        [0, size], [1, 1], [1, 2], [1, size], [2, 3], [3, 7], [4, 8], [5, 9], [7, 8], [8, 16], [9, 17], [16, 17],
        [31, 64], [63, 64], [64, 100], [100, 137], [size - 1, size], [size, size],
      ];
      for (let k = 0; k < 25; k++) {
        const a = Math.floor(rng() * (size + 1));
        pairs.push([a, a + Math.floor(rng() * (size - a + 1))]);
      }
      for (const [from, to] of pairs) {
        const p = (await app.ledger.consistencyProof(from, to))!;
        expect(p).toBeDefined();
        expect(Object.keys(p).sort()).toEqual(['fromRoot', 'fromSize', 'path', 'toRoot', 'toSize']);
        expect(p.fromRoot).toBe(mth(leafHashes.slice(0, from)).toString('hex'));
        expect(p.toRoot).toBe(mth(leafHashes.slice(0, to)).toString('hex'));
        const pathBufs = p.path.map(hexBuf);
        expect(verifyConsistency(from, to, hexBuf(p.fromRoot), hexBuf(p.toRoot), pathBufs), `consistency ${from} → ${to}`).toBe(true);
        if (from > 0 && from < to) {
          // A different old tree (one leaf off) is not a prefix of this one.
          const wrongOld = mth([...leafHashes.slice(0, from - 1), leafHashes[from]!]);
          expect(verifyConsistency(from, to, wrongOld, hexBuf(p.toRoot), pathBufs)).toBe(false);
        }
      }
      // Between signed heads: every earlier head is a prefix of every later one.
      const heads = [...headsBySize.values()].sort((a, b) => a.size - b.size);
      for (let x = 0; x < heads.length; x++) {
        for (let y = x; y < heads.length; y++) {
          const a = heads[x]!;
          const b = heads[y]!;
          const p = (await app.ledger.consistencyProof(a.size, b.size))!;
          expect(verifyConsistency(a.size, b.size, hexBuf(a.root), hexBuf(b.root), p.path.map(hexBuf))).toBe(true);
        }
      }
      expect(await app.ledger.consistencyProof(5, 3)).toBeUndefined();
      expect(await app.ledger.consistencyProof(1, size + 1)).toBeUndefined();
      expect(await app.ledger.consistencyProof(-1, 3)).toBeUndefined();
    });
  });
});

// ---------------------------------------------------------------------------
// The CLI, as an auditor would run it against a site's data folder.

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' };
    execFile(process.execPath, [...CLI, ...args], { env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('custodia audit (CLI, SQLite site)', () => {
  let dataDir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let expectedSize = 0;

  beforeAll(async () => {
    const t = await openTestApp({ dialect: 'sqlite' });
    dataDir = t.dataDir;
    cleanup = () => rm(dataDir, { recursive: true, force: true });
    await t.app.db.transact((trx) => t.app.ledger.appendMany(trx, Array.from({ length: 40 }, (_, k) => event(k, 'cli'))));
    await Promise.all(Array.from({ length: 13 }, (_, k) => t.app.ledger.record(event(100 + k, 'cli_record'))));
    expectedSize = (await t.app.ledger.state()).size;
    await t.app.close(); // close the site first, keep its folder (not t.close(), which removes it)
  });
  afterAll(() => cleanup());

  it('head, export, prove and consistency print the promised JSON, and they agree with each other', async () => {
    const head = await runCli(['audit', 'head', '--data', dataDir]);
    expect(head.code, head.stderr).toBe(0);
    const h = JSON.parse(head.stdout) as Record<string, unknown>;
    for (const k of ['size', 'root', 'timestamp', 'signature', 'publicKey']) expect(h).toHaveProperty(k);
    expect(h['size']).toBe(expectedSize);
    expect(verifyTreeHead(h['publicKey'] as string, h['size'] as number, h['timestamp'] as number, h['root'] as string, Buffer.from(h['signature'] as string, 'base64'))).toBe(true);

    const exp = await runCli(['audit', 'export', '--data', dataDir]);
    expect(exp.code, exp.stderr).toBe(0);
    const lines = exp.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; leaf: string; leafHash?: string });
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: expectedSize }, (_, k) => k + 1));
    const leaves = lines.map((l) => Buffer.from(l.leaf, 'base64'));
    for (const [k, leaf] of leaves.entries()) {
      expect(decodeLeaf(leaf).seq).toBe(k + 1); // exact leaf bytes, base64
      if (lines[k]!.leafHash !== undefined) expect(lines[k]!.leafHash).toBe(leafHash(leaf).toString('hex'));
    }
    const exportedHashes = leaves.map((l) => leafHash(l));
    expect(mth(exportedHashes).toString('hex')).toBe(h['root']);

    const n = 29;
    const prove = await runCli(['audit', 'prove', String(n), '--data', dataDir]);
    expect(prove.code, prove.stderr).toBe(0);
    const p = JSON.parse(prove.stdout) as { seq: number; leafIndex: number; treeSize: number; leafHash: string; path: string[]; root: string };
    expect(Object.keys(p).sort()).toEqual(['leafHash', 'leafIndex', 'path', 'root', 'seq', 'treeSize']);
    expect(p).toMatchObject({ seq: n, leafIndex: n - 1, treeSize: expectedSize, root: h['root'], leafHash: exportedHashes[n - 1]!.toString('hex') });
    expect(verifyInclusion(p.leafIndex, p.treeSize, hexBuf(p.leafHash), p.path.map(hexBuf), hexBuf(h['root'] as string))).toBe(true);

    const cons = await runCli(['audit', 'consistency', '11', String(expectedSize), '--data', dataDir]);
    expect(cons.code, cons.stderr).toBe(0);
    const c = JSON.parse(cons.stdout) as { fromSize: number; toSize: number; fromRoot: string; toRoot: string; path: string[] };
    expect(c).toMatchObject({ fromSize: 11, toSize: expectedSize, fromRoot: mth(exportedHashes.slice(0, 11)).toString('hex'), toRoot: h['root'] });
    expect(verifyConsistency(11, expectedSize, hexBuf(c.fromRoot), hexBuf(c.toRoot), c.path.map(hexBuf))).toBe(true);
  });

  it('bad usage exits 2; a proof beyond the tree exits 1', async () => {
    const bad = await runCli(['audit', 'prove', 'abc', '--data', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    const beyond = await runCli(['audit', 'prove', String(expectedSize + 1000), '--data', dataDir]);
    expect(beyond.code).toBe(1);
    expect(beyond.stdout).toBe('');
    expect(beyond.stderr).toMatch(/no ledger entry/);
    const badCons = await runCli(['audit', 'consistency', '5', String(expectedSize + 1), '--data', dataDir]);
    expect(badCons.code).toBe(1);
  });
});
