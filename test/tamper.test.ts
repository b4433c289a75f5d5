import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { verifySite, type VerifyReport } from '../src/audit/index.js';
import { encodeLeaf } from '../src/audit/leaf.js';
import { leafHash } from '../src/audit/merkle.js';
import { treeHeadMessage } from '../src/audit/signing.js';
import { CLI, dialects, openTestApp, postgresSkipNote, tempDir, type TestApp, type TestDialect } from './support/app.js';
import type { EntryRow } from '../src/audit/repo.js';

/**
 * DESIGN invariant 1 and 3, from the attacker's side: someone with write access to the data
 * folder and the database changes one thing. The append-only triggers refuse ordinary UPDATE and
 * DELETE; an attacker who drops them first (as anyone with file access could) still cannot hide:
 * `verifySite` / `custodia verify` reports a problem located at the spot that was changed.
 */

interface Site {
  t: TestApp;
  /** Recordings as imported: id and the SHA-256 of the original. */
  recordings: Array<{ id: string; sha256: string }>;
  /** Sizes of the signed tree heads, ascending. */
  headSizes: number[];
  /** Ledger size at the end (the last few entries are after the latest signed head). */
  size: number;
  /** Seqs of plain entries (neither imports nor heads' edges) covered by the first signed head. */
  signedNotes: number[];
  close(): Promise<void>;
}

/** A small site: three imported recordings, notes in the ledger, two signed heads, an unsigned tail. */
async function buildSite(dialect: TestDialect): Promise<Site> {
  const t = await openTestApp({ dialect });
  const src = await tempDir('custodia-tamper-src-');
  try {
    const { app } = t;
    await app.db.transact((trx) => app.ledger.appendMany(trx, Array.from({ length: 6 }, (_, i) => note(i))));
    for (let i = 0; i < 3; i++) await writeFile(path.join(src.dir, `clip-${i}.mp4`), randomBytes(3000 + i * 1111));
    const unit = await app.identity.resolveUnit(undefined);
    const batch = await app.ingest.importSource(src.dir, { sourceKind: 'folder', unitId: unit.id, station: 't', actor: null, meta: { ip: null } });
    expect(batch.imported).toBe(3);
    for (let i = 6; i < 12; i++) await app.ledger.record(note(i));
    const first = await app.ledger.signHead();
    await Promise.all(Array.from({ length: 5 }, (_, i) => app.ledger.record(note(12 + i))));
    const second = await app.ledger.signHead();
    for (let i = 17; i < 20; i++) await app.ledger.record(note(i));
    const size = (await app.ledger.state()).size;
    expect(size).toBeGreaterThan(second.size);

    const recordings = (await app.db.kysely.selectFrom('recordings').select(['id', 'blob_sha256']).orderBy('id').execute()).map((r) => ({ id: r.id, sha256: r.blob_sha256 }));
    expect(recordings).toHaveLength(3);
    const notes = await app.db.kysely.selectFrom('audit_entries').select('seq').where('action', '=', 'test.note').where('seq', '<=', first.size).orderBy('seq').execute();
    const report = await verifySite(app.db, app.auditRepo, app.blobs);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.blobs.checked).toBe(3);
    expect(report.ledger).toMatchObject({ entries: size, heads: 2, unsignedEntries: size - second.size });
    return { t, recordings, headSizes: [first.size, second.size], size, signedNotes: notes.map((n) => n.seq), close: () => t.close() };
  } finally {
    await src.cleanup();
  }
}

function note(i: number) {
  return { actor: { id: `user-${i % 3}`, name: `officer ${i % 3}` }, action: 'test.note', subject: { type: 'note', id: `note-${i}` }, ip: '10.1.2.3', details: { i, text: `note number ${i}` } };
}

/**
 * A direct connection to the site's database, as an attacker with file (or superuser) access
 * would open one — not through Custodia. SQL uses `?` placeholders on both dialects.
 */
interface Attacker {
  run(sqlText: string, params?: unknown[]): Promise<void>;
  all<T>(sqlText: string, params?: unknown[]): Promise<T[]>;
  /** Drops the append-only / immutability triggers of `table`. */
  dropTriggers(table: 'audit_entries' | 'audit_nodes' | 'tree_heads' | 'blobs' | 'recordings'): Promise<void>;
  close(): Promise<void>;
}

async function attacker(t: TestApp): Promise<Attacker> {
  const url = t.config.databaseUrl;
  if (url.startsWith('postgres')) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    let n = 0;
    const q = (s: string) => s.replace(/\?/g, () => `$${++n}`);
    const query = async (s: string, p: unknown[] = []) => {
      n = 0;
      return c.query(q(s), p);
    };
    return {
      run: async (s, p) => void (await query(s, p)),
      all: async <T>(s: string, p?: unknown[]) => (await query(s, p)).rows as T[],
      dropTriggers: async (table) => {
        const names = table === 'recordings' ? ['recordings_immutable', 'recordings_no_delete'] : [`${table}_append_only`];
        for (const name of names) await c.query(`DROP TRIGGER ${name} ON ${table}`);
      },
      close: () => c.end(),
    };
  }
  const db = new SqliteDatabase(url.replace(/^sqlite:\/\//, ''));
  db.pragma('busy_timeout = 10000');
  return {
    run: async (s, p = []) => {
      db.prepare(s).run(...p);
    },
    all: async <T>(s: string, p: unknown[] = []) => db.prepare(s).all(...p) as T[],
    dropTriggers: async (table) => {
      const names = table === 'recordings' ? ['recordings_immutable', 'recordings_no_delete'] : [`${table}_no_update`, `${table}_no_delete`];
      for (const name of names) db.exec(`DROP TRIGGER ${name}`);
    },
    close: async () => {
      db.close();
    },
  };
}

async function verify(site: Site): Promise<VerifyReport> {
  const { app } = site.t;
  return verifySite(app.db, app.auditRepo, app.blobs);
}

/** A ledger row as the attacker's raw connection returns it (bytes as Buffers). */
type EntryRaw = EntryRow & { leaf: Buffer; leaf_hash: Buffer };

/** Runs one tampering on a fresh site of `dialect` and returns verify's report. */
async function tampered(dialect: TestDialect, tamper: (site: Site, evil: Attacker) => Promise<void>): Promise<{ site: Site; report: VerifyReport }> {
  const site = await buildSite(dialect);
  const evil = await attacker(site.t);
  try {
    await tamper(site, evil);
  } finally {
    await evil.close();
  }
  return { site, report: await verify(site) };
}

const locations = (r: VerifyReport) => r.problems.map((p) => p.location);

postgresSkipNote();

describe.each(dialects())('tampering is reported with its location (%s)', (dialect) => {
  it('a flipped byte in a stored original: the blob path', async () => {
    let where = '';
    const { site, report } = await tampered(dialect, async (s) => {
      const victim = s.recordings[1]!;
      where = s.t.app.blobs.pathOf(victim.sha256);
      expect((await stat(where)).mode & 0o777).toBe(0o444);
      await chmod(where, 0o644);
      const bytes = await readFile(where);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      await writeFile(where, bytes);
    });
    try {
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => ({ kind: p.kind, location: p.location }))).toEqual([{ kind: 'blob_corrupt', location: where }]);
      expect(report.problems[0]!.message).toContain('altered');
    } finally {
      await site.close();
    }
  });

  it("changed leaf bytes of a ledger row: that row's seq", async () => {
    let seq = 0;
    const { site, report } = await tampered(dialect, async (s, evil) => {
      seq = s.signedNotes[2]!;
      await evil.dropTriggers('audit_entries');
      const [row] = await evil.all<EntryRaw>('SELECT * FROM audit_entries WHERE seq = ?', [seq]);
      const leaf = Buffer.from(row!.leaf);
      const at = leaf.indexOf(`note number`);
      expect(at).toBeGreaterThan(0);
      leaf[at] = 'N'.charCodeAt(0); // "Note number": still a well-formed leaf, different bytes
      await evil.run('UPDATE audit_entries SET leaf = ? WHERE seq = ?', [leaf, seq]);
    });
    try {
      expect(report.ok).toBe(false);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'entry_changed', location: `ledger seq ${seq}` }));
      // Nothing outside the ledger is blamed (the tree heads and tree state covering it disagree too).
      expect(locations(report).filter((l) => !/^(ledger seq|tree head size|ledger state)/.test(l))).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it("changed leaf bytes with a recomputed leaf hash: the first signed head covering that seq", async () => {
    // The leaf_hash column is no secret: an attacker can recompute it. Then the stored leaf is
    // self-consistent and only the signed roots disagree; verify names the first head covering the
    // entry (the change lies between the previous head and that one).
    let seq = 0;
    let head = 0;
    const { site, report } = await tampered(dialect, async (s, evil) => {
      seq = s.signedNotes[3]!;
      head = s.headSizes.find((h) => h >= seq)!;
      await evil.dropTriggers('audit_entries');
      const [row] = await evil.all<EntryRaw>('SELECT * FROM audit_entries WHERE seq = ?', [seq]);
      const leaf = Buffer.from(Buffer.from(row!.leaf).toString('utf8').replace('note number', 'note NUMBER'), 'utf8');
      await evil.run('UPDATE audit_entries SET leaf = ?, leaf_hash = ? WHERE seq = ?', [leaf, leafHash(leaf), seq]);
    });
    try {
      expect(report.ok).toBe(false);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'head_root_mismatch', location: `tree head size ${head}` }));
      // Heads before the change still match.
      expect(locations(report).filter((l) => l.startsWith('tree head size')).map((l) => Number(l.split(' ').pop()))).toEqual(site.headSizes.filter((h) => h >= seq));
    } finally {
      await site.close();
    }
  });

  it("a deleted ledger row: that row's seq (in the middle and at the end)", async () => {
    let middle = 0;
    const a = await tampered(dialect, async (s, evil) => {
      middle = s.signedNotes[1]!;
      await evil.dropTriggers('audit_entries');
      await evil.run('DELETE FROM audit_entries WHERE seq = ?', [middle]);
    });
    try {
      expect(a.report.ok).toBe(false);
      expect(a.report.problems).toContainEqual(expect.objectContaining({ kind: 'entry_missing', location: `ledger seq ${middle}` }));
    } finally {
      await a.site.close();
    }
    let last = 0;
    const b = await tampered(dialect, async (s, evil) => {
      last = s.size; // after the latest signed head: only the tree state knows it existed
      await evil.dropTriggers('audit_entries');
      await evil.run('DELETE FROM audit_entries WHERE seq = ?', [last]);
    });
    try {
      expect(b.report.ok).toBe(false);
      expect(b.report.problems).toContainEqual(expect.objectContaining({ kind: 'entry_missing', location: `ledger seq ${last}` }));
    } finally {
      await b.site.close();
    }
  });

  it("a forged row inserted after the last entry: the forged row's seq", async () => {
    let forged = 0;
    const { site, report } = await tampered(dialect, async (s, evil) => {
      forged = s.size + 1;
      // A well-formed leaf with the right seq and a correct leaf hash: only the tree knows better.
      const at = Date.now();
      const ev = { actor: { id: 'user-0', name: 'officer 0' }, action: 'recording.playback', subject: { type: 'recording', id: s.recordings[0]!.id }, ip: '10.1.2.3', details: {} };
      const leaf = encodeLeaf(forged, at, ev);
      await evil.run('INSERT INTO audit_entries (seq, at, actor_id, action, subject_type, subject_id, leaf, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        forged, at, ev.actor.id, ev.action, ev.subject.type, ev.subject.id, leaf, leafHash(leaf),
      ]);
    });
    try {
      expect(report.ok).toBe(false);
      expect(locations(report)).toContain(`ledger seq ${forged}`);
    } finally {
      await site.close();
    }
  });

  it("two rows' contents swapped: both seqs", async () => {
    let a = 0;
    let b = 0;
    const { site, report } = await tampered(dialect, async (s, evil) => {
      [a, b] = [s.signedNotes[1]!, s.signedNotes[4]!];
      await evil.dropTriggers('audit_entries');
      const rows = await evil.all<EntryRaw>('SELECT * FROM audit_entries WHERE seq IN (?, ?) ORDER BY seq', [a, b]);
      const set = 'UPDATE audit_entries SET at = ?, actor_id = ?, action = ?, subject_type = ?, subject_id = ?, leaf = ?, leaf_hash = ? WHERE seq = ?';
      const [ra, rb] = rows as [EntryRaw, EntryRaw];
      await evil.run(set, [rb.at, rb.actor_id, rb.action, rb.subject_type, rb.subject_id, rb.leaf, rb.leaf_hash, a]);
      await evil.run(set, [ra.at, ra.actor_id, ra.action, ra.subject_type, ra.subject_id, ra.leaf, ra.leaf_hash, b]);
    });
    try {
      expect(report.ok).toBe(false);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'entry_misplaced', location: `ledger seq ${a}` }));
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'entry_misplaced', location: `ledger seq ${b}` }));
    } finally {
      await site.close();
    }
  });

  it("a tree head's signature replaced (signed with another key): that head's size", async () => {
    let size = 0;
    const { site, report } = await tampered(dialect, async (s, evil) => {
      size = s.headSizes[0]!;
      await evil.dropTriggers('tree_heads');
      const [h] = await evil.all<{ size: number; root: Buffer; signed_at: number }>('SELECT size, root, signed_at FROM tree_heads WHERE size = ?', [size]);
      const { privateKey } = generateKeyPairSync('ed25519');
      const forged = sign(null, treeHeadMessage(Number(h!.size), Number(h!.signed_at), Buffer.from(h!.root).toString('hex')), privateKey);
      await evil.run('UPDATE tree_heads SET signature = ? WHERE size = ?', [forged, size]);
    });
    try {
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'head_bad_signature', location: `tree head size ${size}` })]);
    } finally {
      await site.close();
    }
  });

  it("a recording pointed at another stored original: that recording's id", async () => {
    let victim = { id: '', sha256: '' };
    const { site, report } = await tampered(dialect, async (s, evil) => {
      victim = s.recordings[0]!;
      const other = s.recordings[2]!;
      await evil.dropTriggers('recordings');
      await evil.dropTriggers('blobs');
      // blob_sha256 is unique and must name a known blob: swap through a placeholder blob row.
      const placeholder = 'f'.repeat(64);
      await evil.run('INSERT INTO blobs (sha256, size, created_at) VALUES (?, 0, 0)', [placeholder]);
      await evil.run('UPDATE recordings SET blob_sha256 = ? WHERE id = ?', [placeholder, victim.id]);
      await evil.run('UPDATE recordings SET blob_sha256 = ? WHERE id = ?', [victim.sha256, other.id]);
      await evil.run('UPDATE recordings SET blob_sha256 = ? WHERE id = ?', [other.sha256, victim.id]);
      await evil.run('DELETE FROM blobs WHERE sha256 = ?', [placeholder]);
      const [row] = await evil.all<{ blob_sha256: string }>('SELECT blob_sha256 FROM recordings WHERE id = ?', [victim.id]);
      expect(row!.blob_sha256).toBe(other.sha256);
    });
    try {
      expect(report.ok).toBe(false);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'recording_hash_mismatch', location: `recording ${victim.id}` }));
      // The originals themselves are intact: only the catalogue lies.
      expect(report.problems.filter((p) => p.kind.startsWith('blob_'))).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it('without dropping triggers, UPDATE and DELETE of append-only rows and of a recording original fail', async () => {
    const site = await buildSite(dialect);
    const evil = await attacker(site.t);
    try {
      const [victim, other] = site.recordings as [{ id: string; sha256: string }, { id: string; sha256: string }];
      const refused: Array<[string, unknown[], RegExp]> = [
        ['UPDATE audit_entries SET action = ? WHERE seq = ?', ['test.rewritten', 1], /append-only/],
        ['UPDATE audit_entries SET leaf = leaf', [], /append-only/],
        ['DELETE FROM audit_entries WHERE seq = ?', [site.size], /append-only/],
        ['DELETE FROM audit_entries', [], /append-only/],
        ['UPDATE audit_nodes SET hash = ? WHERE level = 4 AND idx = 0', [Buffer.alloc(32)], /append-only/],
        ['DELETE FROM audit_nodes WHERE level = 4', [], /append-only/],
        ['UPDATE tree_heads SET signature = ?', [Buffer.alloc(64)], /append-only/],
        ['DELETE FROM tree_heads WHERE size = ?', [site.headSizes[1]], /append-only/],
        ['UPDATE blobs SET size = size + 1 WHERE sha256 = ?', [victim.sha256], /append-only/],
        ['DELETE FROM blobs WHERE sha256 = ?', [victim.sha256], /append-only/],
        ['UPDATE site_keys SET public_key = ?', ['AAAA'], /append-only/],
        ['DELETE FROM site_keys', [], /append-only/],
        ['UPDATE recordings SET blob_sha256 = ? WHERE id = ?', [other.sha256, victim.id], /immutable/],
        ['UPDATE recordings SET blob_sha256 = ? WHERE id = ?', ['0'.repeat(64), victim.id], /immutable/],
        ['DELETE FROM recordings WHERE id = ?', [victim.id], /retention|append-only/],
      ];
      if (dialect === 'postgres') {
        // TRUNCATE fires no row triggers: the tables refuse it with statement triggers.
        for (const table of ['audit_entries', 'audit_nodes', 'tree_heads', 'site_keys']) refused.push([`TRUNCATE ${table}`, [], /append-only/]);
        refused.push(['TRUNCATE blobs CASCADE', [], /append-only/]);
        refused.push(['TRUNCATE recordings CASCADE', [], /append-only|retention/]);
      }
      for (const [statement, params, message] of refused) {
        await expect(evil.run(statement, params), statement).rejects.toThrow(message);
      }
      // Mutable columns stay editable: the triggers refuse exactly the original facts.
      await evil.run('UPDATE recordings SET title = ? WHERE id = ?', ['a title', victim.id]);
      const [row] = await evil.all<{ title: string; blob_sha256: string }>('SELECT title, blob_sha256 FROM recordings WHERE id = ?', [victim.id]);
      expect(row).toEqual({ title: 'a title', blob_sha256: victim.sha256 });
      // Nothing was changed by the refused statements.
      const report = await verify(site);
      expect(report.problems).toEqual([]);
      expect(report.ledger).toMatchObject({ entries: site.size, heads: 2 });
      expect(report.blobs.checked).toBe(3);
    } finally {
      await evil.close();
      await site.close();
    }
  });
});

// ---------------------------------------------------------------------------

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' };
    execFile(process.execPath, [...CLI, ...args], { env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('custodia verify (CLI) on a tampered SQLite site', () => {
  it('exits 0 when intact; exits 1 naming the location once tampered; --json gives ok:false', async () => {
    const site = await buildSite('sqlite');
    const dataDir = site.t.dataDir;
    try {
      const blobPath = site.t.app.blobs.pathOf(site.recordings[0]!.sha256);
      const seq = site.signedNotes[0]!;
      await site.t.app.close(); // the site is closed; its folder stays for the CLI

      const intact = await runCli(['verify', '--data', dataDir]);
      expect(intact.code, intact.stderr).toBe(0);
      expect(intact.stdout).toMatch(/^OK:/m);

      await chmod(blobPath, 0o644);
      const bytes = await readFile(blobPath);
      bytes[0]! ^= 0xff;
      await writeFile(blobPath, bytes);
      const evil = new SqliteDatabase(path.join(dataDir, 'custodia.db'));
      evil.exec('DROP TRIGGER audit_entries_no_update');
      evil.prepare("UPDATE audit_entries SET leaf = CAST(replace(CAST(leaf AS TEXT), 'note number', 'note numbeR') AS BLOB) WHERE seq = ?").run(seq);
      evil.close();

      const text = await runCli(['verify', '--data', dataDir]);
      expect(text.code, text.stderr).toBe(1);
      expect(text.stdout).toContain(blobPath);
      expect(text.stdout).toContain(`ledger seq ${seq}`);
      expect(text.stdout).toMatch(/^FAILED: \d+ problem/m);

      const json = await runCli(['verify', '--json', '--data', dataDir]);
      expect(json.code, json.stderr).toBe(1);
      const report = JSON.parse(json.stdout) as VerifyReport;
      expect(report.ok).toBe(false);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'blob_corrupt', location: blobPath }));
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'entry_changed', location: `ledger seq ${seq}` }));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
