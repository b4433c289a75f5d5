import { hostname, userInfo } from 'node:os';
import type { App } from '../app.js';
import { DEVICE_KINDS, DEVICE_STATUSES, FAULT_CAUSES, STORAGE_STATES, type DeviceHistory, type DeviceView, type FaultCause, type StorageState } from '../devices/index.js';
import { toActor, type Actor } from '../identity/index.js';
import { zonedTimeToEpochMs } from '../ingest/file-names.js';
import { AppError } from '../platform/errors.js';
import type { GlobalFlags } from './context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, printable, table, UsageError } from './output.js';

export interface DeviceFlags extends GlobalFlags {
  as?: string | undefined;
  code?: string | undefined;
  kind?: string | undefined;
  serial?: string | undefined;
  model?: string | undefined;
  asset?: string | undefined;
  unit?: string | undefined;
  keeper?: string | undefined;
  maintenanceDays?: string | undefined;
  status?: string | undefined;
  overdue: boolean;
  maintenanceDue: boolean;
  officer?: string | undefined;
  to?: string | undefined;
  due?: string | undefined;
  hours?: string | undefined;
  battery?: string | undefined;
  storage?: string | undefined;
  damage?: string | undefined;
  unusable?: string | undefined;
  deviceTime?: string | undefined;
  offsetMs?: string | undefined;
  notes?: string | undefined;
}

const fmt = (t: number | null) => (t === null ? '-' : new Date(t).toISOString());
const offset = (ms: number | null) => (ms === null ? '-' : `${ms >= 0 ? '+' : ''}${(ms / 1000).toFixed(1)} s`);

/**
 * A time from the command line: ISO 8601 with a zone (`2024-03-01T18:00:00+08:00`, `…Z`), or a
 * local wall time `YYYY-MM-DD hh:mm[:ss]` in the site's zone (what a custodian reads off a screen).
 */
export function parseCliTime(s: string, timeZone: string, flag: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim());
  if (m) {
    try {
      return zonedTimeToEpochMs({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0) }, timeZone);
    } catch {
      throw new UsageError(`${flag}: not a real time: ${s}`);
    }
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s.trim())) {
    const t = Date.parse(s);
    if (Number.isFinite(t)) return t;
  }
  throw new UsageError(`${flag}: give an ISO time with its zone (2024-03-01T18:00:00+08:00) or a local "YYYY-MM-DD hh:mm[:ss]" (${timeZone})`);
}

function int(s: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (s === undefined) return undefined;
  if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return Number(s);
}

function oneOf<T extends string>(s: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (s === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(s)) throw new UsageError(`${flag}: one of ${allowed.join(', ')}`);
  return s as T;
}

async function deskActor(app: App, username: string | undefined): Promise<Actor> {
  if (!username) throw new UsageError('--as USERNAME is required: the person at the desk (their roles decide what they may do)');
  const u = await app.identity.userByUsername(username);
  if (!u) throw new UsageError(`no user ${username}`);
  return toActor(u, { kind: 'cli', id: 'cli' });
}

function deviceLine(d: DeviceView): string {
  const loan = d.loan ? ` — with ${d.loan.officer?.username ?? d.loan.officerId}${d.loan.officer?.badge ? ` (${d.loan.officer.badge})` : ''} until ${fmt(d.loan.dueAt)}${d.loan.overdue ? ' OVERDUE' : ''}` : '';
  return `${d.code} ${d.status}${loan}; clock ${offset(d.clockOffsetMs)}${d.clockCalibratedAt ? ` (calibrated ${fmt(d.clockCalibratedAt)})` : ''}`;
}

function deviceTable(items: DeviceView[]): string {
  const rows = [['CODE', 'SERIAL', 'KIND', 'STATUS', 'HOLDER', 'DUE', 'CLOCK', 'MAINTENANCE DUE']];
  for (const d of items) {
    rows.push([d.code, d.serial ?? '-', d.kind, d.status, d.loan ? (d.loan.officer?.badge ?? d.loan.officer?.username ?? d.loan.officerId) : '-', d.loan ? `${fmt(d.loan.dueAt)}${d.loan.overdue ? ' (overdue)' : ''}` : '-', offset(d.clockOffsetMs), fmt(d.maintenanceDueAt)]);
  }
  return table(rows);
}

function historyText(h: DeviceHistory): string {
  const lines = [deviceLine(h.device), '', 'EVENTS'];
  lines.push(table([['AT', 'EVENT', 'BEFORE', 'AFTER', 'BY', 'LEDGER'], ...h.events.map((e) => [fmt(e.at), e.event, e.statusBefore ?? '-', e.statusAfter, e.actorId ?? '-', String(e.ledgerSeq)])]));
  lines.push('', 'LOANS');
  lines.push(table([['ISSUED', 'OFFICER', 'DUE', 'RETURNED', 'RECEIVED BY'], ...h.loans.map((l) => [fmt(l.issuedAt), l.officer?.badge ?? l.officer?.username ?? l.officerId, fmt(l.dueAt), fmt(l.returnedAt), l.receivedBy ?? '-'])]));
  lines.push('', 'CALIBRATIONS');
  lines.push(table([['MEASURED', 'OFFSET', 'DEVICE SHOWED', 'SOURCE'], ...h.calibrations.map((c) => [fmt(c.measuredAt), offset(c.clockOffsetMs), fmt(c.deviceTime), c.source])]));
  lines.push('', 'FAULTS');
  lines.push(table([['REPORTED', 'CAUSE', 'DESCRIPTION', 'RESOLVED'], ...h.faults.map((f) => [fmt(f.reportedAt), f.cause, printable(f.description ?? ''), f.resolution ? `${f.resolution} ${fmt(f.resolvedAt)}` : '-'])]));
  lines.push('', 'REPAIRS');
  lines.push(table([['SENT', 'REPAIRER', 'RETURNED', 'OUTCOME'], ...h.repairs.map((r) => [fmt(r.sentAt), printable(r.repairer ?? '-'), fmt(r.returnedAt), r.outcome ?? '-'])]));
  return lines.join('\n');
}

/**
 * `custodia device add|list|issue|return|history …` — the device desk from the shell, acting as
 * the user named by `--as` (whose roles the authorization rule checks, as over HTTP; the dynamic
 * password is not asked at the server's own console). Exit 0 done, 1 refused (e.g. already
 * issued: the error id is printed), 2 bad usage or unknown device/user.
 */
export async function deviceCommand(app: App, sub: string | undefined, positionals: string[], f: DeviceFlags): Promise<number> {
  const meta = { ip: null, userAgent: `custodia-cli (${userInfo().username}@${hostname()})` };
  const out = (json: unknown, text: string) => process.stdout.write(f.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
  const tz = app.config.timeZone;
  const codeArg = () => {
    const code = positionals[0] ?? f.code;
    if (!code) throw new UsageError(`device ${sub ?? ''} needs the device number: custodia device ${sub ?? ''} <code> …`);
    return code;
  };
  try {
    switch (sub) {
      case 'add': {
        const actor = await deskActor(app, f.as);
        if (!f.code) throw new UsageError('--code is required (the device number, 统一编号)');
        const kind = oneOf(f.kind ?? 'body_worn', DEVICE_KINDS, '--kind');
        const unit = f.unit ? await app.identity.unitByCode(f.unit) : { id: actor.unitId };
        if (!unit) throw new UsageError(`no unit ${f.unit ?? ''}`);
        let keeperId: string | undefined;
        if (f.keeper) {
          const k = await app.identity.userByUsername(f.keeper);
          if (!k) throw new UsageError(`no user ${f.keeper}`);
          keeperId = k.id;
        }
        const d = await app.devices.registerDevice(
          actor,
          { code: f.code, kind: kind!, unitId: unit.id, serial: f.serial, model: f.model, assetNumber: f.asset, keeperId, maintenanceIntervalDays: int(f.maintenanceDays, '--maintenance-days', 1, 3650), notes: f.notes },
          meta,
        );
        out(d, `registered ${deviceLine(d)}`);
        break;
      }
      case 'list': {
        const actor = await deskActor(app, f.as);
        const unitId = f.unit ? (await app.identity.unitByCode(f.unit))?.id : undefined;
        if (f.unit && !unitId) throw new UsageError(`no unit ${f.unit}`);
        const items = f.overdue
          ? await app.devices.overdueDevices(actor, { unitId }, meta)
          : f.maintenanceDue
            ? await app.devices.maintenanceDue(actor, { unitId }, meta)
            : await app.devices.listDevices(actor, { unitId, status: oneOf(f.status, DEVICE_STATUSES, '--status') }, meta);
        out({ items }, items.length === 0 ? 'no devices' : deviceTable(items));
        break;
      }
      case 'issue': {
        const actor = await deskActor(app, f.as);
        const code = codeArg();
        if (!f.officer === !f.to) throw new UsageError('name the officer: --officer BADGE or --to USERNAME');
        let officerId: string | undefined;
        if (f.to) {
          const u = await app.identity.userByUsername(f.to);
          if (!u) throw new UsageError(`no user ${f.to}`);
          officerId = u.id;
        }
        if (!f.due === !f.hours) throw new UsageError('give the due time: --due TIME or --hours N');
        const dueAt = f.due ? parseCliTime(f.due, tz, '--due') : app.clock.now() + int(f.hours, '--hours', 1, 24 * 366)! * 3_600_000;
        const battery = int(f.battery, '--battery', 0, 100);
        const deviceTime = f.deviceTime ? parseCliTime(f.deviceTime, tz, '--device-time') : undefined;
        const check = battery !== undefined || deviceTime !== undefined ? { batteryPercent: battery, clock: deviceTime !== undefined ? { deviceTime } : undefined } : undefined;
        const d = await app.devices.getDeviceByCode(actor, code, meta);
        const issued = await app.devices.issueDevice(actor, d.id, { officerId, officerBadge: f.officer, dueAt, notes: f.notes, check }, meta);
        out(issued, `issued ${deviceLine(issued)}`);
        break;
      }
      case 'return': {
        const actor = await deskActor(app, f.as);
        const code = codeArg();
        if (f.deviceTime && f.offsetMs) throw new UsageError('give the clock as --device-time (what the screen shows) or --offset-ms, not both');
        const clock = f.deviceTime ? { deviceTime: parseCliTime(f.deviceTime, tz, '--device-time') } : f.offsetMs ? { clockOffsetMs: int(f.offsetMs, '--offset-ms', -4e12, 4e12)! } : undefined;
        const cause = oneOf<FaultCause>(f.unusable, FAULT_CAUSES, '--unusable');
        const d = await app.devices.getDeviceByCode(actor, code, meta);
        const back = await app.devices.returnDevice(
          actor,
          d.id,
          {
            batteryPercent: int(f.battery, '--battery', 0, 100),
            storageState: oneOf<StorageState>(f.storage, STORAGE_STATES, '--storage'),
            damage: f.damage,
            notes: f.notes,
            clock,
            unusable: cause ? { cause, description: f.damage } : undefined,
          },
          meta,
        );
        out(back, `returned ${deviceLine(back)}`);
        break;
      }
      case 'history': {
        const actor = await deskActor(app, f.as);
        const d = await app.devices.getDeviceByCode(actor, codeArg(), meta);
        const h = await app.devices.deviceHistory(actor, d.id, meta);
        out(h, historyText(h));
        break;
      }
      default:
        throw new UsageError('device needs one of: add, list, issue, return, history');
    }
    await app.ledger.signHead();
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    // Refusals (already issued, not permitted) fail the command; unknown things and bad values are usage.
    const usage = e.kind === 'invalid' || e.kind === 'not_found';
    await app.ledger.signHead();
    if (f.json) process.stdout.write(`${JSON.stringify({ error: e.code, message: e.message })}\n`);
    process.stderr.write(`custodia: ${e.code}: ${e.message}\n`);
    return usage ? EXIT_USAGE : EXIT_FAILED;
  }
}
