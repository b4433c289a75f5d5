import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/http';

/**
 * Dynamic-password step-up (动态密码, R-STEPUP). Stages the authority settings (or a unit's
 * regulation profile) name — issue/return, import, approve, export, delete — answer 403 with one
 * of these ids until the request carries a fresh code in `X-Custodia-OTP`. The page doesn't guess
 * which steps need it: it sends the request, and asks for the code only when the server says so.
 */
export const STEP_UP_CODES = ['step_up_required', 'step_up_invalid', 'step_up_enrolment_required'] as const;
export type StepUpCode = (typeof STEP_UP_CODES)[number];
export const OTP_HEADER = 'X-Custodia-OTP';

export function isStepUpError(e: unknown): e is ApiError & { code: StepUpCode } {
  return e instanceof ApiError && e.status === 403 && (STEP_UP_CODES as readonly string[]).includes(e.code);
}

/** The stage the server named (`issue_return`, `approve`, …), when it did. */
export function stepUpStage(e: ApiError): string | null {
  const stage = e.details?.stage;
  return typeof stage === 'string' ? stage : null;
}

/** Request headers carrying the code, or none. */
export function otpHeaders(otp: string | undefined): Record<string, string> {
  return otp ? { [OTP_HEADER]: otp } : {};
}

/** What a step-up prompt needs: the refusal being answered, and how to answer it. */
export interface StepUpState {
  /** The server's refusal while a code is wanted; null otherwise. */
  refusal: (ApiError & { code: StepUpCode }) | null;
  /** Sends the same request again with this code. */
  submit: (code: string) => void;
  /** Gives up: the step is not done. */
  cancel: () => void;
  pending: boolean;
}

interface Options<TData, TVars> {
  /** Performs the request; spread `headers` into it (they carry the code on a retry). */
  mutationFn: (vars: TVars, headers: Record<string, string>) => Promise<TData>;
  onSuccess?: (data: TData, vars: TVars) => unknown;
}

/**
 * A mutation that, refused for want of a dynamic password, keeps its variables and waits for the
 * code (render `<StepUpPrompt state={m.stepUp} />`), then sends the same request again with it.
 * `error` is every other failure, to show as usual.
 */
export function useStepUpMutation<TData, TVars>(options: Options<TData, TVars>) {
  const [waiting, setWaiting] = useState<{ vars: TVars; refusal: ApiError & { code: StepUpCode } } | null>(null);
  const m = useMutation({
    mutationFn: ({ vars, otp }: { vars: TVars; otp?: string }) => options.mutationFn(vars, otpHeaders(otp)),
    onSuccess: async (data, v) => {
      setWaiting(null);
      await options.onSuccess?.(data, v.vars);
    },
    onError: (e, v) => {
      if (isStepUpError(e)) setWaiting({ vars: v.vars, refusal: e });
      else setWaiting(null);
    },
  });
  const stepUp: StepUpState = {
    refusal: waiting?.refusal ?? null,
    submit: (code) => {
      if (waiting) m.mutate({ vars: waiting.vars, otp: code.trim() });
    },
    cancel: () => {
      setWaiting(null);
      m.reset();
    },
    pending: m.isPending,
  };
  return {
    mutate: (vars: TVars) => {
      setWaiting(null);
      m.mutate({ vars });
    },
    reset: () => {
      setWaiting(null);
      m.reset();
    },
    data: m.data,
    isPending: m.isPending,
    isSuccess: m.isSuccess,
    /** Failures other than a wanted code. */
    error: m.error && !isStepUpError(m.error) ? m.error : null,
    stepUp,
  };
}
