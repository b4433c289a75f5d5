import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import { buildServer } from '../src/http/server.js';
import { actorOf, grantAccess } from './support/grants.js';
import { DEFAULT_AUTHORITY_SETTINGS, totpCode } from '../src/identity/index.js';
import { dialects, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';

/**
 * Resumable uploads (tus 1.0) at /api/uploads with the reference client (tus-js-client) over real
 * HTTP: a finished upload becomes a recording with the uploaded bytes' hash; an interrupted upload
 * resumes from the server's offset, also across a server restart; uploads are private to their
 * owner; client file names never become paths.
 */

const PASSWORD = 'correct horse battery';
const CHUNK = 256 * 1024;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** A real MP4 with a trailing top-level `free` box of random bytes: valid media, `extra` bytes larger, unique. */
async function makeLargeVideo(file: string, extra: number): Promise<Buffer> {
  await makeVideo(file, { seconds: 1 });
  const header = Buffer.alloc(8);
  header.writeUInt32BE(extra + 8, 0);
  header.write('free', 4, 'ascii');
  await appendFile(file, Buffer.concat([header, randomBytes(extra)]));
  return readFile(file);
}

function upload(file: tus.Upload['file'], options: tus.UploadOptions): { upload: tus.Upload; done: Promise<tus.HttpResponse> } {
  let up!: tus.Upload;
  const done = new Promise<tus.HttpResponse>((resolve, reject) => {
    up = new tus.Upload(file, { retryDelays: null, ...options, onSuccess: (p) => resolve(p.lastResponse), onError: reject });
  });
  up.start();
  return { upload: up, done };
}

postgresSkipNote();

describe.each(dialects())('tus uploads (%s)', (dialect) => {
  let t: TestApp;
  let server: FastifyInstance;
  let base: string;
  let work: { dir: string; cleanup(): Promise<void> };
  const token: Record<string, string> = {};
  const unitId: Record<string, string> = {};

  const start = async () => {
    server = await buildServer(t.app);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const addr = server.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    base = `http://127.0.0.1:${addr.port}`;
  };
  const auth = (who: string) => ({ Authorization: `Bearer ${token[who]}` });
  const ledger = async (action: string): Promise<Leaf[]> =>
    (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((r) => decodeLeaf(r.leaf)).filter((l) => l.action === action);
  const tusFetch = (url: string, method: string, headers: Record<string, string>, body?: Buffer) =>
    fetch(url, { method, headers: { 'Tus-Resumable': '1.0.0', ...headers }, body });
  /** Create an upload with the bare protocol; returns its absolute URL on this server. */
  const create = async (who: string, size: number, metadata: Record<string, string>) => {
    const res = await tusFetch(`${base}/api/uploads`, 'POST', {
      ...auth(who),
      'Upload-Length': String(size),
      'Upload-Metadata': Object.entries(metadata).map(([k, v]) => `${k} ${b64(v)}`).join(','),
    });
    return res;
  };
  const onThisServer = (url: string) => `${base}${new URL(url).pathname}`;

  beforeAll(async () => {
    t = await openTestApp({ dialect });
    work = await tempDir('custodia-uploads-');
    unitId.north = (await t.app.identity.addUnit({ code: 'north', name: 'North' }, null)).id;
    unitId.south = (await t.app.identity.addUnit({ code: 'south', name: 'South' }, null)).id;
    for (const u of [
      { username: 'col1', roles: ['collector' as const], unitCode: 'north' },
      { username: 'col2', roles: ['collector' as const], unitCode: 'north' },
      { username: 'officer1', roles: ['officer' as const], unitCode: 'north', badge: '7001' },
      { username: 'nsup', roles: ['supervisor' as const], unitCode: 'north' },
    ]) {
      await t.app.identity.addUser({ ...u, password: PASSWORD }, null);
      token[u.username] = (await t.app.sessions.createToken(u.username, 'uploads', null)).secret;
    }
    await start();
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
    await work?.cleanup();
  });

  it('a collector uploads a real video in small chunks; it becomes a recording with the same SHA-256', async () => {
    const file = path.join(work.dir, 'upload-one.mp4');
    const bytes = await makeLargeVideo(file, 900 * 1024);
    const chunks: number[] = [];
    const { done } = upload(createReadStream(file), {
      endpoint: `${base}/api/uploads`,
      headers: auth('col1'),
      metadata: { filename: 'CAM-001_20240301.mp4', device: 'DSJ-42', officer: '7001' },
      chunkSize: CHUNK,
      uploadSize: bytes.length,
      onChunkComplete: (n) => chunks.push(n),
    });
    const last = await done;
    expect(chunks.length).toBe(Math.ceil(bytes.length / CHUNK));
    expect(last.getStatus()).toBe(204);
    expect(last.getHeader('Custodia-Import-Status')).toBe('imported');
    expect(last.getHeader('Custodia-Sha256')).toBe(sha256(bytes));
    const id = last.getHeader('Custodia-Recording-Id')!;
    const row = await t.app.recordingsRepo.byId(id);
    expect(row).toMatchObject({ blob_sha256: sha256(bytes), size: bytes.length, original_name: 'CAM-001_20240301.mp4', source_kind: 'upload', unit_id: unitId.north, device_serial: 'DSJ-42', officer_badge: '7001', station: 'web-upload', batch_id: last.getHeader('Custodia-Batch-Id') });
    // The stored original is byte-identical, and the upload's working files are gone.
    expect(sha256(await readFile(t.app.blobs.pathOf(row!.blob_sha256)))).toBe(sha256(bytes));
    expect(await readdir(path.join(t.dataDir, 'uploads'))).toEqual([]);
    const imports = (await ledger('recording.import')).filter((l) => l.subject?.id === id);
    expect(imports).toHaveLength(1);
    expect(imports[0]!.actor?.name).toBe('col1');
    expect(imports[0]!.ip).toBe('127.0.0.1');
    // Searchable by the uploader's unit.
    const found = (await (await fetch(`${base}/api/recordings?device=DSJ-42`, { headers: auth('nsup') })).json()) as { items: Array<{ id: string; sha256: string }> };
    expect(found.items).toEqual([expect.objectContaining({ id, sha256: sha256(bytes) })]);

    // The same bytes again link to the same recording.
    const again = upload(bytes, { endpoint: `${base}/api/uploads`, headers: auth('col2'), metadata: { filename: 'copy.mp4' }, chunkSize: CHUNK });
    const res = await again.done;
    expect(res.getHeader('Custodia-Import-Status')).toBe('duplicate');
    expect(res.getHeader('Custodia-Recording-Id')).toBe(id);
  });

  it('an interrupted upload resumes from the server offset, across a server restart, sending only the rest', async () => {
    const file = path.join(work.dir, 'upload-resume.mp4');
    const bytes = await makeLargeVideo(file, 3 * 1024 * 1024);
    const endpoint = `${base}/api/uploads`;
    let uploadUrl: string | null = null;
    let aborted!: () => void;
    const abortedAt = new Promise<void>((r) => (aborted = r));
    const first = upload(bytes, {
      endpoint,
      headers: auth('col1'),
      metadata: { filename: 'resumed.mp4', unit: 'north' },
      chunkSize: CHUNK,
      onUploadUrlAvailable: () => {
        uploadUrl = first.upload.url;
      },
      onProgress: (sent, total) => {
        if (sent / total > 0.4 && !aborting) {
          aborting = true;
          void first.upload.abort().then(aborted);
        }
      },
    });
    let aborting = false;
    first.done.catch(() => undefined);
    await abortedAt;
    expect(uploadUrl).toMatch(/\/api\/uploads\/[^/]+$/);

    // Restart: a new server on the same site (and a new port).
    await server.close();
    await start();
    const url = onThisServer(uploadUrl!);

    const head = await tusFetch(url, 'HEAD', auth('col1'));
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-length')).toBe(String(bytes.length));
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);
    // What the server holds so far is exactly the start of the file.
    const partial = await readFile(path.join(t.dataDir, 'uploads', new URL(url).pathname.split('/').pop()!));
    expect(partial.length).toBe(offset);
    expect(partial.equals(bytes.subarray(0, offset))).toBe(true);

    const patchOffsets: number[] = [];
    let sentInResume = 0;
    const second = upload(bytes, {
      uploadUrl: url,
      headers: auth('col1'),
      metadata: { filename: 'resumed.mp4', unit: 'north' },
      chunkSize: CHUNK,
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
      },
      onChunkComplete: (n) => {
        sentInResume += n;
      },
    });
    const last = await second.done;
    expect(patchOffsets[0]).toBe(offset);
    expect(sentInResume).toBe(bytes.length - offset);
    expect(last.getHeader('Custodia-Import-Status')).toBe('imported');
    const row = await t.app.recordingsRepo.byId(last.getHeader('Custodia-Recording-Id')!);
    expect(row?.blob_sha256).toBe(sha256(bytes));
    expect(row?.size).toBe(bytes.length);
    expect(row?.original_name).toBe('resumed.mp4');
    expect(sha256(await readFile(t.app.blobs.pathOf(sha256(bytes))))).toBe(sha256(bytes));
    // A finished upload is gone: nothing more can be appended.
    expect((await tusFetch(url, 'HEAD', auth('col1'))).status).toBe(404);
  });

  it('refuses an upload without credentials: 401', async () => {
    const res = await tusFetch(`${base}/api/uploads`, 'POST', { 'Upload-Length': '10', 'Upload-Metadata': `filename ${b64('x.mp4')}` });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthenticated' });
    const { done } = upload(Buffer.from('0123456789'), { endpoint: `${base}/api/uploads`, metadata: { filename: 'x.mp4' } });
    const err = (await done.catch((e: unknown) => e)) as tus.DetailedError;
    expect(err).toBeInstanceOf(Error);
    expect(err.originalResponse?.getStatus()).toBe(401);
    expect(await readdir(path.join(t.dataDir, 'uploads'))).toEqual([]);
  });

  it("another user cannot see, append to, read or delete someone else's upload (404)", async () => {
    const created = await create('col1', 1000, { filename: 'private.mp4' });
    expect(created.status).toBe(201);
    const url = onThisServer(created.headers.get('location')!);
    expect((await tusFetch(url, 'HEAD', auth('col1'))).status).toBe(200);

    for (const method of ['HEAD', 'GET', 'DELETE']) {
      const res = await tusFetch(url, method, auth('col2'));
      expect(res.status, method).toBe(404);
    }
    const patch = await tusFetch(url, 'PATCH', { ...auth('col2'), 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, Buffer.alloc(100, 1));
    expect(patch.status).toBe(404);
    expect(await patch.json()).toMatchObject({ error: 'upload_not_found' });
    // The owner's upload is untouched.
    const head = await tusFetch(url, 'HEAD', auth('col1'));
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('0');
    // A supervisor of the same unit has no import right at all.
    expect((await tusFetch(url, 'HEAD', auth('nsup'))).status).toBe(403);
    expect((await tusFetch(url, 'DELETE', auth('col1'))).status).toBe(204);
    expect((await tusFetch(url, 'HEAD', auth('col1'))).status).toBe(404);
  });

  it('a hostile file name is reduced to its last part; the bytes are stored by their hash', async () => {
    const file = path.join(work.dir, 'small.mp4');
    await makeVideo(file, { seconds: 1, size: '96x64' });
    const bytes = await readFile(file);
    const { done } = upload(bytes, { endpoint: `${base}/api/uploads`, headers: auth('col1'), metadata: { filename: '../../etc/passwd' }, chunkSize: CHUNK });
    const last = await done;
    expect(last.getHeader('Custodia-Import-Status')).toBe('imported');
    const row = await t.app.recordingsRepo.byId(last.getHeader('Custodia-Recording-Id')!);
    expect(row?.original_name).toBe('passwd');
    expect(row?.source_path).toBe('upload:passwd');
    const stored = t.app.blobs.pathOf(sha256(bytes));
    expect(stored).toContain(sha256(bytes));
    expect(path.relative(t.dataDir, stored).startsWith('..')).toBe(false);
    expect((await stat(stored)).size).toBe(bytes.length);
    // Nothing was written next to the data folder under the client's name.
    expect(await readdir(path.dirname(t.dataDir))).not.toContain('etc');
    // And a download names it safely.
    await grantAccess(t.app, 'nsup', [row!.id], 'download');
    const dl = await fetch(`${base}/api/recordings/${row!.id}/original`, { headers: { ...auth('nsup'), range: 'bytes=0-0' } });
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="passwd"; filename*=UTF-8''passwd`);
  });

  it('an upload without a file name is refused with 400', async () => {
    const res = await create('col1', 100, { device: 'DSJ-1' });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/filename/);
    const { done } = upload(Buffer.alloc(100, 7), { endpoint: `${base}/api/uploads`, headers: auth('col1'), metadata: { device: 'DSJ-1' } });
    const err = (await done.catch((e: unknown) => e)) as tus.DetailedError;
    expect(err.originalResponse?.getStatus()).toBe(400);
  });

  it('an upload into an unknown unit is refused with 400, and outside the uploader\'s unit subtree with 403', async () => {
    const unknown = await create('col1', 100, { filename: 'a.mp4', unit: 'nowhere' });
    expect(unknown.status).toBe(400);
    const foreign = await create('col1', 100, { filename: 'a.mp4', unit: 'south' });
    expect(foreign.status).toBe(403);
    const own = await create('col1', 100, { filename: 'a.mp4', unit: 'north' });
    expect(own.status).toBe(201);
    expect((await tusFetch(onThisServer(own.headers.get('location')!), 'DELETE', auth('col1'))).status).toBe(204);
  });

  it('an officer (no import right) is refused with 403, and the denial is in the ledger', async () => {
    const res = await create('officer1', 100, { filename: 'mine.mp4' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'role_not_permitted' });
    const denied = (await ledger('access.denied')).filter((l) => l.actor?.name === 'officer1');
    expect(denied).toHaveLength(1);
    expect(denied[0]!.details).toMatchObject({ attempted: 'recording.import' });
    expect(await readdir(path.join(t.dataDir, 'uploads'))).toEqual([]);
  });

  it('when the settings ask for a dynamic password at collection, an upload starts only with a fresh code', async () => {
    const col2 = await actorOf(t.app, 'col2');
    const { secret } = await t.app.sessions.beginTotpEnrolment(col2, { ip: null });
    await t.app.sessions.confirmTotpEnrolment(col2, totpCode(secret, Date.now() - 30_000), { ip: null });
    await t.app.settings.setAuthority({ ...DEFAULT_AUTHORITY_SETTINGS, stepUpStages: ['import'] }, null, null, 'test');
    try {
      const bare = await create('col2', 100, { filename: 'b.mp4' });
      expect(bare.status).toBe(403);
      expect(await bare.json()).toMatchObject({ error: 'step_up_required', details: { stage: 'import' } });
      const code = totpCode(secret, Date.now());
      const withCode = await tusFetch(`${base}/api/uploads`, 'POST', { ...auth('col2'), 'X-Custodia-OTP': code, 'Upload-Length': '100', 'Upload-Metadata': `filename ${b64('b.mp4')}` });
      expect(withCode.status).toBe(201);
      // Appending to the started upload needs no new code; starting another with the same code fails.
      const again = await tusFetch(`${base}/api/uploads`, 'POST', { ...auth('col2'), 'X-Custodia-OTP': code, 'Upload-Length': '100', 'Upload-Metadata': `filename ${b64('c.mp4')}` });
      expect(again.status).toBe(403);
      expect((await tusFetch(onThisServer(withCode.headers.get('location')!), 'HEAD', auth('col2'))).status).toBe(200);
      expect((await tusFetch(onThisServer(withCode.headers.get('location')!), 'DELETE', auth('col2'))).status).toBe(204);
    } finally {
      await t.app.settings.setAuthority(DEFAULT_AUTHORITY_SETTINGS, null, null, 'test');
    }
  });
});
