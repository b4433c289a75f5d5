import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';

const IdParams = z.object({ id: z.uuid() });
const Reason = z.object({ reason: z.string().min(1).max(1000) });
const Period = z.union([z.object({ months: z.number() }), z.object({ days: z.number() })]).nullable();
const ProfileSummary = z.object({
  id: z.string(),
  version: z.number(),
  name: z.object({ zh: z.string(), en: z.string() }),
  kind: z.enum(['regulation', 'practice', 'default']),
  origin: z.enum(['shipped', 'custom']),
  basedOn: z.string().nullable(),
  hash: z.string(),
  createdAt: z.number(),
  minimumRetention: Period,
  latest: z.boolean(),
});
const UnitProfile = z.object({ unitId: z.string(), assignedAt: z.string().nullable().describe('the unit whose assignment applies; null: the site default'), profileId: z.string(), profileVersion: z.number() });
const Facet = z.object({
  retainUntil: z.number().nullable(),
  retentionBasis: z.array(z.string()),
  longTerm: z.array(z.object({ id: z.string(), reasonId: z.string(), markedAt: z.number(), markedBy: z.string().nullable(), note: z.string().nullable() })),
  holds: z.array(z.object({ id: z.string(), reason: z.string(), reference: z.string().nullable(), placedAt: z.number(), placedBy: z.string().nullable() })),
  tombstone: z.object({ deletedAt: z.number(), batchId: z.string(), reason: z.string(), approvers: z.unknown() }).nullable(),
});
const BatchSummary = z.object({
  id: z.string(),
  kind: z.enum(['expired', 'non_work']),
  status: z.enum(['proposed', 'approved', 'rejected', 'restored', 'executed']),
  unitId: z.string(),
  reason: z.string().nullable(),
  recordings: z.number(),
  bytes: z.number(),
  proposedBy: z.string().nullable(),
  proposedAt: z.number(),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  decisionReason: z.string().nullable(),
  recoveryUntil: z.number().nullable().describe('until when an approved batch can be restored'),
  restoredBy: z.string().nullable(),
  restoredAt: z.number().nullable(),
  restoreReason: z.string().nullable(),
  executedAt: z.number().nullable(),
});
const Batch = BatchSummary.extend({
  items: z.array(z.object({ recordingId: z.string(), sha256: z.string(), size: z.number(), outcome: z.enum(['pending', 'deleted', 'kept']), keptReason: z.string().nullable() })),
});
const DryRun = z.object({
  at: z.number(),
  expired: z.number(),
  bytes: z.number(),
  byUnit: z.array(z.object({ unitId: z.string(), recordings: z.number(), bytes: z.number() })),
  inBatches: z.number(),
  recordings: z.array(z.object({ id: z.string(), unitId: z.string(), size: z.number(), endedAt: z.number().nullable(), retainUntil: z.number() })).describe('the first 500'),
});

/** Regulation profiles and retention (R-PROFILE, R-RETAIN, R-LONGTERM, R-DELETE). */
export function retentionRoutes(app: App): FastifyPluginAsync {
  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();

    server.get('/api/profiles', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Regulation profiles: every version, shipped and edited', response: { 200: z.object({ items: z.array(ProfileSummary) }) } },
      handler: async (req) => ({ items: await app.profiles.list(req.actor, requestMeta(req)) }),
    });

    server.get('/api/profiles/:id', {
      config: { auth: 'user' },
      schema: {
        tags: ['retention'],
        summary: 'One profile version in full (the latest when no version is given), with its content hash',
        params: z.object({ id: z.string().max(64) }),
        querystring: z.object({ version: z.coerce.number().int().min(1).optional() }),
      },
      handler: async (req) => app.profiles.get(req.actor!, req.params.id, req.query.version, requestMeta(req)),
    });

    server.post('/api/profiles', {
      config: { auth: 'user' },
      schema: {
        tags: ['retention'],
        summary: "Save an agency's edited profile as a new version (a shipped profile is copied under a new id); validated and audited",
        body: z.object({ profile: z.unknown(), basedOn: z.string().max(80).optional(), reason: z.string().max(1000).optional() }),
        response: { 201: ProfileSummary },
      },
      handler: async (req, reply) => reply.status(201).send(await app.profiles.saveEdited(req.actor, req.body.profile, req.body.basedOn ?? null, req.body.reason ?? null, requestMeta(req))),
    });

    server.get('/api/units/:id/profile', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'The profile version governing a unit (its own, its nearest ancestor’s, or the default)', params: IdParams, response: { 200: UnitProfile } },
      handler: async (req) => {
        await app.authz.require(req.actor!, 'retention.read', { type: 'unit', id: req.params.id, unitId: req.params.id }, requestMeta(req));
        return app.profiles.forUnit(req.params.id);
      },
    });

    server.put('/api/units/:id/profile', {
      config: { auth: 'user' },
      schema: {
        tags: ['retention'],
        summary: 'Select the profile for a unit tree (new recordings follow it; existing ones keep theirs)',
        params: IdParams,
        body: z.object({ profileId: z.string().max(64), version: z.number().int().min(1).optional(), reason: z.string().max(1000).optional() }),
        response: { 200: UnitProfile },
      },
      handler: async (req) => app.profiles.assign(req.actor, req.params.id, req.body.profileId, req.body.version, req.body.reason ?? null, requestMeta(req)),
    });

    server.post('/api/recordings/:id/long-term', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Mark for long-term preservation (长期保存) with one of its profile’s reasons', params: IdParams, body: z.object({ reasonId: z.string().max(64), note: z.string().max(1000).optional() }), response: { 200: Facet } },
      handler: async (req) => app.retention.markLongTerm(req.actor!, req.params.id, req.body.reasonId, req.body.note ?? null, requestMeta(req)),
    });

    server.post('/api/long-term-marks/:id/lift', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Lift a long-term mark (a reason is required)', params: IdParams, body: Reason, response: { 200: Facet } },
      handler: async (req) => app.retention.liftLongTerm(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });

    server.post('/api/recordings/:id/holds', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Place a legal hold: kept indefinitely until lifted', params: IdParams, body: z.object({ reason: z.string().min(1).max(1000), reference: z.string().max(200).optional() }), response: { 200: Facet } },
      handler: async (req) => app.retention.placeHold(req.actor!, req.params.id, req.body.reason, req.body.reference ?? null, requestMeta(req)),
    });

    server.post('/api/holds/:id/lift', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Lift a legal hold (a reason is required)', params: IdParams, body: Reason, response: { 200: Facet } },
      handler: async (req) => app.retention.liftHold(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });

    server.get('/api/retention/expired', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Dry run: what has expired now, per unit, and the bytes it would free, within what you may see (your unit subtree and clearance); nothing changes', querystring: z.object({ unit: z.uuid().optional() }), response: { 200: DryRun } },
      handler: async (req) => {
        const r = await app.retention.dryRun(req.actor, requestMeta(req), req.query.unit, { list: 500 });
        return { ...r, recordings: r.recordings.slice(0, 500).map((x) => ({ id: x.id, unitId: x.unit_id, size: x.size, endedAt: x.ended_at, retainUntil: x.retainUntil })) };
      },
    });

    server.post('/api/retention/batches', {
      config: { auth: 'user' },
      schema: {
        tags: ['retention'],
        summary: 'Propose deletion: every expired recording (one batch per unit), or named recordings that are not work (early deletion, R-DELETE)',
        body: z.discriminatedUnion('kind', [z.object({ kind: z.literal('expired'), unitId: z.uuid().optional() }), z.object({ kind: z.literal('non_work'), recordingIds: z.array(z.uuid()).min(1).max(500), reason: z.string().min(1).max(1000) })]),
        response: { 201: z.object({ batchIds: z.array(z.string()) }) },
      },
      handler: async (req, reply) => {
        const b = req.body;
        const ids = b.kind === 'expired' ? await app.retention.proposeExpired(req.actor, requestMeta(req), b.unitId) : [(await app.retention.proposeNonWork(req.actor!, b.recordingIds, b.reason, requestMeta(req))).id];
        return reply.status(201).send({ batchIds: ids });
      },
    });

    server.get('/api/retention/batches', {
      config: { auth: 'user' },
      schema: {
        tags: ['retention'],
        summary: 'Deletion batches of your unit subtree; approved ones in their recovery window are the administrators’ notice',
        querystring: z.object({ status: z.enum(['proposed', 'approved', 'rejected', 'restored', 'executed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(BatchSummary) }) },
      },
      handler: async (req) => ({ items: await app.retention.batches(req.actor!, req.query, requestMeta(req)) }),
    });

    server.get('/api/retention/batches/:id', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'A deletion batch with its recordings and their outcome', params: IdParams, response: { 200: Batch } },
      handler: async (req) => app.retention.batch(req.actor!, req.params.id, requestMeta(req)),
    });

    server.post('/api/retention/batches/:id/approve', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Approve a deletion batch (never your own proposal); it enters its recovery window; may need a dynamic password', params: IdParams, body: z.object({ reason: z.string().max(1000).optional() }).default({}), response: { 200: Batch } },
      handler: async (req) => app.retention.approve(req.actor!, req.params.id, req.body.reason ?? null, requestMeta(req)),
    });

    server.post('/api/retention/batches/:id/reject', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Reject a proposed deletion batch', params: IdParams, body: Reason, response: { 200: Batch } },
      handler: async (req) => app.retention.reject(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });

    server.post('/api/retention/batches/:id/restore', {
      config: { auth: 'user' },
      schema: { tags: ['retention'], summary: 'Restore an approved batch within its recovery window: nothing of it is deleted', params: IdParams, body: Reason, response: { 200: Batch } },
      handler: async (req) => app.retention.restore(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });
  };
}
