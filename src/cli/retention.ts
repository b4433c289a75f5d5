import type { App } from '../app.js';
import { AppError } from '../platform/errors.js';
import type { GlobalFlags } from './context.js';
import { EXIT_OK, humanBytes, table, UsageError } from './output.js';

const usage = (e: unknown): never => {
  if (e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict' || e.kind === 'not_found')) throw new UsageError(e.message);
  throw e;
};

/** `custodia profile list | show <id> [--version N] | use <id> --unit CODE [--version N]` */
export async function profileCommand(app: App, rest: string[], f: GlobalFlags & { unit?: string | undefined; version?: number | undefined }): Promise<number> {
  const [sub, id] = rest;
  switch (sub) {
    case 'list': {
      const items = await app.profiles.list(null, { ip: null });
      if (f.json) process.stdout.write(`${JSON.stringify(items)}\n`);
      else {
        const min = (p: (typeof items)[number]) => (p.minimumRetention === null ? '—' : 'months' in p.minimumRetention ? `${p.minimumRetention.months} months` : `${p.minimumRetention.days} days`);
        process.stdout.write(`${table([['ID', 'VERSION', 'NAME', 'MINIMUM', 'ORIGIN'], ...items.filter((p) => p.latest).map((p) => [p.id, String(p.version), p.name.zh, min(p), p.origin])])}\n`);
      }
      return EXIT_OK;
    }
    case 'show': {
      if (!id) throw new UsageError('profile show needs an id');
      const p = await app.profiles.profile(id, f.version).catch(usage);
      process.stdout.write(`${JSON.stringify(p, null, f.json ? undefined : 2)}\n`);
      return EXIT_OK;
    }
    case 'use': {
      if (!id) throw new UsageError('profile use needs an id');
      if (!f.unit) throw new UsageError('--unit is required');
      const unit = await app.identity.resolveUnit(f.unit).catch(usage);
      const r = await app.profiles.assign(null, unit.id, id, f.version, 'custodia profile use', { ip: null }).catch(usage);
      await app.ledger.signHead();
      process.stdout.write(f.json ? `${JSON.stringify(r)}\n` : `unit ${unit.code} now follows ${r.profileId}@${r.profileVersion}\n`);
      return EXIT_OK;
    }
    default:
      throw new UsageError('profile needs one of: list, show, use');
  }
}

/** `custodia retention run [--dry-run]`: report what expired; without --dry-run also propose batches and execute due ones. */
export async function retentionCommand(app: App, rest: string[], f: GlobalFlags & { dryRun: boolean }): Promise<number> {
  if (rest[0] !== 'run') throw new UsageError('retention needs: run [--dry-run]');
  const report = await app.retention.run({ dryRun: f.dryRun });
  // A dry run changes nothing, not even the signed tree heads; a real run signs what it appended.
  if (!f.dryRun) await app.ledger.signHead();
  if (f.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return EXIT_OK;
  }
  const unitCode = new Map((await app.units.all()).map((u) => [u.id, u.code]));
  const lines = [
    `expired: ${report.expired} recording(s), ${humanBytes(report.bytes)} to free${report.inBatches > 0 ? ` (${report.inBatches} already in a deletion batch)` : ''}`,
    report.byUnit.length > 0 ? table([['UNIT', 'RECORDINGS', 'BYTES'], ...report.byUnit.map((u) => [unitCode.get(u.unitId) ?? u.unitId, String(u.recordings), humanBytes(u.bytes)])]) : '',
    report.dryRun ? 'dry run: nothing proposed, nothing deleted' : `proposed ${report.proposed.length} batch(es) for approval; executed ${report.executed.length} (${report.executed.reduce((s, e) => s + e.deleted, 0)} deleted, ${report.executed.reduce((s, e) => s + e.kept, 0)} kept)${report.swept > 0 ? `; finished ${report.swept} interrupted deletion(s)` : ''}`,
  ].filter(Boolean);
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
