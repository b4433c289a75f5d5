import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';
import { REASON_ID, REQUEST_ACTIONS } from './reasons.js';

const Person = z.object({ id: z.string(), username: z.string(), displayName: z.string() });
const Label = z.object({ zh: z.string(), en: z.string() });
const RequestView = z.object({
  id: z.string(),
  requester: Person.extend({ badge: z.string().nullable() }),
  action: z.enum(REQUEST_ACTIONS),
  reason: z.string().describe('a reason id of the list that governed the request (GET /api/access-reasons)'),
  reasonLabel: Label.nullable().describe('the reason as that list named it when the request was made'),
  reasonText: z.string().nullable(),
  case: z
    .object({ id: z.string(), number: z.string().nullable(), title: z.string().nullable() })
    .nullable()
    .describe('set when the request asked for all of a case’s recordings; number and title are null when you may not see the case'),
  state: z.enum(['pending', 'approved', 'expired', 'revoked', 'rejected', 'withdrawn']),
  requestedAt: z.number(),
  requestedUntil: z.number().nullable(),
  decidedBy: Person.nullable(),
  decidedAt: z.number().nullable(),
  decisionReason: z.string().nullable(),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  revokedBy: Person.nullable(),
  revokeReason: z.string().nullable(),
  recordings: z.array(z.object({ id: z.string(), originalName: z.string(), unitId: z.string(), startedAt: z.number(), deviceSerial: z.string().nullable(), officerBadge: z.string().nullable(), granted: z.boolean() })),
  hiddenRecordings: z.number().describe('recordings of the request you may not know about (counted, never named)'),
});
const IdParams = z.object({ id: z.uuid() });
const ReasonId = z.string().regex(REASON_ID, 'a reason id (snake_case)');
const UUID_LIST = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}){0,499}$/i;
const instant = z.coerce.number().int().describe('UTC epoch milliseconds');

export function accessRoutes(app: App): FastifyPluginAsync {
  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();

    server.post('/api/access-requests', {
      config: { auth: 'user' },
      schema: {
        tags: ['access'],
        summary:
          'Ask for access to recordings — named, or all of a case’s that you may know about — to view (play), download (copy of the original), export or delete, with a reason from the governing regulation’s list; an approver decides',
        body: z
          .object({
            recordingIds: z.array(z.uuid()).min(1).max(500).optional().describe('the recordings; or give caseId instead'),
            caseId: z.uuid().optional().describe('ask for every recording now linked to this case that you may know about (others are left out unnamed)'),
            action: z.enum(REQUEST_ACTIONS),
            reason: ReasonId.describe('a reason id from GET /api/access-reasons (400 reason_not_allowed otherwise)'),
            reasonText: z.string().max(1000).optional().describe('required for "other" and for reasons whose list asks for words'),
            until: z.number().int().optional().describe('requested end of access, UTC epoch ms'),
          })
          .refine((b) => (b.recordingIds === undefined) !== (b.caseId === undefined), { message: 'give either recordingIds or caseId' }),
        response: { 201: RequestView },
      },
      handler: async (req, reply) => reply.status(201).send(await app.access.request(req.actor!, req.body, requestMeta(req))),
    });

    server.get('/api/access-requests', {
      config: { auth: 'user' },
      schema: {
        tags: ['access'],
        summary: 'Access requests: `mine` (yours), `inbox` (pending ones you may decide), `all` (touching recordings of your units); newest first',
        querystring: z.object({
          scope: z.enum(['mine', 'inbox', 'all']).default('mine'),
          state: z.enum(['pending', 'approved', 'expired', 'revoked', 'rejected', 'withdrawn']).optional(),
          before: instant.optional().describe('paging: requestedAt of the last item of the previous page'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(RequestView), nextBefore: z.number().nullable() }) },
      },
      handler: async (req) => app.access.list(req.actor!, req.query, requestMeta(req)),
    });

    server.get('/api/access-reasons', {
      config: { auth: 'user' },
      schema: {
        tags: ['access'],
        summary:
          'The reasons a request for these recordings (or this case’s) may give: the list of the regulation profile assigned to their units’ tree, else the fixed list (complaint, reconsideration/litigation, quality assessment, court/procuratorate, case handling); across units, those all allow; "other" (with words) always',
        querystring: z
          .object({
            recordings: z.string().regex(UUID_LIST, '1–500 recording ids, comma-separated').optional().describe('comma-separated recording ids (at most 500)'),
            case: z.uuid().optional(),
          })
          .refine((q) => (q.recordings === undefined) !== (q.case === undefined), { message: 'give either recordings or case' }),
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.string(), label: Label, requiresText: z.boolean() })),
            profiles: z.array(z.string()).describe('the profiles (id@version) whose lists apply; empty: the fixed list'),
          }),
        },
      },
      handler: async (req) => app.access.reasons(req.actor!, { recordingIds: req.query.recordings?.split(','), caseId: req.query.case }, requestMeta(req)),
    });

    server.get('/api/access-requests/:id', {
      config: { auth: 'user' },
      schema: { tags: ['access'], summary: 'One access request', params: IdParams, response: { 200: RequestView } },
      handler: async (req) => app.access.get(req.actor!, req.params.id, requestMeta(req)),
    });

    server.get('/api/access-requests/:id/form.pdf', {
      config: { auth: 'user' },
      schema: {
        tags: ['access'],
        summary:
          'The retrieval form (《行政执法全过程记录调用单》) of a request as a PDF (application/pdf, Chinese fonts embedded): requester, reason, decision, recordings, every use (查阅时间) with its ledger entry, and a signed tree head; the print is audited. Same visibility as GET /api/access-requests/{id}',
        params: IdParams,
      },
      handler: async (req, reply) => {
        const form = await app.access.retrievalForm(req.actor!, req.params.id, requestMeta(req), { timeZone: app.config.timeZone });
        return reply
          .type('application/pdf')
          .header('Content-Disposition', `inline; filename="${form.fileName}"`)
          .header('Cache-Control', 'private, no-store')
          .send(form.pdf);
      },
    });

    server.post('/api/access-requests/:id/approve', {
      config: { auth: 'user' },
      schema: {
        tags: ['access'],
        summary: 'Approve (optionally only some of its recordings, and until a given time); never your own request (403); may need a dynamic password (X-Custodia-OTP)',
        params: IdParams,
        body: z
          .object({
            recordingIds: z.array(z.uuid()).min(1).max(500).optional().describe('narrow the approval to these recordings'),
            expiresAt: z.number().int().optional().describe('end of the grant, UTC epoch ms (default: the site setting)'),
            reason: z.string().max(1000).optional(),
          })
          .default({}),
        response: { 200: RequestView },
      },
      handler: async (req) => app.access.approve(req.actor!, req.params.id, req.body, requestMeta(req)),
    });

    server.post('/api/access-requests/:id/reject', {
      config: { auth: 'user' },
      schema: { tags: ['access'], summary: 'Reject with a reason', params: IdParams, body: z.object({ reason: z.string().min(1).max(1000) }), response: { 200: RequestView } },
      handler: async (req) => app.access.reject(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });

    server.post('/api/access-requests/:id/withdraw', {
      config: { auth: 'user' },
      schema: { tags: ['access'], summary: 'Take back your own request before it is decided', params: IdParams, response: { 200: RequestView } },
      handler: async (req) => app.access.withdraw(req.actor!, req.params.id, requestMeta(req)),
    });

    server.post('/api/access-requests/:id/revoke', {
      config: { auth: 'user' },
      schema: { tags: ['access'], summary: 'End an approved grant now, with a reason', params: IdParams, body: z.object({ reason: z.string().min(1).max(1000) }), response: { 200: RequestView } },
      handler: async (req) => app.access.revoke(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });

    server.get('/api/access-register', {
      config: { auth: 'user' },
      schema: {
        tags: ['access'],
        summary: 'The access register (查阅登记): every use of a grant — who, which recording, when, why — newest first',
        querystring: z.object({
          user: z.uuid().optional(),
          recording: z.uuid().optional(),
          from: instant.optional(),
          to: instant.optional(),
          before: instant.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                at: z.number(),
                action: z.string(),
                served: z.string(),
                sha256: z.string(),
                range: z.string().nullable(),
                ip: z.string().nullable(),
                ledgerSeq: z.number(),
                recording: z.object({ id: z.string(), originalName: z.string(), unitId: z.string() }),
                user: Person,
                requestId: z.string().nullable(),
                reason: z.string().nullable(),
                reasonText: z.string().nullable(),
              }),
            ),
          }),
        },
      },
      handler: async (req) => {
        const q = req.query;
        const rows = await app.access.register(req.actor!, { userId: q.user, recordingId: q.recording, from: q.from, to: q.to, before: q.before, limit: q.limit }, requestMeta(req));
        return {
          items: rows.map((r) => ({
            id: r.id,
            at: r.at,
            action: r.action,
            served: r.served_kind,
            sha256: r.sha256,
            range: r.byte_range,
            ip: r.ip,
            ledgerSeq: r.ledger_seq,
            recording: { id: r.recording_id, originalName: r.original_name, unitId: r.unit_id },
            user: { id: r.user_id, username: r.username, displayName: r.display_name },
            requestId: r.request_id,
            reason: r.reason_code,
            reasonText: r.reason_text,
          })),
        };
      },
    });
  };
}
