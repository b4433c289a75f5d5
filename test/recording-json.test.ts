import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleId } from '../src/identity/index.js';
import { SESSION_COOKIE } from '../src/identity/routes.js';
import { dialects, fixedClock, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { listen, type Listening, okJson, tokenApi } from './support/http.js';

/**
 * The recording JSON other tools rely on (issue 4, "Interfaces"): `GET /api/recordings/:id` over
 * real HTTP carries retainUntil (epoch ms, null while kept indefinitely), longTerm, holds,
 * caseIds, profileVersion, importDelayMs (import time against the end of the recording) and the
 * unified code (统一编码) — each with its right value as marks, holds and case links come and go.
 */

const PASSWORD = 'recording-json-password';
/** Made on 2025-01-10, 10:00 Shanghai; imported five hours later. */
const MADE = Date.parse('2025-01-10T02:00:00Z');
const IMPORTED = MADE + 5 * 3600_000;
/** Traffic police: 3 months from the recording, to the end of 2025-04-10 (Shanghai). */
const TRAFFIC_UNTIL = Date.parse('2025-04-10T16:00:00Z');
const PROMISED = ['retainUntil', 'longTerm', 'holds', 'caseIds', 'profileVersion', 'importDelayMs', 'code'] as const;

postgresSkipNote();

interface RecordingJson {
  id: string;
  code: string | null;
  profileVersion: string | null;
  importDelayMs: number | null;
  retainUntil: number | null;
  retentionBasis: string[];
  longTerm: Array<{ id: string; reasonId: string; markedAt: number; markedBy: string | null; note: string | null }>;
  holds: Array<{ id: string; reason: string; reference: string | null; placedAt: number; placedBy: string | null }>;
  caseIds: string[];
  collectedAt: number;
  deviceStartedAt: number | null;
  deviceEndedAt: number | null;
  clockOffsetMs: number;
  endedAt: number | null;
  durationMs: number | null;
  deletedAt: number | null;
}

describe.each(dialects())('GET /api/recordings/:id carries every promised field (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const clock = fixedClock(IMPORTED);
  const token: Record<string, string> = {};
  const userId: Record<string, string> = {};
  let unitId = '';
  let rec = '';

  const api = tokenApi(() => http.base, token);
  const ok = okJson;
  const get = async (id = rec) => ok<RecordingJson>(await api('disp', 'GET', `/api/recordings/${id}`));

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    media = await tempDir('custodia-recording-json-');
    unitId = (await t.app.identity.addUnit({ code: 'traffic', name: '交警大队' }, null)).id;
    const people: Array<{ username: string; roles: RoleId[] }> = [
      { username: 'admin1', roles: ['admin'] },
      { username: 'disp', roles: ['dispatcher'] },
      { username: 'legal', roles: ['supervisor'] },
    ];
    for (const p of people) {
      userId[p.username] = (await t.app.identity.addUser({ ...p, password: PASSWORD }, null)).id;
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    http = await listen(t);
    await ok(await api('admin1', 'PUT', `/api/units/${unitId}/profile`, { profileId: 'traffic-police', reason: 'the unit’s regulation' }));
    const folder = path.join(media.dir, 'dock');
    await mkdir(folder, { recursive: true });
    await makeVideo(path.join(folder, 'r1.mp4'), { seconds: 1, size: '32x24', creationTime: new Date(MADE).toISOString(), audio: false });
    const r = await t.app.ingest.importSource(folder, { sourceKind: 'folder', unitId, station: 't', deviceSerial: 'A123456', actor: null, meta: { ip: null } });
    expect(r.files[0]!.status).toBe('imported');
    rec = r.files[0]!.recordingId!;
  }, 120_000);

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  it('a fresh import: the code, the profile version, the import delay and a finite retainUntil; no marks, holds or cases', async () => {
    const r = await get();
    for (const k of PROMISED) expect(Object.hasOwn(r, k), k).toBe(true);
    expect(r.code).toBe('traffic-A123456-20250110-0001');
    expect(r.profileVersion).toBe('traffic-police@1');
    expect(r.retainUntil).toBe(TRAFFIC_UNTIL);
    expect(r.retentionBasis).toEqual(['profile_minimum']);
    expect(r).toMatchObject({ longTerm: [], holds: [], caseIds: [], deletedAt: null });
    // The import delay: from the end of the recording by the device's clock (no offset measured
    // for this recorder) to the import, in milliseconds.
    expect(r.durationMs).toBeGreaterThan(0);
    expect(r).toMatchObject({ collectedAt: IMPORTED, deviceStartedAt: MADE, deviceEndedAt: MADE + r.durationMs!, clockOffsetMs: 0, endedAt: MADE + r.durationMs! });
    expect(r.importDelayMs).toBe(IMPORTED - (MADE + r.durationMs!));
    expect(r.importDelayMs).toBe(r.collectedAt - r.deviceEndedAt!);
    // A browser session reads the same JSON as an API token.
    const login = await fetch(`${http.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'disp', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(';')[0]!;
    expect(await ok<RecordingJson>(await fetch(`${http.base}/api/recordings/${rec}`, { headers: { cookie } }))).toEqual(r);
  });

  it('the fields are in /api/openapi.json for GET /api/recordings/{id}', async () => {
    const doc = await ok<{ paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>> }>(await fetch(`${http.base}/api/openapi.json`));
    const props = doc.paths['/api/recordings/{id}']!.get!.responses['200']!.content['application/json']!.schema.properties ?? {};
    for (const k of PROMISED) expect(Object.keys(props), k).toContain(k);
  });

  it('a long-term mark: longTerm lists it (reason, who, when) and retainUntil is null until it is lifted', async () => {
    await ok(await api('disp', 'POST', `/api/recordings/${rec}/long-term`, { reasonId: 'obstruction', note: 'officer was obstructed' }));
    const marked = await get();
    expect(marked.longTerm).toEqual([{ id: marked.longTerm[0]?.id, reasonId: 'obstruction', markedAt: IMPORTED, markedBy: userId.disp, note: 'officer was obstructed' }]);
    expect(marked.longTerm[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(marked.retainUntil).toBeNull();
    await ok(await api('disp', 'POST', `/api/long-term-marks/${marked.longTerm[0]!.id}/lift`, { reason: 'not needed after all' }));
    const lifted = await get();
    expect(lifted).toMatchObject({ longTerm: [], retainUntil: TRAFFIC_UNTIL });
  });

  it('a legal hold: holds lists it (reason, reference, who, when) and retainUntil is null until it is lifted', async () => {
    await ok(await api('legal', 'POST', `/api/recordings/${rec}/holds`, { reason: 'court preservation order', reference: '(2025)京0105民初1号' }));
    const held = await get();
    expect(held.holds).toEqual([{ id: held.holds[0]?.id, reason: 'court preservation order', reference: '(2025)京0105民初1号', placedAt: IMPORTED, placedBy: userId.legal }]);
    expect(held.holds[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(held.retainUntil).toBeNull();
    expect(held.longTerm).toEqual([]);
    await ok(await api('legal', 'POST', `/api/holds/${held.holds[0]!.id}/lift`, { reason: 'order discharged' }));
    expect(await get()).toMatchObject({ holds: [], retainUntil: TRAFFIC_UNTIL });
  });

  it('a case link: caseIds names the case; an open case keeps it indefinitely, unlinked it is finite again', async () => {
    const c = await ok<{ id: string }>(await api('legal', 'POST', '/api/cases', { number: 'JSON-2025-1', title: 'Traffic accident', unitId }), 201);
    await ok(await api('legal', 'POST', `/api/cases/${c.id}/recordings`, { recordingIds: [rec] }));
    const linked = await get();
    expect(linked.caseIds).toEqual([c.id]);
    expect(linked.retainUntil).toBeNull();
    expect(linked.retentionBasis).toEqual(['case_open']);
    await ok(await api('legal', 'DELETE', `/api/cases/${c.id}/recordings/${rec}`, { reason: 'linked by mistake' }));
    expect(await get()).toMatchObject({ caseIds: [], retainUntil: TRAFFIC_UNTIL });
  });

  it('through all of that the code, the profile version and the import delay did not move', async () => {
    const r = await get();
    expect(r).toMatchObject({ code: 'traffic-A123456-20250110-0001', profileVersion: 'traffic-police@1' });
    expect(r.importDelayMs).toBe(IMPORTED - r.deviceEndedAt!);
  });
});
