import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type DragEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/http';
import { useMe } from '../session/session';
import { ErrorNotice } from '../ui/error-notice';
import { useFormat } from '../ui/format';
import { useUnits } from '../units/use-units';
import { CaseStatusBadge } from './case-status';
import { ConsistencyTimeline, recordingLabel } from './consistency-timeline';
import { droppedRecordings, RecordingPicker, RECORDING_DRAG_TYPE } from './recording-picker';
import type { CaseDetail, LinkedRecording } from './types';
import { personLabel, usePeople } from './use-people';
import { WorkRecords } from './work-records';
import './cases.css';

export const caseKey = (id: string) => ['case', id] as const;

export function useCase(id: string) {
  return useQuery({
    queryKey: caseKey(id),
    queryFn: ({ signal }) => api<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`, { signal }),
  });
}

/** Unlink one recording: the reason is required and goes into the ledger. */
function UnlinkButton({ caseId, r }: { caseId: string; r: LinkedRecording }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const unlink = useMutation({
    mutationFn: () => api<CaseDetail>(`/api/cases/${caseId}/recordings/${r.id}`, { method: 'DELETE', body: { reason: reason.trim() } }),
    onSuccess: (d) => client.setQueryData(caseKey(caseId), d),
  });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={t('cases.recordings.unlinkOne', { name: r.originalName })}>
        {t('cases.recordings.unlink')}
      </button>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    unlink.mutate();
  };
  return (
    <form className="inline-form unlink-form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}reason`}>{t('cases.recordings.unlinkReason')}</label>
        <input id={`${id}reason`} required maxLength={500} autoFocus value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <button type="submit" className="button-danger" disabled={unlink.isPending}>
        {t('cases.recordings.confirmUnlink')}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        {t('cases.cancel')}
      </button>
      {unlink.error ? <ErrorNotice error={unlink.error} /> : null}
    </form>
  );
}

/** Close a case (or reopen it), with an optional reason for the ledger. */
function CloseReopen({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const next = detail.status === 'open' ? 'closed' : 'open';
  const change = useMutation({
    mutationFn: () => api<CaseDetail>(`/api/cases/${detail.id}`, { method: 'PATCH', body: { status: next, ...(reason.trim() ? { reason: reason.trim() } : {}) } }),
    onSuccess: (d) => {
      setReason('');
      client.setQueryData(caseKey(detail.id), d);
      void client.invalidateQueries({ queryKey: ['cases'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate();
  };
  return (
    <form className="inline-form close-form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}reason`}>{next === 'closed' ? t('cases.detail.closeReason') : t('cases.detail.reopenReason')}</label>
        <input id={`${id}reason`} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <button type="submit" disabled={change.isPending}>
        {next === 'closed' ? t('cases.detail.close') : t('cases.detail.reopen')}
      </button>
      {change.error ? <ErrorNotice error={change.error} /> : null}
    </form>
  );
}

/** A case: its facts, the documents' interval against its recordings as a timeline, linking and unlinking, work records. */
export default function CaseDetailPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe();
  const { id = '' } = useParams();
  const client = useQueryClient();
  const detail = useCase(id);
  const units = useUnits();
  const { byId } = usePeople();
  const [dropping, setDropping] = useState(false);
  const [note, setNote] = useState('');
  const noteId = useId();
  const link = useMutation({
    mutationFn: (recordingIds: string[]) => api<CaseDetail>(`/api/cases/${id}/recordings`, { method: 'POST', body: { recordingIds, ...(note.trim() ? { note: note.trim() } : {}) } }),
    onSuccess: (d) => client.setQueryData(caseKey(id), d),
  });
  const c = detail.data;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDropping(false);
    const ids = droppedRecordings(e);
    if (ids.length > 0) link.mutate(ids);
  };
  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes(RECORDING_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'link';
    setDropping(true);
  };

  return (
    <div className="page page-case">
      <p className="breadcrumb">
        <Link to="/cases">{t('cases.detail.back')}</Link>
      </p>
      {detail.isPending ? <p role="status">{t('shell.loading')}</p> : null}
      {detail.error ? <ErrorNotice error={detail.error} /> : null}
      {c ? (
        <>
          <div className="page-head">
            <h1>
              <span className="mono">{c.number}</span> {c.title}
            </h1>
            <CaseStatusBadge status={c.status} />
          </div>
          <section className="card" aria-label={t('cases.detail.facts')}>
            <dl className="facts-inline">
              <div className="fact">
                <dt>{t('cases.fields.kind')}</dt>
                <dd>{t(`cases.kind.${c.kind}`)}</dd>
              </div>
              <div className="fact">
                <dt>{t('cases.fields.caseType')}</dt>
                <dd>{c.caseType ?? '—'}</dd>
              </div>
              <div className="fact">
                <dt>{t('cases.fields.unit')}</dt>
                <dd>{units.data?.find((u) => u.id === c.unitId)?.name ?? c.unitId}</dd>
              </div>
              <div className="fact">
                <dt>{t('cases.fields.supervisedParty')}</dt>
                <dd>{c.supervisedParty ?? '—'}</dd>
              </div>
              <div className="fact fact-wide">
                <dt>{t('cases.fields.documents')}</dt>
                <dd>{c.documentsStartedAt !== null ? `${f.dateTime(c.documentsStartedAt)} – ${f.dateTime(c.documentsEndedAt)}` : t('cases.detail.noDocuments')}</dd>
              </div>
              <div className="fact fact-wide">
                <dt>{t('cases.fields.officers')}</dt>
                <dd>{c.officerIds.length === 0 ? '—' : c.officerIds.map((o) => (o === me.id ? me.displayName : personLabel(byId, o))).join('、')}</dd>
              </div>
              {c.closedAt !== null ? (
                <div className="fact">
                  <dt>{t('cases.fields.closedAt')}</dt>
                  <dd>{f.dateTime(c.closedAt)}</dd>
                </div>
              ) : null}
            </dl>
            <div className="case-actions">
              <Link to={`/cases/${c.id}/sync`} className="button button-primary">
                {t('cases.detail.syncView')}
              </Link>
              {c.recordings.length > 0 ? (
                <Link to={`/access/mine?case=${encodeURIComponent(c.id)}`} className="button">
                  {t('cases.detail.requestAll')}
                </Link>
              ) : null}
              <CloseReopen detail={c} />
            </div>
          </section>

          <ConsistencyTimeline detail={c} />

          <section className={dropping ? 'card drop-target dropping' : 'card drop-target'} aria-labelledby="linked-title" onDrop={onDrop} onDragOver={onDragOver} onDragLeave={() => setDropping(false)}>
            <h2 id="linked-title">{t('cases.recordings.title')}</h2>
            <p className="hint">{c.status === 'open' ? t('cases.recordings.dropHint') : t('cases.recordings.closedHint')}</p>
            {link.error ? <ErrorNotice error={link.error} /> : null}
            {c.recordings.length === 0 ? (
              <p className="muted">{t('cases.recordings.none')}</p>
            ) : (
              <div className="table-scroll">
                <table className="compact linked-recordings">
                  <caption className="visually-hidden">{t('cases.recordings.title')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('cases.recordings.name')}</th>
                      <th scope="col">{t('cases.recordings.device')}</th>
                      <th scope="col">{t('cases.recordings.start')}</th>
                      <th scope="col">{t('cases.recordings.end')}</th>
                      <th scope="col">{t('cases.recordings.duration')}</th>
                      <th scope="col">{t('cases.recordings.linked')}</th>
                      <th scope="col">{t('cases.recordings.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.recordings.map((r) => (
                      <tr key={r.id} data-recording={r.id}>
                        <td>
                          <Link to={`/recordings/${r.id}`} className="result-name">
                            {r.originalName}
                          </Link>
                          {r.note ? <div className="small muted">{r.note}</div> : null}
                        </td>
                        <td>{recordingLabel(r)}</td>
                        <td>{f.dateTime(r.startedAt)}</td>
                        <td>{f.dateTime(r.endedAt)}</td>
                        <td>{f.duration(r.durationMs)}</td>
                        <td className="small">{f.dateTime(r.linkedAt)}</td>
                        <td>
                          <UnlinkButton caseId={c.id} r={r} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {c.hiddenRecordings > 0 ? <p className="hint">{t('cases.timeline.hiddenNote', { n: c.hiddenRecordings })}</p> : null}
            {c.status === 'open' ? (
              <div className="field link-note">
                <label htmlFor={noteId}>{t('cases.recordings.note')}</label>
                <input id={noteId} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
              </div>
            ) : null}
            {link.isPending ? <p role="status">{t('cases.working')}</p> : null}
          </section>

          {c.status === 'open' ? (
            <RecordingPicker
              linked={new Set(c.recordings.map((r) => r.id))}
              around={c.documentsStartedAt !== null && c.documentsEndedAt !== null ? { start: c.documentsStartedAt, end: c.documentsEndedAt } : null}
              onAdd={(ids) => link.mutate(ids)}
              busy={link.isPending}
            />
          ) : null}

          <WorkRecords detail={c} />
        </>
      ) : null}
    </div>
  );
}
