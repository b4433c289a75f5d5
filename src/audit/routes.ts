import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';
import { NotFound } from '../platform/errors.js';

const Head = z.object({ size: z.number(), root: z.string(), timestamp: z.number(), signature: z.string(), publicKey: z.string(), keyId: z.string() });

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
        summary: 'RFC 6962 inclusion proof of ledger entry `seq` (1-based) against the latest signed head, or `treeSize`',
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
        summary: 'Ledger entries in order, with their exact leaf bytes (base64)',
        querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ items: z.array(z.object({ seq: z.number(), at: z.number(), action: z.string(), actorId: z.string().nullable(), subjectType: z.string().nullable(), subjectId: z.string().nullable(), leaf: z.string(), entry: z.unknown() })) }) },
      },
      handler: async (req) => {
        await allowed(req);
        const rows = await app.auditRepo.entriesPage(req.query.after, req.query.limit);
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
  };
}
