import type { App } from '../app.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './output.js';

/** `custodia audit head | export | prove <seq> | consistency <from> <to>` — always JSON. */
export async function auditCommand(app: App, args: string[]): Promise<number> {
  const [sub, a, b] = args;
  const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
  const int = (s: string | undefined, name: string) => {
    if (s === undefined || !/^\d+$/.test(s)) throw new UsageError(`${name} must be a non-negative integer`);
    return Number(s);
  };
  switch (sub) {
    case 'head':
      out(await app.ledger.signHead());
      return EXIT_OK;
    case 'export': {
      let after = 0;
      for (;;) {
        const page = await app.auditRepo.entriesPage(after, 5000);
        if (page.length === 0) break;
        const lines = page.map((r) =>
          JSON.stringify({ seq: r.seq, at: r.at, action: r.action, actorId: r.actor_id, subjectType: r.subject_type, subjectId: r.subject_id, leaf: Buffer.from(r.leaf).toString('base64'), leafHash: Buffer.from(r.leaf_hash).toString('hex') }),
        );
        if (!process.stdout.write(`${lines.join('\n')}\n`)) await new Promise((r) => process.stdout.once('drain', r));
        after = page[page.length - 1]!.seq;
      }
      return EXIT_OK;
    }
    case 'prove': {
      const seq = int(a, 'seq');
      await app.ledger.signHead();
      const proof = await app.ledger.inclusionProof(seq, b === undefined ? undefined : int(b, 'tree size'));
      if (!proof) {
        process.stderr.write(`no ledger entry ${seq} in the signed tree\n`);
        return EXIT_FAILED;
      }
      out(proof);
      return EXIT_OK;
    }
    case 'consistency': {
      const proof = await app.ledger.consistencyProof(int(a, 'from'), int(b, 'to'));
      if (!proof) {
        process.stderr.write('sizes must satisfy 0 ≤ from ≤ to ≤ current ledger size\n');
        return EXIT_FAILED;
      }
      out(proof);
      return EXIT_OK;
    }
    default:
      throw new UsageError('audit needs one of: head, export, prove <seq> [treeSize], consistency <from> <to>');
  }
}
