import { recordingVisibility, type Actor, type Authorizer, type AuthzAction, type RequestMeta } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import { lastLocalDays, sumByDay } from './day-buckets.js';
import type { DeviceCounts, OverviewRepo, WorkRecordGroup } from './repo.js';

export interface OverviewQuery {
  /** The subtree to sum over (the actor's own unit when omitted). */
  unitId?: string | undefined;
  /** Local days back from today, today included. */
  days: number;
}

export interface DayFigures {
  /** `YYYY-MM-DD` in the site's time zone. */
  date: string;
  from: number;
  recordings: number;
  hours: number;
}

/**
 * The overview of a unit subtree (issue 5, R-STATS). Each section is null when the actor's roles
 * don't reach it, so one page serves a custodian (devices) and a legal officer (recordings,
 * approvals) alike; what a section counts is what the same person could list elsewhere.
 */
export interface Overview {
  at: number;
  unitId: string;
  timeZone: string;
  days: number;
  from: number;
  to: number;
  recordings: { perDay: DayFigures[]; total: number; hours: number } | null;
  timeliness: { onTime: number; late: number; unknown: number; /** onTime / (onTime + late); null when none is known */ onTimeRate: number | null } | null;
  devices: (DeviceCounts & { total: number }) | null;
  approvals: { accessRequests: number | null; workRecords: number | null; deletionBatches: number | null } | null;
  storage: { recordings: number; bytes: number; expiredRecordings: number; bytesToFree: number } | null;
  /** Work records (R-INTERRUPT) that occurred in the period: recordings interrupted or not made, and how the head decided. */
  workRecords: WorkRecordStats | null;
}

export interface WorkRecordStats {
  total: number;
  byKind: { interrupted: number; notRecorded: number };
  byStatus: { pending: number; approved: number; rejected: number };
  /** Most frequent first. */
  byReason: Array<{ kind: 'interrupted' | 'not_recorded'; reason: string; count: number }>;
  /** Officers with the most first (at most 20). */
  byOfficer: Array<{ officerId: string; count: number }>;
}

/** Sums grouped work records into the overview's figures. Pure. */
export function workRecordStats(groups: readonly WorkRecordGroup[]): WorkRecordStats {
  const byKind = { interrupted: 0, notRecorded: 0 };
  const byStatus = { pending: 0, approved: 0, rejected: 0 };
  const reasons = new Map<string, { kind: 'interrupted' | 'not_recorded'; reason: string; count: number }>();
  const officers = new Map<string, number>();
  let total = 0;
  for (const g of groups) {
    total += g.n;
    if (g.kind === 'interrupted') byKind.interrupted += g.n;
    else byKind.notRecorded += g.n;
    byStatus[g.status] += g.n;
    const key = `${g.kind}:${g.reason}`;
    const r = reasons.get(key) ?? { kind: g.kind, reason: g.reason, count: 0 };
    r.count += g.n;
    reasons.set(key, r);
    officers.set(g.officerId, (officers.get(g.officerId) ?? 0) + g.n);
  }
  const byReason = [...reasons.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind) || a.reason.localeCompare(b.reason));
  const byOfficer = [...officers.entries()]
    .map(([officerId, count]) => ({ officerId, count }))
    .sort((a, b) => b.count - a.count || a.officerId.localeCompare(b.officerId))
    .slice(0, 20);
  return { total, byKind, byStatus, byReason, byOfficer };
}

/** What has expired now (RetentionService.dryRun). */
export interface ExpirySource {
  dryRun(actor: Actor | null, meta: RequestMeta, unitId?: string, opts?: { list?: number }): Promise<{ expired: number; bytes: number }>;
}

const HOUR = 3_600_000;

export class OverviewService {
  constructor(
    private readonly repo: OverviewRepo,
    private readonly authz: Authorizer,
    private readonly retention: ExpirySource,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {}

  async overview(actor: Actor, q: OverviewQuery, meta: RequestMeta): Promise<Overview> {
    const unitId = q.unitId ?? actor.unitId;
    const subject = { type: 'unit', id: unitId, unitId };
    // Ask the rule per section (each answer is in the request's trace); denials are not errors here.
    const may = async (action: AuthzAction) => (await this.authz.decide(actor, action, subject, meta)).allow;
    const [search, devices, accessList, caseRead, retentionRead] = await Promise.all([may('recording.search'), may('device.read'), may('access.list'), may('case.read'), may('retention.read')]);
    // Nothing to show (or a unit outside the actor's subtree): refuse with the rule's reason, audited.
    if (!search && !devices && !accessList && !caseRead && !retentionRead) await this.authz.require(actor, 'recording.search', subject, meta);

    const now = this.clock.now();
    const days = lastLocalDays(now, q.days, this.timeZone);
    const from = days[0]!.from;
    const to = days[days.length - 1]!.to;
    const unitIds = await this.authz.subtreeIds(unitId);
    const v = recordingVisibility(actor);

    const recordings = search && v.visible ? await this.recordingFigures(unitIds, days, v) : null;
    const timeliness = search && v.visible ? await this.timeliness(unitIds, from, to, v) : null;
    const deviceCounts = devices ? await this.repo.devices({ unitIds, now }) : null;
    const approvals =
      accessList || caseRead || retentionRead
        ? {
            accessRequests: accessList ? await this.repo.pendingAccessRequests(unitIds) : null,
            workRecords: caseRead ? await this.repo.pendingWorkRecords(unitIds) : null,
            deletionBatches: retentionRead ? await this.repo.proposedDeletionBatches(unitIds) : null,
          }
        : null;
    const storage = retentionRead ? await this.storage(actor, unitId, unitIds, meta) : null;
    const workRecords = caseRead ? workRecordStats(await this.repo.workRecordGroups({ unitIds, from, to, officerId: v.officerId })) : null;
    return {
      at: now,
      unitId,
      timeZone: this.timeZone,
      days: q.days,
      from,
      to,
      recordings,
      timeliness,
      devices: deviceCounts ? { ...deviceCounts, total: deviceCounts.inStore + deviceCounts.issued + deviceCounts.faulty + deviceCounts.inRepair } : null,
      approvals,
      storage,
      workRecords,
    };
  }

  private async recordingFigures(unitIds: string[], days: ReturnType<typeof lastLocalDays>, v: ReturnType<typeof recordingVisibility>): Promise<NonNullable<Overview['recordings']>> {
    const buckets = await this.repo.recordingBuckets({ unitIds, from: days[0]!.from, to: days[days.length - 1]!.to, maxSensitivity: v.maxSensitivity, officerId: v.officerId });
    const perDay = sumByDay(
      days,
      buckets,
      () => ({ recordings: 0, ms: 0 }),
      (s, b) => {
        s.recordings += b.recordings;
        s.ms += b.durationMs;
      },
    ).map((d) => ({ date: d.date, from: d.from, recordings: d.sum.recordings, hours: Math.round((d.sum.ms / HOUR) * 100) / 100 }));
    const totalMs = buckets.reduce((s, b) => s + b.durationMs, 0);
    return { perDay, total: perDay.reduce((s, d) => s + d.recordings, 0), hours: Math.round((totalMs / HOUR) * 100) / 100 };
  }

  /**
   * Late and on-time imports as GET /api/recordings/timeliness counts them (the profile deadline
   * stored with each recording), but within the actor's clearance and, for officers, their own.
   */
  private async timeliness(unitIds: string[], from: number, to: number, v: ReturnType<typeof recordingVisibility>): Promise<NonNullable<Overview['timeliness']>> {
    const sum = await this.repo.timeliness({ unitIds, from, to, maxSensitivity: v.maxSensitivity, officerId: v.officerId });
    const known = sum.onTime + sum.late;
    return { ...sum, onTimeRate: known === 0 ? null : sum.onTime / known };
  }

  private async storage(actor: Actor, unitId: string, unitIds: string[], meta: RequestMeta): Promise<NonNullable<Overview['storage']>> {
    const kept = await this.repo.storage({ unitIds, maxSensitivity: actor.clearance });
    // What the dry run would free: its totals, within the actor's clearance like the bytes kept (no list of them).
    const expired = await this.retention.dryRun(actor, meta, unitId, { list: 0 });
    return { ...kept, expiredRecordings: expired.expired, bytesToFree: expired.bytes };
  }
}
