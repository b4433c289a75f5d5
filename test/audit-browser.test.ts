import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInclusion } from '../src/audit/merkle.js';
import type { VerifyJobView } from '../src/audit/verify-job.js';
import type { RoleId } from '../src/identity/index.js';
import { dialects, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { listen, type Listening } from './support/http.js';

/**
 * The audit browser's server side (issue 5): the ledger filtered by action, actor, subject and
 * time, newest first with a cursor; the signed tree heads; and "verify now" — a background site
 * verification, one at a time, whose progress and result GET /api/audit/verify reports and whose
 * outcome is itself a ledger entry.
 */

const PASSWORD = 'audit-browser-password';

postgresSkipNote();

interface Entry {
  seq: number;
  at: number;
  action: string;
  actorId: string | null;
  subjectType: string | null;
  subjectId: string | null;
}

describe.each(dialects())('audit browser (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let src: { dir: string; cleanup(): Promise<void> };
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  let recordings: Array<{ id: string; sha256: string }> = [];

  const call = (as: string, method: string, url: string) => fetch(`${http.base}${url}`, { method, headers: { authorization: `Bearer ${token[as]}` } });
  const entries = async (as: string, query: string): Promise<Entry[]> => {
    const res = await call(as, 'GET', `/api/audit/entries${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { items: Entry[] }).items;
  };
  const job = async (): Promise<VerifyJobView | null> => ((await (await call('sup', 'GET', '/api/audit/verify')).json()) as { job: VerifyJobView | null }).job;

  beforeAll(async () => {
    t = await openTestApp({ dialect });
    src = await tempDir('custodia-audit-browser-');
    const people: Array<{ username: string; roles: RoleId[] }> = [
      { username: 'sup', roles: ['supervisor'] },
      { username: 'disp', roles: ['dispatcher'] },
      { username: 'off', roles: ['officer'] },
    ];
    for (const p of people) {
      user[p.username] = (await t.app.identity.addUser({ ...p, password: PASSWORD }, null)).id;
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    for (let i = 0; i < 3; i++) await writeFile(path.join(src.dir, `clip-${i}.mp4`), randomBytes(200_000 + i * 1111));
    const unit = await t.app.identity.resolveUnit(undefined);
    await t.app.ingest.importSource(src.dir, { sourceKind: 'folder', unitId: unit.id, station: 't', actor: null, meta: { ip: null } });
    recordings = (await t.app.db.kysely.selectFrom('recordings').select(['id', 'blob_sha256']).orderBy('id').execute()).map((r) => ({ id: r.id, sha256: r.blob_sha256 }));
    await t.app.ledger.signHead();
    for (let i = 0; i < 4; i++) await t.app.ledger.record({ actor: { id: user.disp!, name: 'disp' }, action: 'test.note', subject: { type: 'recording', id: recordings[0]!.id }, details: { i } });
    await t.app.ledger.signHead();
    http = await listen(t);
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await src?.cleanup();
  });

  it('filters entries by action (exact or prefix), actor, subject and time; pages newest first', async () => {
    const all = await entries('sup', '?limit=1000');
    expect(all.length).toBeGreaterThan(10);
    const imports = await entries('sup', '?action=recording.import');
    expect(imports.map((e) => e.subjectId).sort()).toEqual(recordings.map((r) => r.id).sort());
    const prefixed = await entries('sup', '?action=recording.*&limit=1000');
    expect(prefixed.every((e) => e.action.startsWith('recording.'))).toBe(true);
    expect(prefixed.length).toBeGreaterThanOrEqual(imports.length);
    // A LIKE wildcard typed by the user is a literal, not a pattern.
    expect(await entries('sup', '?action=recording_%25*')).toEqual([]);

    const byActor = await entries('sup', `?actor=${user.disp}`);
    expect(byActor.map((e) => e.action)).toEqual(['test.note', 'test.note', 'test.note', 'test.note']);
    const custody = await entries('sup', `?subjectType=recording&subjectId=${recordings[0]!.id}`);
    expect(custody[0]!.action).toBe('recording.import');
    expect(custody.filter((e) => e.action === 'test.note')).toHaveLength(4);
    expect(custody.every((e) => e.subjectId === recordings[0]!.id)).toBe(true);

    const notes = byActor;
    const fromSecond = await entries('sup', `?actor=${user.disp}&from=${notes[1]!.at}&to=${notes[3]!.at + 1}`);
    expect(fromSecond.length).toBeGreaterThanOrEqual(3);
    expect(fromSecond.every((e) => e.at >= notes[1]!.at && e.at <= notes[3]!.at)).toBe(true);

    const newest = await entries('sup', `?order=desc&limit=2&actor=${user.disp}`);
    expect(newest.map((e) => e.seq)).toEqual([notes[3]!.seq, notes[2]!.seq]);
    const next = await entries('sup', `?order=desc&limit=2&actor=${user.disp}&before=${newest[1]!.seq}`);
    expect(next.map((e) => e.seq)).toEqual([notes[1]!.seq, notes[0]!.seq]);

    // Without any filter the route answers as before: ascending from `after`.
    const page = await entries('sup', '?after=2&limit=3');
    expect(page.map((e) => e.seq)).toEqual([3, 4, 5]);
    // Officers may verify the ledger but not read its entries.
    expect((await call('off', 'GET', '/api/audit/entries?action=recording.import')).status).toBe(403);
  });

  it('lists the signed tree heads newest first, each with the site key', async () => {
    const res = await call('off', 'GET', '/api/audit/heads');
    expect(res.status).toBe(200);
    const heads = ((await res.json()) as { items: Array<{ size: number; keyId: string; publicKey: string; signature: string; root: string }> }).items;
    expect(heads.length).toBe(2);
    expect(heads[0]!.size).toBeGreaterThan(heads[1]!.size);
    const latest = await t.app.ledger.latestHead();
    expect(heads[0]).toEqual(latest);
    const older = ((await (await call('off', 'GET', `/api/audit/heads?beforeSize=${heads[0]!.size}`)).json()) as { items: Array<{ size: number }> }).items;
    expect(older.map((h) => h.size)).toEqual([heads[1]!.size]);
  });

  it('verify now: runs in the background, one at a time, reports progress and a clean result, and notes itself in the ledger', async () => {
    expect(await job()).toBeNull();
    expect((await call('off', 'POST', '/api/audit/verify')).status).toBe(403);
    const res = await call('sup', 'POST', '/api/audit/verify');
    expect(res.status).toBe(202);
    const started = (await res.json()) as VerifyJobView;
    expect(started).toMatchObject({ state: 'running', startedBy: { id: user.sup, name: 'sup' }, result: null });

    await expect.poll(async () => (await job())?.state, { timeout: 30_000, interval: 50 }).toBe('done');
    const done = (await job())!;
    expect(done.id).toBe(started.id);
    expect(done.result).toMatchObject({ ok: true, problemCount: 0, blobs: { checked: 3 } });
    expect(done.progress.ledger.done).toBe(done.progress.ledger.total);
    expect(done.progress.ledger.total).toBeGreaterThan(10);
    expect(done.progress.blobs).toEqual({ done: 3, total: 3 });
    expect(done.finishedAt).not.toBeNull();
    const noted = await entries('sup', '?action=audit.verify');
    expect(noted.at(-1)).toMatchObject({ actorId: user.sup });

    // One at a time: a second start while one runs is refused (and the running one is named).
    const first = t.app.verification.start({ id: user.sup!, name: 'sup' });
    expect(() => t.app.verification.start(null)).toThrow(expect.objectContaining({ code: 'verification_running', details: { jobId: first.id } }));
    const refused = await call('disp', 'POST', '/api/audit/verify');
    if (t.app.verification.current()?.state === 'running') expect(refused.status).toBe(409);
    await t.app.verification.settled();
  });

  it('a flipped byte in an original: the run finishes with the problem located', async () => {
    const where = t.app.blobs.pathOf(recordings[1]!.sha256);
    await chmod(where, 0o644);
    const bytes = await readFile(where);
    bytes[1000]! ^= 0xff;
    await writeFile(where, bytes);
    expect((await call('disp', 'POST', '/api/audit/verify')).status).toBe(202);
    await expect.poll(async () => (await job())?.state, { timeout: 30_000, interval: 50 }).toBe('done');
    const done = (await job())!;
    expect(done.result).toMatchObject({ ok: false, problemCount: 1, problems: [{ kind: 'blob_corrupt', location: where }] });
  });
});

/**
 * Issue 3: what a user may not know about stays hidden in the ledger browser too. Entries about a
 * recording outside the reader's unit subtree or above their clearance — or about a device,
 * person, case, batch or unit outside the subtree — are not listed (their seq is a gap). Inclusion
 * proofs stay public: they are hashes only, and any role checks any entry with them.
 */
describe.each(dialects())('the ledger lists only what its reader may know about (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let src: { dir: string; cleanup(): Promise<void> };
  const token: Record<string, string> = {};
  const unit: Record<string, string> = {};
  const rec: Record<string, string> = {};
  let southUser = '';
  let southDevice = '';

  const call = (as: string, url: string) => fetch(`${http.base}${url}`, { headers: { authorization: `Bearer ${token[as]}` } });
  const entries = async (as: string, query: string): Promise<Entry[]> => {
    const res = await call(as, `/api/audit/entries${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { items: Entry[] }).items;
  };
  const about = (list: Entry[], id: string) => list.filter((e) => e.subjectId === id);

  beforeAll(async () => {
    t = await openTestApp({ dialect });
    src = await tempDir('custodia-audit-scope-');
    unit.north = (await t.app.identity.addUnit({ code: 'north', name: 'North' }, null)).id;
    unit.south = (await t.app.identity.addUnit({ code: 'south', name: 'South' }, null)).id;
    const people: Array<{ username: string; roles: RoleId[]; unitCode?: string; clearance?: 0 | 1 | 2 | 3 }> = [
      { username: 'chief', roles: ['supervisor'], clearance: 3 },
      { username: 'county', roles: ['supervisor'] },
      { username: 'nsup', roles: ['supervisor'], unitCode: 'north' },
      { username: 'nappr', roles: ['approver'], unitCode: 'north', clearance: 2 },
      { username: 'cust', roles: ['custodian'] },
      { username: 'col', roles: ['collector'], unitCode: 'north' },
    ];
    for (const p of people) {
      await t.app.identity.addUser({ ...p, password: PASSWORD }, null);
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    southUser = (await t.app.identity.addUser({ username: 'zhou', password: PASSWORD, roles: ['officer'], unitCode: 'south', badge: '700001' }, null)).id;
    for (const [name, unitId] of [['n-open', unit.north], ['n-secret', unit.north], ['s-open', unit.south]] as const) {
      const dir = path.join(src.dir, name);
      await mkdir(dir);
      await writeFile(path.join(dir, `${name}.mp4`), randomBytes(40_000));
      rec[name] = (await t.app.ingest.importSource(dir, { sourceKind: 'folder', unitId, station: 't', actor: null, meta: { ip: null } })).files[0]!.recordingId!;
    }
    http = await listen(t);
    // The north approver (cleared for commercial secrets) marks one north recording: its entries leave the uncleared reader's view.
    const marked = await fetch(`${http.base}/api/recordings/${rec['n-secret']}/sensitivity`, { method: 'PUT', headers: { authorization: `Bearer ${token.nappr}`, 'content-type': 'application/json' }, body: JSON.stringify({ level: 2, reason: 'commercial secrets' }) });
    expect(marked.status, await marked.clone().text()).toBe(200);
    const device = await fetch(`${http.base}/api/devices`, { method: 'POST', headers: { authorization: `Bearer ${token.cust}`, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'S-001', serial: 'S0001', kind: 'body_worn', unitId: unit.south }) });
    expect(device.status, await device.clone().text()).toBe(201);
    southDevice = ((await device.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await src?.cleanup();
  });

  it('a reader at the root cleared for everything sees every entry', async () => {
    const all = await entries('chief', '?limit=1000');
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: (await t.app.ledger.state()).size }, (_, i) => i + 1));
  });

  it('above the reader’s clearance: the entries naming the recording are not listed, anywhere in the site', async () => {
    const all = await entries('county', '?limit=1000');
    expect(about(all, rec['n-secret']!)).toEqual([]);
    expect(about(all, rec['s-open']!).map((e) => e.action)).toContain('recording.import');
    expect(about(all, southDevice).map((e) => e.action)).toEqual(['device.register']);
    expect(await entries('county', `?subjectType=recording&subjectId=${rec['n-secret']}`)).toEqual([]);
    // Cleared: the marking and the import are both there.
    expect(about(await entries('nappr', '?limit=1000'), rec['n-secret']!).map((e) => e.action)).toEqual(expect.arrayContaining(['recording.import', 'recording.sensitivity']));
  });

  it('outside the reader’s unit subtree: recordings, devices, people and units of a sibling are not listed; site-wide entries are', async () => {
    const all = await entries('nsup', '?limit=1000');
    const ids = new Set(all.map((e) => e.subjectId));
    expect(about(all, rec['n-open']!).map((e) => e.action)).toContain('recording.import');
    for (const hidden of [rec['s-open']!, rec['n-secret']!, southDevice, southUser, unit.south!]) expect(ids.has(hidden), hidden).toBe(false);
    expect(ids.has(unit.north!)).toBe(true);
    expect(all.some((e) => e.action === 'profile.install')).toBe(true);
    // Filters and newest-first paging work over what is left; a withheld seq is a gap.
    const imports = await entries('nsup', '?action=recording.import');
    expect(imports.map((e) => e.subjectId)).toEqual([rec['n-open']]);
    const newest = await entries('nsup', '?order=desc&limit=3');
    expect(newest.map((e) => e.seq)).toEqual(all.slice(-3).map((e) => e.seq).reverse());
    const older = await entries('nsup', `?order=desc&limit=1000&before=${newest[2]!.seq}`);
    expect([...newest, ...older].map((e) => e.seq)).toEqual(all.map((e) => e.seq).reverse());
    const hiddenSeq = (await entries('chief', `?action=recording.import&subjectId=${rec['s-open']}`))[0]!.seq;
    expect((await entries('nsup', `?after=${hiddenSeq - 1}&limit=1`))[0]?.seq).not.toBe(hiddenSeq);
  });

  it('the proof of a withheld entry is still public: hashes only, verifiable by any role', async () => {
    const hiddenSeq = (await entries('chief', `?action=recording.import&subjectId=${rec['s-open']}`))[0]!.seq;
    const head = (await (await call('col', '/api/audit/head')).json()) as { size: number; root: string };
    for (const as of ['nsup', 'col']) {
      const res = await call(as, `/api/audit/proof/${hiddenSeq}?treeSize=${head.size}`);
      expect(res.status).toBe(200);
      const proof = (await res.json()) as { leafIndex: number; treeSize: number; leafHash: string; path: string[] };
      expect(verifyInclusion(proof.leafIndex, proof.treeSize, Buffer.from(proof.leafHash, 'hex'), proof.path.map((p) => Buffer.from(p, 'hex')), Buffer.from(head.root, 'hex'))).toBe(true);
    }
    // The collector verifies without reading entries at all.
    expect((await call('col', '/api/audit/entries?limit=1')).status).toBe(403);
  });
});
