import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { fromLocalInput, toLocalInput, useFormat } from '../ui/format';
import { WorkRecordStatusBadge } from './case-status';
import { recordingLabel } from './consistency-timeline';
import { INTERRUPTION_REASONS, NOT_RECORDED_REASONS, type CaseDetail, type WorkRecord, type WorkRecordKind } from './types';
import { personLabel, usePeople } from './use-people';
import { useReasonLabel, useWorkRecordReasons, type ReasonChoice } from './work-record-reasons';

/** One work record's decision by the head: approve, or reject with a reason (never their own). */
function Decision({ w, caseId }: { w: WorkRecord; caseId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (body: { approve: boolean; reason?: string }) => api<WorkRecord>(`/api/work-records/${w.id}/decision`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['case', caseId] }),
  });
  const reject = (e: FormEvent) => {
    e.preventDefault();
    decide.mutate({ approve: false, reason: reason.trim() });
  };
  return (
    <div className="decision">
      {rejecting ? (
        <form className="inline-form" onSubmit={reject}>
          <div className="field">
            <label htmlFor={`${id}reason`}>{t('cases.workRecords.rejectReason')}</label>
            <input id={`${id}reason`} required maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <button type="submit" className="button-danger" disabled={decide.isPending}>
            {t('cases.workRecords.reject')}
          </button>
          <button type="button" onClick={() => setRejecting(false)}>
            {t('cases.cancel')}
          </button>
        </form>
      ) : (
        <span className="form-actions">
          <button type="button" className="button-primary" disabled={decide.isPending} onClick={() => decide.mutate({ approve: true })}>
            {t('cases.workRecords.approve')}
          </button>
          <button type="button" onClick={() => setRejecting(true)}>
            {t('cases.workRecords.reject')}
          </button>
        </span>
      )}
      {decide.error ? <ErrorNotice error={decide.error} /> : null}
    </div>
  );
}

/** File a work record for this case (R-INTERRUPT): interrupted (with whether it was said on restart) or not recorded (with the legal basis). */
function FileWorkRecord({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const me = useMe();
  const id = useId();
  const client = useQueryClient();
  const { byId, refused } = usePeople();
  const [kind, setKind] = useState<WorkRecordKind>('interrupted');
  const [occurredAt, setOccurredAt] = useState(toLocalInput(detail.documentsStartedAt ?? Date.now()));
  const [reason, setReason] = useState<string>('device_fault');
  const [reasonText, setReasonText] = useState('');
  const [stated, setStated] = useState<'' | 'yes' | 'no'>('');
  const [legalBasis, setLegalBasis] = useState('');
  const [recordingId, setRecordingId] = useState('');
  const [officerId, setOfficerId] = useState(detail.officerIds.includes(me.id) || detail.officerIds.length === 0 ? me.id : detail.officerIds[0]!);
  const [activity, setActivity] = useState('');
  const allowed = useWorkRecordReasons(officerId);
  const reasonLabel = useReasonLabel();
  const choices: readonly ReasonChoice[] | undefined = allowed.data ? (kind === 'interrupted' ? allowed.data.interrupted : allowed.data.notRecorded) : undefined;
  const reasons: readonly string[] = choices?.map((c) => c.id) ?? (kind === 'interrupted' ? INTERRUPTION_REASONS : NOT_RECORDED_REASONS);
  // A reason another officer's regulation allowed may not be this one's: fall back to the first allowed.
  const chosen = reasons.includes(reason) ? reason : (reasons[0] ?? 'other');
  const basis = choices?.find((c) => c.id === chosen)?.basis ?? null;
  const file = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<WorkRecord>('/api/work-records', { method: 'POST', body }),
    onSuccess: async () => {
      setReasonText('');
      setLegalBasis('');
      setStated('');
      await client.invalidateQueries({ queryKey: ['case', detail.id] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const at = fromLocalInput(occurredAt);
    if (at === undefined) return;
    const common = { caseId: detail.id, officerId, occurredAt: at, reason: chosen, ...(reasonText.trim() ? { reasonText: reasonText.trim() } : {}), ...(activity.trim() ? { activity: activity.trim() } : {}) };
    file.mutate(kind === 'interrupted' ? { ...common, kind, statedOnRestart: stated === 'yes', ...(recordingId ? { recordingId } : {}) } : { ...common, kind, legalBasis: legalBasis.trim() });
  };
  const officerChoices = [...new Set([me.id, ...detail.officerIds])];

  return (
    <form className="work-record-form" onSubmit={submit} aria-labelledby={`${id}title`}>
      <h3 id={`${id}title`}>{t('cases.workRecords.file')}</h3>
      <fieldset>
        <legend>{t('cases.workRecords.kindLabel')}</legend>
        {(['interrupted', 'not_recorded'] as const).map((k) => (
          <label key={k} className="check">
            <input
              type="radio"
              name={`${id}kind`}
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setReason('');
              }}
            />
            {t(`cases.workRecords.kind.${k}`)}
          </label>
        ))}
      </fieldset>
      <div className="case-form-grid">
        <div className="field">
          <label htmlFor={`${id}at`}>{t('cases.workRecords.occurredAt')}</label>
          <input id={`${id}at`} type="datetime-local" required value={occurredAt} onChange={(e) => setOccurredAt(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}officer`}>{t('cases.workRecords.officer')}</label>
          <select id={`${id}officer`} value={officerId} onChange={(e) => setOfficerId(e.target.value)}>
            {officerChoices.map((o) => (
              <option key={o} value={o}>
                {o === me.id ? t('cases.workRecords.me', { name: me.displayName }) : refused ? o : personLabel(byId, o)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}reason`}>{t('cases.workRecords.reason')}</label>
          <select id={`${id}reason`} value={chosen} onChange={(e) => setReason(e.target.value)} aria-describedby={`${id}reasonSource`}>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {reasonLabel(r, choices)}
              </option>
            ))}
          </select>
          <p className="hint" id={`${id}reasonSource`}>
            {allowed.data?.profile ? t('cases.workRecords.reasonsFrom', { profile: allowed.data.profile }) : t('cases.workRecords.reasonsFixed')}
            {basis ? ` · ${basis}` : ''}
          </p>
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}text`}>{chosen === 'other' ? t('cases.workRecords.reasonTextRequired') : t('cases.workRecords.reasonText')}</label>
          <input id={`${id}text`} maxLength={1000} required={chosen === 'other'} value={reasonText} onChange={(e) => setReasonText(e.target.value)} />
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}activity`}>{t('cases.workRecords.activity')}</label>
          <input id={`${id}activity`} maxLength={200} value={activity} onChange={(e) => setActivity(e.target.value)} />
        </div>
        {kind === 'interrupted' ? (
          <>
            <div className="field">
              <label htmlFor={`${id}stated`}>{t('cases.workRecords.statedOnRestart')}</label>
              <select id={`${id}stated`} required value={stated} onChange={(e) => setStated(e.target.value as typeof stated)}>
                <option value="">{t('cases.workRecords.choose')}</option>
                <option value="yes">{t('cases.workRecords.statedYes')}</option>
                <option value="no">{t('cases.workRecords.statedNo')}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}rec`}>{t('cases.workRecords.recording')}</label>
              <select id={`${id}rec`} value={recordingId} onChange={(e) => setRecordingId(e.target.value)}>
                <option value="">{t('cases.workRecords.noRecording')}</option>
                {detail.recordings.map((r) => (
                  <option key={r.id} value={r.id}>
                    {recordingLabel(r)} — {r.originalName}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : (
          <div className="field field-wide">
            <label htmlFor={`${id}basis`}>{t('cases.workRecords.legalBasis')}</label>
            <input id={`${id}basis`} required maxLength={500} value={legalBasis} placeholder={t('cases.workRecords.legalBasisPlaceholder')} onChange={(e) => setLegalBasis(e.target.value)} />
          </div>
        )}
      </div>
      {file.error ? <ErrorNotice error={file.error} /> : null}
      {file.isSuccess ? (
        <p className="notice notice-ok" role="status">
          {t('cases.workRecords.filed')}
        </p>
      ) : null}
      <button type="submit" className="button-primary" disabled={file.isPending}>
        {file.isPending ? t('cases.working') : t('cases.workRecords.submit')}
      </button>
    </form>
  );
}

/** The case's work records (interruptions and recordings not made) with the head's decisions, and the form to file one. */
export function WorkRecords({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe();
  const { byId } = usePeople();
  const mayDecide = me.roles.includes('approver');
  // Labels of profile-specific reasons: the viewer's own regulation's list (a case's officers usually share it).
  const known = useWorkRecordReasons(me.id).data;
  const reasonLabel = useReasonLabel();
  const knownChoices = known ? [...known.interrupted, ...known.notRecorded] : undefined;
  return (
    <section className="card" aria-labelledby="work-records-title">
      <h2 id="work-records-title">{t('cases.workRecords.title')}</h2>
      <p className="hint">{t('cases.workRecords.intro')}</p>
      {detail.workRecords.length === 0 ? (
        <p className="muted">{t('cases.workRecords.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="compact work-records">
            <caption className="visually-hidden">{t('cases.workRecords.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.workRecords.kindLabel')}</th>
                <th scope="col">{t('cases.workRecords.occurredAt')}</th>
                <th scope="col">{t('cases.workRecords.officer')}</th>
                <th scope="col">{t('cases.workRecords.reason')}</th>
                <th scope="col">{t('cases.workRecords.explanation')}</th>
                <th scope="col">{t('cases.workRecords.statusLabel')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.workRecords.map((w) => (
                <tr key={w.id} data-work-record={w.id}>
                  <td>{t(`cases.workRecords.kind.${w.kind}`)}</td>
                  <td>{f.dateTime(w.occurredAt)}</td>
                  <td>{w.officerId === me.id ? me.displayName : personLabel(byId, w.officerId)}</td>
                  <td>
                    {reasonLabel(w.reason, knownChoices)}
                    {w.reasonText ? <div className="small">{w.reasonText}</div> : null}
                  </td>
                  <td className="small">
                    {w.kind === 'interrupted' ? (w.statedOnRestart ? t('cases.workRecords.statedYes') : t('cases.workRecords.statedNo')) : t('cases.workRecords.basisIs', { basis: w.legalBasis ?? '—' })}
                  </td>
                  <td>
                    <WorkRecordStatusBadge status={w.status} />
                    {w.decisionReason ? <div className="small">{w.decisionReason}</div> : null}
                    {w.status === 'pending' && mayDecide && w.filedBy !== me.id && w.officerId !== me.id ? <Decision w={w} caseId={detail.id} /> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FileWorkRecord detail={detail} />
    </section>
  );
}
