import { verifySite } from '../audit/index.js';
import type { App } from '../app.js';
import type { GlobalFlags } from './context.js';
import { countProgress, EXIT_FAILED, EXIT_OK, humanBytes, printable } from './output.js';

/** `custodia verify`: exit 0 only when every original, ledger entry and signed head is intact. */
export async function verifyCommand(app: App, flags: GlobalFlags): Promise<number> {
  const bar = countProgress(!flags.json);
  const report = await verifySite(app.db, app.auditRepo, app.blobs, (p) => bar.update(p.phase, p.done, p.total));
  bar.stop();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const lines = [
      `ledger: ${report.ledger.entries} entries, ${report.ledger.heads} signed heads${report.ledger.unsignedEntries ? `, ${report.ledger.unsignedEntries} entries after the latest head` : ''}`,
      `originals: ${report.blobs.checked - report.tombstones} re-hashed (${humanBytes(report.blobs.bytes)})${report.tombstones > 0 ? `; ${report.tombstones} deleted by retention, each with its tombstone and ledger entry` : ''}`,
      ...report.problems.map((p) => `PROBLEM ${p.kind} at ${printable(p.location)}: ${p.message}`),
      ...report.notices.map((p) => `notice ${p.kind} at ${printable(p.location)}: ${p.message}`),
      report.ok ? 'OK: every original, ledger entry and signed tree head is intact' : `FAILED: ${report.problems.length} problem(s)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return report.ok ? EXIT_OK : EXIT_FAILED;
}
