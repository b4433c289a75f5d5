import { rm } from 'node:fs/promises';
import type { AuditLedger } from '../audit/index.js';
import { auditActor, clampSensitivity, recordingVisibility, type Actor, type Authorizer, type RequestMeta, type StepUp, type Subject } from '../identity/index.js';
import type { FsBlobStore } from '../platform/blobs/fs-store.js';
import type { Clock } from '../platform/clock.js';
import type { Database, Executor } from '../platform/db/database.js';
import { Conflict, Invalid, NotFound } from '../platform/errors.js';
import { failpoint } from '../platform/failpoints.js';
import { newId } from '../platform/ids.js';
import type { RecordingRow, RetentionFacet } from '../recordings/index.js';
import type { Profile } from './profile-schema.js';
import type { ProfilesService } from './profiles-service.js';
import { NO_EXPIRY, type BatchItemRow, type BatchRow, type CaseLinkRow, type ExpiryCandidate, type ExpiryCursor, type ExpiryScan, type RetentionRecording, type RetentionRepo } from './repo.js';
import { canDelete, lastExpiredRecordedAt, recoveryWindowEnd, retention, type LinkedCase, type RetentionFacts } from './retention-rules.js';

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
/**
 * At most this many recordings in one proposed batch (a unit with more expired gets several): a
 * batch an approver can still review, and a ledger entry that lists its recordings stays small.
 */
const BATCH_MAX = 5000;
/** Above this many units, the scan's bounds for rows naming no profile version are not written out: the rule decides per row. */
const MAX_UNIT_BOUNDS = 5000;

/** An expiry question: the scan, whether it can find anything, whether its bounds are exact, and the units (null: all). */
interface ExpiryScope {
  scan: ExpiryScan;
  empty: boolean;
  exact: boolean;
  inScope: Set<string> | null;
  /** The governing profile of a recording, remembered for this question. */
  profileOf: (r: Pick<RetentionRecording, 'unit_id' | 'profile_id' | 'profile_version'>) => Promise<Profile>;
}

/** What a proposed batch records of each recording. */
type BatchCandidate = Pick<RetentionRecording, 'id' | 'blob_sha256' | 'size'>;

const rid = (r: { id: string }) => r.id;
function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}
function linkedCase(l: CaseLinkRow): LinkedCase {
  return { id: l.id, status: l.status, fileRetainUntil: l.file_retention_permanent === 1 ? null : l.file_retention_until };
}
function subjectOf(r: RetentionRecording): Subject {
  return { type: 'recording', id: r.id, unitId: r.unit_id, sensitivity: r.sensitivity, officerId: r.officer_id };
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
    const marksOf = groupBy(marks, (m) => m.recording_id);
    const holdsOf = groupBy(holds, (h) => h.recording_id);
    const linksOf = groupBy(links, (l) => l.recording_id);
    const profileOf = this.profileCache();
    const out = new Map<string, RetentionFacts>();
    for (const r of rows) {
      const p = await profileOf(r);
      out.set(r.id, {
        recordedAt: r.ended_at ?? r.started_at,
        minimum: p.retention.minimum.period,
        evidenceRule: p.retention.evidence.rule,
        cases: (linksOf.get(r.id) ?? []).map(linkedCase),
        longTermMarks: (marksOf.get(r.id) ?? []).map((m) => ({ reasonId: m.reason_id })),
        holds: (holdsOf.get(r.id) ?? []).map((h) => ({ id: h.id })),
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

  /**
   * What has expired now, per unit, with the bytes it would free (no change). An actor sees and
   * counts only what they may know exists: their unit subtree, nothing above their clearance (a
   * hidden recording is not even counted). `list` caps the recordings returned (the totals always
   * cover everything): the listing walks the expired recordings, the totals do not need to.
   */
  async dryRun(actor: Actor | null, meta: RequestMeta, unitId?: string, opts: { list?: number } = {}): Promise<DryRunReport & { recordings: Array<RetentionRecording & { retainUntil: number }> }> {
    const now = this.clock.now();
    const scope = await this.expiryScope(actor, meta, unitId, now);
    const report = await this.expiryTotals(scope, now);
    const recordings: Array<RetentionRecording & { retainUntil: number }> = [];
    const list = opts.list ?? Number.POSITIVE_INFINITY;
    if (list > 0) {
      await this.walkExpired(scope, now, (r, retainUntil) => {
        const { in_batch: _b, has_case: _c, ...rec } = r;
        recordings.push({ ...rec, retainUntil });
        return recordings.length < list;
      });
    }
    return { ...report, recordings };
  }

  /** Proposes deletion batches (per unit, at most BATCH_MAX each) for expired recordings not yet in an open batch. */
  async proposeExpired(actor: Actor | null, meta: RequestMeta, unitId?: string): Promise<string[]> {
    if (actor) await this.authz.require(actor, 'retention.propose', null, meta);
    const now = this.clock.now();
    return this.proposeFree(actor, await this.freeExpired(await this.expiryScope(actor, meta, unitId, now), now), meta);
  }

  /** Per unit, the expired recordings no open batch holds yet. */
  private async freeExpired(scope: ExpiryScope, now: number): Promise<Map<string, BatchCandidate[]>> {
    const free = new Map<string, BatchCandidate[]>();
    await this.walkExpired(scope, now, (r) => {
      if (r.in_batch === 1) return true;
      const row = { id: r.id, blob_sha256: r.blob_sha256, size: r.size };
      const list = free.get(r.unit_id);
      if (list) list.push(row);
      else free.set(r.unit_id, [row]);
      return true;
    });
    return free;
  }

  private async proposeFree(actor: Actor | null, free: Map<string, BatchCandidate[]>, meta: RequestMeta): Promise<string[]> {
    const ids: string[] = [];
    for (const [unit, rows] of free) for (let i = 0; i < rows.length; i += BATCH_MAX) ids.push(await this.insertBatch(actor, 'expired', unit, rows.slice(i, i + BATCH_MAX), null, meta));
    return ids;
  }

  /**
   * What an expiry question covers: the actor's units (null: every unit) and visibility, and the
   * bounds of the scan at `now` — per profile version the latest recording instant its minimum has
   * let expire (from the rule, `lastExpiredRecordedAt`), and for rows naming no version (older rows)
   * the bound of their unit's profile. `exact`: the bounds alone decide every recording that no
   * case links, so totals can be counted in SQL; otherwise (a site of very many units) the rule is
   * asked per recording.
   */
  private async expiryScope(actor: Actor | null, meta: RequestMeta, unitId: string | undefined, now: number): Promise<ExpiryScope> {
    const unitIds = await this.scope(actor, 'retention.read', meta, unitId);
    // Within what the actor may know exists: nothing above their clearance (as the overview's
    // storage figures), and an officer-only reader their own recordings (the search rule). The
    // daily job sees everything.
    const v = actor ? recordingVisibility(actor) : null;
    const maxSensitivity = actor ? clampSensitivity(actor.clearance) : 3;
    const officerId = v?.visible ? v.officerId : null;
    const profileBounds: Array<{ profileId: string; version: number; recordedBy: number }> = [];
    const boundOf = new Map<string, number>();
    for (const s of await this.profiles.list(null, { ip: null })) {
      const p = await this.profiles.profile(s.id, s.version);
      const last = lastExpiredRecordedAt({ minimum: p.retention.minimum.period, evidenceRule: p.retention.evidence.rule, timeZone: this.timeZone }, now);
      profileBounds.push({ profileId: s.id, version: s.version, recordedBy: last ?? NO_EXPIRY });
      boundOf.set(`${s.id}@${s.version}`, last ?? NO_EXPIRY);
    }
    const recordedBy = Math.max(NO_EXPIRY, ...profileBounds.map((b) => b.recordedBy));
    const allUnits = (await this.db.kysely.selectFrom('units').select('id').execute()).map(rid);
    const exact = allUnits.length <= MAX_UNIT_BOUNDS;
    const unitBounds: Array<{ unitIds: string[]; recordedBy: number }> = [];
    if (exact) {
      const groups = new Map<number, string[]>();
      for (const u of await this.profiles.forUnits(allUnits)) {
        const b = boundOf.get(`${u.profileId}@${u.profileVersion}`) ?? NO_EXPIRY;
        const group = groups.get(b);
        if (group) group.push(u.unitId);
        else groups.set(b, [u.unitId]);
      }
      for (const [b, ids] of groups) unitBounds.push({ unitIds: ids, recordedBy: b });
    }
    const scan: ExpiryScan = { unitIds, recordedBy, profileBounds, unitBounds, otherRecordedBy: exact ? NO_EXPIRY : recordedBy, maxSensitivity, officerId };
    const empty = recordedBy === NO_EXPIRY || (unitIds !== null && unitIds.length === 0);
    return { scan, empty, exact, inScope: unitIds === null ? null : new Set(unitIds), profileOf: this.profileCache() };
  }

  /**
   * The report's figures. Recordings no case links are counted in SQL, per unit (the bounds
   * decide them); linked ones — found from the links' side — are asked of the rule with their
   * cases. Nothing is loaded per recording but the linked ones.
   */
  private async expiryTotals(scope: ExpiryScope, now: number): Promise<DryRunReport> {
    const byUnit = new Map<string, { recordings: number; bytes: number }>();
    let inBatches = 0;
    const add = (unitId: string, recordings: number, bytes: number, inBatch: number) => {
      if (scope.inScope !== null && !scope.inScope.has(unitId)) return;
      const u = byUnit.get(unitId);
      if (u) {
        u.recordings += recordings;
        u.bytes += bytes;
      } else byUnit.set(unitId, { recordings, bytes });
      inBatches += inBatch;
    };
    if (!scope.empty && !scope.exact) {
      await this.walkExpired(scope, now, (r) => {
        add(r.unit_id, 1, r.size, r.in_batch);
        return true;
      });
    } else if (!scope.empty) {
      for (const phase of ['undated', 'dated'] as const) for (const t of await this.repo.expiryTotals(scope.scan, phase)) add(t.unit_id, Number(t.recordings), Number(t.bytes), Number(t.in_batch));
      let after = '';
      for (;;) {
        const linked = await this.repo.linkedRecordingIds(after, PAGE);
        if (linked.length === 0) break;
        after = linked[linked.length - 1]!;
        const rows = await this.repo.expiryCandidatesAmong(scope.scan, linked);
        await this.decideEach(scope, rows, now, (r) => {
          add(r.unit_id, 1, r.size, r.in_batch);
          return true;
        });
      }
    }
    const units = [...byUnit.entries()].map(([id, u]) => ({ unitId: id, ...u })).sort((a, b) => a.unitId.localeCompare(b.unitId));
    return { at: now, expired: units.reduce((s, u) => s + u.recordings, 0), bytes: units.reduce((s, u) => s + u.bytes, 0), byUnit: units, inBatches };
  }

  /**
   * Visits every expired recording in scope (oldest end first) until `visit` returns false; the
   * rule decides each one, with its cases. Memory: one page.
   */
  private async walkExpired(scope: ExpiryScope, now: number, visit: (r: ExpiryCandidate, retainUntil: number) => boolean): Promise<void> {
    if (scope.empty) return;
    let cursor: ExpiryCursor = { phase: 'undated', afterId: '' };
    for (;;) {
      const page = await this.repo.expiryWalk(scope.scan, cursor, PAGE);
      const inScope = scope.inScope === null ? page : page.filter((r) => scope.inScope!.has(r.unit_id));
      if (!(await this.decideEach(scope, inScope, now, visit))) return;
      if (page.length < PAGE) {
        if (cursor.phase === 'dated') return;
        cursor = { phase: 'dated', after: null };
      } else {
        const last = page[page.length - 1]!;
        cursor = cursor.phase === 'undated' ? { phase: 'undated', afterId: last.id } : { phase: 'dated', after: { endedAt: last.ended_at!, id: last.id } };
      }
    }
  }

  /** Asks the rule about each candidate (the scan left out held and marked ones); visits the expired ones. False when `visit` stopped. */
  private async decideEach(scope: ExpiryScope, rows: readonly ExpiryCandidate[], now: number, visit: (r: ExpiryCandidate, retainUntil: number) => boolean): Promise<boolean> {
    const linked = rows.filter((r) => r.has_case === 1).map(rid);
    const cases = groupBy(await this.repo.caseLinks(linked), (l) => l.recording_id);
    for (const r of rows) {
      const p = await scope.profileOf(r);
      const c = canDelete({ recordedAt: r.ended_at ?? r.started_at, minimum: p.retention.minimum.period, evidenceRule: p.retention.evidence.rule, cases: (cases.get(r.id) ?? []).map(linkedCase), longTermMarks: [], holds: [], earlyDeletion: null, timeZone: this.timeZone }, now);
      if (c.allowed && !visit(r, c.retainUntil)) return false;
    }
    return true;
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
    // Refused by the service (the rule is not told who proposed), audited as any denial is.
    if (b.proposed_by === actor.id) throw await this.authz.deny(actor, 'retention.approve', { type: 'deletion_batch', id: b.id, unitId: b.unit_id }, 'self_approval_forbidden', meta, 'nobody approves a deletion they proposed');
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

  /**
   * Finishes deletions a crash interrupted: tombstoned recordings whose bytes are still on disk.
   * Only a tombstone whose recording is marked deleted by the tombstone's batch with the same blob
   * hash counts (a forged tombstone row never points the sweep at a live original), and a blob
   * that a recording not deleted still refers to is kept.
   */
  async sweepDeleted(): Promise<number> {
    let n = 0;
    let after = '';
    for (;;) {
      const page = await this.repo.sweepableTombstones(after, PAGE);
      if (page.length === 0) return n;
      for (const t of page) if (await this.removeBytes(t.recording_id, t.sha256)) n += 1;
      after = page[page.length - 1]!.recording_id;
    }
  }

  /** The daily run (and `custodia retention run`): sweep, report, propose, execute what is due. A dry run changes nothing. */
  async run(opts: { dryRun: boolean }, meta: RequestMeta = { ip: null }): Promise<RunReport> {
    const swept = opts.dryRun ? 0 : await this.sweepDeleted();
    const now = this.clock.now();
    const scope = await this.expiryScope(null, meta, undefined, now);
    const report = await this.expiryTotals(scope, now);
    if (opts.dryRun) return { ...report, dryRun: true, proposed: [], executed: [], swept };
    const proposed = await this.proposeFree(null, await this.freeExpired(scope, now), meta);
    const executed = await this.executeDue();
    return { ...report, dryRun: false, proposed, executed, swept };
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

  /**
   * `profileOf` remembered for one pass: per profile version, and per unit for recordings that name
   * none (older rows follow their unit's profile, a unit-tree lookup each time otherwise).
   */
  private profileCache(): (r: Pick<RetentionRecording, 'unit_id' | 'profile_id' | 'profile_version'>) => Promise<Profile> {
    const known = new Map<string, Profile>();
    return async (r) => {
      const key = r.profile_id !== null && r.profile_version !== null ? `${r.profile_id}@${r.profile_version}` : `unit:${r.unit_id}`;
      const hit = known.get(key);
      if (hit) return hit;
      const p = await this.profileOf(r);
      known.set(key, p);
      return p;
    };
  }

  /** The units an actor's question covers; null: every unit of the site (no unit filter needed). */
  private async scope(actor: Actor | null, action: 'retention.read' | 'retention.propose', meta: RequestMeta, unitId?: string): Promise<string[] | null> {
    if (!actor) return unitId ? this.authz.subtreeIds(unitId) : null;
    await this.authz.require(actor, action, null, meta);
    const mine = await this.authz.subtreeIds(actor.unitId);
    if (unitId && !mine.includes(unitId)) return [];
    const ids = unitId ? await this.authz.subtreeIds(unitId) : mine;
    const all = await this.db.kysely.selectFrom('units').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return ids.length >= Number(all.n) ? null : ids;
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

  private async insertBatch(actor: Actor | null, kind: BatchRow['kind'], unitId: string, rows: readonly BatchCandidate[], reasonText: string | null, meta: RequestMeta): Promise<string> {
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

  /**
   * Removes a deleted recording's original and its derivatives from disk — the original only
   * while no recording that is not deleted refers to the same blob.
   */
  private async removeBytes(recordingId: string, sha256: string): Promise<boolean> {
    await rm(this.derivativeDir(recordingId), { recursive: true, force: true });
    if (await this.repo.blobInUse(sha256)) return false;
    return this.blobs.discard(sha256);
  }
}
