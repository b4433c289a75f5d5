import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';

const Overview = z.object({
  at: z.number(),
  unitId: z.string(),
  timeZone: z.string(),
  days: z.number(),
  from: z.number(),
  to: z.number(),
  recordings: z.object({ perDay: z.array(z.object({ date: z.string(), from: z.number(), recordings: z.number(), hours: z.number() })), total: z.number(), hours: z.number() }).nullable(),
  timeliness: z.object({ onTime: z.number(), late: z.number(), unknown: z.number(), onTimeRate: z.number().nullable() }).nullable(),
  devices: z.object({ total: z.number(), inStore: z.number(), issued: z.number(), overdue: z.number(), faulty: z.number(), inRepair: z.number(), retired: z.number() }).nullable(),
  approvals: z.object({ accessRequests: z.number().nullable(), workRecords: z.number().nullable(), deletionBatches: z.number().nullable() }).nullable(),
  storage: z.object({ recordings: z.number(), bytes: z.number(), expiredRecordings: z.number(), bytesToFree: z.number() }).nullable(),
  workRecords: z
    .object({
      total: z.number(),
      byKind: z.object({ interrupted: z.number(), notRecorded: z.number() }),
      byStatus: z.object({ pending: z.number(), approved: z.number(), rejected: z.number() }),
      byReason: z.array(z.object({ kind: z.enum(['interrupted', 'not_recorded']), reason: z.string(), count: z.number() })),
      byOfficer: z.array(z.object({ officerId: z.string(), count: z.number() })),
    })
    .nullable()
    .describe('work records (interrupted, not recorded) that occurred in the period, by kind, decision, reason and officer'),
});

/** Supervision: the overview of a unit subtree (R-STATS). */
export function supervisionRoutes(app: App): FastifyPluginAsync {
  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();

    server.get('/api/overview', {
      config: { auth: 'user' },
      schema: {
        tags: ['supervision'],
        summary: 'Overview of a unit subtree: recordings and hours per local day, on-time imports, devices, pending approvals, storage kept and to be freed, work records by kind, decision, reason and officer; sections your roles do not reach are null',
        querystring: z.object({ unit: z.uuid().optional().describe('unit id: this unit and every unit below it (default: yours)'), days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: { 200: Overview },
      },
      handler: async (req) => app.overview.overview(req.actor!, { unitId: req.query.unit, days: req.query.days }, requestMeta(req)),
    });
  };
}
