import type { AuditLedger } from '../audit/index.js';
import type { CaseRow, CasesRepo } from '../cases/index.js';
import {
  auditActor,
  type Actor,
  type Authorizer,
  type ContentAction,
  type RequestMeta,
  type SiteSettings,
  type StepUp,
} from '../identity/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { recordingSubject, type ContentGrants, type ContentUse, type GrantCheck, type RecordingRow, type RecordingsRepo } from '../recordings/index.js';
import type { ProfilesService } from '../retention/index.js';
import { grantStanding } from './grant-state.js';
import { commonReasons, CONTENT_ACTION_OF, FALLBACK_REASONS, fixedReasonLabel, requestActionOf, type AccessReasonItem, type RequestAction } from './reasons.js';
import { renderRetrievalForm, type FormPerson } from './retrieval-form.js';
import type { AccessItemRow, AccessRepo, AccessRequestRow } from './repo.js';

export interface NewAccessRequest {
  /** The recordings asked for — or none, with `caseId`. */
  recordingIds?: string[] | undefined;
  /** Ask for every recording now linked to this case that the requester may know about. */
  caseId?: string | undefined;
  action: RequestAction;
  /** A reason id of the list governing the recordings (see `reasons`). */
  reason: string;
  reasonText?: string | undefined;
  /** Until when the requester asks for access (the approver decides; it never exceeds the site's maximum). */
  until?: number | undefined;
}

export interface Decision {
  /** Approve only these recordings of the request (narrowing); default all. */
  recordingIds?: string[] | undefined;
  expiresAt?: number | undefined;
  reason?: string | undefined;
}

export type RequestState = 'pending' | 'approved' | 'expired' | 'revoked' | 'rejected' | 'withdrawn';

export interface AccessRequestView {
  id: string;
  requester: { id: string; username: string; displayName: string; badge: string | null };
  action: RequestAction;
  reason: string;
  /** The reason's label in the list that governed the request when it was made (null: an id no list names any more). */
  reasonLabel: { zh: string; en: string } | null;
  reasonText: string | null;
  /** Asked for all of a case's recordings: that case; its number and title only when the viewer may see the case. */
  case: { id: string; number: string | null; title: string | null } | null;
  state: RequestState;
  requestedAt: number;
  requestedUntil: number | null;
  decidedBy: { id: string; username: string; displayName: string } | null;
  decidedAt: number | null;
  decisionReason: string | null;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBy: { id: string; username: string; displayName: string } | null;
  revokeReason: string | null;
  /** The recordings of the request the viewer may know about. */
  recordings: Array<{ id: string; originalName: string; unitId: string; startedAt: number; deviceSerial: string | null; officerBadge: string | null; granted: boolean }>;
  /** Recordings of the request the viewer may not know about (counted, never named). */
  hiddenRecordings: number;
}

const MAX_RECORDINGS = 500;

/** What access reads of other capabilities: a case's recordings, and the regulation profile governing a unit. */
export interface AccessSources {
  cases: Pick<CasesRepo, 'byId' | 'links'>;
  profiles: Pick<ProfilesService, 'forUnit' | 'profile'>;
}

/** The reasons a request may give, and the profiles (`id@version`) whose lists they come from (none: the fixed list). */
export interface ApplicableReasons {
  items: AccessReasonItem[];
  profiles: string[];
}

/**
 * Approval-gated access (R-ACCESS, R-ACCESS-LOG, R-SECRET): a person asks for an action on
 * recordings with a reason; an approver with authority over those recordings — never the
 * requester — approves (possibly narrowing, always with an expiry) or rejects; the grant is then
 * used, revoked or runs out. Every step, and every use, is in the ledger in the same transaction.
 */
export class AccessService implements ContentGrants {
  private readonly cases: AccessSources['cases'];
  private readonly profiles: AccessSources['profiles'];

  constructor(
    private readonly db: Database,
    private readonly repo: AccessRepo,
    private readonly recordings: RecordingsRepo,
    private readonly ledger: AuditLedger,
    private readonly authz: Authorizer,
    private readonly stepUp: StepUp,
    private readonly settings: SiteSettings,
    private readonly clock: Clock,
    sources: AccessSources,
  ) {
    this.cases = sources.cases;
    this.profiles = sources.profiles;
  }

  // ---- the seam recordings uses -------------------------------------------------------------

  async check(actorId: string, recordingId: string, action: ContentAction): Promise<GrantCheck> {
    const s = grantStanding(await this.repo.standings(actorId, recordingId, requestActionOf(action)), this.clock.now());
    return { state: s.state, grantId: s.state === 'approved' ? s.requestId : null, requestId: s.requestId, expiresAt: s.expiresAt };
  }

  async recordUse(use: ContentUse): Promise<void> {
    await this.db.transact(async (trx) => {
      const seq = await this.ledger.append(trx, {
        actor: auditActor(use.actor),
        action: use.action === 'recording.view' ? 'recording.playback' : use.action === 'recording.download' ? 'recording.download' : use.action,
        subject: { type: 'recording', id: use.recordingId },
        ip: use.meta.ip,
        details: { request: use.grant.requestId, grantExpiresAt: use.grant.expiresAt, served: use.served.kind, sha256: use.served.sha256, range: use.range, via: use.actor.via.kind },
      });
      await this.repo.insertUse(trx, {
        id: newId(),
        request_id: use.grant.requestId,
        recording_id: use.recordingId,
        user_id: use.actor.id,
        action: requestActionOf(use.action),
        served_kind: use.served.kind,
        sha256: use.served.sha256,
        byte_range: use.range,
        ip: use.meta.ip,
        at: this.clock.now(),
        ledger_seq: seq,
      });
    });
  }

  // ---- requests -----------------------------------------------------------------------------

  async request(actor: Actor, input: NewAccessRequest, meta: RequestMeta): Promise<AccessRequestView> {
    await this.authz.require(actor, 'access.request', null, meta);
    const reasonText = input.reasonText?.trim() || null;
    if (input.reason === 'other' && !reasonText) throw Invalid('reason_text_required', 'explain the reason when it is "other"');
    const now = this.clock.now();
    if (input.until !== undefined && input.until <= now) throw Invalid('until_in_past', 'the requested end of access is in the past');
    const { rows, caseRow } = await this.recordingsAskedFor(actor, input, meta);
    const contentAction = CONTENT_ACTION_OF[input.action];
    for (const row of rows) {
      // The requester's role must be one that could use such a grant (an officer never gets a copy).
      const could = await this.authz.decide(actor, contentAction, recordingSubject(row), null, { grant: 'approved' });
      if (!could.allow) {
        await this.authz.require(actor, contentAction, recordingSubject(row), meta, { grant: 'approved' });
      }
    }
    // The reason comes from the list of the regulation governing the recordings' units.
    const applicable = await this.reasonsForUnits(rows.map((r) => r.unit_id));
    const reason = applicable.items.find((r) => r.id === input.reason);
    if (!reason) {
      throw Invalid('reason_not_allowed', `"${input.reason}" is not a reason the regulation of these recordings lists (${applicable.items.map((r) => r.id).join(', ')})`, { allowed: applicable.items.map((r) => r.id) });
    }
    if (reason.requiresText && !reasonText) throw Invalid('reason_text_required', `explain the reason when it is "${reason.label.en}"`);
    const ids = rows.map((r) => r.id);
    const req: AccessRequestRow = {
      id: newId(now),
      requester_id: actor.id,
      requester_unit_id: actor.unitId,
      action: input.action,
      reason_code: input.reason,
      reason_text: reasonText,
      status: 'pending',
      requested_at: now,
      requested_until: input.until ?? null,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      expires_at: null,
      revoked_by: null,
      revoked_at: null,
      revoke_reason: null,
      case_id: caseRow?.id ?? null,
      reason_label: JSON.stringify(reason.label),
    };
    const items: AccessItemRow[] = rows.map((r) => ({ request_id: req.id, recording_id: r.id, granted: 0 }));
    await this.db.transact(async (trx) => {
      await this.repo.insertRequest(trx, req, items);
      await this.ledger.append(trx, {
        actor: auditActor(actor),
        action: 'access.request',
        subject: { type: 'access_request', id: req.id },
        ip: meta.ip,
        reason: reasonText,
        details: {
          action: input.action,
          reason: input.reason,
          reasonLabel: reason.label,
          reasonFrom: applicable.profiles,
          recordings: ids,
          until: req.requested_until,
          ...(caseRow ? { case: caseRow.id } : {}),
        },
      });
    });
    return this.view(actor, req, items);
  }

  /**
   * The reasons a request for these recordings (or this case's) may give: each recording unit's
   * regulation profile's list where a profile is assigned to its unit tree (and lists reasons), the
   * fixed list elsewhere; over several units, the reasons all of them allow; `other` always.
   */
  async reasons(actor: Actor, input: Pick<NewAccessRequest, 'recordingIds' | 'caseId'>, meta: RequestMeta): Promise<ApplicableReasons> {
    await this.authz.require(actor, 'access.request', null, meta);
    const { rows } = await this.recordingsAskedFor(actor, input, meta);
    return this.reasonsForUnits(rows.map((r) => r.unit_id));
  }

  async approve(actor: Actor, id: string, d: Decision, meta: RequestMeta): Promise<AccessRequestView> {
    const { req, items, rows } = await this.forApprover(actor, id, 'access.approve', meta, d.recordingIds);
    if (req.status !== 'pending') throw Conflict('request_not_pending', `this request is already ${req.status}`);
    await this.stepUp.require(actor, 'approve', meta);
    const now = this.clock.now();
    const s = await this.settings.authority();
    const max = now + s.grantMaxHours * 3600_000;
    const expiresAt = d.expiresAt ?? Math.min(req.requested_until ?? Number.POSITIVE_INFINITY, now + s.grantDefaultHours * 3600_000);
    if (expiresAt <= now) throw Invalid('expiry_in_past', 'the grant must end in the future');
    if (expiresAt > max) throw Invalid('expiry_too_far', `a grant lasts at most ${s.grantMaxHours} hours`);
    const granted = rows.map((r) => r.id);
    await this.db.transact(async (trx) => {
      if (!(await this.repo.decide(trx, id, { status: 'approved', decided_by: actor.id, decided_at: now, decision_reason: d.reason?.trim() || null, expires_at: expiresAt }))) {
        throw Conflict('request_not_pending', 'this request was decided meanwhile');
      }
      await this.repo.narrow(trx, id, granted);
      await this.ledger.append(trx, {
        actor: auditActor(actor),
        action: 'access.approve',
        subject: { type: 'access_request', id },
        ip: meta.ip,
        reason: d.reason?.trim() || null,
        details: { requester: req.requester_id, action: req.action, granted, notGranted: items.filter((i) => !granted.includes(i.recording_id)).map((i) => i.recording_id), expiresAt },
      });
    });
    return this.get(actor, id, meta);
  }

  async reject(actor: Actor, id: string, reason: string, meta: RequestMeta): Promise<AccessRequestView> {
    if (reason.trim().length === 0) throw Invalid('reason_required', 'give the reason for the rejection');
    const { req } = await this.forApprover(actor, id, 'access.approve', meta);
    if (req.status !== 'pending') throw Conflict('request_not_pending', `this request is already ${req.status}`);
    const now = this.clock.now();
    await this.db.transact(async (trx) => {
      if (!(await this.repo.decide(trx, id, { status: 'rejected', decided_by: actor.id, decided_at: now, decision_reason: reason.trim(), expires_at: null }))) {
        throw Conflict('request_not_pending', 'this request was decided meanwhile');
      }
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'access.reject', subject: { type: 'access_request', id }, ip: meta.ip, reason: reason.trim(), details: { requester: req.requester_id, action: req.action } });
    });
    return this.get(actor, id, meta);
  }

  /** The requester takes back a request not yet decided. */
  async withdraw(actor: Actor, id: string, meta: RequestMeta): Promise<AccessRequestView> {
    await this.authz.require(actor, 'access.request', null, meta);
    const req = await this.repo.byId(id);
    if (!req || req.requester_id !== actor.id) throw NotFound('access_request_not_found', `no access request ${id}`);
    if (req.status !== 'pending') throw Conflict('request_not_pending', `this request is already ${req.status}`);
    await this.db.transact(async (trx) => {
      if (!(await this.repo.decide(trx, id, { status: 'withdrawn', decided_by: actor.id, decided_at: this.clock.now(), decision_reason: null, expires_at: null }))) {
        throw Conflict('request_not_pending', 'this request was decided meanwhile');
      }
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'access.withdraw', subject: { type: 'access_request', id }, ip: meta.ip });
    });
    return this.get(actor, id, meta);
  }

  /** Ends an approved grant before its expiry. */
  async revoke(actor: Actor, id: string, reason: string, meta: RequestMeta): Promise<AccessRequestView> {
    if (reason.trim().length === 0) throw Invalid('reason_required', 'give the reason for the revocation');
    const { req } = await this.forApprover(actor, id, 'access.revoke', meta, undefined, true);
    if (req.status !== 'approved' || req.revoked_at !== null) throw Conflict('grant_not_active', 'only an approved, unrevoked grant can be revoked');
    const now = this.clock.now();
    await this.db.transact(async (trx) => {
      if (!(await this.repo.revoke(trx, id, actor.id, now, reason.trim()))) throw Conflict('grant_not_active', 'this grant was revoked meanwhile');
      await this.ledger.append(trx, { actor: auditActor(actor), action: 'access.revoke', subject: { type: 'access_request', id }, ip: meta.ip, reason: reason.trim(), details: { requester: req.requester_id, action: req.action } });
    });
    return this.get(actor, id, meta);
  }

  // ---- reading ------------------------------------------------------------------------------

  async get(actor: Actor, id: string, meta: RequestMeta): Promise<AccessRequestView> {
    const req = await this.repo.byId(id);
    if (req && req.requester_id === actor.id) {
      await this.authz.require(actor, 'access.request', null, meta);
      return this.view(actor, req, await this.repo.items(id));
    }
    await this.authz.require(actor, 'access.list', null, meta);
    if (!req) throw NotFound('access_request_not_found', `no access request ${id}`);
    const v = await this.view(actor, req, await this.repo.items(id));
    if (v.recordings.length === 0) throw NotFound('access_request_not_found', `no access request ${id}`);
    return v;
  }

  /**
   * `mine`: the actor's own requests. `inbox`: pending requests the actor may decide (at least one
   * recording they have authority over, not their own). `all`: every request touching recordings
   * of the actor's subtree.
   */
  async list(actor: Actor, q: { scope: 'mine' | 'inbox' | 'all'; state?: RequestState | undefined; before?: number | undefined; limit: number }, meta: RequestMeta): Promise<{ items: AccessRequestView[]; nextBefore: number | null }> {
    const status = q.state === 'expired' || q.state === 'revoked' ? 'approved' : q.state;
    let rows: AccessRequestRow[];
    if (q.scope === 'mine') {
      await this.authz.require(actor, 'access.request', null, meta);
      rows = await this.repo.list({ requesterId: actor.id, status, before: q.before, limit: q.limit + 1 });
    } else {
      await this.authz.require(actor, q.scope === 'inbox' ? 'access.approve' : 'access.list', null, meta);
      rows = await this.repo.list({ recordingUnitIds: await this.authz.subtreeIds(actor.unitId), status: q.scope === 'inbox' ? 'pending' : status, before: q.before, limit: q.limit + 1 });
    }
    const more = rows.length > q.limit;
    const items: AccessRequestView[] = [];
    for (const r of rows.slice(0, q.limit)) {
      const v = await this.view(actor, r, await this.repo.items(r.id));
      if (q.scope !== 'mine' && v.recordings.length === 0) continue;
      if (q.scope === 'inbox' && (r.requester_id === actor.id || !(await this.mayDecideAny(actor, r, v)))) continue;
      if (q.state && v.state !== q.state) continue;
      items.push(v);
    }
    const last = rows[Math.min(rows.length, q.limit) - 1];
    return { items, nextBefore: more && last ? last.requested_at : null };
  }

  /** The access register (查阅登记): who used which recording, when, under which request and why. */
  async register(actor: Actor, q: { userId?: string | undefined; recordingId?: string | undefined; from?: number | undefined; to?: number | undefined; before?: number | undefined; limit: number }, meta: RequestMeta) {
    await this.authz.require(actor, 'access.list', null, meta);
    const rows = await this.repo.register({ ...q, unitIds: await this.authz.subtreeIds(actor.unitId) });
    const out = [];
    for (const r of rows) {
      const rec = await this.recordings.byId(r.recording_id);
      if (rec && (await this.authz.allows(actor, 'recording.read', recordingSubject(rec)))) out.push(r);
    }
    return out;
  }

  async uses(requestId: string) {
    return this.repo.usesOfRequest(requestId);
  }

  /**
   * The retrieval form (调用单, R-ACCESS-LOG) of one request, as a PDF: who asked, why, the decision,
   * the recordings and every use with its ledger entry. Whoever may `get` the request may print
   * it; recordings they may not know about, and the uses of those, are counted, never named. The
   * print is registered first (`access.form_print`), and the form shows that entry and a signed
   * tree head that includes it, so each listed entry can be proven from the paper.
   */
  async retrievalForm(actor: Actor, id: string, meta: RequestMeta, site: { timeZone?: string | undefined } = {}): Promise<{ fileName: string; pdf: Buffer }> {
    const v = await this.get(actor, id, meta);
    const req = await this.repo.byId(id);
    if (!req) throw NotFound('access_request_not_found', `no access request ${id}`);
    const shown = new Map<string, RecordingRow>();
    for (const r of v.recordings) {
      const row = await this.recordings.byId(r.id);
      if (row) shown.set(row.id, row);
    }
    const uses = await this.repo.usesOfRequest(id);
    const visibleUses = uses.filter((u) => shown.has(u.recording_id));
    const people = await this.people([req.requester_id, req.decided_by, req.revoked_by, actor.id]);
    const who = (userId: string | null): FormPerson | null => {
      const p = userId ? people.get(userId) : undefined;
      return p ? { name: p.displayName, badge: p.badge } : null;
    };
    const units = new Map((await this.db.kysely.selectFrom('units').select(['id', 'name', 'parent_id']).execute()).map((u) => [u.id, u]));
    const unitPath: string[] = [];
    for (let u = units.get(req.requester_unit_id); u && unitPath.length < 64; u = u.parent_id ? units.get(u.parent_id) : undefined) unitPath.unshift(u.name);
    const root = [...units.values()].find((u) => u.parent_id === null);

    const printSeq = await this.ledger.record({
      actor: auditActor(actor),
      action: 'access.form_print',
      subject: { type: 'access_request', id },
      ip: meta.ip,
      details: { recordings: shown.size, hiddenRecordings: v.hiddenRecordings, uses: visibleUses.length, hiddenUses: uses.length - visibleUses.length },
    });
    const head = await this.ledger.signHead();
    const outcome = req.status === 'pending' ? null : req.status;
    const pdf = await renderRetrievalForm({
      siteName: root?.name ?? '',
      timeZone: site.timeZone ?? 'Asia/Shanghai',
      requestId: id,
      state: v.state,
      requester: { ...who(req.requester_id)!, unit: unitPath.join(' / ') },
      action: req.action,
      reason: { label: v.reasonLabel?.zh ?? v.reason, text: req.reason_text },
      requestedAt: req.requested_at,
      requestedUntil: req.requested_until,
      decision: outcome && req.decided_at !== null ? { outcome, by: who(req.decided_by) ?? { name: '—', badge: null }, at: req.decided_at, reason: req.decision_reason, expiresAt: req.expires_at } : null,
      revocation: req.revoked_at === null ? null : { by: who(req.revoked_by), at: req.revoked_at, reason: req.revoke_reason },
      recordings: v.recordings.map((r) => ({ id: r.id, code: shown.get(r.id)?.code ?? null, fileName: r.originalName, deviceSerial: r.deviceSerial, officerBadge: r.officerBadge, startedAt: r.startedAt, sha256: shown.get(r.id)?.blob_sha256 ?? '', granted: r.granted })),
      hiddenRecordings: v.hiddenRecordings,
      uses: visibleUses.map((u) => ({ at: u.at, recordingId: u.recording_id, served: u.served_kind, sha256: u.sha256, range: u.byte_range, ip: u.ip, ledgerSeq: u.ledger_seq })),
      hiddenUses: uses.length - visibleUses.length,
      ledger: { printSeq, treeSize: head.size, root: head.root, signedAt: head.timestamp, keyId: head.keyId },
      printedBy: who(actor.id) ?? { name: actor.displayName, badge: actor.badge },
      generatedAt: this.clock.now(),
    });
    return { fileName: `retrieval-form-${id}.pdf`, pdf };
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * A request as an approver sees it: every recording to be decided must be one the approver has
   * authority over (scope, clearance, level for sensitive ones), and never their own request.
   */
  private async forApprover(actor: Actor, id: string, action: 'access.approve' | 'access.revoke', meta: RequestMeta, only?: string[], grantedOnly = false): Promise<{ req: AccessRequestRow; items: AccessItemRow[]; rows: RecordingRow[] }> {
    const req = await this.repo.byId(id);
    if (!req) {
      await this.authz.require(actor, action, null, meta);
      throw NotFound('access_request_not_found', `no access request ${id}`);
    }
    const items = await this.repo.items(id);
    let targets = grantedOnly ? items.filter((i) => i.granted === 1) : items;
    if (only !== undefined) {
      const wanted = new Set(only);
      const unknown = [...wanted].filter((w) => !items.some((i) => i.recording_id === w));
      if (unknown.length > 0 || wanted.size === 0) throw Invalid('recordings_not_in_request', 'narrow a request only to recordings it names');
      targets = targets.filter((i) => wanted.has(i.recording_id));
    }
    const rows: RecordingRow[] = [];
    const place = action === 'access.approve' ? await this.requesterPlace(req) : null;
    for (const i of targets) {
      const row = await this.recordings.byId(i.recording_id);
      if (!row) throw NotFound('recording_not_found', `no recording ${i.recording_id}`);
      await this.authz.require(actor, action, { ...recordingSubject(row), requesterId: req.requester_id, ...(place ?? {}) }, meta, { context: { request: req.id } });
      rows.push(row);
    }
    if (action === 'access.approve' && req.requester_id === actor.id) throw Forbidden('self_approval_forbidden', 'nobody approves their own request');
    return { req, items, rows };
  }

  private async mayDecideAny(actor: Actor, req: AccessRequestRow, v: AccessRequestView): Promise<boolean> {
    const place = await this.requesterPlace(req);
    for (const r of v.recordings) {
      const row = await this.recordings.byId(r.id);
      if (row && (await this.authz.allows(actor, 'access.approve', { ...recordingSubject(row), requesterId: req.requester_id, ...place }))) return true;
    }
    return false;
  }

  /** Where the requester stands, as the rule weighs it: the unit they asked from, and whether they approve too. */
  private async requesterPlace(req: AccessRequestRow): Promise<RequesterPlace> {
    const roles = await this.repo.rolesOf(req.requester_id);
    return { requesterUnitId: req.requester_unit_id, requesterIsApprover: roles.includes('approver') };
  }

  /**
   * The recordings a request names, each one the actor may know about (else 404, as if it did not
   * exist); or — for a case the actor may see — every recording now linked to it that they may
   * know about, silently leaving out the rest (their existence is not revealed).
   */
  private async recordingsAskedFor(actor: Actor, input: Pick<NewAccessRequest, 'recordingIds' | 'caseId'>, meta: RequestMeta): Promise<{ rows: RecordingRow[]; caseRow: CaseRow | null }> {
    const named = [...new Set(input.recordingIds ?? [])];
    if (input.caseId !== undefined) {
      if (named.length > 0) throw Invalid('recordings_or_case', 'name recordings or a case, not both');
      const caseRow = await this.visibleCase(actor, input.caseId, meta);
      const rows: RecordingRow[] = [];
      for (const link of await this.cases.links(caseRow.id)) {
        const row = await this.recordings.byId(link.recording_id);
        if (row && row.deleted_at === null && (await this.authz.allows(actor, 'recording.read', recordingSubject(row)))) rows.push(row);
      }
      if (rows.length === 0) throw Invalid('case_without_recordings', 'the case has no recordings you could ask for');
      if (rows.length > MAX_RECORDINGS) throw Invalid('recordings_count_invalid', `a request names at most ${MAX_RECORDINGS} recordings; this case has ${rows.length}`);
      return { rows, caseRow };
    }
    if (named.length === 0 || named.length > MAX_RECORDINGS) throw Invalid('recordings_count_invalid', `name 1–${MAX_RECORDINGS} recordings`);
    const rows: RecordingRow[] = [];
    for (const id of named) {
      const row = await this.recordings.byId(id);
      // The requester must be able to know the recording; otherwise it does not exist for them.
      await this.authz.require(actor, 'recording.read', row ? recordingSubject(row) : { type: 'recording', id, unitId: null }, meta);
      rows.push(row!);
    }
    return { rows, caseRow: null };
  }

  /** A case in the actor's subtree that they may read (as the case's own page decides); anything else is not found. */
  private async visibleCase(actor: Actor, id: string, meta: RequestMeta): Promise<CaseRow> {
    const c = await this.cases.byId(id);
    if (!c || !(await this.authz.subtreeIds(actor.unitId)).includes(c.unit_id)) {
      await this.authz.require(actor, 'case.read', { type: 'case', id, unitId: null }, meta);
      throw NotFound('case_not_found', `no case ${id}`);
    }
    await this.authz.require(actor, 'case.read', { type: 'case', id, unitId: c.unit_id }, meta);
    return c;
  }

  /** The case of a request as this viewer may see it: number and title only when they may read the case. */
  private async caseOf(actor: Actor, id: string): Promise<AccessRequestView['case']> {
    const c = await this.cases.byId(id);
    const visible = c !== undefined && (await this.authz.subtreeIds(actor.unitId)).includes(c.unit_id) && (await this.authz.allows(actor, 'case.read', { type: 'case', id, unitId: c.unit_id }));
    return visible ? { id, number: c.number, title: c.title } : { id, number: null, title: null };
  }

  private async reasonsForUnits(unitIds: readonly string[]): Promise<ApplicableReasons> {
    const lists: AccessReasonItem[][] = [];
    const profiles = new Set<string>();
    for (const unitId of new Set(unitIds)) {
      const governing = await this.profiles.forUnit(unitId);
      const p = governing.assignedAt === null ? null : await this.profiles.profile(governing.profileId, governing.profileVersion);
      if (!p || p.access.reasons.length === 0) {
        lists.push([...FALLBACK_REASONS]);
        continue;
      }
      profiles.add(`${p.id}@${p.version}`);
      lists.push(p.access.reasons.map((r) => ({ id: r.id, label: { zh: r.label.zh, en: r.label.en }, requiresText: r.requiresText })));
    }
    return { items: commonReasons(lists), profiles: [...profiles].sort() };
  }

  /** The reason's label the request was asked under (the fixed list's, for requests older than the column). */
  private static reasonLabelOf(req: AccessRequestRow): { zh: string; en: string } | null {
    if (req.reason_label === null) return fixedReasonLabel(req.reason_code);
    const l = JSON.parse(req.reason_label) as { zh?: unknown; en?: unknown };
    return typeof l.zh === 'string' && typeof l.en === 'string' ? { zh: l.zh, en: l.en } : fixedReasonLabel(req.reason_code);
  }

  private async view(actor: Actor, req: AccessRequestRow, items: AccessItemRow[]): Promise<AccessRequestView> {
    const people = await this.people([req.requester_id, req.decided_by, req.revoked_by]);
    const own = req.requester_id === actor.id;
    const recordings: AccessRequestView['recordings'] = [];
    let hidden = 0;
    for (const i of items) {
      const row = await this.recordings.byId(i.recording_id);
      if (!row || (!own && !(await this.authz.allows(actor, 'recording.read', recordingSubject(row))))) {
        hidden += 1;
        continue;
      }
      recordings.push({ id: row.id, originalName: row.original_name, unitId: row.unit_id, startedAt: row.started_at, deviceSerial: row.device_serial, officerBadge: row.officer_badge, granted: i.granted === 1 });
    }
    const requester = people.get(req.requester_id)!;

    const person = (id: string | null) => {
      const p = id ? people.get(id) : undefined;
      return p ? { id: p.id, username: p.username, displayName: p.displayName } : null;
    };
    return {
      id: req.id,
      requester: { id: requester.id, username: requester.username, displayName: requester.displayName, badge: requester.badge },
      action: req.action,
      reason: req.reason_code,
      reasonLabel: AccessService.reasonLabelOf(req),
      reasonText: req.reason_text,
      case: req.case_id ? await this.caseOf(actor, req.case_id) : null,
      state: stateOf(req, this.clock.now()),
      requestedAt: req.requested_at,
      requestedUntil: req.requested_until,
      decidedBy: person(req.decided_by),
      decidedAt: req.decided_at,
      decisionReason: req.decision_reason,
      expiresAt: req.expires_at,
      revokedAt: req.revoked_at,
      revokedBy: person(req.revoked_by),
      revokeReason: req.revoke_reason,
      recordings,
      hiddenRecordings: hidden,
    };
  }

  private async people(ids: Array<string | null>): Promise<Map<string, { id: string; username: string; displayName: string; badge: string | null }>> {
    const wanted = [...new Set(ids.filter((x): x is string => x !== null))];
    const rows = wanted.length === 0 ? [] : await this.db.kysely.selectFrom('users').select(['id', 'username', 'display_name', 'badge']).where('id', 'in', wanted).execute();
    return new Map(rows.map((r) => [r.id, { id: r.id, username: r.username, displayName: r.display_name, badge: r.badge }]));
  }
}

interface RequesterPlace {
  requesterUnitId: string;
  requesterIsApprover: boolean;
}

export function stateOf(req: Pick<AccessRequestRow, 'status' | 'revoked_at' | 'expires_at'>, now: number): RequestState {
  if (req.status !== 'approved') return req.status;
  if (req.revoked_at !== null) return 'revoked';
  if (req.expires_at !== null && req.expires_at <= now) return 'expired';
  return 'approved';
}
