import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';
import { ALLOCATION_CLASSES } from './allocation.js';
import { DEVICE_STATUSES } from './loan-rules.js';
import { DEVICE_KINDS, FAULT_CAUSES, STORAGE_STATES } from './views.js';

const instant = z.number().int().describe('UTC epoch milliseconds');

const Person = z.object({ id: z.string(), username: z.string(), name: z.string(), badge: z.string().nullable() });

const Loan = z.object({
  id: z.string(),
  deviceId: z.string(),
  officer: Person.nullable(),
  officerId: z.string(),
  issuedBy: z.string().nullable(),
  issuedAt: z.number(),
  dueAt: z.number(),
  overdue: z.boolean(),
  issueNotes: z.string().nullable(),
  returnedAt: z.number().nullable(),
  receivedBy: z.string().nullable(),
  returnNotes: z.string().nullable(),
});

const Device = z.object({
  id: z.string(),
  code: z.string().describe('统一编号: the agency number'),
  serial: z.string().nullable().describe('the product serial the recorder stamps into file names'),
  model: z.string().nullable(),
  assetNumber: z.string().nullable(),
  kind: z.enum(DEVICE_KINDS),
  unitId: z.string(),
  keeperId: z.string().nullable(),
  status: z.enum(DEVICE_STATUSES),
  maintenanceIntervalDays: z.number().nullable(),
  maintenanceDueAt: z.number().nullable(),
  notes: z.string().nullable(),
  lastInspectedAt: z.number().nullable(),
  clockOffsetMs: z.number().nullable().describe('latest calibration: device clock − true time, ms'),
  clockCalibratedAt: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  retiredAt: z.number().nullable(),
  loan: Loan.nullable().describe('the open loan, while an officer holds the device'),
});

const History = z.object({
  device: Device,
  loans: z.array(Loan),
  checks: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['pre_use', 'return', 'inspection']),
      loanId: z.string().nullable(),
      checkedAt: z.number(),
      checkedBy: z.string().nullable(),
      batteryPercent: z.number().nullable(),
      storageState: z.enum(STORAGE_STATES).nullable(),
      freeBytes: z.number().nullable(),
      damage: z.string().nullable(),
      passed: z.boolean(),
      notes: z.string().nullable(),
    }),
  ),
  calibrations: z.array(
    z.object({
      id: z.string(),
      measuredAt: z.number(),
      measuredBy: z.string().nullable(),
      deviceTime: z.number().nullable(),
      clockOffsetMs: z.number(),
      source: z.enum(['pre_use', 'return', 'inspection']),
      loanId: z.string().nullable(),
      checkId: z.string().nullable(),
    }),
  ),
  faults: z.array(
    z.object({
      id: z.string(),
      loanId: z.string().nullable(),
      reportedAt: z.number(),
      reportedBy: z.string().nullable(),
      cause: z.enum(FAULT_CAUSES),
      description: z.string().nullable(),
      resolvedAt: z.number().nullable(),
      resolution: z.string().nullable(),
    }),
  ),
  repairs: z.array(
    z.object({
      id: z.string(),
      sentAt: z.number(),
      sentBy: z.string().nullable(),
      repairer: z.string().nullable(),
      reference: z.string().nullable(),
      notes: z.string().nullable(),
      returnedAt: z.number().nullable(),
      receivedBy: z.string().nullable(),
      outcome: z.enum(['repaired', 'not_repaired']).nullable(),
      outcomeNotes: z.string().nullable(),
    }),
  ),
  events: z.array(
    z.object({
      id: z.string(),
      at: z.number(),
      actorId: z.string().nullable(),
      event: z.string(),
      statusBefore: z.enum(DEVICE_STATUSES).nullable(),
      statusAfter: z.enum(DEVICE_STATUSES),
      loanId: z.string().nullable(),
      details: z.unknown(),
      ledgerSeq: z.number(),
    }),
  ),
});

const Allocation = z.object({
  unitId: z.string(),
  code: z.string(),
  name: z.string(),
  depth: z.number(),
  isTeam: z.boolean(),
  officers: z.number(),
  devices: z.number(),
  usable: z.number(),
  classRequired: z.number(),
  teamRequired: z.number(),
  required: z.number(),
  compliant: z.boolean(),
  shortfall: z.number(),
});

const ClockReading = z
  .union([
    z.object({ clockOffsetMs: z.number().int().describe('device clock − true time, ms (positive: the device runs fast)') }).strict(),
    z.object({ deviceTime: instant.describe('the time the device shows now; the server subtracts its own clock') }).strict(),
  ])
  .describe('clock calibration (校时)');

const Check = z.object({
  batteryPercent: z.number().int().min(0).max(100).optional(),
  storageState: z.enum(STORAGE_STATES).optional(),
  freeBytes: z.number().int().min(0).optional(),
  damage: z.string().max(2000).optional(),
  passed: z.boolean().optional(),
  notes: z.string().max(2000).optional(),
  clock: ClockReading.optional(),
});

const IdParams = z.object({ id: z.uuid() });
const UnitQuery = z.object({ unit: z.uuid().optional().describe('unit id: this unit and every unit below it (within yours)') });
const Otp = 'Issue and return ask for a dynamic password (header X-Custodia-OTP) when the settings include the `issue_return` stage';

export function deviceRoutes(app: App): FastifyPluginAsync {
  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();
    const devices = app.devices;

    server.get('/api/devices', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: 'Devices in your unit subtree, by number',
        querystring: UnitQuery.extend({
          status: z.enum(DEVICE_STATUSES).optional(),
          kind: z.enum(DEVICE_KINDS).optional(),
          q: z.string().max(100).optional().describe('text in number, serial, model or asset number'),
          limit: z.coerce.number().int().min(1).max(5000).default(500),
        }),
        response: { 200: z.object({ items: z.array(Device) }) },
      },
      handler: async (req) => ({ items: await devices.listDevices(req.actor!, { unitId: req.query.unit, status: req.query.status, kind: req.query.kind, text: req.query.q, limit: req.query.limit }, requestMeta(req)) }),
    });

    server.post('/api/devices', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: 'Register a device (custodian); audited',
        body: z.object({
          code: z.string().min(1).max(64),
          serial: z.string().max(32).nullable().optional(),
          model: z.string().max(100).nullable().optional(),
          assetNumber: z.string().max(64).nullable().optional(),
          kind: z.enum(DEVICE_KINDS),
          unitId: z.uuid(),
          keeperId: z.uuid().nullable().optional(),
          maintenanceIntervalDays: z.number().int().min(1).max(3650).nullable().optional().describe('days between routine inspections (default 90; null: none)'),
          notes: z.string().max(2000).nullable().optional(),
        }),
        response: { 201: Device },
      },
      handler: async (req, reply) => reply.status(201).send(await devices.registerDevice(req.actor!, req.body, requestMeta(req))),
    });

    server.get('/api/devices/overdue', {
      config: { auth: 'user' },
      schema: { tags: ['devices'], summary: 'Issued devices past their due time (R-DEV-LOAN), most overdue first', querystring: UnitQuery, response: { 200: z.object({ items: z.array(Device) }) } },
      handler: async (req) => ({ items: await devices.overdueDevices(req.actor!, { unitId: req.query.unit }, requestMeta(req)) }),
    });

    server.get('/api/devices/maintenance-due', {
      config: { auth: 'user' },
      schema: { tags: ['devices'], summary: 'Faulty devices, and devices whose last inspection is older than their maintenance interval', querystring: UnitQuery, response: { 200: z.object({ items: z.array(Device) }) } },
      handler: async (req) => ({ items: await devices.maintenanceDue(req.actor!, { unitId: req.query.unit }, requestMeta(req)) }),
    });

    server.get('/api/devices/allocation', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: 'Allocation standard (R-DEV-RATIO) per unit: class A ≥ 1 device per 2 officers, B ≥ 1 per 3, C ≥ 2 for the agency; teams need teamMinimum recorders',
        querystring: UnitQuery.extend({
          class: z.enum(ALLOCATION_CLASSES).default('B').describe('the agency class; until regulation profiles carry it, B unless given'),
          teamMinimum: z.coerce.number().int().min(0).max(20).default(2).describe('recorders per team: 2 (Jiangsu rule), 1 (Zibo rule)'),
        }),
        response: { 200: z.object({ allocationClass: z.enum(ALLOCATION_CLASSES), teamMinimum: z.number(), items: z.array(Allocation) }) },
      },
      handler: async (req) => ({
        allocationClass: req.query.class,
        teamMinimum: req.query.teamMinimum,
        items: await devices.allocation(req.actor!, { unitId: req.query.unit, allocationClass: req.query.class, teamMinimum: req.query.teamMinimum }, requestMeta(req)),
      }),
    });

    server.get('/api/devices/:id', {
      config: { auth: 'user' },
      schema: { tags: ['devices'], summary: 'One device with its open loan', params: IdParams, response: { 200: Device } },
      handler: async (req) => devices.getDevice(req.actor!, req.params.id, requestMeta(req)),
    });

    server.patch('/api/devices/:id', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: 'Change descriptive fields (serial, model, asset number, kind, keeper, maintenance interval, notes); audited with before/after',
        params: IdParams,
        body: z.object({
          serial: z.string().max(32).nullable().optional(),
          model: z.string().max(100).nullable().optional(),
          assetNumber: z.string().max(64).nullable().optional(),
          kind: z.enum(DEVICE_KINDS).optional(),
          keeperId: z.uuid().nullable().optional(),
          maintenanceIntervalDays: z.number().int().min(1).max(3650).nullable().optional(),
          notes: z.string().max(2000).nullable().optional(),
          reason: z.string().max(500).optional(),
        }),
        response: { 200: Device },
      },
      handler: async (req) => {
        const { reason, ...changes } = req.body;
        return devices.updateDevice(req.actor!, req.params.id, changes, reason ?? null, requestMeta(req));
      },
    });

    server.post('/api/devices/:id/move', {
      config: { auth: 'user' },
      schema: { tags: ['devices'], summary: 'Move a device (in store, faulty or in repair) to another unit; audited', params: IdParams, body: z.object({ unitId: z.uuid(), reason: z.string().max(500).optional() }), response: { 200: Device } },
      handler: async (req) => devices.moveDevice(req.actor!, req.params.id, req.body.unitId, req.body.reason ?? null, requestMeta(req)),
    });

    server.post('/api/devices/:id/retire', {
      config: { auth: 'user' },
      schema: { tags: ['devices'], summary: 'Retire a device (not while on loan or in repair); final; audited', params: IdParams, body: z.object({ reason: z.string().min(1).max(500) }), response: { 200: Device } },
      handler: async (req) => devices.retireDevice(req.actor!, req.params.id, req.body.reason, requestMeta(req)),
    });

    server.post('/api/devices/:id/issue', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: `领用: issue a device in store to an officer until a due time, with the pre-use check (battery, free space, time shown). 409 when it is issued, faulty, in repair or retired. ${Otp}`,
        params: IdParams,
        body: z
          .object({
            officerId: z.uuid().optional(),
            officerBadge: z.string().min(1).max(16).optional(),
            dueAt: instant.describe('when it must be back'),
            notes: z.string().max(2000).optional(),
            check: Check.optional().describe('pre-use check'),
          })
          .refine((b) => b.officerId !== undefined || b.officerBadge !== undefined, { message: 'officerId or officerBadge is required' }),
        response: { 201: Device },
      },
      handler: async (req, reply) => reply.status(201).send(await devices.issueDevice(req.actor!, req.params.id, req.body, requestMeta(req))),
    });

    server.post('/api/devices/:id/return', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: `归还: take an issued device back (you are who received it), with the return inspection and the clock calibration; unusable sends it to faulty. 409 when it is not issued. ${Otp}`,
        params: IdParams,
        body: Check.extend({ unusable: z.object({ cause: z.enum(FAULT_CAUSES), description: z.string().max(2000).optional() }).optional() }),
        response: { 200: Device },
      },
      handler: async (req) => devices.returnDevice(req.actor!, req.params.id, req.body, requestMeta(req)),
    });

    server.post('/api/devices/:id/checks', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: 'Record a pre-use check or a routine inspection (which restarts the maintenance interval), with an optional clock calibration',
        params: IdParams,
        body: Check.extend({ kind: z.enum(['pre_use', 'inspection']) }),
        response: { 201: Device },
      },
      handler: async (req, reply) => {
        const { kind, ...check } = req.body;
        return reply.status(201).send(await devices.checkDevice(req.actor!, req.params.id, kind, check, requestMeta(req)));
      },
    });

    server.post('/api/devices/:id/faults', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: 'Report a device unusable (fault, weather, battery, storage, damage, other) → faulty; the officer holding it may report it',
        params: IdParams,
        body: z.object({ cause: z.enum(FAULT_CAUSES), description: z.string().max(2000).optional() }),
        response: { 201: Device },
      },
      handler: async (req, reply) => reply.status(201).send(await devices.reportFault(req.actor!, req.params.id, req.body, requestMeta(req))),
    });

    server.post('/api/devices/:id/repair', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: 'Send a device (faulty, or in store for servicing) to repair → in_repair',
        params: IdParams,
        body: z.object({ repairer: z.string().max(200).optional(), reference: z.string().max(100).optional(), notes: z.string().max(2000).optional() }),
        response: { 201: Device },
      },
      handler: async (req, reply) => reply.status(201).send(await devices.sendToRepair(req.actor!, req.params.id, req.body, requestMeta(req))),
    });

    server.post('/api/devices/:id/repair/done', {
      config: { auth: 'user' },
      schema: {
        tags: ['devices'],
        summary: 'Back from repair: repaired → in_store (faults closed; counts as an inspection), not repaired → faulty',
        params: IdParams,
        body: z.object({ outcome: z.enum(['repaired', 'not_repaired']), notes: z.string().max(2000).optional() }),
        response: { 200: Device },
      },
      handler: async (req) => devices.completeRepair(req.actor!, req.params.id, req.body, requestMeta(req)),
    });

    server.get('/api/devices/:id/history', {
      config: { auth: 'user' },
      schema: { tags: ['devices'], summary: 'Loans, checks, calibrations, faults, repairs and every transition of a device, newest first', params: IdParams, response: { 200: History } },
      handler: async (req) => devices.deviceHistory(req.actor!, req.params.id, requestMeta(req)),
    });
  };
}
