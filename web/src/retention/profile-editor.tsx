import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { applyEdits, editsOf, itemIdOf, STEP_UP_STAGES, type ProfileEdits } from './profile-edit';
import type { Profile, ProfileSummary } from './types';

const ref = (p: { id: string; version: number }) => `${p.id}@${p.version}`;

/** Edit the key fields of a version and save them as a new version (a shipped profile as a copy under a new id). */
export function ProfileEditor({ base, all, onSaved, onCancel }: { base: Profile; all: readonly ProfileSummary[]; onSaved: (s: ProfileSummary) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const summary = all.find((p) => p.id === base.id);
  const shipped = summary?.origin === 'shipped';
  const [edits, setEdits] = useState<ProfileEdits>(() => ({ ...editsOf(base), id: shipped ? `${base.id}-local` : base.id }));
  const [reason, setReason] = useState('');
  const [newReason, setNewReason] = useState({ zh: '', en: '' });
  const set = <K extends keyof ProfileEdits>(k: K, v: ProfileEdits[K]) => setEdits((e) => ({ ...e, [k]: v }));
  const latest = Math.max(0, ...all.filter((p) => p.id === edits.id).map((p) => p.version));
  const targetShipped = all.some((p) => p.id === edits.id && p.origin === 'shipped');
  const save = useMutation({
    mutationFn: () =>
      api<ProfileSummary>('/api/profiles', { method: 'POST', body: { profile: applyEdits(base, edits, latest + 1, reason), basedOn: ref(base), ...(reason.trim() ? { reason: reason.trim() } : {}) } }),
    onSuccess: async (s) => {
      await client.invalidateQueries({ queryKey: ['profiles'] });
      onSaved(s);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const minUnit = edits.minimum === null ? 'none' : 'months' in edits.minimum ? 'months' : 'days';
  const minValue = edits.minimum === null ? '' : 'months' in edits.minimum ? edits.minimum.months : edits.minimum.days;
  const setMinimum = (unit: string, value: number) => set('minimum', unit === 'none' || !Number.isFinite(value) || value < 1 ? null : unit === 'months' ? { months: Math.round(value) } : { days: Math.round(value) });
  const addReason = () => {
    if (!newReason.zh.trim() || !newReason.en.trim()) return;
    const taken = new Set(edits.longTermCategories.map((c) => c.id));
    set('longTermCategories', [...edits.longTermCategories, { id: itemIdOf(newReason.en, taken), zh: newReason.zh.trim(), en: newReason.en.trim() }]);
    setNewReason({ zh: '', en: '' });
  };

  return (
    <form className="card profile-editor" onSubmit={submit} aria-labelledby={`${id}title`}>
      <h2 id={`${id}title`}>{t('retention.editor.title', { base: ref(base) })}</h2>
      <p className="hint">{shipped ? t('retention.editor.shippedHint') : t('retention.editor.hint')}</p>
      <div className="case-form-grid">
        <div className="field">
          <label htmlFor={`${id}pid`}>{t('retention.editor.id')}</label>
          <input id={`${id}pid`} required pattern="[a-z0-9]+(-[a-z0-9]+)*" maxLength={64} value={edits.id} onChange={(e) => set('id', e.target.value.trim())} />
          <span className="hint">{targetShipped ? t('retention.editor.idShipped') : t('retention.editor.savesAs', { ref: `${edits.id}@${latest + 1}` })}</span>
        </div>
        <div className="field">
          <label htmlFor={`${id}zh`}>{t('retention.editor.nameZh')}</label>
          <input id={`${id}zh`} required value={edits.name.zh} onChange={(e) => set('name', { ...edits.name, zh: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}en`}>{t('retention.editor.nameEn')}</label>
          <input id={`${id}en`} required value={edits.name.en} onChange={(e) => set('name', { ...edits.name, en: e.target.value })} />
        </div>
        <fieldset className="field">
          <legend>{t('retention.fields.minimum')}</legend>
          <div className="inline-form">
            <label className="visually-hidden" htmlFor={`${id}minv`}>
              {t('retention.editor.minimumValue')}
            </label>
            <input id={`${id}minv`} type="number" min={1} max={36500} disabled={minUnit === 'none'} value={minValue} onChange={(e) => setMinimum(minUnit, Number(e.target.value))} className="short-number" />
            <label className="visually-hidden" htmlFor={`${id}minu`}>
              {t('retention.editor.minimumUnit')}
            </label>
            <select id={`${id}minu`} value={minUnit} onChange={(e) => setMinimum(e.target.value, Number(minValue) || 12)}>
              <option value="months">{t('retention.editor.months')}</option>
              <option value="days">{t('retention.editor.days')}</option>
              <option value="none">{t('retention.editor.noMinimum')}</option>
            </select>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}ev`}>{t('retention.fields.evidence')}</label>
          <select id={`${id}ev`} value={edits.evidenceRule ?? ''} onChange={(e) => set('evidenceRule', e.target.value === 'case_file' || e.target.value === 'permanent' ? e.target.value : null)}>
            <option value="case_file">{t('retention.words.evidence.case_file')}</option>
            <option value="permanent">{t('retention.words.evidence.permanent')}</option>
            <option value="">{t('retention.profiles.none')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}rw`}>{t('retention.editor.recoveryDays')}</label>
          <input id={`${id}rw`} type="number" min={0} max={365} required value={edits.recoveryWindowDays} onChange={(e) => set('recoveryWindowDays', Math.max(0, Math.min(365, Math.round(Number(e.target.value) || 0))))} />
        </div>
      </div>
      <fieldset>
        <legend>{t('retention.fields.stepUp')}</legend>
        {STEP_UP_STAGES.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={edits.stepUpStages.includes(s)} onChange={(e) => set('stepUpStages', e.target.checked ? [...edits.stepUpStages, s] : edits.stepUpStages.filter((x) => x !== s))} />
            {t(`retention.words.stepUpStage.${s}`)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('retention.fields.longTermCategories')}</legend>
        <ul className="category-list">
          {edits.longTermCategories.map((c, i) => (
            <li key={c.id}>
              <span className="mono small">{c.id}</span>
              <label className="visually-hidden" htmlFor={`${id}c${i}zh`}>
                {t('retention.editor.categoryZh', { id: c.id })}
              </label>
              <input id={`${id}c${i}zh`} required value={c.zh} onChange={(e) => set('longTermCategories', edits.longTermCategories.map((x, j) => (j === i ? { ...x, zh: e.target.value } : x)))} />
              <label className="visually-hidden" htmlFor={`${id}c${i}en`}>
                {t('retention.editor.categoryEn', { id: c.id })}
              </label>
              <input id={`${id}c${i}en`} required value={c.en} onChange={(e) => set('longTermCategories', edits.longTermCategories.map((x, j) => (j === i ? { ...x, en: e.target.value } : x)))} />
              <button type="button" onClick={() => set('longTermCategories', edits.longTermCategories.filter((_, j) => j !== i))} aria-label={t('retention.editor.removeCategory', { id: c.id })}>
                {t('retention.editor.remove')}
              </button>
            </li>
          ))}
        </ul>
        <div className="inline-form">
          <div className="field">
            <label htmlFor={`${id}nzh`}>{t('retention.editor.newZh')}</label>
            <input id={`${id}nzh`} value={newReason.zh} onChange={(e) => setNewReason({ ...newReason, zh: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}nen`}>{t('retention.editor.newEn')}</label>
            <input id={`${id}nen`} value={newReason.en} onChange={(e) => setNewReason({ ...newReason, en: e.target.value })} />
          </div>
          <button type="button" onClick={addReason} disabled={!newReason.zh.trim() || !newReason.en.trim()}>
            {t('retention.editor.addCategory')}
          </button>
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}reason`}>{t('retention.editor.reason')}</label>
        <input id={`${id}reason`} required maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
        <span className="hint">{t('retention.editor.reasonHint')}</span>
      </div>
      {save.error ? <ErrorNotice error={save.error} /> : null}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.isPending || targetShipped}>
          {t('retention.editor.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('retention.cancel')}
        </button>
      </div>
    </form>
  );
}

