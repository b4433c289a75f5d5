import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMe } from '../session/session';
import { TabLinks } from '../ui/tab-links';
import { DecisionPanel, RevokePanel } from './decision-panel';
import { RequestList, StateFilter } from './request-list';
import type { AccessRequestView, RequestState } from './types';
import './access.css';

/**
 * 调阅审批: the approver's inbox (pending requests they may decide, never their own) and every
 * request of their units — to revoke a grant, or to read. Supervisors and the dispatch centre see
 * the list without the decisions.
 */
export default function ApprovalsPage() {
  const { t } = useTranslation();
  const id = useId();
  const me = useMe();
  const [params] = useSearchParams();
  const approver = me.roles.includes('approver');
  const view = !approver || params.get('view') === 'all' ? 'all' : 'inbox';
  const [state, setState] = useState<RequestState | ''>('');
  const own = (r: AccessRequestView) => r.requester.id === me.id;

  return (
    <div className="page page-approvals">
      <h1>{t('accessRequests.approvals.title')}</h1>
      <p className="muted">{t('accessRequests.approvals.intro')}</p>
      {approver ? (
        <TabLinks
          label={t('accessRequests.approvals.views')}
          tabs={[
            { to: '/access/approvals', label: t('accessRequests.approvals.inbox'), current: view === 'inbox' },
            { to: '/access/approvals?view=all', label: t('accessRequests.approvals.all'), current: view === 'all' },
          ]}
        />
      ) : null}
      {view === 'inbox' ? (
        <RequestList scope="inbox" state="" empty={t('accessRequests.approvals.inboxEmpty')} own={own} actions={(r) => <DecisionPanel request={r} />} />
      ) : (
        <>
          <div className="inline-form">
            <StateFilter id={`${id}state`} value={state} onChange={setState} />
          </div>
          <RequestList
            scope="all"
            state={state}
            empty={t('accessRequests.approvals.allEmpty')}
            own={own}
            actions={(r) => (approver && r.state === 'pending' ? <DecisionPanel request={r} /> : approver && r.state === 'approved' ? <RevokePanel request={r} /> : null)}
          />
        </>
      )}
    </div>
  );
}
