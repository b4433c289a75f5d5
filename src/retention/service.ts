import { rm } from 'node:fs/promises';
import type { AuditLedger } from '../audit/index.js';
import { auditActor, recordingVisibility, type Actor, type Authorizer, type RequestMeta, type StepUp, type Subject } from '../identity/index.js';
import type { FsBlobStore } from '../platform/blobs/fs-store.js';
import type { Clock } from '../platform/clock.js';
import type { Database, Executor } from '../platform/db/database.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../platform/errors.js';
import { failpoint } from '../platform/failpoints.js';
import { newId } from '../platform/ids.js';
import type { RecordingRow, RetentionFacet } from '../recordings/index.js';
import type { Profile } from './profile-schema.js';
import type { ProfilesService } from './profiles-service.js';
import type { BatchItemRow, BatchRow, RetentionRecording, RetentionRepo } from './repo.js';
import { canDelete, recoveryWindowEnd, retention, type RetentionFacts } from './retention-rules.js';

export interface DryRunReport {
  at: number;
  expired: number;
  bytes: number;
  byUnit: Array<{ unitId: string; recordings: number; bytes: number }>;
  /** Expired recordings already in a proposed or approved batch (counted above too). */
  inBatches: number;
}

export interface RunReport extends DryRunReport {
  dryRun: boolean;
  proposed: string[];
  executed: Array<{ batchId: string; deleted: number; kept: number }>;
  swept: number;
}

export interface BatchView {
  id: string;
  kind: BatchRow['kind'];
  status: BatchRow['status'];
  unitId: string;
  reason: string | null;
  recordings: number;
  bytes: number;
  proposedBy: string | null;
  proposedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  recoveryUntil: number | null;
  restoredBy: string | null;
  restoredAt: number | null;
  restoreReason: string | null;
  executedAt: number | null;
  items: Array<{ recordingId: string; sha256: string; size: number; outcome: BatchItemRow['outcome']; keptReason: string | null }>;
}

const DAY = 86_400_000;

function batchSummary(b: BatchRow): Omit<BatchView, 'items'> {
  return {
    id: b.id,
    kind: b.kind,
    status: b.status,
    unitId: b.unit_id,
    reason: b.reason_text,
    recordings: b.recordings,
    bytes: b.bytes,
    proposedBy: b.proposed_by,
    proposedAt: b.proposed_at,
    decidedBy: b.decided_by,
    decidedAt: b.decided_at,
    decisionReason: b.decision_reason,
    recoveryUntil: b.recovery_until,
    restoredBy: b.restored_by,
    restoredAt: b.restored_at,
    restoreReason: b.restore_reason,
    executedAt: b.executed_at,
  };
}
const PAGE = 1000;

const rid = (r: { id: string }) => r.id;
function subjectOf(r: RetentionRecording): Subject {
  return { type: 'recording', id: r.id, unitId: r.unit_id, sensitivity: r.sensitivity, officerId: r.officer_id };
}
/** A lower bound, in ms, of a profile's minimum (months count as 28 days): nothing ending later can have expired. */
function minimumLowerBoundMs(p: Profile): number | null {
  const m = p.retention.minimum.period;
  if (m === null) return null;
  return 'months' in m ? m.months * 28 * DAY : m.days * DAY;
}

/**
 * Retention (R-RETAIN, R-LONGTERM, R-DELETE): long-term marks and legal holds; each recording's
 * `retainUntil` from the pure rule (retention-rules.ts) and its facts; the daily run that lists
 * what expired, proposes deletion batches per unit, and executes approved batches once their
 * recovery window has passed — leaving a tombstone that keeps the hash, size, times, device,
 * officer, reason, batch and approvers. Nothing is deleted without an approved batch, and nothing
 * under a hold, a long-term mark or an open case is deleted by any path (the rule, re-checked in
 * the deleting transaction, and a database trigger).
 */
export class RetentionService {
  constructor(
    private readonly db: Database,
    private readonly repo: RetentionRepo,
    private readonly profiles: ProfilesService,
    private readonly ledger: AuditLedger,
    private readonly authz: Authorizer,
    private readonly stepUp: StepUp,
    private readonly blobs: FsBlobStore,
    private readonly derivativeDir: (recordingId: string) => string,
    private readonly clock: Clock,
    private readonly timeZone: string,
  ) {}

  // ---- facts and the recording's facet ------------------------------------------------------

  /** The retention facts of recordings, loaded in one pass each for marks, holds and cases. */
  async facts(rows: readonly RetentionRecording[], ex: Executor = this.db.kysely, earlyDeletion?: Map<string, number>): Promise<Map<string, RetentionFacts>> {
    const ids = rows.map(rid);
    const [marks, holds, links] = await Promise.all([this.repo.activeMarks(ids, ex), this.repo.activeHolds(ids, ex), this.repo.caseLinks(ids, ex)]);
    const out = new Map<string, RetentionFacts>();
    for (const r of rows) {
      const p = await this.profileOf(r);
      out.set(r.id, {
        recordedAt: r.ended_at ?? r.started_at,
        minimum: p.retention.minimum.period,
        evidenceRule: p.retention.evidence.rule,
        cases: links
          .filter((l) => l.recording_id === r.id)
          .map((l) => ({ id: l.id, status: l.status, fileRetainUntil: l.file_retention_permanent === 1 ? null : l.file_retention_until })),
        longTermMarks: marks.filter((m) => m.recording_id === r.id).map((m) => ({ reasonId: m.reason_id })),
        holds: holds.filter((h) => h.recording_id === r.id).map((h) => ({ id: h.id })),
        earlyDeletion: earlyDeletion?.has(r.id) ? { approvedAt: earlyDeletion.get(r.id)! } : null,
        timeZone: this.timeZone,
      });
    }
    return out;
  }

  /** RecordingAnnotators.retention: retainUntil and what sets it, marks, holds, tombstone. */
  async describe(row: RecordingRow): Promise<RetentionFacet> {
    const [facts, marks, holds, tomb] = await Promise.all([this.facts([row]), this.repo.activeMarks([row.id]), this.repo.activeHolds([row.id]), row.deleted_at === null ? undefined : this.repo.tombstone(row.id)]);
    const d = retention(facts.get(row.id)!);
    return {
      retainUntil: row.deleted_at === null ? d.retainUntil : row.deleted_at,
      retentionBasis: [...new Set(d.governing.map((t) => t.rule))],
      longTerm: marks.map((m) => ({ id: m.id, reasonId: m.reason_id, markedAt: m.marked_at, markedBy: m.marked_by, note: m.note })),
      holds: holds.map((h) => ({ id: h.id, reason: h.reason, reference: h.reference, placedAt: h.placed_at, placedBy: h.placed_by })),
      tombstone: tomb ? { deletedAt: tomb.deleted_at, batchId: tomb.batch_id, reason: tomb.reason, approvers: JSON.parse(tomb.approvers) as unknown } : null,
    };
  }

  // ---- long-term marks and holds ------------------------------------------------------------

  /** R-LONGTERM: keep a recording indefinitely for one of its profile's enumerated reasons. */
  async markLongTerm(actor: Actor, recordingId: string, reasonId: string, note: string | null, meta: RequestMeta): Promise<RetentionFacet> {
    const r = await this.recordingFor(actor, recordingId, 'retention.mark', meta);
    const p = await this.profileOf(r);
    const reasons = p.retention.longTerm.categories.map((c) => c.id);
    if (!reasons.includes(reasonId)) throw Invalid('long_term_reason_invalid', reasons.length > 0 ? `reason must be one of the profile's: ${reasons.join(', ')}` : `the profile ${p.id} lists no long-term reasons`);
    if (r.deleted_at !== null) throw Conflict('recording_deleted', 'the recording was deleted');
    const now = this.clock.now();
    const id = newId(now);
    await this.db.transact(async (trx) => {
      await this.repo.insertMark(trx, { id, recording_id: r.id, reason_id: reasonId, note: note?.trim() || null, marked_by: actor.id, marked_at: now, lifted_by: null, lifted_at: null, lift_reason: null });
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'retention.long_term_mark', subject: { type: 'recording', id: r.id }, ip: meta.ip, reason: note?.trim() || null, details: { mark: id, reasonId, profile: `${p.id}@${p.version}` } });
    });
    return this.describeById(r.id);
  }

  async liftLongTerm(actor: Actor, markId: string, reason: string, meta: RequestMeta): Promise<RetentionFacet> {
    if (reason.trim().length === 0) throw Invalid('reason_required', 'lifting a long-term mark needs a reason');
    const m = await this.repo.mark(markId);
    const r = await this.recordingFor(actor, m?.recording_id ?? markId, 'retention.mark', meta);
    if (!m) throw NotFound('mark_not_found', `no long-term mark ${markId}`);
    await this.db.transact(async (trx) => {
      if (!(await this.repo.liftMark(trx, markId, actor.id, this.clock.now(), reason.trim()))) throw Conflict('mark_already_lifted', 'this mark was already lifted');
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'retention.long_term_unmark', subject: { type: 'recording', id: r.id }, ip: meta.ip, reason: reason.trim(), details: { mark: markId, reasonId: m.reason_id } });
    });
    return this.describeById(r.id);
  }

  /** A legal hold (e.g. a court's preservation order): indefinite retention until lifted with a reason. */
  async placeHold(actor: Actor, recordingId: string, reason: string, reference: string | null, meta: RequestMeta): Promise<RetentionFacet> {
    if (reason.trim().length === 0) throw Invalid('reason_required', 'a hold needs a reason');
    const r = await this.recordingFor(actor, recordingId, 'retention.hold', meta);
    if (r.deleted_at !== null) throw Conflict('recording_deleted', 'the recording was deleted');
    const now = this.clock.now();
    const id = newId(now);
    await this.db.transact(async (trx) => {
      await this.repo.insertHold(trx, { id, recording_id: r.id, reason: reason.trim(), reference: reference?.trim() || null, placed_by: actor.id, placed_at: now, lifted_by: null, lifted_at: null, lift_reason: null });
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'retention.hold', subject: { type: 'recording', id: r.id }, ip: meta.ip, reason: reason.trim(), details: { hold: id, reference: reference?.trim() || null } });
    });
    return this.describeById(r.id);
  }

  async liftHold(actor: Actor, holdId: string, reason: string, meta: RequestMeta): Promise<RetentionFacet> {
    if (reason.trim().length === 0) throw Invalid('reason_required', 'lifting a hold needs a reason');
    const h = await this.repo.hold(holdId);
    const r = await this.recordingFor(actor, h?.recording_id ?? holdId, 'retention.hold', meta);
    if (!h) throw NotFound('hold_not_found', `no hold ${holdId}`);
    await this.db.transact(async (trx) => {
      if (!(await this.repo.liftHold(trx, holdId, actor.id, this.clock.now(), reason.trim()))) throw Conflict('hold_already_lifted', 'this hold was already lifted');
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'retention.hold_lift', subject: { type: 'recording', id: r.id }, ip: meta.ip, reason: reason.trim(), details: { hold: holdId } });
    });
    return this.describeById(r.id);
  }

  // ---- expiry -------------------------------------------------------------------------------

  /** What has expired now, per unit, with the bytes it would free (no change). */
  async dryRun(actor: Actor | null, meta: RequestMeta, unitId?: string): Promise<DryRunReport & { recordings: Array<RetentionRecording & { retainUntil: number }> }> {
    const unitIds = await this.scope(actor, 'retention.read', meta, unitId);
    const now = this.clock.now();
    const cutoff = await this.cutoff(now);
    const found: Array<RetentionRecording & { retainUntil: number }> = [];
    if (cutoff !== null) {
      let after = '';
      for (;;) {
        const page = await this.repo.candidates(unitIds, cutoff, after, PAGE);
        if (page.length === 0) break;
        const facts = await this.facts(page);
        for (const r of page) {
          const c = canDelete(facts.get(r.id)!, now);
          if (c.allowed) found.push({ ...r, retainUntil: c.retainUntil });
        }
        after = page[page.length - 1]!.id;
      }
    }
    const inBatches = await this.repo.inOpenBatches(found.map(rid));
    const byUnit = new Map<string, { recordings: number; bytes: number }>();
    for (const r of found) {
      const u = byUnit.get(r.unit_id) ?? { recordings: 0, bytes: 0 };
      u.recordings += 1;
      u.bytes += r.size;
      byUnit.set(r.unit_id, u);
    }
    return {
      at: now,
      expired: found.length,
      bytes: found.reduce((s, r) => s + r.size, 0),
      byUnit: [...byUnit.entries()].map(([id, v]) => ({ unitId: id, ...v })).sort((a, b) => a.unitId.localeCompare(b.unitId)),
      inBatches: inBatches.size,
      recordings: found,
    };
  }

  /** Proposes one deletion batch per unit for expired recordings not yet in an open batch. */
  async proposeExpired(actor: Actor | null, meta: RequestMeta, unitId?: string): Promise<string[]> {
    if (actor) await this.authz.require(actor, 'retention.propose', null, meta);
    const report = await this.dryRun(actor, meta, unitId);
    const taken = await this.repo.inOpenBatches(report.recordings.map(rid));
    const byUnit = new Map<string, RetentionRecording[]>();
    for (const r of report.recordings) if (!taken.has(r.id)) byUnit.set(r.unit_id, [...(byUnit.get(r.unit_id) ?? []), r]);
    const ids: string[] = [];
    for (const [unit, rows] of byUnit) ids.push(await this.insertBatch(actor, 'expired', unit, rows, null, meta));
    return ids;
  }

  /** R-DELETE: early deletion of recordings that are not work, through the same approval path. */
  async proposeNonWork(actor: Actor, recordingIds: string[], reasonText: string, meta: RequestMeta): Promise<BatchView> {
    await this.authz.require(actor, 'retention.propose', null, meta);
    if (reasonText.trim().length === 0) throw Invalid('reason_required', 'say why these recordings are not work');
    const ids = [...new Set(recordingIds)];
    if (ids.length === 0 || ids.length > 500) throw Invalid('recordings_count_invalid', 'name 1–500 recordings');
    const rows: RetentionRecording[] = [];
    for (const id of ids) rows.push(await this.recordingFor(actor, id, 'retention.propose', meta));
    const units = new Set(rows.map((r) => r.unit_id));
    if (units.size !== 1) throw Invalid('recordings_units_differ', 'propose non-work deletions one unit at a time');
    // Even early, nothing under a hold, a long-term mark or a case can be proposed.
    const facts = await this.facts(rows, this.db.kysely, new Map(rows.map((r) => [r.id, this.clock.now()])));
    for (const r of rows) {
      if (r.deleted_at !== null) throw Conflict('recording_deleted', `recording ${r.id} was already deleted`);
      const check = canDelete(facts.get(r.id)!, this.clock.now());
      if (!check.allowed) throw Conflict('recording_protected', `recording ${r.id} cannot be deleted: ${check.reason}`, { recordingId: r.id, reason: check.reason });
    }
    const taken = await this.repo.inOpenBatches(ids);
    if (taken.size > 0) throw Conflict('recording_in_batch', `already in a deletion batch: ${[...taken].join(', ')}`);
    const id = await this.insertBatch(actor, 'non_work', [...units][0]!, rows, reasonText.trim(), meta);
    return this.batch(actor, id, meta);
  }

  /** An approver approves a batch; it enters its recovery window (the profile's, default 7 days). */
  async approve(actor: Actor, batchId: string, reason: string | null, meta: RequestMeta): Promise<BatchView> {
    const b = await this.batchFor(actor, batchId, 'retention.approve', meta);
    if (b.status !== 'proposed') throw Conflict('batch_not_proposed', `this batch is ${b.status}`);
    if (b.proposed_by === actor.id) throw Forbidden('self_approval_forbidden', 'nobody approves a deletion they proposed');
    const items = await this.repo.items(batchId);
    const rows = await this.repo.recordings(items.map((i) => i.recording_id));
    for (const r of rows) await this.authz.require(actor, 'retention.approve', subjectOf(r), meta);
    const governing = await this.profiles.forUnit(b.unit_id);
    const profile = await this.profiles.profile(governing.profileId, governing.profileVersion);
    // A dynamic password when the site settings or the unit's regulation profile ask for one at deletion.
    await this.stepUp.require(actor, 'delete', meta, { profileStages: profile.stepUp.stages });
    const now = this.clock.now();
    const windowDays = profile.deletion.recoveryWindowDays;
    const until = recoveryWindowEnd(now, windowDays);
    await this.db.transact(async (trx) => {
      if (!(await this.repo.setBatch(trx, batchId, 'proposed', { status: 'approved', decided_by: actor.id, decided_at: now, decision_reason: reason?.trim() || null, recovery_until: until }))) throw Conflict('batch_not_proposed', 'decided meanwhile');
      await this.ledger.append(trx, {
        actor: auditActor(actor),
        action: 'retention.batch_approve',
        subject: { type: 'deletion_batch', id: batchId },
        ip: meta.ip,
        reason: reason?.trim() || null,
        // The notice to administrators: what will be deleted, and until when it can be restored.
        details: { kind: b.kind, recordings: b.recordings, bytes: b.bytes, recoveryUntil: until, notice: 'administrators' },
      });
    });
    return this.batch(actor, batchId, meta);
  }

  async reject(actor: Actor, batchId: string, reason: string, meta: RequestMeta): Promise<BatchView> {
    if (reason.trim().length === 0) throw Invalid('reason_required', 'give the reason for the rejection');
    const b = await this.batchFor(actor, batchId, 'retention.approve', meta);
    await this.db.transact(async (trx) => {
      if (!(await this.repo.setBatch(trx, batchId, 'proposed', { status: 'rejected', decided_by: actor.id, decided_at: this.clock.now(), decision_reason: reason.trim() }))) throw Conflict('batch_not_proposed', `this batch is ${b.status}`);
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'retention.batch_reject', subject: { type: 'deletion_batch', id: batchId }, ip: meta.ip, reason: reason.trim() });
    });
    return this.batch(actor, batchId, meta);
  }

  /** Within the recovery window an approved batch can be restored: nothing of it is deleted. */
  async restore(actor: Actor, batchId: string, reason: string, meta: RequestMeta): Promise<BatchView> {
    if (reason.trim().length === 0) throw Invalid('reason_required', 'give the reason for restoring');
    const b = await this.batchFor(actor, batchId, 'retention.restore', meta);
    if (b.status !== 'approved') throw Conflict('batch_not_restorable', `this batch is ${b.status}`);
    const now = this.clock.now();
    if (b.recovery_until !== null && now >= b.recovery_until) throw Conflict('recovery_window_over', 'the recovery window has ended');
    await this.db.transact(async (trx) => {
      if (!(await this.repo.setBatch(trx, batchId, 'approved', { status: 'restored', restored_by: actor.id, restored_at: now, restore_reason: reason.trim() }))) throw Conflict('batch_not_restorable', 'changed meanwhile');
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'retention.batch_restore', subject: { type: 'deletion_batch', id: batchId }, ip: meta.ip, reason: reason.trim() });
    });
    return this.batch(actor, batchId, meta);
  }

  /** Approved batches past their recovery window are executed, item by item, crash-safely. */
  async executeDue(): Promise<Array<{ batchId: string; deleted: number; kept: number }>> {
    const out = [];
    for (const b of await this.repo.dueBatches(this.clock.now())) out.push(await this.execute(b));
    return out;
  }

  /**
   * One item at a time: in one transaction the rule is asked again (a hold placed during the
   * recovery window keeps the recording), the ledger entry is written, the recording marked
   * deleted (the trigger refuses a protected one) and its tombstone inserted; only after that
   * commit are the original and its derivatives removed from disk. A crash in between leaves a
   * tombstoned recording whose bytes are still there; `sweepDeleted` (every run) finishes it.
   */
  private async execute(b: BatchRow): Promise<{ batchId: string; deleted: number; kept: number }> {
    let deleted = 0;
    let kept = 0;
    const approvers = { proposedBy: b.proposed_by, approvedBy: b.decided_by, approvedAt: b.decided_at };
    for (const item of await this.repo.items(b.id)) {
      if (item.outcome !== 'pending') {
        if (item.outcome === 'deleted') deleted += 1;
        else kept += 1;
        continue;
      }
      failpoint('retention.before-item');
      const done = await this.db.transact(async (trx) => {
        const r = await this.repo.recording(item.recording_id, trx);
        if (!r) return 'kept' as const;
        if (r.deleted_at !== null) {
          await this.repo.setItem(trx, b.id, r.id, 'deleted', null);
          return 'deleted' as const;
        }
        const early = b.kind === 'non_work' && b.decided_at !== null ? new Map([[r.id, b.decided_at]]) : undefined;
        const check = canDelete((await this.facts([r], trx, early)).get(r.id)!, this.clock.now());
        if (!check.allowed) {
          await this.repo.setItem(trx, b.id, r.id, 'kept', check.reason);
          await this.ledger.append(trx, { actor: null, action: 'retention.keep', subject: { type: 'recording', id: r.id }, details: { batch: b.id, reason: check.reason } });
          return 'kept' as const;
        }
        const now = this.clock.now();
        const reason = b.kind === 'non_work' ? `non_work: ${b.reason_text ?? ''}` : 'retention_expired';
        const seq = await this.ledger.append(trx, {
          actor: null,
          action: 'retention.delete',
          subject: { type: 'recording', id: r.id },
          reason,
          details: { sha256: r.blob_sha256, size: r.size, batch: b.id, retainUntil: check.retainUntil, basis: check.governing.map((t) => t.rule), approvers },
        });
        await this.repo.markDeleted(trx, r.id, now, b.id);
        await this.repo.insertTombstone(trx, {
          recording_id: r.id,
          sha256: r.blob_sha256,
          size: r.size,
          unit_id: r.unit_id,
          device_serial: r.device_serial,
          officer_badge: r.officer_badge,
          started_at: r.started_at,
          ended_at: r.ended_at,
          deleted_at: now,
          batch_id: b.id,
          reason,
          approvers: JSON.stringify(approvers),
          ledger_seq: seq,
        });
        await this.repo.dropDerivatives(trx, r.id);
        await this.repo.setItem(trx, b.id, r.id, 'deleted', null);
        return 'deleted' as const;
      });
      failpoint('retention.after-tombstone');
      if (done === 'deleted') {
        await this.removeBytes(item.recording_id, item.sha256);
        deleted += 1;
      } else kept += 1;
    }
    await this.db.transact(async (trx) => {
      if (await this.repo.setBatch(trx, b.id, 'approved', { status: 'executed', executed_at: this.clock.now() })) {
        await this.ledger.append(trx, { actor: null, action: 'retention.batch_execute', subject: { type: 'deletion_batch', id: b.id }, details: { deleted, kept } });
      }
    });
    return { batchId: b.id, deleted, kept };
  }

  /** Finishes deletions a crash interrupted: tombstoned recordings whose bytes are still on disk. */
  async sweepDeleted(): Promise<number> {
    let n = 0;
    let after = '';
    for (;;) {
      const page = await this.repo.tombstonesPage(after, PAGE);
      if (page.length === 0) return n;
      for (const t of page) if (await this.removeBytes(t.recording_id, t.sha256)) n += 1;
      after = page[page.length - 1]!.recording_id;
    }
  }

  /** The daily run (and `custodia retention run`): sweep, report, propose, execute what is due. */
  async run(opts: { dryRun: boolean }, meta: RequestMeta = { ip: null }): Promise<RunReport> {
    const swept = opts.dryRun ? 0 : await this.sweepDeleted();
    const report = await this.dryRun(null, meta);
    const { recordings: _list, ...summary } = report;
    if (opts.dryRun) return { ...summary, dryRun: true, proposed: [], executed: [], swept };
    const proposed = await this.proposeExpired(null, meta);
    const executed = await this.executeDue();
    return { ...summary, dryRun: false, proposed, executed, swept };
  }

  async batch(actor: Actor, id: string, meta: RequestMeta): Promise<BatchView> {
    const b = await this.batchFor(actor, id, 'retention.read', meta);
    const items = await this.repo.items(id);
    return { ...batchSummary(b), items: items.map((i) => ({ recordingId: i.recording_id, sha256: i.sha256, size: i.size, outcome: i.outcome, keptReason: i.kept_reason })) };
  }

  async batches(actor: Actor, q: { status?: BatchRow['status'] | undefined; limit: number }, meta: RequestMeta): Promise<Array<Omit<BatchView, 'items'>>> {
    const unitIds = await this.scope(actor, 'retention.read', meta);
    return (await this.repo.batches({ unitIds, status: q.status, limit: q.limit })).map(batchSummary);
  }

  // ---- internals ----------------------------------------------------------------------------

  private async describeById(id: string): Promise<RetentionFacet> {
    const row = await this.db.kysely.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return this.describe(row);
  }

  private async profileOf(r: Pick<RetentionRecording, 'unit_id' | 'profile_id' | 'profile_version'>): Promise<Profile> {
    if (r.profile_id !== null && r.profile_version !== null) return this.profiles.profile(r.profile_id, r.profile_version);
    const u = await this.profiles.forUnit(r.unit_id);
    return this.profiles.profile(u.profileId, u.profileVersion);
  }

  /** The earliest end a recording can have and be expired now, over every profile version in use. */
  private async cutoff(now: number): Promise<number | null> {
    let shortest: number | null = null;
    for (const s of await this.profiles.list(null, { ip: null })) {
      const ms = minimumLowerBoundMs(await this.profiles.profile(s.id, s.version));
      if (ms !== null) shortest = shortest === null ? ms : Math.min(shortest, ms);
    }
    return shortest === null ? null : now - shortest + DAY;
  }

  private async scope(actor: Actor | null, action: 'retention.read' | 'retention.propose', meta: RequestMeta, unitId?: string): Promise<string[]> {
    if (!actor) {
      if (unitId) return this.authz.subtreeIds(unitId);
      const all = await this.db.kysely.selectFrom('units').select('id').execute();
      return all.map(rid);
    }
    await this.authz.require(actor, action, null, meta);
    const mine = await this.authz.subtreeIds(actor.unitId);
    if (!unitId) return mine;
    return mine.includes(unitId) ? this.authz.subtreeIds(unitId) : [];
  }

  private async recordingFor(actor: Actor, id: string, action: 'retention.mark' | 'retention.hold' | 'retention.propose', meta: RequestMeta): Promise<RetentionRecording> {
    const r = await this.repo.recording(id);
    await this.authz.require(actor, action, r ? subjectOf(r) : { type: 'recording', id, unitId: null }, meta);
    // The search rule too: an officer-only or low-clearance actor never reaches a hidden recording.
    if (!r || !recordingVisibility(actor).visible) throw NotFound('recording_not_found', `no recording ${id}`);
    return r;
  }

  private async batchFor(actor: Actor, id: string, action: 'retention.read' | 'retention.approve' | 'retention.restore', meta: RequestMeta): Promise<BatchRow> {
    const b = await this.repo.batch(id);
    if (!b || !(await this.authz.subtreeIds(actor.unitId)).includes(b.unit_id)) {
      await this.authz.require(actor, action, { type: 'deletion_batch', id, unitId: null }, meta);
      throw NotFound('batch_not_found', `no deletion batch ${id}`);
    }
    await this.authz.require(actor, action, { type: 'deletion_batch', id, unitId: b.unit_id }, meta);
    return b;
  }

  private async insertBatch(actor: Actor | null, kind: BatchRow['kind'], unitId: string, rows: RetentionRecording[], reasonText: string | null, meta: RequestMeta): Promise<string> {
    const now = this.clock.now();
    const id = newId(now);
    const batch: BatchRow = {
      id,
      kind,
      status: 'proposed',
      unit_id: unitId,
      reason_text: reasonText,
      recordings: rows.length,
      bytes: rows.reduce((s, r) => s + r.size, 0),
      proposed_by: actor?.id ?? null,
      proposed_at: now,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      recovery_until: null,
      restored_by: null,
      restored_at: null,
      restore_reason: null,
      executed_at: null,
    };
    await this.db.transact(async (trx) => {
      await this.repo.insertBatch(trx, batch, rows.map((r) => ({ batch_id: id, recording_id: r.id, sha256: r.blob_sha256, size: r.size, outcome: 'pending', kept_reason: null })));
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'retention.batch_propose', subject: { type: 'deletion_batch', id }, ip: meta.ip, reason: reasonText, details: { kind, unit: unitId, recordings: rows.map(rid), bytes: batch.bytes } });
    });
    return id;
  }

  private async removeBytes(recordingId: string, sha256: string): Promise<boolean> {
    const removed = await this.blobs.discard(sha256);
    await rm(this.derivativeDir(recordingId), { recursive: true, force: true });
    return removed;
  }
}
