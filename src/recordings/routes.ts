import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';
import { contentDisposition, parseRange } from '../platform/http/range.js';

const RecordingView = z.object({
  id: z.string(),
  sha256: z.string(),
  size: z.number(),
  originalName: z.string(),
  sourceKind: z.string(),
  unitId: z.string(),
  deviceSerial: z.string().nullable(),
  officerBadge: z.string().nullable(),
  collectedBy: z.string().nullable(),
  collectedAt: z.number(),
  station: z.string(),
  batchId: z.string().nullable(),
  fileNamePattern: z.string().nullable(),
  timeSource: z.string(),
  deviceStartedAt: z.number().nullable(),
  deviceEndedAt: z.number().nullable(),
  clockOffsetMs: z.number(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  importDelayMs: z.number().nullable(),
  lateImport: z.boolean(),
  container: z.string().nullable(),
  videoCodec: z.string().nullable(),
  audioCodec: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  playable: z.boolean(),
  damaged: z.boolean(),
  damageReason: z.string().nullable(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  sensitivity: z.number().describe('0 none · 1 privacy · 2 commercial secret · 3 state secret'),
  officerId: z.string().nullable(),
  code: z.string().nullable().describe('统一编码: unit-device-date-sequence'),
  profileVersion: z.string().nullable().describe('the regulation profile version governing it, id@version'),
  uploadDeadlineAt: z.number().nullable().describe('R-24H: when it had to be stored'),
  deletedAt: z.number().nullable().describe('set when the retention process deleted the original (a tombstone remains)'),
});

const RecordingDetail = RecordingView.extend({
  retainUntil: z.number().nullable().describe('first instant it may be deleted; null: kept indefinitely'),
  retentionBasis: z.array(z.string()).describe('the rules that set retainUntil'),
  longTerm: z.array(z.object({ id: z.string(), reasonId: z.string(), markedAt: z.number(), markedBy: z.string().nullable(), note: z.string().nullable() })),
  holds: z.array(z.object({ id: z.string(), reason: z.string(), reference: z.string().nullable(), placedAt: z.number(), placedBy: z.string().nullable() })),
  tombstone: z.object({ deletedAt: z.number(), batchId: z.string(), reason: z.string(), approvers: z.unknown() }).nullable(),
  caseIds: z.array(z.string()),
  sourcePath: z.string(),
  media: z.unknown(),
  derivatives: z.array(z.object({ kind: z.string(), size: z.number(), sha256: z.string(), createdAt: z.number() })),
});

const IdParams = z.object({ id: z.uuid() });
const instant = z.coerce.number().int().describe('UTC epoch milliseconds');

export function recordingRoutes(app: App): FastifyPluginAsync {
  const sendContent = async (req: FastifyRequest, id: string, reply: FastifyReply, use: 'play' | 'download') => {
    const handle = await app.recordings.openContent(req.actor!, id, use === 'play' ? 'recording.view' : 'recording.download', req.headers.range ?? null, requestMeta(req));
    // The grant this use rests on, for the player to show.
    if (handle.grant.grantId) void reply.header('Custodia-Grant', handle.grant.grantId);
    if (handle.grant.expiresAt !== null) void reply.header('Custodia-Grant-Expires', String(handle.grant.expiresAt));
    const total = handle.size;
    const range = parseRange(req.headers.range, total);
    void reply.header('Accept-Ranges', 'bytes').header('ETag', `"${handle.sha256}"`).header('Content-Type', handle.contentType).header('Cache-Control', 'private, no-store');
    void reply.header('Content-Disposition', contentDisposition(use === 'download' ? 'attachment' : 'inline', handle.fileName));
    if (use === 'download') void reply.header('Digest', `sha-256=${Buffer.from(handle.sha256, 'hex').toString('base64')}`);
    if (range === 'unsatisfiable') return reply.status(416).header('Content-Range', `bytes */${total}`).send();
    if (range === null) return reply.header('Content-Length', total).send(createReadStream(handle.path, { highWaterMark: 1024 * 1024 }));
    return reply
      .status(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${total}`)
      .header('Content-Length', range.end - range.start + 1)
      .send(createReadStream(handle.path, { start: range.start, end: range.end, highWaterMark: 1024 * 1024 }));
  };

  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();

    server.get('/api/recordings', {
      config: { auth: 'user' },
      schema: {
        tags: ['recordings'],
        summary: 'Search recordings (unit subtree, device, officer, time range, text); stable sort by corrected start time, then id',
        querystring: z.object({
          unit: z.uuid().optional().describe('unit id: this unit and every unit below it'),
          device: z.string().max(64).optional(),
          officer: z.string().max(64).optional(),
          from: instant.optional(),
          to: instant.optional(),
          q: z.string().max(200).optional().describe('text in file name, title or description'),
          damaged: z.enum(['true', 'false']).optional(),
          late: z.enum(['true', 'false']).optional().describe('imported after its profile deadline (R-24H)'),
          deleted: z.enum(['exclude', 'include', 'only']).default('exclude').describe('tombstoned recordings (deleted originals)'),
          code: z.string().max(80).optional().describe('统一编码, exact'),
          case: z.uuid().optional().describe('linked to this case'),
          party: z.string().max(100).optional().describe('linked to a case of this supervised party (被监督单位)'),
          order: z.enum(['asc', 'desc']).default('desc'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(500).optional(),
        }),
        response: { 200: z.object({ items: z.array(RecordingView), nextCursor: z.string().nullable() }) },
      },
      handler: async (req) => {
        const q = req.query;
        return app.recordings.search(
          req.actor!,
          {
            unitId: q.unit,
            deviceSerial: q.device,
            officerBadge: q.officer,
            from: q.from,
            to: q.to,
            text: q.q,
            damaged: q.damaged === undefined ? undefined : q.damaged === 'true',
            late: q.late === undefined ? undefined : q.late === 'true',
            deleted: q.deleted,
            code: q.code,
            caseId: q.case,
            party: q.party,
            order: q.order,
            limit: q.limit,
            cursor: q.cursor,
          },
          requestMeta(req),
        );
      },
    });

    server.get('/api/recordings/calendar', {
      config: { auth: 'user' },
      schema: {
        tags: ['recordings'],
        summary: 'Browse by year, month and day: recordings per local month of a year, or per local day of a month (site time zone)',
        querystring: z.object({ year: z.coerce.number().int().min(1970).max(2999), month: z.coerce.number().int().min(1).max(12).optional(), unit: z.uuid().optional() }),
        response: { 200: z.object({ period: z.string(), buckets: z.array(z.object({ key: z.string(), from: z.number(), count: z.number(), bytes: z.number() })) }) },
      },
      handler: async (req) => app.recordings.calendar(req.actor!, { year: req.query.year, month: req.query.month, unitId: req.query.unit }, requestMeta(req)),
    });

    server.get('/api/recordings/timeliness', {
      config: { auth: 'user' },
      schema: {
        tags: ['recordings'],
        summary: 'R-24H: imports late and on time against their profile deadline, per unit and per officer, for recordings started in [from, to)',
        querystring: z.object({ from: instant, to: instant, unit: z.uuid().optional() }),
        response: {
          200: z.object({
            from: z.number(),
            to: z.number(),
            byUnit: z.array(z.object({ unitId: z.string(), late: z.number(), onTime: z.number(), unknown: z.number() })),
            byOfficer: z.array(z.object({ officerId: z.string().nullable(), officerBadge: z.string().nullable(), late: z.number(), onTime: z.number(), unknown: z.number() })),
          }),
        },
      },
      handler: async (req) => app.recordings.timeliness(req.actor!, { from: req.query.from, to: req.query.to, unitId: req.query.unit }, requestMeta(req)),
    });

    server.get('/api/recordings/:id', {
      config: { auth: 'user' },
      schema: { tags: ['recordings'], summary: 'Every stored fact of a recording', params: IdParams, response: { 200: RecordingDetail } },
      handler: async (req) => app.recordings.detail(req.actor!, req.params.id, requestMeta(req)),
    });

    server.patch('/api/recordings/:id', {
      config: { auth: 'user' },
      schema: {
        tags: ['recordings'],
        summary: 'Change descriptive metadata (never the original or its facts); audited',
        params: IdParams,
        body: z.object({ title: z.string().max(200).nullable().optional(), description: z.string().max(4000).nullable().optional(), reason: z.string().max(500).optional() }),
        response: { 200: RecordingDetail },
      },
      handler: async (req) => app.recordings.updateMetadata(req.actor!, req.params.id, req.body, req.body.reason, requestMeta(req)),
    });

    server.get('/api/recordings/:id/content', {
      config: { auth: 'user' },
      schema: {
        tags: ['recordings'],
        summary: 'Play: the browser-playable stream (proxy, or the original when it plays as is); HTTP Range; needs an approved `view` grant (403 without); every use registered',
        params: IdParams,
      },
      handler: async (req, reply) => sendContent(req, req.params.id, reply, 'play'),
    });

    server.get('/api/recordings/:id/original', {
      config: { auth: 'user' },
      schema: {
        tags: ['recordings'],
        summary: 'Download the original, byte for byte (Digest header); HTTP Range; needs an approved `download` grant (403 without); every use registered',
        params: IdParams,
      },
      handler: async (req, reply) => sendContent(req, req.params.id, reply, 'download'),
    });

    server.put('/api/recordings/:id/sensitivity', {
      config: { auth: 'user' },
      schema: {
        tags: ['recordings'],
        summary: 'Mark a recording as involving privacy (1), commercial secrets (2) or state secrets (3), or clear it (0); hidden from anyone below that clearance; audited',
        params: IdParams,
        body: z.object({ level: z.number().int().min(0).max(3), reason: z.string().min(1).max(500) }),
        response: { 200: RecordingDetail },
      },
      handler: async (req) => app.recordings.setSensitivity(req.actor!, req.params.id, req.body.level as 0 | 1 | 2 | 3, req.body.reason, requestMeta(req)),
    });

    server.get('/api/recordings/:id/thumbnails', {
      config: { auth: 'user' },
      schema: { tags: ['recordings'], summary: 'Thumbnail strip (JPEG, 10 frames side by side)', params: IdParams },
      handler: async (req, reply) => {
        const p = await app.recordings.thumbnails(req.actor!, req.params.id, requestMeta(req));
        return reply.type('image/jpeg').header('Cache-Control', 'private, max-age=3600').send(createReadStream(p));
      },
    });
  };
}
