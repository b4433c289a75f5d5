import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';
import { ROLE_IDS } from './roles.js';
import { AuthoritySettingsSchema } from './site-settings.js';

const Unit = z.object({ id: z.string(), code: z.string(), name: z.string(), parentId: z.string().nullable(), depth: z.number(), createdAt: z.number() });
const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLE_IDS)),
  unitId: z.string(),
  badge: z.string().nullable(),
  clearance: z.number(),
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  totpEnrolled: z.boolean(),
  createdAt: z.number(),
  deactivatedAt: z.number().nullable(),
});
const IdParams = z.object({ id: z.uuid() });
const Clearance = z.number().int().min(0).max(3).describe('0 none · 1 privacy · 2 commercial secret · 3 state secret');
const Reason = z.object({ reason: z.string().min(1).max(500) });

/** Units, people and site settings: the administrator's desk (R-ORG, R-ROLES). */
export function directoryRoutes(app: App): FastifyPluginAsync {
  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();

    server.get('/api/units', {
      config: { auth: 'user' },
      schema: { tags: ['directory'], summary: 'Your unit and every unit below it', response: { 200: z.object({ items: z.array(Unit) }) } },
      handler: async (req) => ({ items: await app.identity.listUnits(req.actor!, requestMeta(req)) }),
    });

    server.post('/api/units', {
      config: { auth: 'user' },
      schema: {
        tags: ['directory'],
        summary: 'Add a unit under a parent (county bureau → station → team)',
        body: z.object({ code: z.string().min(1).max(64), name: z.string().min(1).max(100), parentId: z.uuid() }),
        response: { 201: Unit },
      },
      handler: async (req, reply) => {
        const u = await app.identity.addUnit({ code: req.body.code, name: req.body.name, parentId: req.body.parentId }, req.actor, requestMeta(req));
        return reply.status(201).send({ id: u.id, code: u.code, name: u.name, parentId: u.parent_id, depth: await app.units.depth(u.id), createdAt: u.created_at });
      },
    });

    server.patch('/api/units/:id', {
      config: { auth: 'user' },
      schema: { tags: ['directory'], summary: 'Rename a unit (units never move or disappear)', params: IdParams, body: z.object({ name: z.string().min(1).max(100) }), response: { 200: Unit } },
      handler: async (req) => app.identity.renameUnit(req.actor!, req.params.id, req.body.name, requestMeta(req)),
    });

    server.get('/api/users', {
      config: { auth: 'user' },
      schema: {
        tags: ['directory'],
        summary: 'People in your unit subtree',
        querystring: z.object({ unit: z.uuid().optional(), q: z.string().max(100).optional(), role: z.enum(ROLE_IDS).optional(), inactive: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ items: z.array(User) }) },
      },
      handler: async (req) => ({
        items: await app.identity.listUsers(req.actor!, { unitId: req.query.unit, text: req.query.q, role: req.query.role, includeInactive: req.query.inactive === 'true' }, requestMeta(req)),
      }),
    });

    server.get('/api/users/:id', {
      config: { auth: 'user' },
      schema: { tags: ['directory'], summary: 'One person', params: IdParams, response: { 200: User } },
      handler: async (req) => app.identity.getUser(req.actor!, req.params.id, requestMeta(req)),
    });

    server.post('/api/users', {
      config: { auth: 'user' },
      schema: {
        tags: ['directory'],
        summary: 'Add a person; they must replace the initial password at first sign-in',
        body: z.object({
          username: z.string().min(2).max(64),
          password: z.string().min(1).max(1024),
          displayName: z.string().max(100).optional(),
          roles: z.array(z.enum(ROLE_IDS)).min(1),
          unitId: z.uuid(),
          badge: z.string().max(16).optional(),
          clearance: Clearance.optional(),
        }),
        response: { 201: User },
      },
      handler: async (req, reply) => {
        const b = req.body;
        const u = await app.identity.addUser({ ...b, clearance: b.clearance as 0 | 1 | 2 | 3 | undefined, mustChangePassword: true }, req.actor, requestMeta(req));
        return reply.status(201).send(await app.identity.getUser(req.actor!, u.id, requestMeta(req)));
      },
    });

    server.patch('/api/users/:id', {
      config: { auth: 'user' },
      schema: {
        tags: ['directory'],
        summary: "Change a person's name, roles, unit, badge or clearance (never your own authority); audited with before/after",
        params: IdParams,
        body: z.object({
          displayName: z.string().max(100).optional(),
          roles: z.array(z.enum(ROLE_IDS)).min(1).optional(),
          unitId: z.uuid().optional(),
          badge: z.string().max(16).nullable().optional(),
          clearance: Clearance.optional(),
          reason: z.string().max(500).optional(),
        }),
        response: { 200: User },
      },
      handler: async (req) => {
        const { reason, ...changes } = req.body;
        return app.identity.updateUser(req.actor!, req.params.id, { ...changes, clearance: changes.clearance as 0 | 1 | 2 | 3 | undefined }, reason ?? null, requestMeta(req));
      },
    });

    server.post('/api/users/:id/deactivate', {
      config: { auth: 'user' },
      schema: { tags: ['directory'], summary: 'Deactivate: sign-in refused, every session and token ends at once', params: IdParams, body: Reason, response: { 200: User } },
      handler: async (req) => app.identity.setActive(req.actor!, req.params.id, false, req.body.reason, requestMeta(req)),
    });

    server.post('/api/users/:id/reactivate', {
      config: { auth: 'user' },
      schema: { tags: ['directory'], summary: 'Reactivate a deactivated person', params: IdParams, body: Reason, response: { 200: User } },
      handler: async (req) => app.identity.setActive(req.actor!, req.params.id, true, req.body.reason, requestMeta(req)),
    });

    server.post('/api/users/:id/reset-password', {
      config: { auth: 'user' },
      schema: {
        tags: ['directory'],
        summary: 'Set a one-time password (returned once) the person must replace at next sign-in; ends their sessions',
        params: IdParams,
        body: Reason,
        response: { 200: z.object({ password: z.string() }) },
      },
      handler: async (req) => app.identity.resetPassword(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });

    server.post('/api/users/:id/reset-authenticator', {
      config: { auth: 'user' },
      schema: { tags: ['directory'], summary: "Remove a person's authenticator (lost phone); they enrol again", params: IdParams, body: Reason, response: { 200: User } },
      handler: async (req) => app.identity.resetTotp(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });

    server.get('/api/settings/authority', {
      config: { auth: 'user' },
      schema: { tags: ['settings'], summary: 'Authority settings: dynamic-password stages, sensitive approval level, grant durations', response: { 200: AuthoritySettingsSchema } },
      handler: async (req) => {
        await app.authz.require(req.actor!, 'settings.manage', null, requestMeta(req));
        return app.settings.authority();
      },
    });

    server.put('/api/settings/authority', {
      config: { auth: 'user' },
      schema: { tags: ['settings'], summary: 'Replace the authority settings (versioned in the ledger with before/after)', body: z.object({ settings: z.unknown(), reason: z.string().max(500).optional() }), response: { 200: AuthoritySettingsSchema } },
      handler: async (req) => {
        const meta = requestMeta(req);
        await app.authz.require(req.actor!, 'settings.manage', null, meta);
        return app.settings.setAuthority(req.body.settings, { id: req.actor!.id, name: req.actor!.username }, meta.ip, req.body.reason ?? null);
      },
    });
  };
}
