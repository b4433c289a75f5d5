import type { AuditLedger } from '../audit/index.js';
import { auditActor, recordingVisibility, ROLE_ACTIONS, type Actor, type Authorizer, type RequestMeta } from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Conflict, Invalid, NotFound } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { recordingSubject, type RecordingsRepo } from '../recordings/index.js';
import type { CaseQuery, CaseRow, CasesRepo, WorkRecordRow } from './repo.js';
import { checkTimeConsistency, type ConsistencyReport } from './time-consistency.js';
import { workRecordReasons, type ReasonProfile, type WorkRecordReasonLists } from './work-record-reasons.js';

export interface CaseInput {
  number: string;
  kind: CaseRow['kind'];
  title: string;
  caseType?: string | null | undefined;
  unitId: string;
  supervisedParty?: string | null | undefined;
  officerIds?: string[] | undefined;
  documentsStartedAt?: number | null | undefined;
  documentsEndedAt?: number | null | undefined;
  fileRetentionUntil?: number | null | undefined;
  fileRetentionPermanent?: boolean | undefined;
}

export type CaseChanges = Partial<Omit<CaseInput, 'unitId' | 'kind'>> & { status?: CaseRow['status'] | undefined };

export interface CaseView {
  id: string;
  number: string;
  kind: CaseRow['kind'];
  title: string;
  caseType: string | null;
  unitId: string;
  supervisedParty: string | null;
  officerIds: string[];
  documentsStartedAt: number | null;
  documentsEndedAt: number | null;
  status: CaseRow['status'];
  closedAt: number | null;
  fileRetentionUntil: number | null;
  fileRetentionPermanent: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface LinkedRecording {
  id: string;
  originalName: string;
  deviceSerial: string | null;
  officerBadge: string | null;
  officerId: string | null;
  deviceStartedAt: number | null;
  deviceEndedAt: number | null;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  playable: boolean;
  linkedAt: number;
  linkedBy: string | null;
  note: string | null;
}

export interface WorkRecordView {
  id: string;
  kind: WorkRecordRow['kind'];
  caseId: string | null;
  recordingId: string | null;
  officerId: string;
  unitId: string;
  occurredAt: number;
  activity: string | null;
  reason: string;
  reasonText: string | null;
  statedOnRestart: boolean | null;
  legalBasis: string | null;
  status: WorkRecordRow['status'];
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  filedBy: string;
  filedAt: number;
}

export interface CaseDetail extends CaseView {
  recordings: LinkedRecording[];
  /** Linked recordings the viewer may not know about (counted, never named). */
  hiddenRecordings: number;
  consistency: ConsistencyReport;
  workRecords: WorkRecordView[];
}

export interface NewWorkRecord {
  kind: WorkRecordRow['kind'];
  caseId?: string | undefined;
  recordingId?: string | undefined;
  officerId?: string | undefined;
  occurredAt: number;
  activity?: string | undefined;
  reason: string;
  reasonText?: string | undefined;
  statedOnRestart?: boolean | undefined;
  legalBasis?: string | undefined;
}

const NUMBER = /^[\p{L}\p{N}\p{Pd}_.()（）〔〕[\]第号字/ ]{1,64}$/u;

export function caseView(c: CaseRow): CaseView {
  return {
    id: c.id,
    number: c.number,
    kind: c.kind,
    title: c.title,
    caseType: c.case_type,
    unitId: c.unit_id,
    supervisedParty: c.supervised_party,
    officerIds: JSON.parse(c.officer_ids) as string[],
    documentsStartedAt: c.documents_started_at,
    documentsEndedAt: c.documents_ended_at,
    status: c.status,
    closedAt: c.closed_at,
    fileRetentionUntil: c.file_retention_until,
    fileRetentionPermanent: c.file_retention_permanent === 1,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

export function workRecordView(w: WorkRecordRow): WorkRecordView {
  return {
    id: w.id,
    kind: w.kind,
    caseId: w.case_id,
    recordingId: w.recording_id,
    officerId: w.officer_id,
    unitId: w.unit_id,
    occurredAt: w.occurred_at,
    activity: w.activity,
    reason: w.reason_code,
    reasonText: w.reason_text,
    statedOnRestart: w.stated_on_restart === null ? null : w.stated_on_restart === 1,
    legalBasis: w.legal_basis,
    status: w.status,
    decidedBy: w.decided_by,
    decidedAt: w.decided_at,
    decisionReason: w.decision_reason,
    filedBy: w.filed_by,
    filedAt: w.filed_at,
  };
}

/**
 * Which regulation profile governs a unit, and that profile (retention's `ProfilesService`, through
 * its index, fits as is): work records take their reasons from it.
 */
export interface GoverningProfiles {
  forUnit(unitId: string): Promise<{ profileId: string; profileVersion: number }>;
  profile(id: string, version?: number): Promise<ReasonProfile>;
}

/** The people a case names, as the directory knows them. */
export interface OfficerDirectory {
  userById(id: string): Promise<{ id: string; unit_id: string; active: number } | undefined>;
}

/**
 * Cases and enforcement activities (R-CASE, R-CLASSIFY) and work records (R-INTERRUPT): a case
 * names its unit, supervised party, officers and the interval its documents record; recordings are
 * linked and unlinked with ledger entries; the time-consistency check compares the two.
 */
export class CasesService {
  constructor(
    private readonly db: Database,
    private readonly repo: CasesRepo,
    private readonly recordings: RecordingsRepo,
    private readonly ledger: AuditLedger,
    private readonly authz: Authorizer,
    private readonly officers: OfficerDirectory,
    private readonly clock: Clock,
    /** Without it (a site wired before profiles), work records take the fixed reason lists. */
    private readonly profiles?: GoverningProfiles,
  ) {}

  async create(actor: Actor, input: CaseInput, meta: RequestMeta): Promise<CaseDetail> {
    await this.authz.require(actor, 'case.manage', { type: 'case', id: null, unitId: input.unitId }, meta);
    const number = input.number.trim();
    if (!NUMBER.test(number)) throw Invalid('case_number_invalid', 'case number: 1–64 characters (letters, digits, 〔〕, 第…号, -, /)');
    const title = input.title.trim();
    if (title.length === 0 || title.length > 200) throw Invalid('case_title_invalid', 'title: 1–200 characters');
    checkInterval(input.documentsStartedAt ?? null, input.documentsEndedAt ?? null);
    const officerIds = await this.checkOfficers(actor, input.officerIds ?? []);
    if (await this.repo.byNumber(number)) throw Conflict('case_number_taken', `case ${number} already exists`);
    const now = this.clock.now();
    const row: CaseRow = {
      id: newId(now),
      number,
      kind: input.kind,
      title,
      case_type: input.caseType?.trim() || null,
      unit_id: input.unitId,
      supervised_party: input.supervisedParty?.trim() || null,
      officer_ids: JSON.stringify(officerIds),
      documents_started_at: input.documentsStartedAt ?? null,
      documents_ended_at: input.documentsEndedAt ?? null,
      status: 'open',
      closed_at: null,
      file_retention_until: input.fileRetentionUntil ?? null,
      file_retention_permanent: input.fileRetentionPermanent ? 1 : 0,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
    };
    await this.db.transact(async (trx) => {
      await this.repo.insert(trx, row);
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'case.create', subject: { type: 'case', id: row.id }, ip: meta.ip, details: caseFacts(row) });
    });
    return this.detail(actor, row.id, meta);
  }

  async update(actor: Actor, id: string, changes: CaseChanges, reason: string | null, meta: RequestMeta): Promise<CaseDetail> {
    const c = await this.visible(actor, id, 'case.manage', meta);
    const set: Partial<CaseRow> = {};
    if (changes.number !== undefined && changes.number.trim() !== c.number) {
      const number = changes.number.trim();
      if (!NUMBER.test(number)) throw Invalid('case_number_invalid', 'case number: 1–64 characters');
      if (await this.repo.byNumber(number)) throw Conflict('case_number_taken', `case ${number} already exists`);
      set.number = number;
    }
    if (changes.title !== undefined) set.title = changes.title.trim();
    if (set.title !== undefined && (set.title.length === 0 || set.title.length > 200)) throw Invalid('case_title_invalid', 'title: 1–200 characters');
    if (changes.caseType !== undefined) set.case_type = changes.caseType?.trim() || null;
    if (changes.supervisedParty !== undefined) set.supervised_party = changes.supervisedParty?.trim() || null;
    if (changes.officerIds !== undefined) set.officer_ids = JSON.stringify(await this.checkOfficers(actor, changes.officerIds));
    if (changes.documentsStartedAt !== undefined) set.documents_started_at = changes.documentsStartedAt;
    if (changes.documentsEndedAt !== undefined) set.documents_ended_at = changes.documentsEndedAt;
    checkInterval(set.documents_started_at !== undefined ? set.documents_started_at : c.documents_started_at, set.documents_ended_at !== undefined ? set.documents_ended_at : c.documents_ended_at);
    if (changes.fileRetentionUntil !== undefined) set.file_retention_until = changes.fileRetentionUntil;
    if (changes.fileRetentionPermanent !== undefined) set.file_retention_permanent = changes.fileRetentionPermanent ? 1 : 0;
    if (changes.status !== undefined && changes.status !== c.status) {
      set.status = changes.status;
      set.closed_at = changes.status === 'closed' ? this.clock.now() : null;
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(set) as Array<[keyof CaseRow, unknown]>) {
      if (c[k] === v) continue;
      before[k] = c[k];
      after[k] = v;
    }
    if (Object.keys(after).length > 0) {
      set.updated_at = this.clock.now();
      await this.db.transact(async (trx) => {
        await this.repo.update(trx, id, set);
        await this.ledger.append(trx, { actor: auditActor(actor), action: set.status === 'closed' ? 'case.close' : set.status === 'open' ? 'case.reopen' : 'case.update', subject: { type: 'case', id }, ip: meta.ip, reason, details: { before, after } });
      });
    }
    return this.detail(actor, id, meta);
  }

  async detail(actor: Actor, id: string, meta: RequestMeta): Promise<CaseDetail> {
    const c = await this.visible(actor, id, 'case.read', meta);
    const links = await this.repo.links(id);
    const recordings: LinkedRecording[] = [];
    let hidden = 0;
    const spans = [];
    for (const l of links) {
      const r = await this.recordings.byId(l.recording_id);
      if (!r) continue;
      spans.push({ id: r.id, start: r.started_at, end: r.ended_at });
      if (!(await this.authz.allows(actor, 'recording.read', recordingSubject(r)))) {
        hidden += 1;
        continue;
      }
      recordings.push({
        id: r.id,
        originalName: r.original_name,
        deviceSerial: r.device_serial,
        officerBadge: r.officer_badge,
        officerId: r.officer_id,
        deviceStartedAt: r.device_started_at,
        deviceEndedAt: r.device_ended_at,
        startedAt: r.started_at,
        endedAt: r.ended_at,
        durationMs: r.duration_ms,
        playable: r.playable === 1,
        linkedAt: l.linked_at,
        linkedBy: l.linked_by,
        note: l.note,
      });
    }
    recordings.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    const documents = c.documents_started_at !== null && c.documents_ended_at !== null ? { start: c.documents_started_at, end: c.documents_ended_at } : null;
    // The check covers every linked recording (a hidden one still counts as coverage; it is just not named).
    const consistency = checkTimeConsistency(documents, spans);
    const unitIds = await this.authz.subtreeIds(actor.unitId);
    const workRecords = (await this.repo.workRecords({ unitIds, caseId: id, limit: 500 })).map(workRecordView);
    return { ...caseView(c), recordings, hiddenRecordings: hidden, consistency, workRecords };
  }

  async list(actor: Actor, q: Omit<CaseQuery, 'unitIds'> & { unitId?: string | undefined }, meta: RequestMeta): Promise<{ items: CaseView[]; nextBefore: { createdAt: number; id: string } | null }> {
    await this.authz.require(actor, 'case.read', null, meta);
    const mine = await this.authz.subtreeIds(actor.unitId);
    const unitIds = q.unitId ? (mine.includes(q.unitId) ? await this.authz.subtreeIds(q.unitId) : []) : mine;
    const rows = await this.repo.search({ ...q, unitIds, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map(caseView), nextBefore: rows.length > q.limit && last ? { createdAt: last.created_at, id: last.id } : null };
  }

  /** Links recordings to a case (each must be one the actor may know); already linked ones are skipped. */
  async link(actor: Actor, id: string, recordingIds: string[], note: string | null, meta: RequestMeta): Promise<CaseDetail> {
    const c = await this.visible(actor, id, 'case.link', meta);
    if (c.status === 'closed') throw Conflict('case_closed', 'the case is closed: reopen it to link recordings');
    const ids = [...new Set(recordingIds)];
    if (ids.length === 0 || ids.length > 500) throw Invalid('recordings_count_invalid', 'name 1–500 recordings');
    for (const rid of ids) {
      const r = await this.recordings.byId(rid);
      await this.authz.require(actor, 'recording.read', r ? recordingSubject(r) : { type: 'recording', id: rid, unitId: null }, meta);
    }
    const now = this.clock.now();
    await this.db.transact(async (trx) => {
      const added = await this.repo.link(trx, ids.map((rid) => ({ case_id: id, recording_id: rid, linked_by: actor.id, linked_at: now, note: note?.trim() || null })));
      if (added.length > 0) await this.ledger.append(trx, { actor: auditActor(actor), action: 'case.link', subject: { type: 'case', id }, ip: meta.ip, reason: note?.trim() || null, details: { recordings: added } });
    });
    return this.detail(actor, id, meta);
  }

  async unlink(actor: Actor, id: string, recordingId: string, reason: string, meta: RequestMeta): Promise<CaseDetail> {
    await this.visible(actor, id, 'case.link', meta);
    if (reason.trim().length === 0) throw Invalid('reason_required', 'give the reason for unlinking');
    const r = await this.recordings.byId(recordingId);
    await this.authz.require(actor, 'recording.read', r ? recordingSubject(r) : { type: 'recording', id: recordingId, unitId: null }, meta);
    await this.db.transact(async (trx) => {
      if (!(await this.repo.unlink(trx, id, recordingId))) throw NotFound('link_not_found', 'that recording is not linked to this case');
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'case.unlink', subject: { type: 'case', id }, ip: meta.ip, reason: reason.trim(), details: { recording: recordingId } });
    });
    return this.detail(actor, id, meta);
  }

  /** Cases a recording is linked to, limited to those the actor may see. */
  async casesOfRecording(actor: Actor, recordingId: string): Promise<CaseView[]> {
    const scope = new Set(await this.authz.subtreeIds(actor.unitId));
    return (await this.repo.casesOfRecording(recordingId)).filter((c) => scope.has(c.unit_id)).map(caseView);
  }

  // ---- work records (R-INTERRUPT) -----------------------------------------------------------

  /** The reasons an officer's work records may give: those of the profile governing their unit (R-INTERRUPT, R-SCENARIO). */
  async workRecordReasons(actor: Actor, officerId: string | undefined, meta: RequestMeta): Promise<WorkRecordReasonLists> {
    const officer = await this.filingFor(actor, officerId ?? actor.id, meta);
    return this.reasonsOfUnit(officer.unit_id);
  }

  async fileWorkRecord(actor: Actor, input: NewWorkRecord, meta: RequestMeta): Promise<WorkRecordView> {
    const officerId = input.officerId ?? actor.id;
    const officer = await this.filingFor(actor, officerId, meta);
    const lists = await this.reasonsOfUnit(officer.unit_id);
    const reasons = (input.kind === 'interrupted' ? lists.interrupted : lists.notRecorded).map((r) => r.id);
    if (!reasons.includes(input.reason)) throw Invalid('reason_invalid', `reason must be one of ${reasons.join(', ')}${lists.profile ? ` (profile ${lists.profile})` : ''}`, { allowed: reasons, profile: lists.profile });
    const reasonText = input.reasonText?.trim() || null;
    if (input.reason === 'other' && !reasonText) throw Invalid('reason_text_required', 'explain the reason when it is "other"');
    if (input.kind === 'interrupted' && input.statedOnRestart === undefined) throw Invalid('stated_on_restart_required', 'say whether the reason was stated aloud when recording resumed');
    if (input.kind === 'not_recorded' && !input.legalBasis?.trim()) throw Invalid('legal_basis_required', 'a recording not made needs its legal basis');
    let caseRow: CaseRow | undefined;
    if (input.caseId) caseRow = await this.visible(actor, input.caseId, 'case.read', meta);
    if (input.recordingId) {
      const r = await this.recordings.byId(input.recordingId);
      await this.authz.require(actor, 'recording.read', r ? recordingSubject(r) : { type: 'recording', id: input.recordingId, unitId: null }, meta);
    }
    const now = this.clock.now();
    const row: WorkRecordRow = {
      id: newId(now),
      kind: input.kind,
      case_id: caseRow?.id ?? null,
      recording_id: input.recordingId ?? null,
      officer_id: officerId,
      unit_id: officer.unit_id,
      occurred_at: input.occurredAt,
      activity: input.activity?.trim() || null,
      reason_code: input.reason,
      reason_text: reasonText,
      stated_on_restart: input.kind === 'interrupted' ? (input.statedOnRestart ? 1 : 0) : null,
      legal_basis: input.legalBasis?.trim() || null,
      status: 'pending',
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      filed_by: actor.id,
      filed_at: now,
    };
    await this.db.transact(async (trx) => {
      await this.repo.insertWorkRecord(trx, row);
      // The profile version whose list the reason was checked against (R-PROFILE: each record keeps what governed it).
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'work_record.file', subject: { type: 'work_record', id: row.id }, ip: meta.ip, reason: reasonText, details: { ...workRecordView(row), profile: lists.profile } });
    });
    return workRecordView(row);
  }

  /** The head approves or rejects a work record; never one they filed or that concerns them. */
  async decideWorkRecord(actor: Actor, id: string, approve: boolean, reason: string | null, meta: RequestMeta): Promise<WorkRecordView> {
    const w = await this.repo.workRecord(id);
    if (!w || !(await this.authz.subtreeIds(actor.unitId)).includes(w.unit_id)) {
      await this.authz.require(actor, 'work_record.approve', { type: 'work_record', id, unitId: null }, meta);
      throw NotFound('work_record_not_found', `no work record ${id}`);
    }
    await this.authz.require(actor, 'work_record.approve', { type: 'work_record', id, unitId: w.unit_id }, meta);
    if (w.filed_by === actor.id || w.officer_id === actor.id) {
      throw await this.authz.deny(actor, 'work_record.approve', { type: 'work_record', id, unitId: w.unit_id }, 'self_approval_forbidden', meta, 'nobody decides a work record they filed or that concerns them');
    }
    if (!approve && !reason?.trim()) throw Invalid('reason_required', 'give the reason for the rejection');
    const now = this.clock.now();
    const set = { status: approve ? ('approved' as const) : ('rejected' as const), decided_by: actor.id, decided_at: now, decision_reason: reason?.trim() || null };
    await this.db.transact(async (trx) => {
      if (!(await this.repo.decideWorkRecord(trx, id, set))) throw Conflict('work_record_decided', 'this work record was already decided');
      await this.ledger.append(trx, { actor: auditActor(actor), action: approve ? 'work_record.approve' : 'work_record.reject', subject: { type: 'work_record', id }, ip: meta.ip, reason: set.decision_reason });
    });
    return workRecordView({ ...w, ...set });
  }

  async listWorkRecords(actor: Actor, q: { status?: WorkRecordRow['status'] | undefined; officerId?: string | undefined; limit: number }, meta: RequestMeta): Promise<WorkRecordView[]> {
    await this.authz.require(actor, 'case.read', null, meta);
    const v = recordingVisibility(actor);
    const officerId = v.officerId ?? q.officerId;
    return (await this.repo.workRecords({ unitIds: await this.authz.subtreeIds(actor.unitId), status: q.status, officerId, limit: q.limit })).map(workRecordView);
  }

  // ---- internals ----------------------------------------------------------------------------

  /** The officer a work record is filed for: in the actor's subtree, asked of the rule; an officer files only for themselves. */
  private async filingFor(actor: Actor, officerId: string, meta: RequestMeta): Promise<{ id: string; unit_id: string }> {
    const officer = await this.officers.userById(officerId);
    if (!officer || !(await this.authz.subtreeIds(actor.unitId)).includes(officer.unit_id)) throw NotFound('user_not_found', `no officer ${officerId}`);
    await this.authz.require(actor, 'work_record.file', { type: 'work_record', id: null, unitId: officer.unit_id }, meta);
    // An officer explains their own recordings; legal staff and dispatchers may file for others.
    const filers = actor.roles.filter((r) => ROLE_ACTIONS[r].includes('work_record.file'));
    if (officerId !== actor.id && filers.every((r) => r === 'officer')) {
      throw await this.authz.deny(actor, 'work_record.file', { type: 'user', id: officerId, unitId: officer.unit_id }, 'not_own_work_record', meta, 'officers file work records for themselves');
    }
    return officer;
  }

  private async reasonsOfUnit(unitId: string): Promise<WorkRecordReasonLists> {
    if (!this.profiles) return workRecordReasons(null);
    const governing = await this.profiles.forUnit(unitId);
    return workRecordReasons(await this.profiles.profile(governing.profileId, governing.profileVersion));
  }

  /** A case in the actor's subtree, after asking the rule; anything else is not found. */
  private async visible(actor: Actor, id: string, action: 'case.read' | 'case.manage' | 'case.link', meta: RequestMeta): Promise<CaseRow> {
    const c = await this.repo.byId(id);
    if (!c || !(await this.authz.subtreeIds(actor.unitId)).includes(c.unit_id)) {
      await this.authz.require(actor, action, { type: 'case', id, unitId: null }, meta);
      throw NotFound('case_not_found', `no case ${id}`);
    }
    await this.authz.require(actor, action, { type: 'case', id, unitId: c.unit_id }, meta);
    return c;
  }

  private async checkOfficers(actor: Actor, ids: string[]): Promise<string[]> {
    const scope = await this.authz.subtreeIds(actor.unitId);
    const out = [...new Set(ids)];
    for (const id of out) {
      const u = await this.officers.userById(id);
      if (!u || !scope.includes(u.unit_id)) throw NotFound('user_not_found', `no officer ${id}`);
    }
    return out;
  }
}

function checkInterval(start: number | null, end: number | null): void {
  if ((start === null) !== (end === null)) throw Invalid('documents_interval_incomplete', 'give both the start and the end the documents record, or neither');
  if (start !== null && end !== null && end <= start) throw Invalid('documents_interval_invalid', 'the documents’ end must come after their start');
}

function caseFacts(c: CaseRow): Record<string, unknown> {
  return {
    number: c.number,
    kind: c.kind,
    title: c.title,
    type: c.case_type,
    unit: c.unit_id,
    supervisedParty: c.supervised_party,
    officers: JSON.parse(c.officer_ids) as string[],
    documentsStartedAt: c.documents_started_at,
    documentsEndedAt: c.documents_ended_at,
  };
}
