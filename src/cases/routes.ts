import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';

const instant = z.number().int().describe('UTC epoch milliseconds');
const CaseView = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.enum(['case', 'activity']),
  title: z.string(),
  caseType: z.string().nullable(),
  unitId: z.string(),
  supervisedParty: z.string().nullable(),
  officerIds: z.array(z.string()),
  documentsStartedAt: z.number().nullable(),
  documentsEndedAt: z.number().nullable(),
  status: z.enum(['open', 'closed']),
  closedAt: z.number().nullable(),
  fileRetentionUntil: z.number().nullable(),
  fileRetentionPermanent: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const WorkRecord = z.object({
  id: z.string(),
  kind: z.enum(['interrupted', 'not_recorded']),
  caseId: z.string().nullable(),
  recordingId: z.string().nullable(),
  officerId: z.string(),
  unitId: z.string(),
  occurredAt: z.number(),
  activity: z.string().nullable(),
  reason: z.string(),
  reasonText: z.string().nullable(),
  statedOnRestart: z.boolean().nullable(),
  legalBasis: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  decisionReason: z.string().nullable(),
  filedBy: z.string(),
  filedAt: z.number(),
});
const ReasonId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/)
  .max(64)
  .describe('an id from GET /api/work-records/reasons: the list of the regulation profile governing the officer’s unit (`other` needs `reasonText`)');
const ReasonChoice = z.object({ id: z.string(), label: z.object({ zh: z.string(), en: z.string() }), basis: z.string().nullable().describe('the article of the governing regulation') });
const Finding = z.object({ code: z.string() }).catchall(z.unknown());
const CaseDetail = CaseView.extend({
  recordings: z.array(
    z.object({
      id: z.string(),
      originalName: z.string(),
      deviceSerial: z.string().nullable(),
      officerBadge: z.string().nullable(),
      officerId: z.string().nullable(),
      deviceStartedAt: z.number().nullable(),
      deviceEndedAt: z.number().nullable(),
      startedAt: z.number(),
      endedAt: z.number().nullable(),
      durationMs: z.number().nullable(),
      playable: z.boolean(),
      linkedAt: z.number(),
      linkedBy: z.string().nullable(),
      note: z.string().nullable(),
    }),
  ),
  hiddenRecordings: z.number(),
  consistency: z.object({
    documents: z.object({ start: z.number(), end: z.number() }).nullable(),
    documentMs: z.number(),
    coveredMs: z.number(),
    coverage: z.number(),
    gaps: z.array(z.object({ start: z.number(), end: z.number() })),
    overlaps: z.array(z.object({ a: z.string(), b: z.string(), start: z.number(), end: z.number() })),
    startOffsetMs: z.number().nullable(),
    endOffsetMs: z.number().nullable(),
    findings: z.array(Finding),
    consistent: z.boolean(),
  }),
  workRecords: z.array(WorkRecord),
});
const IdParams = z.object({ id: z.uuid() });
const CaseFields = {
  number: z.string().min(1).max(64),
  title: z.string().min(1).max(200),
  caseType: z.string().max(100).nullable().optional(),
  supervisedParty: z.string().max(200).nullable().optional().describe('被监督单位名称'),
  officerIds: z.array(z.uuid()).max(50).optional(),
  documentsStartedAt: instant.nullable().optional().describe('start the written documents record'),
  documentsEndedAt: instant.nullable().optional().describe('end the written documents record'),
  fileRetentionUntil: instant.nullable().optional().describe('case-file retention end'),
  fileRetentionPermanent: z.boolean().optional(),
};

export function caseRoutes(app: App): FastifyPluginAsync {
  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();

    server.post('/api/cases', {
      config: { auth: 'user' },
      schema: { tags: ['cases'], summary: 'Open a case or enforcement activity', body: z.object({ ...CaseFields, kind: z.enum(['case', 'activity']).default('case'), unitId: z.uuid() }), response: { 201: CaseDetail } },
      handler: async (req, reply) => reply.status(201).send(await app.cases.create(req.actor!, req.body, requestMeta(req))),
    });

    server.get('/api/cases', {
      config: { auth: 'user' },
      schema: {
        tags: ['cases'],
        summary: 'Cases of your unit subtree, newest first',
        querystring: z.object({
          unit: z.uuid().optional(),
          status: z.enum(['open', 'closed']).optional(),
          q: z.string().max(100).optional().describe('number or title'),
          party: z.string().max(100).optional().describe('supervised party'),
          officer: z.uuid().optional(),
          from: z.coerce.number().int().optional(),
          to: z.coerce.number().int().optional(),
          beforeCreatedAt: z.coerce.number().int().optional(),
          beforeId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(CaseView), nextBefore: z.object({ createdAt: z.number(), id: z.string() }).nullable() }) },
      },
      handler: async (req) => {
        const q = req.query;
        return app.cases.list(
          req.actor!,
          { unitId: q.unit, status: q.status, text: q.q, party: q.party, officerId: q.officer, from: q.from, to: q.to, before: q.beforeCreatedAt !== undefined && q.beforeId ? { createdAt: q.beforeCreatedAt, id: q.beforeId } : undefined, limit: q.limit },
          requestMeta(req),
        );
      },
    });

    server.get('/api/cases/:id', {
      config: { auth: 'user' },
      schema: { tags: ['cases'], summary: 'A case with its linked recordings, the time-consistency check against its documents, and its work records', params: IdParams, response: { 200: CaseDetail } },
      handler: async (req) => app.cases.detail(req.actor!, req.params.id, requestMeta(req)),
    });

    server.patch('/api/cases/:id', {
      config: { auth: 'user' },
      schema: {
        tags: ['cases'],
        summary: 'Change a case, close or reopen it; audited with before/after',
        params: IdParams,
        body: z.object({ ...CaseFields, number: CaseFields.number.optional(), title: CaseFields.title.optional(), status: z.enum(['open', 'closed']).optional(), reason: z.string().max(500).optional() }),
        response: { 200: CaseDetail },
      },
      handler: async (req) => {
        const { reason, ...changes } = req.body;
        return app.cases.update(req.actor!, req.params.id, changes, reason ?? null, requestMeta(req));
      },
    });

    server.post('/api/cases/:id/recordings', {
      config: { auth: 'user' },
      schema: { tags: ['cases'], summary: 'Link recordings to the case', params: IdParams, body: z.object({ recordingIds: z.array(z.uuid()).min(1).max(500), note: z.string().max(500).optional() }), response: { 200: CaseDetail } },
      handler: async (req) => app.cases.link(req.actor!, req.params.id, req.body.recordingIds, req.body.note ?? null, requestMeta(req)),
    });

    server.delete('/api/cases/:id/recordings/:recordingId', {
      config: { auth: 'user' },
      schema: { tags: ['cases'], summary: 'Unlink a recording, with a reason', params: z.object({ id: z.uuid(), recordingId: z.uuid() }), body: z.object({ reason: z.string().min(1).max(500) }), response: { 200: CaseDetail } },
      handler: async (req) => app.cases.unlink(req.actor!, req.params.id, req.params.recordingId, req.body.reason, requestMeta(req)),
    });

    server.post('/api/work-records', {
      config: { auth: 'user' },
      schema: {
        tags: ['cases'],
        summary: 'File a work record: a recording interrupted, or not made at all (R-INTERRUPT); the head decides',
        body: z.discriminatedUnion('kind', [
          z.object({
            kind: z.literal('interrupted'),
            reason: ReasonId,
            statedOnRestart: z.boolean().describe('the reason was stated aloud when recording resumed'),
            recordingId: z.uuid().optional(),
            caseId: z.uuid().optional(),
            officerId: z.uuid().optional(),
            occurredAt: instant,
            activity: z.string().max(200).optional(),
            reasonText: z.string().max(1000).optional(),
          }),
          z.object({
            kind: z.literal('not_recorded'),
            reason: ReasonId,
            legalBasis: z.string().min(1).max(500),
            caseId: z.uuid().optional(),
            officerId: z.uuid().optional(),
            occurredAt: instant,
            activity: z.string().max(200).optional(),
            reasonText: z.string().max(1000).optional(),
          }),
        ]),
        response: { 201: WorkRecord },
      },
      handler: async (req, reply) => reply.status(201).send(await app.cases.fileWorkRecord(req.actor!, req.body, requestMeta(req))),
    });

    server.get('/api/work-records/reasons', {
      config: { auth: 'user' },
      schema: {
        tags: ['cases'],
        summary: 'The reasons a work record may give for an officer (you by default): the interruption reasons and exemptions of the regulation profile governing their unit',
        querystring: z.object({ officer: z.uuid().optional() }),
        response: { 200: z.object({ profile: z.string().nullable().describe('`id@version` of the governing profile'), interrupted: z.array(ReasonChoice), notRecorded: z.array(ReasonChoice) }) },
      },
      handler: async (req) => app.cases.workRecordReasons(req.actor!, req.query.officer, requestMeta(req)),
    });

    server.get('/api/work-records', {
      config: { auth: 'user' },
      schema: {
        tags: ['cases'],
        summary: 'Work records of your unit subtree (officers: their own)',
        querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional(), officer: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(WorkRecord) }) },
      },
      handler: async (req) => ({ items: await app.cases.listWorkRecords(req.actor!, { status: req.query.status, officerId: req.query.officer, limit: req.query.limit }, requestMeta(req)) }),
    });

    server.post('/api/work-records/:id/decision', {
      config: { auth: 'user' },
      schema: { tags: ['cases'], summary: 'The head approves or rejects a work record', params: IdParams, body: z.object({ approve: z.boolean(), reason: z.string().max(1000).optional() }), response: { 200: WorkRecord } },
      handler: async (req) => app.cases.decideWorkRecord(req.actor!, req.params.id, req.body.approve, req.body.reason ?? null, requestMeta(req)),
    });
  };
}
