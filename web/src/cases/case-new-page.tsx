import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/http';
import { useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { fromLocalInput } from '../ui/format';
import { useUnits } from '../units/use-units';
import type { CaseDetail, CaseKind } from './types';
import { personLabel, usePeople } from './use-people';
import './cases.css';

interface Draft {
  number: string;
  title: string;
  kind: CaseKind;
  caseType: string;
  unitId: string;
  supervisedParty: string;
  officerIds: string[];
  documentsFrom: string;
  documentsTo: string;
}

/** Open a case or enforcement activity: number, title, kind and type, unit, supervised party, officers, the documents' interval. */
export default function CaseNewPage() {
  const { t } = useTranslation();
  const me = useMe();
  const id = useId();
  const navigate = useNavigate();
  const units = useUnits();
  const { people, byId, refused } = usePeople();
  const [filter, setFilter] = useState('');
  const [draft, setDraft] = useState<Draft>({ number: '', title: '', kind: 'case', caseType: '', unitId: '', supervisedParty: '', officerIds: me.roles.includes('officer') ? [me.id] : [], documentsFrom: '', documentsTo: '' });
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  const officers = people.filter((p) => p.roles.includes('officer'));
  const shown = officers.filter((p) => !filter.trim() || `${p.displayName} ${p.badge ?? ''} ${p.username}`.includes(filter.trim()));

  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<CaseDetail>('/api/cases', { method: 'POST', body }),
    onSuccess: (c) => navigate(`/cases/${c.id}`),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const from = fromLocalInput(draft.documentsFrom);
    const to = fromLocalInput(draft.documentsTo);
    create.mutate({
      number: draft.number.trim(),
      title: draft.title.trim(),
      kind: draft.kind,
      caseType: draft.caseType.trim() || null,
      unitId: draft.unitId || me.unitId,
      supervisedParty: draft.supervisedParty.trim() || null,
      officerIds: draft.officerIds,
      documentsStartedAt: from ?? null,
      documentsEndedAt: to ?? null,
    });
  };
  const toggleOfficer = (pid: string, on: boolean) => set('officerIds', on ? [...new Set([...draft.officerIds, pid])] : draft.officerIds.filter((x) => x !== pid));

  return (
    <div className="page page-case-new">
      <p className="breadcrumb">
        <Link to="/cases">{t('cases.detail.back')}</Link>
      </p>
      <h1>{t('cases.create.title')}</h1>
      <form className="case-form card" onSubmit={submit}>
        <div className="case-form-grid">
          <div className="field">
            <label htmlFor={`${id}number`}>{t('cases.fields.number')}</label>
            <input id={`${id}number`} required maxLength={64} value={draft.number} placeholder={t('cases.create.numberPlaceholder')} onChange={(e) => set('number', e.target.value)} />
          </div>
          <div className="field field-wide">
            <label htmlFor={`${id}title`}>{t('cases.fields.title')}</label>
            <input id={`${id}title`} required maxLength={200} value={draft.title} onChange={(e) => set('title', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}kind`}>{t('cases.fields.kind')}</label>
            <select id={`${id}kind`} value={draft.kind} onChange={(e) => set('kind', e.target.value === 'activity' ? 'activity' : 'case')}>
              <option value="case">{t('cases.kind.case')}</option>
              <option value="activity">{t('cases.kind.activity')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}type`}>{t('cases.fields.caseType')}</label>
            <input id={`${id}type`} maxLength={100} value={draft.caseType} placeholder={t('cases.create.typePlaceholder')} onChange={(e) => set('caseType', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}unit`}>{t('cases.fields.unit')}</label>
            <select id={`${id}unit`} value={draft.unitId} onChange={(e) => set('unitId', e.target.value)}>
              <option value="">{t('cases.create.ownUnit')}</option>
              {(units.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {'\u3000'.repeat(u.depth - top)}
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-wide">
            <label htmlFor={`${id}party`}>{t('cases.fields.supervisedParty')}</label>
            <input id={`${id}party`} maxLength={200} value={draft.supervisedParty} onChange={(e) => set('supervisedParty', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}from`}>{t('cases.fields.documentsFrom')}</label>
            <input id={`${id}from`} type="datetime-local" step={1} value={draft.documentsFrom} required={draft.documentsTo !== ''} onChange={(e) => set('documentsFrom', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}to`}>{t('cases.fields.documentsTo')}</label>
            <input id={`${id}to`} type="datetime-local" step={1} value={draft.documentsTo} required={draft.documentsFrom !== ''} onChange={(e) => set('documentsTo', e.target.value)} />
          </div>
        </div>
        <p className="hint">{t('cases.create.documentsHint')}</p>
        <fieldset className="officer-picker">
          <legend>{t('cases.fields.officers')}</legend>
          {refused ? (
            <label className="check">
              <input type="checkbox" checked={draft.officerIds.includes(me.id)} onChange={(e) => toggleOfficer(me.id, e.target.checked)} />
              {t('cases.create.meAsOfficer', { name: me.displayName })}
            </label>
          ) : (
            <>
              <div className="field">
                <label htmlFor={`${id}ofilter`}>{t('cases.create.officerFilter')}</label>
                <input id={`${id}ofilter`} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
              </div>
              <div className="officer-list" role="group" aria-label={t('cases.fields.officers')}>
                {shown.map((p) => (
                  <label key={p.id} className="check">
                    <input type="checkbox" checked={draft.officerIds.includes(p.id)} onChange={(e) => toggleOfficer(p.id, e.target.checked)} />
                    {personLabel(byId, p.id)}
                  </label>
                ))}
                {shown.length === 0 ? <p className="muted small">{t('cases.create.noOfficers')}</p> : null}
              </div>
            </>
          )}
          <p className="hint">{t('cases.create.officersChosen', { n: draft.officerIds.length })}</p>
        </fieldset>
        {create.error ? <ErrorNotice error={create.error} /> : null}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={create.isPending}>
            {create.isPending ? t('cases.working') : t('cases.create.submit')}
          </button>
          <Link to="/cases" className="button">
            {t('cases.create.cancel')}
          </Link>
        </div>
      </form>
    </div>
  );
}
