import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/http';
import { AccessRequestForm } from '../recordings/access-request-form';
import { ErrorNotice } from '../ui/error-notice';
import { useRefreshRequests } from './access-api';
import { RequestList, StateFilter } from './request-list';
import type { AccessRequestView, RequestState } from './types';
import './access.css';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * 我的申请: the requests I made, their state and decision; withdraw one not yet decided. With
 * `?case=<id>` (a link from a case's page) it first offers to ask for all of that case's recordings.
 */
export default function MyRequestsPage() {
  const { t } = useTranslation();
  const id = useId();
  const [state, setState] = useState<RequestState | ''>('');
  const [params] = useSearchParams();
  const refresh = useRefreshRequests();
  const caseId = params.get('case') ?? '';
  return (
    <div className="page page-my-requests">
      <h1>{t('accessRequests.mine.title')}</h1>
      <p className="muted">{t('accessRequests.mine.intro')}</p>
      {UUID.test(caseId) ? (
        <section className="card" aria-label={t('accessRequests.mine.forCase')}>
          <AccessRequestForm caseId={caseId} onRequested={() => void refresh()} />
          <p className="small">
            <Link to={`/cases/${caseId}`}>{t('accessRequests.mine.backToCase')}</Link>
          </p>
        </section>
      ) : null}
      <div className="inline-form">
        <StateFilter id={`${id}state`} value={state} onChange={setState} />
      </div>
      <RequestList scope="mine" state={state} empty={t('accessRequests.mine.empty')} own={() => false} actions={(r) => (r.state === 'pending' ? <WithdrawButton request={r} /> : null)} />
    </div>
  );
}

function WithdrawButton({ request: r }: { request: AccessRequestView }) {
  const { t } = useTranslation();
  const refresh = useRefreshRequests();
  const withdraw = useMutation({ mutationFn: () => api<AccessRequestView>(`/api/access-requests/${r.id}/withdraw`, { method: 'POST' }), onSuccess: () => refresh() });
  return (
    <>
      <button
        type="button"
        disabled={withdraw.isPending}
        onClick={() => {
          if (window.confirm(t('accessRequests.mine.withdrawConfirm'))) withdraw.mutate();
        }}
      >
        {t('accessRequests.mine.withdraw')}
      </button>
      {withdraw.error ? <ErrorNotice error={withdraw.error} /> : null}
    </>
  );
}
