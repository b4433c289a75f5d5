import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';
import { NotFound } from '../platform/errors.js';
import { visibleEntries } from './visible-entries.js';

const Head = z.object({ size: z.number(), root: z.string(), timestamp: z.number(), signature: z.string(), publicKey: z.string(), keyId: z.string() });
const Problem = z.object({ kind: z.string(), location: z.string(), message: z.string() });
const VerifyJob = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  startedAt: z.number(),
  startedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  finishedAt: z.number().nullable(),
  progress: z.object({
    phase: z.enum(['starting', 'ledger', 'blobs']),
    ledger: z.object({ done: z.number(), total: z.number() }),
    blobs: z.object({ done: z.number(), total: z.number() }).nullable(),
  }),
  result: z
    .object({
      ok: z.boolean(),
      ledger: z.object({ entries: z.number(), heads: z.number(), unsignedEntries: z.number() }),
      blobs: z.object({ checked: z.number(), bytes: z.number() }),
      tombstones: z.number(),
      problemCount: z.number(),
      problems: z.array(Problem).describe('the first 100'),
      noticeCount: z.number(),
      notices: z.array(Problem).describe('the first 100'),
    })
    .nullable(),
  error: z.string().nullable(),
});

export function auditRoutes(app: App): FastifyPluginAsync {
  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();
    const allowed = (req: FastifyRequest) => app.authz.require(req.actor!, 'audit.read', null, requestMeta(req));
    // Tree heads and proofs reveal no entry's content: every role may check the ledger's integrity.
    const verifying = (req: FastifyRequest) => app.authz.require(req.actor!, 'audit.verify', null, requestMeta(req));

    server.get('/api/audit/head', {
      config: { auth: 'user' },
      schema: { tags: ['audit'], summary: 'The latest signed tree head of the audit ledger', response: { 200: Head } },
      handler: async (req) => {
        await verifying(req);
        return app.ledger.signHead();
      },
    });

    server.get('/api/audit/proof/:seq', {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'RFC 6962 inclusion proof of ledger entry `seq` (1-based) against the latest signed head, or `treeSize`; hashes only, so every role may check any entry, listed to them or not',
        params: z.object({ seq: z.coerce.number().int().min(1) }),
        querystring: z.object({ treeSize: z.coerce.number().int().min(1).optional() }),
        response: { 200: z.object({ seq: z.number(), leafIndex: z.number(), treeSize: z.number(), leafHash: z.string(), path: z.array(z.string()), root: z.string() }) },
      },
      handler: async (req) => {
        await verifying(req);
        if (req.query.treeSize === undefined) await app.ledger.signHead();
        // A tree larger than the ledger has no nodes to prove from: not found, not a server error.
        else if (req.query.treeSize > (await app.ledger.state()).size) throw NotFound('tree_size_not_found', `the ledger has fewer than ${req.query.treeSize} entries`);
        const proof = await app.ledger.inclusionProof(req.params.seq, req.query.treeSize);
        if (!proof) throw NotFound('ledger_entry_not_found', `no entry ${req.params.seq} in a tree of that size`);
        return proof;
      },
    });

    server.get('/api/audit/consistency', {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'RFC 6962 consistency proof between two tree sizes',
        querystring: z.object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0) }),
        response: { 200: z.object({ fromSize: z.number(), toSize: z.number(), fromRoot: z.string(), toRoot: z.string(), path: z.array(z.string()) }) },
      },
      handler: async (req) => {
        await verifying(req);
        const proof = await app.ledger.consistencyProof(req.query.from, req.query.to);
        if (!proof) throw NotFound('tree_size_not_found', 'sizes must satisfy 0 ≤ from ≤ to ≤ current size');
        return proof;
      },
    });

    server.get('/api/audit/entries', {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Ledger entries in order, with their exact leaf bytes (base64); entries about recordings, devices, people, cases… the reader may not know about (outside their unit subtree, or above their clearance) are not listed',
        querystring: z.object({
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          order: z.enum(['asc', 'desc']).default('asc').describe('desc: newest first, paged with `before`'),
          before: z.coerce.number().int().min(1).optional().describe('with order=desc: entries before this seq'),
          action: z.string().max(100).optional().describe('exact action, or a prefix ending in * (recording.*)'),
          actor: z.uuid().optional().describe("the actor's user id"),
          subjectType: z.string().max(64).optional(),
          subjectId: z.string().max(200).optional(),
          from: z.coerce.number().int().optional().describe('at ≥ from (UTC epoch ms)'),
          to: z.coerce.number().int().optional().describe('at < to (UTC epoch ms)'),
        }),
        response: { 200: z.object({ items: z.array(z.object({ seq: z.number(), at: z.number(), action: z.string(), actorId: z.string().nullable(), subjectType: z.string().nullable(), subjectId: z.string().nullable(), leaf: z.string(), entry: z.unknown() })) }) },
      },
      handler: async (req) => {
        await allowed(req);
        const q = req.query;
        const actor = req.actor!;
        // Only what the reader may know about: entries naming a recording outside their unit subtree or above their clearance (or a device, person, case… outside the subtree) are left out.
        const rows = await visibleEntries(app.db, { unitIds: await app.authz.subtreeIds(actor.unitId), clearance: actor.clearance }, {
          action: q.action,
          actorId: q.actor,
          subjectType: q.subjectType,
          subjectId: q.subjectId,
          from: q.from,
          to: q.to,
          order: q.order,
          after: q.order === 'asc' ? q.after : undefined,
          before: q.order === 'desc' ? q.before : undefined,
          limit: q.limit,
        });
        return {
          items: rows.map((r) => ({
            seq: r.seq,
            at: r.at,
            action: r.action,
            actorId: r.actor_id,
            subjectType: r.subject_type,
            subjectId: r.subject_id,
            leaf: Buffer.from(r.leaf).toString('base64'),
            entry: JSON.parse(Buffer.from(r.leaf).toString('utf8')) as unknown,
          })),
        };
      },
    });

    server.get('/api/audit/heads', {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Signed tree heads the site has issued, newest first (each can be checked against the site key)',
        querystring: z.object({ beforeSize: z.coerce.number().int().min(1).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ items: z.array(Head) }) },
      },
      handler: async (req) => {
        await verifying(req);
        const keys = new Map((await app.auditRepo.siteKeys()).map((k) => [k.key_id, k.public_key]));
        const rows = await app.auditRepo.heads({ beforeSize: req.query.beforeSize, limit: req.query.limit });
        return {
          items: rows.map((h) => ({
            size: h.size,
            root: Buffer.from(h.root).toString('hex'),
            timestamp: h.signed_at,
            signature: Buffer.from(h.signature).toString('base64'),
            publicKey: keys.get(h.key_id) ?? '',
            keyId: h.key_id,
          })),
        };
      },
    });

    server.post('/api/audit/verify', {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Start verifying the whole site in the background (every ledger entry, signed head and original, as `custodia verify`); one at a time (409 verification_running)',
        response: { 202: VerifyJob },
      },
      handler: async (req, reply) => {
        await allowed(req);
        return reply.status(202).send(app.verification.start({ id: req.actor!.id, name: req.actor!.username }));
      },
    });

    server.get('/api/audit/verify', {
      config: { auth: 'user' },
      schema: { tags: ['audit'], summary: "The running or last verification of this server process: progress, then the result", response: { 200: z.object({ job: VerifyJob.nullable() }) } },
      handler: async (req) => {
        await allowed(req);
        return { job: app.verification.current() };
      },
    });
  };
}
