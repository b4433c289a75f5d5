import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.js';
import { decodeLeaf } from '../src/audit/leaf.js';
import { verifySite } from '../src/audit/index.js';
import { loadConfig } from '../src/config.js';
import type { RoleId } from '../src/identity/index.js';
import { createLogger } from '../src/platform/log.js';
import { CLI, dialects, fixedClock, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening, okJson, tokenApi } from './support/http.js';

/**
 * Retention (issue 4 items 1–3 and 6–7, R-PROFILE, R-RETAIN, R-LONGTERM, R-DELETE): each unit
 * tree follows a regulation profile and each recording keeps the version that governed it;
 * retainUntil follows the pure rule; nothing is deleted without an approved batch and its
 * recovery window; a held, marked or open-case recording is never deleted by any path; deletion
 * leaves a provable tombstone and survives SIGKILL at any step.
 */

const PASSWORD = 'retention-test-password';
const DAY = 86_400_000;
/** Recordings made on 2025-01-10 (Shanghai), examined from 2026-03-01. */
const MADE = Date.parse('2025-01-10T02:00:00Z');
const NOW = Date.parse('2026-03-01T02:00:00Z');

postgresSkipNote();

async function importAt(app: App, dir: string, name: string, unitId: string, at: number, opts: { device?: string; badge?: string } = {}): Promise<string> {
  const folder = path.join(dir, name);
  await mkdir(folder, { recursive: true });
  await makeVideo(path.join(folder, name), { seconds: 1, size: '32x24', creationTime: new Date(at).toISOString(), audio: false, title: name });
  const r = await app.ingest.importSource(folder, { sourceKind: 'folder', unitId, station: 't', deviceSerial: opts.device, officerBadge: opts.badge, actor: null, meta: { ip: null } });
  expect(r.files[0]!.status).toBe('imported');
  return r.files[0]!.recordingId!;
}

describe.each(dialects())('profiles and retention (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const clock = fixedClock(MADE + DAY);
  const token: Record<string, string> = {};
  const unit: Record<string, string> = {};
  const rec: Record<string, string> = {};

  const api = tokenApi(() => http.base, token);
  const ok = okJson;
  const ledger = async () => (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((e) => decodeLeaf(e.leaf));
  const detail = (id: string) => api('disp', 'GET', `/api/recordings/${id}`).then((r) => ok<{ retainUntil: number | null; retentionBasis: string[]; profileVersion: string; code: string; deletedAt: number | null; tombstone: unknown; caseIds: string[] }>(r));

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    media = await tempDir('custodia-retention-');
    for (const [code, name] of [
      ['traffic', '交警大队'],
      ['tobacco', '烟草稽查'],
      ['hr', '人社执法'],
      ['police', '派出所'],
    ] as const) unit[code] = (await t.app.identity.addUnit({ code, name }, null)).id;
    const people: Array<{ username: string; roles: RoleId[] }> = [
      { username: 'admin1', roles: ['admin'] },
      { username: 'disp', roles: ['dispatcher'] },
      { username: 'boss', roles: ['approver'] },
      { username: 'boss2', roles: ['approver'] },
      { username: 'legal', roles: ['supervisor'] },
      { username: 'wang', roles: ['officer'] },
    ];
    for (const p of people) {
      await t.app.identity.addUser({ ...p, password: PASSWORD }, null);
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    http = await listen(t);
    // Each unit tree follows its regulation.
    for (const [code, profile] of [
      ['traffic', 'traffic-police'],
      ['tobacco', 'zibo-tobacco'],
      ['hr', 'hr-environment-enforcement'],
      ['police', 'public-security-2016'],
    ] as const) {
      await ok(await api('admin1', 'PUT', `/api/units/${unit[code]}/profile`, { profileId: profile, reason: 'the bureau’s regulation' }));
    }
    for (const code of ['traffic', 'tobacco', 'hr', 'police']) rec[code] = await importAt(t.app, media.dir, `${code}.mp4`, unit[code]!, MADE, { device: 'A123456' });
    for (const n of ['t2', 't3', 't4', 't5']) rec[n] = await importAt(t.app, media.dir, `${n}.mp4`, unit.traffic!, MADE + Number(n[1]) * 60_000, { device: 'A123456' });
  }, 120_000);

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  it('each profile’s minimum: traffic police 3 months, Zibo tobacco 1 year, HR 6 months, public security 6 months', async () => {
    // 2025-01-10 10:00 Shanghai + n months ends at 24:00 of the same calendar day n months later (民法典 201–203).
    const endOf = (y: number, m: number, d: number) => Date.parse(`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T16:00:00Z`);
    const expected: Record<string, [string, number]> = {
      traffic: ['traffic-police', endOf(2025, 4, 10)],
      tobacco: ['zibo-tobacco', endOf(2026, 1, 10)],
      hr: ['hr-environment-enforcement', endOf(2025, 7, 10)],
      police: ['public-security-2016', endOf(2025, 7, 10)],
    };
    for (const [code, [profile, until]] of Object.entries(expected)) {
      const d = await detail(rec[code]!);
      expect(d.profileVersion, code).toMatch(new RegExp(`^${profile}@\\d+$`));
      expect(d.retainUntil, code).toBe(until);
      expect(d.retentionBasis, code).toEqual(['profile_minimum']);
    }
    const list = await ok<{ items: Array<{ id: string; latest: boolean }> }>(await api('legal', 'GET', '/api/profiles'));
    expect(list.items.filter((p) => p.latest).map((p) => p.id).sort()).toEqual(
      ['county-market-supervision', 'default', 'hr-environment-enforcement', 'jiangsu-culture-market', 'market-management', 'mingshan-hr', 'neiqiu-health', 'public-security-2016', 'traffic-police', 'yunnan-eshan', 'zibo-tobacco'].sort(),
    );
  });

  it('every recording has a unique, stable unified code (统一编码): unit, device, date, sequence', async () => {
    const codes = await Promise.all(['traffic', 't2', 't3', 't4', 't5'].map(async (k) => (await detail(rec[k]!)).code));
    expect(codes).toEqual(['traffic-A123456-20250110-0001', 'traffic-A123456-20250110-0002', 'traffic-A123456-20250110-0003', 'traffic-A123456-20250110-0004', 'traffic-A123456-20250110-0005']);
    const found = await ok<{ items: Array<{ id: string }> }>(await api('disp', 'GET', `/api/recordings?code=${codes[2]}`));
    expect(found.items.map((i) => i.id)).toEqual([rec.t3]);
  });

  it('a long-term mark, a hold and an open case keep a recording indefinitely; lifting needs a reason', async () => {
    const mark = await ok<{ retainUntil: number | null; longTerm: Array<{ id: string }> }>(await api('disp', 'POST', `/api/recordings/${rec.t2}/long-term`, { reasonId: 'obstruction', note: 'officer was pushed' }));
    expect(mark.retainUntil).toBeNull();
    expect((await api('disp', 'POST', `/api/recordings/${rec.t2}/long-term`, { reasonId: 'made_up' })).status).toBe(400);
    const hold = await ok<{ retainUntil: number | null; holds: Array<{ id: string }> }>(await api('legal', 'POST', `/api/recordings/${rec.t3}/holds`, { reason: 'court preservation order', reference: '(2026)京0105民初123号' }));
    expect(hold.retainUntil).toBeNull();
    expect((await api('legal', 'POST', `/api/holds/${hold.holds[0]!.id}/lift`, { reason: '' })).status).toBe(400);
    // The officer role may not place holds (nor mark): refused with the rule's reason, and audited.
    const officerHold = await api('wang', 'POST', `/api/recordings/${rec.t3}/holds`, { reason: 'my own idea' });
    expect(officerHold.status).toBe(403);
    expect(((await officerHold.json()) as { error: string }).error).toBe('role_not_permitted');
    expect((await api('wang', 'POST', `/api/recordings/${rec.t2}/long-term`, { reasonId: 'obstruction' })).status).toBe(403);
    expect((await ledger()).filter((l) => l.action === 'access.denied' && l.actor?.name === 'wang').map((l) => l.details)).toEqual([
      expect.objectContaining({ attempted: 'retention.hold', reason: 'role_not_permitted' }),
      expect.objectContaining({ attempted: 'retention.mark', reason: 'role_not_permitted' }),
    ]);
    // Marking, unmarking, placing and lifting a hold each leave a ledger entry: who, what, why.
    const m4 = await ok<{ longTerm: Array<{ id: string }> }>(await api('disp', 'POST', `/api/recordings/${rec.t4}/long-term`, { reasonId: 'party_objection', note: 'complaint filed' }));
    const unmarked = await ok<{ longTerm: unknown[] }>(await api('disp', 'POST', `/api/long-term-marks/${m4.longTerm[0]!.id}/lift`, { reason: 'complaint withdrawn' }));
    expect(unmarked.longTerm).toEqual([]);
    const h4 = await ok<{ holds: Array<{ id: string }> }>(await api('legal', 'POST', `/api/recordings/${rec.t4}/holds`, { reason: 'preservation order', reference: 'REF-4' }));
    const lifted = await ok<{ holds: unknown[] }>(await api('legal', 'POST', `/api/holds/${h4.holds[0]!.id}/lift`, { reason: 'order discharged' }));
    expect(lifted.holds).toEqual([]);
    const entries = (await ledger()).filter((l) => l.action.startsWith('retention.') && l.subject?.type === 'recording');
    const disp = (await t.app.identity.userByUsername('disp'))!.id;
    const legal = (await t.app.identity.userByUsername('legal'))!.id;
    expect(entries.map((l) => ({ action: l.action, actor: l.actor?.id, subject: l.subject?.id, reason: l.reason, details: l.details }))).toMatchObject([
      { action: 'retention.long_term_mark', actor: disp, subject: rec.t2, reason: 'officer was pushed', details: { mark: mark.longTerm[0]!.id, reasonId: 'obstruction' } },
      { action: 'retention.hold', actor: legal, subject: rec.t3, reason: 'court preservation order', details: { hold: hold.holds[0]!.id, reference: '(2026)京0105民初123号' } },
      { action: 'retention.long_term_mark', actor: disp, subject: rec.t4, reason: 'complaint filed', details: { mark: m4.longTerm[0]!.id, reasonId: 'party_objection' } },
      { action: 'retention.long_term_unmark', actor: disp, subject: rec.t4, reason: 'complaint withdrawn', details: { mark: m4.longTerm[0]!.id, reasonId: 'party_objection' } },
      { action: 'retention.hold', actor: legal, subject: rec.t4, reason: 'preservation order', details: { hold: h4.holds[0]!.id, reference: 'REF-4' } },
      { action: 'retention.hold_lift', actor: legal, subject: rec.t4, reason: 'order discharged', details: { hold: h4.holds[0]!.id } },
    ]);
    expect(entries[0]!.details.profile).toMatch(/^traffic-police@\d+$/);
    const c = await ok<{ id: string }>(await api('legal', 'POST', '/api/cases', { number: 'T-2026-1', title: 'Accident', unitId: unit.traffic }), 201);
    await ok(await api('legal', 'POST', `/api/cases/${c.id}/recordings`, { recordingIds: [rec.t4] }));
    const d4 = await detail(rec.t4!);
    expect(d4.retainUntil).toBeNull();
    expect(d4.retentionBasis).toEqual(['case_open']);
    expect(d4.caseIds).toEqual([c.id]);
    // Closed with a case-file retention: the longer of the file's end and the profile minimum.
    const fileEnd = Date.parse('2030-01-01T00:00:00Z');
    await ok(await api('legal', 'PATCH', `/api/cases/${c.id}`, { status: 'closed', fileRetentionUntil: fileEnd }));
    expect((await detail(rec.t4!)).retainUntil).toBe(fileEnd);
    await ok(await api('legal', 'PATCH', `/api/cases/${c.id}`, { status: 'open' }));
  });

  it('the daily run lists what expired per unit with the bytes to free; protected recordings never appear', async () => {
    clock.set(NOW);
    const dry = await ok<{ expired: number; bytes: number; byUnit: Array<{ unitId: string; recordings: number; bytes: number }>; recordings: Array<{ id: string }> }>(await api('disp', 'GET', '/api/retention/expired'));
    const ids = dry.recordings.map((r) => r.id).sort();
    // Tobacco keeps a year (until 2026-01-10): expired too by March 2026. Marked, held and case-linked ones stay.
    expect(ids).toEqual([rec.traffic, rec.tobacco, rec.hr, rec.police, rec.t5].sort());
    expect(dry.byUnit.find((u) => u.unitId === unit.traffic)).toMatchObject({ recordings: 2 });
    expect(dry.bytes).toBe(dry.byUnit.reduce((s, u) => s + u.bytes, 0));
    // The CLI shape of the same report.
    const report = await t.app.retention.run({ dryRun: true });
    expect(report).toMatchObject({ expired: 5, bytes: dry.bytes, dryRun: true, proposed: [] });
    // A long-term mark takes a recording out of the dry run at once.
    await ok(await api('disp', 'POST', `/api/recordings/${rec.t5}/long-term`, { reasonId: 'party_objection' }));
    const after = await ok<{ recordings: Array<{ id: string }> }>(await api('disp', 'GET', '/api/retention/expired'));
    expect(after.recordings.map((r) => r.id)).not.toContain(rec.t5);
  });

  it('propose → approve (never one’s own) → recovery window → restore or execute; a tombstone remains and verify passes', async () => {
    const proposed = await ok<{ batchIds: string[] }>(await api('disp', 'POST', '/api/retention/batches', { kind: 'expired' }), 201);
    expect(proposed.batchIds.length).toBe(4);
    const batches = await Promise.all(proposed.batchIds.map((id) => api('boss', 'GET', `/api/retention/batches/${id}`).then((r) => ok<{ id: string; unitId: string; items: Array<{ recordingId: string }> }>(r))));
    const traffic = batches.find((b) => b.unitId === unit.traffic)!;
    const police = batches.find((b) => b.unitId === unit.police)!;
    expect(traffic.items.map((i) => i.recordingId)).toEqual([rec.traffic]);
    // Nothing twice: a second proposal finds everything already in a batch.
    expect((await ok<{ batchIds: string[] }>(await api('disp', 'POST', '/api/retention/batches', { kind: 'expired' }), 201)).batchIds).toEqual([]);

    const approved = await ok<{ status: string; recoveryUntil: number }>(await api('boss', 'POST', `/api/retention/batches/${traffic.id}/approve`, { reason: 'monthly review' }));
    expect(approved.status).toBe('approved');
    expect(approved.recoveryUntil).toBe(NOW + 7 * DAY);
    const notice = (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((e) => decodeLeaf(e.leaf)).filter((l) => l.action === 'retention.batch_approve').at(-1)!;
    expect(notice.details).toMatchObject({ notice: 'administrators', recoveryUntil: NOW + 7 * DAY });
    // Inside the window nothing is deleted, and the batch can be restored.
    expect(await t.app.retention.executeDue()).toEqual([]);
    await ok(await api('boss', 'POST', `/api/retention/batches/${police.id}/approve`, {}));
    await ok(await api('boss2', 'POST', `/api/retention/batches/${police.id}/restore`, { reason: 'evidence in a pending complaint' }));
    expect((await api('boss', 'POST', `/api/retention/batches/${police.id}/restore`, { reason: 'again' })).status).toBe(409);

    clock.advance(7 * DAY);
    const executed = await t.app.retention.executeDue();
    expect(executed).toEqual([{ batchId: traffic.id, deleted: 1, kept: 0 }]);
    const gone = await detail(rec.traffic!);
    expect(gone.deletedAt).toBe(clock.now());
    expect(gone.tombstone).toMatchObject({ batchId: traffic.id, reason: 'retention_expired' });
    expect((gone.tombstone as { approvers: { approvedBy: unknown } }).approvers.approvedBy).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    expect(existsSync(t.app.blobs.pathOf((await t.app.recordingsRepo.byId(rec.traffic!))!.blob_sha256))).toBe(false);
    expect((await api('disp', 'GET', `/api/recordings/${rec.traffic}/content`)).status).toBe(403);
    // The tombstone stays searchable.
    const tomb = await ok<{ items: Array<{ id: string }> }>(await api('disp', 'GET', '/api/recordings?deleted=only'));
    expect(tomb.items.map((i) => i.id)).toEqual([rec.traffic]);
    const report = await verifySite(t.app.db, t.app.auditRepo, t.app.blobs);
    expect(report.problems).toEqual([]);
    expect(report.tombstones).toBe(1);
    // The other units' proposals are rejected: their recordings serve the tests below.
    for (const b of batches.filter((x) => x.id !== traffic.id && x.id !== police.id)) await ok(await api('boss2', 'POST', `/api/retention/batches/${b.id}/reject`, { reason: 'not this month' }));
  });

  it('an approver never approves a deletion they proposed', async () => {
    const b = await ok<{ batchIds: string[] }>(await api('boss', 'POST', '/api/retention/batches', { kind: 'non_work', recordingIds: [rec.hr], reason: 'recorded in a canteen' }), 201);
    const res = await api('boss', 'POST', `/api/retention/batches/${b.batchIds[0]}/approve`, {});
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('self_approval_forbidden');
  });

  it('a held, marked or open-case recording is never deleted, by any path', async () => {
    const protectedIds: string[] = [rec.t2!, rec.t3!, rec.t4!];
    // 1. Early (non-work) deletion refuses them.
    for (const id of protectedIds) {
      const res = await api('disp', 'POST', '/api/retention/batches', { kind: 'non_work', recordingIds: [id], reason: 'not work' });
      expect(res.status, id).toBe(409);
      expect(((await res.json()) as { error: string }).error).toBe('recording_protected');
    }
    // 2. A batch approved while a recording was unprotected: a hold placed in the recovery window keeps it.
    const b = await ok<{ batchIds: string[] }>(await api('disp', 'POST', '/api/retention/batches', { kind: 'non_work', recordingIds: [rec.tobacco], reason: 'not work' }), 201);
    const batchId = b.batchIds[0]!;
    await ok(await api('boss', 'POST', `/api/retention/batches/${batchId}/approve`, {}));
    await ok(await api('legal', 'POST', `/api/recordings/${rec.tobacco}/holds`, { reason: 'complaint received during the window' }));
    // So do a long-term mark and a link to an open case added in the window of an expired-kind batch.
    const x1 = await importAt(t.app, media.dir, 'x1.mp4', unit.traffic!, MADE + 10 * 60_000, { device: 'A123456' });
    const x2 = await importAt(t.app, media.dir, 'x2.mp4', unit.traffic!, MADE + 11 * 60_000, { device: 'A123456' });
    const expiredBatch = (await ok<{ batchIds: string[] }>(await api('disp', 'POST', '/api/retention/batches', { kind: 'expired', unitId: unit.traffic }), 201)).batchIds;
    expect(expiredBatch.length).toBe(1);
    const xb = expiredBatch[0]!;
    expect((await ok<{ items: Array<{ recordingId: string }> }>(await api('boss', 'GET', `/api/retention/batches/${xb}`))).items.map((i) => i.recordingId).sort()).toEqual([x1, x2].sort());
    await ok(await api('boss', 'POST', `/api/retention/batches/${xb}/approve`, {}));
    await ok(await api('disp', 'POST', `/api/recordings/${x1}/long-term`, { reasonId: 'obstruction', note: 'found during the window' }));
    const windowCase = await ok<{ id: string }>(await api('legal', 'POST', '/api/cases', { number: 'T-2026-2', title: 'Complaint', unitId: unit.traffic }), 201);
    await ok(await api('legal', 'POST', `/api/cases/${windowCase.id}/recordings`, { recordingIds: [x2] }));
    // A forged tombstone (plain SQL) would point the sweep at a live original: the database refuses
    // it — for a held recording, and for one in an approved batch that is not yet marked deleted.
    const forge = (id: string, batch: string) =>
      sql`insert into tombstones (recording_id, sha256, size, unit_id, device_serial, officer_badge, started_at, ended_at, deleted_at, batch_id, reason, approvers, ledger_seq)
          select id, blob_sha256, size, unit_id, device_serial, officer_badge, started_at, ended_at, ${clock.now()}, ${batch}, 'retention_expired', '{}', 1 from recordings where id = ${id}`.execute(t.app.db.kysely);
    await expect(forge(rec.t3!, xb)).rejects.toThrow(/tombstone needs its recording already marked deleted/);
    await expect(forge(x1, xb)).rejects.toThrow(/tombstone needs its recording already marked deleted/);
    clock.advance(8 * DAY);
    const run = await t.app.retention.executeDue();
    expect(run.find((r) => r.batchId === batchId)).toEqual({ batchId, deleted: 0, kept: 1 });
    expect(run.find((r) => r.batchId === xb)).toEqual({ batchId: xb, deleted: 0, kept: 2 });
    expect((await detail(rec.tobacco!)).deletedAt).toBeNull();
    const item = (await ok<{ items: Array<{ outcome: string; keptReason: string }> }>(await api('boss', 'GET', `/api/retention/batches/${batchId}`))).items[0]!;
    expect(item).toMatchObject({ outcome: 'kept', keptReason: 'legal_hold' });
    const kept = (await ok<{ items: Array<{ recordingId: string; outcome: string; keptReason: string }> }>(await api('boss', 'GET', `/api/retention/batches/${xb}`))).items;
    expect(Object.fromEntries(kept.map((i) => [i.recordingId, [i.outcome, i.keptReason]]))).toEqual({ [x1]: ['kept', 'long_term'], [x2]: ['kept', 'case_open'] });
    protectedIds.push(x1, x2);
    // 3. The daily run never proposes them.
    const report = await t.app.retention.run({ dryRun: false });
    expect(report.dryRun).toBe(false);
    for (const id of [...protectedIds, rec.tobacco!]) expect((await detail(id)).deletedAt, id).toBeNull();
    // 4. Not even SQL: the database refuses to mark them deleted (naming the batch that listed
    //    them changes nothing), to remove their rows, or to take a tombstone for them.
    for (const id of [...protectedIds, rec.tobacco!]) {
      await expect(sql`update recordings set deleted_at = ${clock.now()} where id = ${id}`.execute(t.app.db.kysely)).rejects.toThrow(/cannot be deleted/);
      await expect(sql`delete from recordings where id = ${id}`.execute(t.app.db.kysely)).rejects.toThrow(/retention|append-only/);
      await expect(forge(id, xb)).rejects.toThrow(/tombstone needs its recording already marked deleted/);
    }
    await expect(sql`update recordings set deleted_at = ${clock.now()}, deletion_batch_id = ${xb} where id = ${x1}`.execute(t.app.db.kysely)).rejects.toThrow(/cannot be deleted/);
    await expect(sql`update recordings set deleted_at = ${clock.now()}, deletion_batch_id = ${batchId} where id = ${rec.tobacco}`.execute(t.app.db.kysely)).rejects.toThrow(/cannot be deleted/);
    // An unprotected recording too: only an approved batch past its window marks one deleted.
    await expect(sql`update recordings set deleted_at = ${clock.now()} where id = ${rec.police}`.execute(t.app.db.kysely)).rejects.toThrow(/cannot be deleted except by an approved deletion batch/);
    // 5. A delete grant is permission to ask, not a deletion: an approved 'delete' access request removes nothing.
    const disp = await actorOf(t.app, 'disp');
    const req = await t.app.access.request(disp, { recordingIds: [rec.t3!], action: 'delete', reason: 'other', reasonText: 'clean-up' }, { ip: null });
    await t.app.access.approve(await actorOf(t.app, 'boss'), req.id, {}, { ip: null });
    await t.app.retention.run({ dryRun: false });
    expect((await detail(rec.t3!)).deletedAt).toBeNull();
    // And the bytes of every protected recording are all still there.
    for (const id of [...protectedIds, rec.tobacco!]) expect(existsSync(t.app.blobs.pathOf((await t.app.recordingsRepo.byId(id))!.blob_sha256)), id).toBe(true);
  });

  it('browses by year, month and day, and finds recordings by case and supervised party', async () => {
    const year = await ok<{ period: string; buckets: Array<{ key: string; count: number }> }>(await api('disp', 'GET', '/api/recordings/calendar?year=2025'));
    expect(year.period).toBe('2025');
    const jan = year.buckets.find((b) => b.key === '2025-01')!;
    expect(jan.count).toBeGreaterThanOrEqual(7);
    const month = await ok<{ buckets: Array<{ key: string; count: number; from: number }> }>(await api('disp', 'GET', '/api/recordings/calendar?year=2025&month=1'));
    const day = month.buckets.find((b) => b.key === '2025-01-10')!;
    expect(day.count).toBe(jan.count);
    expect(day.from).toBe(Date.parse('2025-01-09T16:00:00Z'));
    const traffic = await ok<{ buckets: Array<{ count: number }> }>(await api('disp', 'GET', `/api/recordings/calendar?year=2025&month=1&unit=${unit.tobacco}`));
    expect(traffic.buckets.reduce((s, b) => s + b.count, 0)).toBe(1);
    const c = await ok<{ id: string }>(await api('legal', 'POST', '/api/cases', { number: 'T-2026-9', title: 'Shop inspection', unitId: unit.hr, supervisedParty: '某某商贸有限公司' }), 201);
    await ok(await api('legal', 'POST', `/api/cases/${c.id}/recordings`, { recordingIds: [rec.hr] }));
    const byCase = await ok<{ items: Array<{ id: string }> }>(await api('disp', 'GET', `/api/recordings?case=${c.id}`));
    expect(byCase.items.map((i) => i.id)).toEqual([rec.hr]);
    const byParty = await ok<{ items: Array<{ id: string }> }>(await api('disp', 'GET', `/api/recordings?party=${encodeURIComponent('商贸')}`));
    expect(byParty.items.map((i) => i.id)).toEqual([rec.hr]);
    await ok(await api('legal', 'DELETE', `/api/cases/${c.id}/recordings/${rec.hr}`, { reason: 'test done' }));
  });

  it('an import is late or on time by its profile’s deadline', async () => {
    clock.set(MADE + 25 * 3600_000);
    const late = await importAt(t.app, media.dir, 'late.mp4', unit.hr!, MADE);
    const d = await ok<{ lateImport: boolean; uploadDeadlineAt: number }>(await api('disp', 'GET', `/api/recordings/${late}`));
    expect(d.lateImport).toBe(true);
    const lateList = await ok<{ items: Array<{ id: string }> }>(await api('disp', 'GET', '/api/recordings?late=true&deleted=include'));
    expect(lateList.items.map((i) => i.id)).toContain(late);
    const onTime = await importAt(t.app, media.dir, 'ontime.mp4', unit.hr!, MADE + 24 * 3600_000);
    expect((await ok<{ lateImport: boolean }>(await api('disp', 'GET', `/api/recordings/${onTime}`))).lateImport).toBe(false);
    const report = await ok<{ byUnit: Array<{ unitId: string; late: number; onTime: number }> }>(await api('disp', 'GET', `/api/recordings/timeliness?from=${MADE - DAY}&to=${MADE + 2 * DAY}`));
    // The HR profile wants recordings stored the same day: the two imported a day later are late.
    expect(report.byUnit.find((u) => u.unitId === unit.hr)).toMatchObject({ late: 2, onTime: 1 });
  });
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('deletion is crash-safe (SIGKILL mid-batch)', () => {
  const N = 4;

  /** A site with N expired recordings in one approved batch whose recovery window is already over. */
  async function site(): Promise<{ dir: string; cleanup(): Promise<void>; ids: string[]; shas: string[] }> {
    const tmp = await tempDir('custodia-retention-crash-');
    const data = path.join(tmp.dir, 'data');
    const app = await openApp(loadConfig({ CUSTODIA_DATA: data, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }), createLogger('silent'), { PATH: process.env.PATH });
    try {
      const u = await app.identity.addUnit({ code: 'S1', name: 'Station' }, null);
      await app.identity.addUser({ username: 'disp', password: PASSWORD, roles: ['dispatcher'] }, null);
      await app.identity.addUser({ username: 'boss', password: PASSWORD, roles: ['approver'] }, null);
      const base = await app.profiles.profile('traffic-police');
      await app.profiles.saveEdited(null, { ...base, id: 'traffic-police-nowindow', version: 1, deletion: { ...base.deletion, recoveryWindowDays: 0 } }, 'traffic-police@1', 'test: no recovery window', { ip: null });
      await app.profiles.assign(null, u.id, 'traffic-police-nowindow', 1, null, { ip: null });
      const ids: string[] = [];
      for (let i = 0; i < N; i++) ids.push(await importAt(app, tmp.dir, `r${i}.mp4`, u.id, Date.now() - 400 * DAY - i * 60_000));
      const [batch] = await app.retention.proposeExpired(await actorOf(app, 'disp'), { ip: null });
      await app.retention.approve(await actorOf(app, 'boss'), batch!, null, { ip: null });
      const shas = await Promise.all(ids.map(async (id) => (await app.recordingsRepo.byId(id))!.blob_sha256));
      await app.ledger.signHead();
      return { dir: data, cleanup: () => rm(tmp.dir, { recursive: true, force: true }), ids, shas };
    } finally {
      await app.close();
    }
  }

  async function state(data: string, ids: string[], shas: string[]) {
    const app = await openApp(loadConfig({ CUSTODIA_DATA: data, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }), createLogger('silent'), { PATH: process.env.PATH });
    try {
      const rows = await Promise.all(ids.map((id) => app.recordingsRepo.byId(id)));
      const tombs = await app.db.kysely.selectFrom('tombstones').select('recording_id').execute();
      return rows.map((r, i) => ({ deleted: r!.deleted_at !== null, tombstone: tombs.some((x) => x.recording_id === r!.id), bytes: existsSync(app.blobs.pathOf(shas[i]!)) }));
    } finally {
      await app.close();
    }
  }

  for (const fp of ['retention.before-item:3', 'retention.after-tombstone:1', 'retention.after-tombstone:2', 'retention.after-tombstone:4']) {
    it(`killed at ${fp}: every recording intact or tombstoned, verify passes, a re-run finishes`, async () => {
      const s = await site();
      try {
        const killed = await cli(['retention', 'run', '--data', s.dir, '--json'], { CUSTODIA_FAILPOINT: fp });
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        for (const r of await state(s.dir, s.ids, s.shas)) {
          // Intact (live row, bytes), or tombstoned (the bytes may still await the sweep).
          expect(r.deleted ? r.tombstone : r.bytes && !r.tombstone, JSON.stringify(r)).toBe(true);
        }
        const verify = await cli(['verify', '--data', s.dir, '--json']);
        expect(verify.code, verify.stdout + verify.stderr).toBe(0);
        const report = JSON.parse(verify.stdout) as { tombstones: number; notices: Array<{ kind: string }> };
        const after = await state(s.dir, s.ids, s.shas);
        expect(report.tombstones).toBe(after.filter((r) => r.deleted).length);
        expect(report.notices.filter((n) => n.kind === 'deletion_pending').length).toBe(after.filter((r) => r.deleted && r.bytes).length);

        const again = await cli(['retention', 'run', '--data', s.dir, '--json']);
        expect(again.code, again.stderr).toBe(0);
        for (const r of await state(s.dir, s.ids, s.shas)) expect(r).toEqual({ deleted: true, tombstone: true, bytes: false });
        const final = await cli(['verify', '--data', s.dir, '--json']);
        expect(final.code, final.stdout).toBe(0);
        expect((JSON.parse(final.stdout) as { tombstones: number }).tombstones).toBe(N);
      } finally {
        await s.cleanup();
      }
    }, 120_000);
  }
});

describe('CLI: profiles and the retention run', () => {
  it('profile list --json and retention run --dry-run --json have their documented shapes', async () => {
    const tmp = await tempDir('custodia-retention-cli-');
    try {
      const list = await cli(['profile', 'list', '--data', tmp.dir, '--json']);
      expect(list.code, list.stderr).toBe(0);
      // One entry per profile at its latest version; the shapes are pinned in test/profiles-cli.test.ts.
      const profiles = JSON.parse(list.stdout) as Array<{ id: string; name: string; version: number }>;
      expect(profiles.map((p) => p.id)).toContain('traffic-police');
      expect(profiles.every((p) => typeof p.version === 'number' && typeof p.name === 'string' && p.name.length > 0)).toBe(true);
      const add = await cli(['unit', 'add', '--code', 'TP1', '--name', '交警一中队', '--data', tmp.dir]);
      expect(add.code, add.stderr).toBe(0);
      const use = await cli(['profile', 'use', 'traffic-police', '--unit', 'TP1', '--data', tmp.dir, '--json']);
      expect(use.code, use.stderr).toBe(0);
      expect(JSON.parse(use.stdout)).toMatchObject({ profileId: 'traffic-police' });
      expect((await cli(['profile', 'use', 'no-such-profile', '--unit', 'TP1', '--data', tmp.dir])).code).toBe(2);
      const dry = await cli(['retention', 'run', '--dry-run', '--data', tmp.dir, '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ expired: 0, bytes: 0, byUnit: [] });
    } finally {
      await tmp.cleanup();
    }
  }, 120_000);
});
