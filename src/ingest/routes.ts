import type { IncomingMessage } from 'node:http';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer, type Upload } from '@tus/server';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';
import type { Actor } from '../identity/index.js';
import { Invalid, NotFound } from '../platform/errors.js';

export const UPLOAD_PATH = '/api/uploads';
const OWNER_KEY = 'custodiaOwner';

type WebRequest = Parameters<NonNullable<ConstructorParameters<typeof TusServer>[0]['onUploadFinish']>>[0];

function nodeReq(req: WebRequest): IncomingMessage | undefined {
  return (req as unknown as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
}

/** tus `Upload-Metadata`: comma-separated `key base64value` pairs (a key alone has no value). Unparseable pairs are left to tus to refuse. */
function uploadMetadata(header: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof header !== 'string') return out;
  for (const pair of header.split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key) out[key] = value ? Buffer.from(value, 'base64').toString('utf8') : '';
  }
  return out;
}

/**
 * Resumable uploads (tus 1.0) at /api/uploads. Any tus client works; a dropped connection resumes
 * from the last stored offset. A finished upload goes through the same import pipeline as a dock.
 * Metadata: `filename` (required), `device`, `officer`, `unit` (unit code).
 */
export function ingestRoutes(app: App): FastifyPluginAsync {
  const directory = path.join(app.config.dataDir, 'uploads');
  const actors = new WeakMap<IncomingMessage, { actor: Actor; ip: string; userAgent: string | null }>();
  const store = new FileStore({ directory });

  /** The unit an upload names; whether the uploader may import into it was asked in `handle`, before tus saw the request. */
  const namedUnit = async (code: string) => {
    const unit = await app.identity.unitByCode(code);
    if (!unit) throw { status_code: 400, body: `unknown unit ${code}\n` };
    return unit;
  };

  const tus = new TusServer({
    path: UPLOAD_PATH,
    datastore: store,
    maxSize: 256 * 1024 ** 3,
    respectForwardedHeaders: false,
    async onUploadCreate(req, upload) {
      const who = actors.get(nodeReq(req)!);
      if (!who) throw { status_code: 401, body: 'unauthenticated\n' };
      const name = upload.metadata?.filename;
      if (!name) throw { status_code: 400, body: 'upload metadata "filename" is required\n' };
      const unit = upload.metadata?.unit;
      if (unit) await namedUnit(unit);
      return { metadata: { ...upload.metadata, [OWNER_KEY]: who.actor.id } };
    },
    async onUploadFinish(req, upload: Upload) {
      const who = actors.get(nodeReq(req)!);
      if (!who) throw { status_code: 401, body: 'unauthenticated\n' };
      const meta = upload.metadata ?? {};
      // No unit given: the uploader's own unit (not the site's root unit).
      const unit = meta.unit ? await namedUnit(meta.unit) : undefined;
      const file = path.join(directory, upload.id);
      const result = await app.ingest.importUpload(file, meta.filename ?? 'upload', {
        sourceKind: 'upload',
        unitId: unit?.id ?? who.actor.unitId,
        deviceSerial: meta.device ?? undefined,
        officerBadge: meta.officer ?? undefined,
        station: 'web-upload',
        actor: who.actor,
        meta: { ip: who.ip, userAgent: who.userAgent },
      });
      await rm(`${file}.json`, { force: true });
      const item = result.files[0]!;
      // An empty upload holds nothing to keep; any other failure keeps the bytes for the operator.
      if (item.status === 'failed' && (await stat(file).then((s) => s.size, () => -1)) === 0) await rm(file, { force: true });
      const headers: Record<string, string> = { 'Custodia-Import-Status': item.status, 'Custodia-Batch-Id': result.batchId };
      if (item.recordingId) headers['Custodia-Recording-Id'] = item.recordingId;
      if (item.sha256) headers['Custodia-Sha256'] = item.sha256;
      if (item.error) headers['Custodia-Import-Error'] = encodeURIComponent(item.error);
      return { headers };
    },
  });

  /**
   * An upload may name a unit only within the uploader's unit subtree (authority is role × unit
   * subtree): the rule is asked with that unit, so a refusal is a 403 with its reason, in the ledger.
   */
  const requireUnit = async (actor: Actor, code: string, req: FastifyRequest) => {
    const unit = await app.identity.unitByCode(code);
    if (!unit) throw Invalid('unit_not_found', `unknown unit ${code}`);
    await app.authz.require(actor, 'recording.import', { type: 'unit', id: unit.id, unitId: unit.id }, requestMeta(req));
  };

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const actor = req.actor!;
    await app.authz.require(actor, 'recording.import', null, requestMeta(req));
    const id = req.url.slice(UPLOAD_PATH.length + 1).split('?')[0];
    if (req.method === 'POST' && !id) {
      const unit = uploadMetadata(req.headers['upload-metadata']).unit;
      if (unit) await requireUnit(actor, unit, req);
      // R-STEPUP: when the settings say so, starting an upload (the collection stage) needs a fresh code.
      await app.stepUp.require(actor, 'import', requestMeta(req));
    } else if (id && req.method !== 'OPTIONS') {
      const upload = await store.getUpload(decodeURIComponent(id)).catch(() => undefined);
      // Someone else's upload is not revealed.
      if (!upload || upload.metadata?.[OWNER_KEY] !== actor.id) throw NotFound('upload_not_found', 'no such upload');
      // Asked again on every later request: the uploader may have moved unit since they started.
      if (upload.metadata?.unit) await requireUnit(actor, upload.metadata.unit, req);
    }
    const meta = requestMeta(req);
    actors.set(req.raw, { actor, ip: meta.ip ?? '', userAgent: meta.userAgent ?? null });
    reply.hijack();
    await tus.handle(req.raw, reply.raw);
  };

  return async (server) => {
    server.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));
    server.all(UPLOAD_PATH, { config: { auth: 'user' }, schema: { tags: ['ingest'], summary: 'tus 1.0 resumable upload: create (POST) / options' } }, handle);
    server.all(`${UPLOAD_PATH}/*`, { config: { auth: 'user' }, schema: { tags: ['ingest'], summary: 'tus 1.0 resumable upload: offset (HEAD) / append (PATCH) / terminate (DELETE)' } }, handle);
  };
}
