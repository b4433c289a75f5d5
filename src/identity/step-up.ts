import type { AuditLedger } from '../audit/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { Forbidden } from '../platform/errors.js';
import { auditActor, type Actor, type RequestMeta } from './actor.js';
import type { SecretBox } from './secret-box.js';
import type { SiteSettings, StepUpStage } from './site-settings.js';
import { totpStep } from './totp.js';

/**
 * R-STEPUP: stages the settings name demand a fresh dynamic password (TOTP) with the request, on
 * top of the session. A code is accepted once: its time step must be later than the last accepted
 * one, and the step is advanced with a compare-and-set so two requests can't both spend it.
 */
export class StepUp {
  constructor(
    private readonly db: Database,
    private readonly ledger: AuditLedger,
    private readonly settings: SiteSettings,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async required(stage: StepUpStage): Promise<boolean> {
    return (await this.settings.authority()).stepUpStages.includes(stage);
  }

  /**
   * Passes when the stage needs no code, or the request carries a fresh valid one; otherwise audits
   * and refuses (403). `alsoRequiredBy`: the governing regulation profile asks for it too.
   */
  async require(actor: Actor, stage: StepUpStage, meta: RequestMeta, alsoRequiredBy?: { profileStages: readonly string[] }): Promise<void> {
    if (!(await this.required(stage)) && !alsoRequiredBy?.profileStages.includes(stage)) return;
    if (actor.via.kind === 'cli') return; // the operator at the server's console: no phone to ask
    const refuse = async (code: string, message: string) => {
      await this.ledger.record({ actor: auditActor(actor), action: 'auth.step_up_failed', subject: { type: 'user', id: actor.id }, ip: meta.ip, details: { stage, reason: code } });
      throw Forbidden(code, message, { stage });
    };
    const user = await this.db.kysely.selectFrom('users').select(['totp_secret', 'totp_last_step']).where('id', '=', actor.id).executeTakeFirst();
    if (!user?.totp_secret) return refuse('step_up_enrolment_required', `this step (${stage}) needs a dynamic password: enrol an authenticator first`);
    if (!meta.otp) return refuse('step_up_required', `this step (${stage}) needs a dynamic password: send the current code as X-Custodia-OTP`);
    const ok = await this.consume(actor.id, this.box.open(user.totp_secret), meta.otp, user.totp_last_step);
    if (!ok) return refuse('step_up_invalid', 'the dynamic password is wrong, expired or already used');
  }

  /** Accepts `code` once; false when it is wrong, outside the window, or its step was already spent. */
  async consume(userId: string, secret: string, code: string, lastStep: number | null): Promise<boolean> {
    const step = totpStep(secret, code, this.clock.now());
    if (step === null || (lastStep !== null && step <= lastStep)) return false;
    // Spend the step only if no request spent it (or a later one) meanwhile.
    const r = await this.db.transact((trx) =>
      trx
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst(),
    );
    return Number(r.numUpdatedRows) === 1;
  }
}
