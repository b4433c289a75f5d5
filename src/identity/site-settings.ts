import { z } from 'zod';
import type { AuditLedger } from '../audit/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Invalid } from '../platform/errors.js';
import type { AuthzPolicySettings } from './authorization.js';

/** Custody stages that can demand a fresh dynamic password (R-STEPUP). */
export const STEP_UP_STAGES = ['issue_return', 'import', 'approve', 'export', 'delete'] as const;
export type StepUpStage = (typeof STEP_UP_STAGES)[number];

/** Authority settings an administrator manages; every change is versioned in the ledger. */
export const AuthoritySettingsSchema = z
  .object({
    /** Stages that need a TOTP code on top of the session. */
    stepUpStages: z.array(z.enum(STEP_UP_STAGES)).max(STEP_UP_STAGES.length),
    /** Deepest unit level whose approvers may approve access to sensitive recordings (0 = county bureau only). */
    sensitiveApprovalMaxDepth: z.number().int().min(0).max(10),
    /** An access grant's validity when the approver sets none, and the longest allowed. */
    grantDefaultHours: z.number().int().min(1).max(24 * 366),
    grantMaxHours: z.number().int().min(1).max(24 * 366),
  })
  .strict()
  .refine((s) => s.grantDefaultHours <= s.grantMaxHours, { message: 'grantDefaultHours must not exceed grantMaxHours' });
export type AuthoritySettings = z.infer<typeof AuthoritySettingsSchema>;

export const DEFAULT_AUTHORITY_SETTINGS: AuthoritySettings = {
  stepUpStages: [],
  sensitiveApprovalMaxDepth: 0,
  grantDefaultHours: 72,
  grantMaxHours: 24 * 30,
};

const KEY = 'authority';
const CACHE_MS = 1000;

/**
 * Site settings kept in the database (so every process of a scaled site agrees), read through a
 * one-second cache; written with a ledger entry holding the old and new values.
 */
export class SiteSettings {
  private cached: { at: number; value: AuthoritySettings } | undefined;

  constructor(
    private readonly db: Database,
    private readonly ledger: AuditLedger,
    private readonly clock: Clock,
  ) {}

  async authority(): Promise<AuthoritySettings> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CACHE_MS && now >= this.cached.at) return this.cached.value;
    const row = await this.db.kysely.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
    const value = row ? AuthoritySettingsSchema.parse({ ...DEFAULT_AUTHORITY_SETTINGS, ...(JSON.parse(row.value) as object) }) : DEFAULT_AUTHORITY_SETTINGS;
    this.cached = { at: now, value };
    return value;
  }

  async policy(): Promise<AuthzPolicySettings> {
    return { sensitiveApprovalMaxDepth: (await this.authority()).sensitiveApprovalMaxDepth };
  }

  /** Replaces the authority settings; `actor` null means the local operator (CLI). */
  async setAuthority(next: unknown, actor: { id: string; name: string } | null, ip: string | null, reason: string | null): Promise<AuthoritySettings> {
    const parsed = AuthoritySettingsSchema.safeParse(next);
    if (!parsed.success) throw Invalid('settings_invalid', z.prettifyError(parsed.error));
    const before = await this.authority();
    const value = { ...parsed.data, stepUpStages: [...new Set(parsed.data.stepUpStages)] };
    await this.db.transact(async (trx) => {
      const now = this.clock.now();
      const exists = await trx.selectFrom('settings').select('key').where('key', '=', KEY).executeTakeFirst();
      if (exists) await trx.updateTable('settings').set({ value: JSON.stringify(value), updated_at: now, updated_by: actor?.id ?? null }).where('key', '=', KEY).execute();
      else await trx.insertInto('settings').values({ key: KEY, value: JSON.stringify(value), updated_at: now, updated_by: actor?.id ?? null }).execute();
      await this.ledger.append(trx, { actor, action: 'settings.update', subject: { type: 'settings', id: KEY }, ip, reason, details: { before, after: value } });
    });
    this.cached = undefined;
    return value;
  }
}
