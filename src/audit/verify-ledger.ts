import { readLeafIndex } from './leaf.js';
import { emptyRoot, leafHash, MerkleFrontier } from './merkle.js';
import type { AuditRepo } from './repo.js';
import { verifyTreeHead } from './signing.js';

export interface LedgerProblem {
  kind: 'entry_changed' | 'entry_index_mismatch' | 'entry_misplaced' | 'entry_missing' | 'head_root_mismatch' | 'head_bad_signature' | 'head_unknown_key' | 'head_beyond_ledger' | 'state_mismatch';
  /** Where: `ledger seq N` or `tree head size N`. */
  location: string;
  message: string;
}

export interface LedgerReport {
  entries: number;
  heads: number;
  unsignedEntries: number;
  problems: LedgerProblem[];
}

/**
 * Re-hashes every ledger entry from its stored leaf bytes, rebuilds the Merkle tree, and checks
 * every signed tree head's root and signature. Reports each problem by location.
 */
export async function verifyLedger(repo: AuditRepo, onProgress?: (entriesDone: number) => void): Promise<LedgerReport> {
  const problems: LedgerProblem[] = [];
  // Heads first, then the tree state: every head read was signed at a size <= the state read after
  // it. The check covers the tree as of `start`; entries appended while it runs are left for the
  // next run (so it can run while the server appends, and it ends).
  const heads = await repo.allHeads();
  const keys = new Map((await repo.siteKeys()).map((k) => [k.key_id, k.public_key]));
  const start = await repo.readState();
  const treeSize = start?.size ?? 0;
  /** Seqs stored after the tree's last entry, as read before the closing state check. */
  const beyondTree: number[] = [];
  let headIdx = 0;
  const frontier = MerkleFrontier.empty();
  let expected = 1;
  let after = 0;
  let count = 0;

  const checkHeadsAt = (size: number) => {
    while (headIdx < heads.length && heads[headIdx]!.size === size) {
      const h = heads[headIdx]!;
      const rootHex = Buffer.from(h.root).toString('hex');
      const actual = size === 0 ? emptyRoot() : frontier.root();
      if (!actual.equals(h.root)) {
        problems.push({ kind: 'head_root_mismatch', location: `tree head size ${size}`, message: `signed root ${rootHex} does not match the root recomputed from the ledger entries (${actual.toString('hex')})` });
      }
      const pub = keys.get(h.key_id);
      if (!pub) problems.push({ kind: 'head_unknown_key', location: `tree head size ${size}`, message: `signed by unknown key ${h.key_id}` });
      else if (!verifyTreeHead(pub, h.size, h.signed_at, rootHex, h.signature)) {
        problems.push({ kind: 'head_bad_signature', location: `tree head size ${size}`, message: `the Ed25519 signature does not verify with site key ${h.key_id}` });
      }
      headIdx += 1;
    }
  };

  checkHeadsAt(0);
  scan: for (;;) {
    const page = await repo.entriesPage(after, 10_000);
    if (page.length === 0) break;
    for (const row of page) {
      if (row.seq > treeSize) {
        for (const r of page) if (r.seq > treeSize) beyondTree.push(r.seq);
        break scan;
      }
      if (row.seq !== expected) {
        const missing = row.seq > expected ? seqRange(expected, row.seq - 1) : String(expected);
        problems.push({ kind: 'entry_missing', location: `ledger seq ${missing}`, message: `entries ${missing} are missing (next stored entry is ${row.seq})` });
        expected = row.seq;
      }
      const lh = leafHash(row.leaf);
      if (!lh.equals(row.leaf_hash)) {
        problems.push({ kind: 'entry_changed', location: `ledger seq ${row.seq}`, message: 'leaf bytes do not match the stored leaf hash: the entry was changed' });
      }
      try {
        const leaf = readLeafIndex(row.leaf);
        if (leaf.seq !== row.seq) {
          problems.push({ kind: 'entry_misplaced', location: `ledger seq ${row.seq}`, message: `the entry stored at seq ${row.seq} is the leaf of seq ${leaf.seq}: entries were reordered or inserted` });
        }
        if (leaf.at !== row.at || leaf.action !== row.action || leaf.actorId !== row.actor_id || leaf.subjectType !== row.subject_type || leaf.subjectId !== row.subject_id) {
          problems.push({ kind: 'entry_index_mismatch', location: `ledger seq ${row.seq}`, message: 'the indexed columns (time, action, actor, subject) differ from the leaf' });
        }
      } catch {
        problems.push({ kind: 'entry_changed', location: `ledger seq ${row.seq}`, message: 'leaf bytes are not a well-formed ledger leaf' });
      }
      frontier.append(lh);
      expected += 1;
      count += 1;
      checkHeadsAt(frontier.size);
    }
    after = page[page.length - 1]!.seq;
    onProgress?.(count);
  }
  for (; headIdx < heads.length; headIdx++) {
    const h = heads[headIdx]!;
    problems.push({ kind: 'head_beyond_ledger', location: `tree head size ${h.size}`, message: `a head was signed at size ${h.size} but the ledger holds only ${count} entries: entries were deleted` });
  }
  const lastSeq = expected - 1;
  if (lastSeq < treeSize) {
    const missing = seqRange(lastSeq + 1, treeSize);
    problems.push({ kind: 'entry_missing', location: `ledger seq ${missing}`, message: `the tree holds ${treeSize} entries but the ledger ends at seq ${lastSeq}: entries ${missing} were deleted` });
  }
  if (start && (start.size !== frontier.size || !Buffer.from(start.root).equals(frontier.root()))) {
    problems.push({ kind: 'state_mismatch', location: `ledger state`, message: `stored tree state (size ${start.size}) differs from the recomputed tree (size ${frontier.size})` });
  }
  if (beyondTree.length > 0) {
    // Rows read before this state read and beyond it were never appended by the ledger (an append
    // updates the state in the same transaction); rows up to it were appended since the check began.
    const end = (await repo.readState())?.size ?? 0;
    const forged = beyondTree.filter((seq) => seq > end);
    if (forged.length > 0) {
      const where = seqRange(forged[0]!, forged[forged.length - 1]!);
      problems.push({ kind: 'entry_misplaced', location: `ledger seq ${where}`, message: `stored after the tree's last entry (size ${end}): not in the Merkle tree, so not appended by the ledger: entries were inserted` });
    }
  }
  const lastSigned = heads.length > 0 ? heads[heads.length - 1]!.size : 0;
  return { entries: count, heads: heads.length, unsignedEntries: Math.max(0, count - lastSigned), problems };
}

function seqRange(first: number, last: number): string {
  return first === last ? String(first) : `${first}..${last}`;
}
