import type { App } from '../app.js';
import { AppError } from '../platform/errors.js';
import type { ProfileSummary } from '../retention/index.js';
import type { GlobalFlags } from './context.js';
import { EXIT_OK, humanBytes, printable, table, UsageError } from './output.js';

const usage = (e: unknown): never => {
  if (e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict' || e.kind === 'not_found')) throw new UsageError(e.message);
  throw e;
};

/**
 * `custodia profile --help`: the commands and the JSON each prints with --json (a stable
 * interface other tools rely on; the HTTP API keeps its own shapes in /api/openapi.json).
 */
export const PROFILE_HELP = `Usage: custodia profile <subcommand> [options]

  list [--all] [--json]                 the regulation profiles: one line per profile at its
                                        latest version; --all lists every version
  show <id> [--version N] [--json]      one profile version in full (the latest by default)
  use <id> --unit CODE [--version N] [--json]
                                        the unit tree follows that profile (its latest version
                                        by default); new recordings follow it, existing ones
                                        keep the version that governed them

JSON (--json):
  profile list → an array, one entry per profile id (sorted by id) at its latest version;
  with --all one entry per version (by id, then version):
    [{"id": "traffic-police",               profile id
      "name": "交通警察…",                  the name in zh-CN, the default locale
      "names": {"zh": "…", "en": "…"},      the name in every locale
      "version": 1,                         version number (1, 2, …)
      "latest": true,                       whether this is the profile's latest version
      "kind": "regulation",                 "regulation" | "practice" | "default"
      "origin": "shipped",                  "shipped" | "custom" (an agency's edited copy)
      "basedOn": null,                      "id@version" it was edited from, or null
      "hash": "…",                          SHA-256 (hex) of the version's canonical JSON
      "createdAt": 1767225600000,           when stored, epoch milliseconds
      "minimumRetention": {"months": 3}}]   {"months": n} | {"days": n} | null (not stated)
  profile show → the profile version's whole document (the fields of a shipped profile's JSON file)
  profile use  → {"unitId": "…", "assignedAt": "…", "profileId": "…", "profileVersion": n}
                 (unitId and assignedAt are unit ids: the unit, and the one whose assignment applies)

Exit codes: 0 success, 2 bad usage (unknown profile, version or unit).
`;

/** One entry of `profile list --json` (see PROFILE_HELP). */
export interface ProfileListEntry {
  id: string;
  /** zh-CN, the default locale. */
  name: string;
  names: { zh: string; en: string };
  version: number;
  latest: boolean;
  kind: ProfileSummary['kind'];
  origin: ProfileSummary['origin'];
  basedOn: string | null;
  hash: string;
  createdAt: number;
  minimumRetention: ProfileSummary['minimumRetention'];
}

/** What `profile list --json` prints: the latest version of each profile, or every version with `all`. */
export function profileListEntries(items: readonly ProfileSummary[], all: boolean): ProfileListEntry[] {
  return items
    .filter((p) => all || p.latest)
    .map((p) => ({
      id: p.id,
      name: p.name.zh,
      names: { zh: p.name.zh, en: p.name.en },
      version: p.version,
      latest: p.latest,
      kind: p.kind,
      origin: p.origin,
      basedOn: p.basedOn,
      hash: p.hash,
      createdAt: p.createdAt,
      minimumRetention: p.minimumRetention,
    }));
}

/** `custodia profile list [--all] | show <id> [--version N] | use <id> --unit CODE [--version N]` */
export async function profileCommand(app: App, rest: string[], f: GlobalFlags & { unit?: string | undefined; version?: number | undefined; all?: boolean | undefined }): Promise<number> {
  const [sub, id] = rest;
  switch (sub) {
    case 'list': {
      const items = profileListEntries(await app.profiles.list(null, { ip: null }), f.all === true);
      if (f.json) process.stdout.write(`${JSON.stringify(items)}\n`);
      else {
        const min = (p: ProfileListEntry) => (p.minimumRetention === null ? '—' : 'months' in p.minimumRetention ? `${p.minimumRetention.months} months` : `${p.minimumRetention.days} days`);
        process.stdout.write(`${table([['ID', 'VERSION', 'NAME', 'MINIMUM', 'ORIGIN'], ...items.map((p) => [p.id, `${p.version}${f.all && p.latest ? ' (latest)' : ''}`, printable(p.name), min(p), p.origin])])}\n`);
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
      throw new UsageError('profile needs one of: list, show, use (custodia profile --help)');
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
