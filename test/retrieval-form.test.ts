import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import type { RoleId } from '../src/identity/index.js';
import { dialects, fixedClock, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { listen, type Listening } from './support/http.js';

/**
 * The retrieval form (调用单, R-ACCESS-LOG; issue 3 item 3) over real HTTP: a request approved through
 * the real path and used for playback prints as a PDF for the requester and for an approver, is
 * hidden from people who may not see the request (as GET /api/access-requests/:id is), and every
 * print is in the ledger. The ledger entries on the paper prove against the tree head on the paper.
 */

const PASSWORD = 'retrieval-form-password';
const START = Date.parse('2026-03-01T08:00:00Z'); // 16:00 in Asia/Shanghai

postgresSkipNote();

/** Text shown in the PDF's base fonts (Helvetica, Courier): the hex strings of every TJ, read as bytes. */
function baseFontText(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  const runs: string[] = [];
  for (const m of s.matchAll(/\/Length (\d+)/g)) {
    const at = s.indexOf('stream\n', m.index);
    if (at < 0 || !s.slice(m.index, at).includes('/FlateDecode')) continue;
    const start = at + 'stream\n'.length;
    const content = inflateSync(Buffer.from(s.slice(start, start + Number(m[1])), 'latin1')).toString('latin1');
    // Hex strings hold no ']': a plain class keeps the match linear.
    for (const tj of content.matchAll(/\[([^\]]*)\] TJ/g)) runs.push(Buffer.from([...tj[1]!.matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1]).join(''), 'hex').toString('latin1'));
  }
  return runs.join('\n');
}

describe.each(dialects())('printing the retrieval form (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const token: Record<string, string> = {};
  let recordingId = '';
  let requestId = '';

  const api = async (as: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { authorization: `Bearer ${token[as]}`, ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    return fetch(`${http.base}${url}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  const ledger = async (action: string): Promise<Leaf[]> => (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((r) => decodeLeaf(r.leaf)).filter((l) => l.action === action);

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock: fixedClock(START) });
    media = await tempDir('custodia-retrieval-form-');
    await t.app.identity.addUnit({ code: 'north', name: '城关所' }, null);
    await t.app.identity.addUnit({ code: 'south', name: '南关所' }, null);
    const people: Array<{ username: string; displayName?: string; roles: RoleId[]; unitCode?: string; badge?: string; clearance?: 0 | 1 | 2 | 3 }> = [
      { username: 'northboss', displayName: '李所长', roles: ['approver'], unitCode: 'north', badge: '000101', clearance: 3 },
      { username: 'legal', displayName: '张法制', roles: ['supervisor'], unitCode: 'north', badge: '200001' },
      { username: 'southlegal', roles: ['supervisor'], unitCode: 'south' },
      { username: 'li', roles: ['officer'], unitCode: 'north', badge: '300002' },
    ];
    for (const p of people) {
      await t.app.identity.addUser({ ...p, password: PASSWORD }, null);
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    const north = await t.app.identity.resolveUnit('north');
    const dir = path.join(media.dir, 'dock');
    await mkdir(dir, { recursive: true });
    await makeVideo(path.join(dir, 'DSJ_20260301_153000_A12345.mp4'), { seconds: 1 });
    const r = await t.app.ingest.importSource(dir, { sourceKind: 'folder', unitId: north.id, station: 't', officerBadge: '300001', actor: null, meta: { ip: null } });
    recordingId = r.files[0]!.recordingId!;
    http = await listen(t);

    // Asked, approved and used through the real HTTP path.
    const asked = await api('legal', 'POST', '/api/access-requests', { recordingIds: [recordingId], action: 'view', reason: 'complaint', reasonText: '群众投诉 2026-017 号' });
    expect(asked.status).toBe(201);
    requestId = ((await asked.json()) as { id: string }).id;
    expect((await api('northboss', 'POST', `/api/access-requests/${requestId}/approve`, { reason: '同意调阅' })).status).toBe(200);
    const played = await api('legal', 'GET', `/api/recordings/${recordingId}/content`, undefined, { range: 'bytes=0-99' });
    expect(played.status).toBe(206);
    await played.arrayBuffer();
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  it('the requester and an approver get the PDF; it lists the use with its ledger entry and a head that proves it', async () => {
    const [use] = await t.app.access.uses(requestId);
    expect(use).toBeDefined();
    for (const who of ['legal', 'northboss']) {
      const res = await api(who, 'GET', `/api/access-requests/${requestId}/form.pdf`);
      expect(res.status, who).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="retrieval-form-${requestId}.pdf"`);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
      expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
      expect(pdf.length).toBeLessThan(200_000);

      const text = baseFontText(pdf);
      const recording = await t.app.recordingsRepo.byId(recordingId);
      expect(text).toContain(recording!.blob_sha256.slice(0, 32));
      expect(text.replace(/\n/g, ''), 'the file name, wrapped in its cell').toContain('DSJ_20260301_153000_A12345.mp4');
      expect(recording!.code).toMatch(/^north-/);
      expect(text).toContain(recording!.code!); // 统一编码
      expect(text).toContain('2026-03-01'); // times in Asia/Shanghai
      expect(text).toContain('16:00:00');
      expect(text).toContain(String(use!.ledger_seq));
      // The tree head on the paper is a signed head, and the use's entry proves against it.
      const root = /^[0-9a-f]{64}$/m.exec(text)?.[0];
      const head = (await t.app.auditRepo.allHeads()).find((h) => Buffer.from(h.root).toString('hex') === root);
      expect(head, 'the printed root is a signed tree head').toBeDefined();
      const proof = await t.app.ledger.inclusionProof(use!.ledger_seq, head!.size);
      expect(proof?.root).toBe(root);
    }
  });

  it('registers each print in the ledger, naming who printed and what the form showed', async () => {
    const prints = (await ledger('access.form_print')).filter((l) => l.subject?.id === requestId);
    expect(prints.map((l) => l.actor?.name)).toEqual(['legal', 'northboss']);
    expect(prints[0]).toMatchObject({ subject: { type: 'access_request', id: requestId }, ip: '127.0.0.1', details: { recordings: 1, hiddenRecordings: 0, uses: 1, hiddenUses: 0 } });
    // The print entry is inside the head printed on the form.
    const latest = await t.app.ledger.latestHead();
    expect(latest!.size).toBeGreaterThanOrEqual(prints[1]!.seq);
  });

  it('is as visible as the request itself: 404 to a supervisor who may not know its recordings, 403 to a role that may not list requests', async () => {
    for (const [who, status, error] of [
      ['southlegal', 404, 'access_request_not_found'],
      ['li', 403, 'role_not_permitted'],
    ] as const) {
      const form = await api(who, 'GET', `/api/access-requests/${requestId}/form.pdf`);
      const view = await api(who, 'GET', `/api/access-requests/${requestId}`);
      expect([form.status, view.status], who).toEqual([status, status]);
      expect(((await form.json()) as { error: string }).error).toBe(error);
      await view.arrayBuffer();
    }
    const unknown = await api('legal', 'GET', '/api/access-requests/0195f3a2-7c1e-7b3a-9d2e-1a2b3c4d5e6f/form.pdf');
    expect(unknown.status).toBe(404);
    await unknown.arrayBuffer();
    // None of them printed anything.
    const printers = (await ledger('access.form_print')).map((l) => l.actor?.name);
    expect(printers).not.toContain('southlegal');
    expect(printers).not.toContain('li');
  });
});
