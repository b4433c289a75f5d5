import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import { STEP_UP_STAGES, type AuthoritySettings, type StepUpStage } from './types';

const KEY = ['admin', 'settings', 'authority'] as const;

/** Authority settings: which custody steps need a dynamic password, who approves sensitive recordings, how long grants last. */
export function AuthoritySettingsForm() {
  const { t } = useTranslation();
  const current = useQuery({ queryKey: KEY, queryFn: ({ signal }) => api<AuthoritySettings>('/api/settings/authority', { signal }) });
  return (
    <section className="card" aria-labelledby="authority-title">
      <h2 id="authority-title">{t('admin.settings.authorityTitle')}</h2>
      <p className="muted">{t('admin.settings.authorityIntro')}</p>
      {current.error ? <ErrorNotice error={current.error} /> : null}
      {current.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {current.data ? <Editor value={current.data} /> : null}
    </section>
  );
}

function Editor({ value }: { value: AuthoritySettings }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [v, setV] = useState({ stages: new Set<StepUpStage>(value.stepUpStages), depth: String(value.sensitiveApprovalMaxDepth), def: String(value.grantDefaultHours), max: String(value.grantMaxHours) });
  const [reason, setReason] = useState('');
  const save = useMutation({
    mutationFn: (settings: AuthoritySettings) => api<AuthoritySettings>('/api/settings/authority', { method: 'PUT', body: { settings, ...(reason.trim() ? { reason: reason.trim() } : {}) } }),
    onSuccess: (next) => client.setQueryData(KEY, next),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ stepUpStages: STEP_UP_STAGES.filter((s) => v.stages.has(s)), sensitiveApprovalMaxDepth: Number(v.depth), grantDefaultHours: Number(v.def), grantMaxHours: Number(v.max) });
  };
  return (
    <form onSubmit={submit}>
      <fieldset>
        <legend>{t('admin.settings.stepUp')}</legend>
        <p className="hint">{t('admin.settings.stepUpHint')}</p>
        <div className="choices">
          {STEP_UP_STAGES.map((s) => (
            <label key={s} className="choice">
              <input
                type="checkbox"
                checked={v.stages.has(s)}
                onChange={(e) => {
                  const next = new Set(v.stages);
                  if (e.target.checked) next.add(s);
                  else next.delete(s);
                  setV({ ...v, stages: next });
                }}
              />
              {t(`stepUp.stages.${s}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}depth`}>{t('admin.settings.sensitiveDepth')}</label>
          <input id={`${id}depth`} type="number" min={0} max={10} step={1} required aria-describedby={`${id}depthHint`} value={v.depth} onChange={(e) => setV({ ...v, depth: e.target.value })} />
          <p className="hint" id={`${id}depthHint`}>
            {t('admin.settings.sensitiveDepthHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}def`}>{t('admin.settings.grantDefault')}</label>
          <input id={`${id}def`} type="number" min={1} max={8784} step={1} required value={v.def} onChange={(e) => setV({ ...v, def: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}max`}>{t('admin.settings.grantMax')}</label>
          <input id={`${id}max`} type="number" min={1} max={8784} step={1} required value={v.max} onChange={(e) => setV({ ...v, max: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}why`}>{t('admin.reasonOptional')}</label>
          <input id={`${id}why`} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
      </div>
      {save.error ? <ErrorNotice error={save.error} /> : null}
      {save.isSuccess ? (
        <p className="notice notice-ok" role="status">
          <StatusBadge tone="ok">{t('admin.settings.saved')}</StatusBadge>
        </p>
      ) : null}
      <button type="submit" className="button-primary" disabled={save.isPending}>
        {t('admin.settings.save')}
      </button>
    </form>
  );
}
