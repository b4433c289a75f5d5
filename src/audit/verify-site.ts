import type { FsBlobStore } from '../platform/blobs/fs-store.js';
import type { Database } from '../platform/db/database.js';
import { decodeLeaf } from './leaf.js';
import type { AuditRepo } from './repo.js';
import { verifyLedger, type LedgerProblem, type LedgerReport } from './verify-ledger.js';

export interface Problem {
  kind: string;
  location: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  blobs: { checked: number; bytes: number };
  /** Originals deleted by the retention process: each has its tombstone and its ledger entry. */
  tombstones: number;
  ledger: Omit<LedgerReport, 'problems'>;
  problems: Problem[];
  /** Not failures: leftovers of interrupted imports and the like, listed so nothing goes unreported. */
  notices: Problem[];
}

export interface VerifyProgress {
  phase: 'ledger' | 'blobs';
  done: number;
  total: number;
}

/**
 * `custodia verify`: re-hashes every stored original, every ledger entry, checks every signed
 * head, and cross-checks each recording against its import entry in the ledger. Read-only: it
 * can run while the server serves.
 */
export async function verifySite(db: Database, repo: AuditRepo, blobs: FsBlobStore, onProgress?: (p: VerifyProgress) => void): Promise<VerifyReport> {
  const problems: Problem[] = [];
  const notices: Problem[] = [];

  const totalEntries = (await repo.readState())?.size ?? 0;
  const ledger = await verifyLedger(repo, (done) => onProgress?.({ phase: 'ledger', done, total: totalEntries }));
  problems.push(...ledger.problems.map((p: LedgerProblem) => ({ kind: p.kind, location: p.location, message: p.message })));

  // Each recording must match what the ledger says was imported.
  const imported = new Map<string, { sha256: string; seq: number }>();
  let after = 0;
  for (;;) {
    const page = await db.kysely.selectFrom('audit_entries').select(['seq', 'leaf', 'subject_id']).where('action', '=', 'recording.import').where('seq', '>', after).orderBy('seq').limit(10_000).execute();
    if (page.length === 0) break;
    for (const e of page) {
      try {
        const leaf = decodeLeaf(e.leaf);
        const sha = leaf.details['sha256'];
        if (leaf.subject && typeof sha === 'string') imported.set(leaf.subject.id, { sha256: sha, seq: e.seq });
      } catch {
        // reported by the ledger check
      }
    }
    after = page[page.length - 1]!.seq;
  }
  let lastId = '';
  for (;;) {
    const rows = await db.kysely.selectFrom('recordings').select(['id', 'blob_sha256']).where('id', '>', lastId).orderBy('id').limit(10_000).execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const entry = imported.get(r.id);
      if (!entry) problems.push({ kind: 'recording_unrecorded', location: `recording ${r.id}`, message: 'no import entry in the ledger for this recording' });
      else if (entry.sha256 !== r.blob_sha256) problems.push({ kind: 'recording_hash_mismatch', location: `recording ${r.id}`, message: `the ledger (seq ${entry.seq}) recorded sha256 ${entry.sha256}, the catalogue says ${r.blob_sha256}` });
    }
    lastId = rows[rows.length - 1]!.id;
  }

  // Tombstones: each deleted original is expected to be gone, and its deletion provable in the ledger.
  const tombstoned = new Map<string, string>();
  let tombstones = 0;
  let afterTomb = '';
  for (;;) {
    const rows = await db.kysely.selectFrom('tombstones').select(['recording_id', 'sha256', 'size', 'ledger_seq']).where('recording_id', '>', afterTomb).orderBy('recording_id').limit(1000).execute();
    if (rows.length === 0) break;
    const entries = await db.kysely.selectFrom('audit_entries').select(['seq', 'leaf']).where('seq', 'in', rows.map((r) => r.ledger_seq)).execute();
    const bySeq = new Map(entries.map((e) => [Number(e.seq), e.leaf]));
    for (const t of rows) {
      tombstones += 1;
      tombstoned.set(t.sha256, t.recording_id);
      const leafBytes = bySeq.get(Number(t.ledger_seq));
      let proven = false;
      if (leafBytes) {
        try {
          const leaf = decodeLeaf(leafBytes);
          proven = leaf.action === 'retention.delete' && leaf.subject?.id === t.recording_id && leaf.details['sha256'] === t.sha256 && leaf.details['size'] === t.size;
        } catch {
          proven = false;
        }
      }
      if (!proven) problems.push({ kind: 'tombstone_unproven', location: `tombstone ${t.recording_id}`, message: `ledger entry ${t.ledger_seq} does not record this deletion (hash and size)` });
    }
    afterTomb = rows[rows.length - 1]!.recording_id;
  }

  // Every known blob: present, right size, right hash — except those a tombstone says were deleted.
  const countRow = await db.kysely.selectFrom('blobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const totalBlobs = Number(countRow?.n ?? 0);
  const known = new Set<string>();
  let checked = 0;
  let bytes = 0;
  let afterSha = '';
  for (;;) {
    const rows = await db.kysely.selectFrom('blobs').select(['sha256', 'size']).where('sha256', '>', afterSha).orderBy('sha256').limit(1000).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      known.add(row.sha256);
      const where = blobs.pathOf(row.sha256);
      if (tombstoned.has(row.sha256)) {
        if (await blobs.has(row.sha256)) notices.push({ kind: 'deletion_pending', location: where, message: `recording ${tombstoned.get(row.sha256)} is tombstoned but its bytes are still here (an interrupted deletion); the next retention run removes them` });
        checked += 1;
        onProgress?.({ phase: 'blobs', done: checked, total: totalBlobs });
        continue;
      }
      try {
        const again = await blobs.rehash(row.sha256);
        if (again.size !== row.size) problems.push({ kind: 'blob_size_mismatch', location: where, message: `stored ${again.size} bytes, the catalogue says ${row.size}` });
        else if (again.sha256 !== row.sha256) problems.push({ kind: 'blob_corrupt', location: where, message: `content hashes to ${again.sha256}: the original was altered` });
        bytes += again.size;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        problems.push({ kind: code === 'ENOENT' ? 'blob_missing' : 'blob_unreadable', location: where, message: code === 'ENOENT' ? 'the original is missing from the store' : `cannot read: ${(e as Error).message}` });
      }
      checked += 1;
      onProgress?.({ phase: 'blobs', done: checked, total: totalBlobs });
    }
    afterSha = rows[rows.length - 1]!.sha256;
  }
  for await (const b of blobs.list()) {
    if (!known.has(b.sha256)) notices.push({ kind: 'blob_unreferenced', location: b.path, message: 'stored but not catalogued (an import was interrupted before its record committed); importing the same file again adopts it' });
  }
  for (const t of await blobs.listTemp()) {
    notices.push({ kind: 'temp_leftover', location: t, message: 'partial copy left by an interrupted import; nothing refers to it' });
  }
  const { problems: _omit, ...ledgerSummary } = ledger;
  return { ok: problems.length === 0, blobs: { checked, bytes }, tombstones, ledger: ledgerSummary, problems, notices };
}
