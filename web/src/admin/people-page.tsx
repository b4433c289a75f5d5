import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http';
import { ROLE_IDS, type DirectoryUser, type RoleId } from '../api/types';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';
import { useUnits } from '../units/use-units';
import { AddPersonForm } from './add-person-form';
import { PEOPLE_KEY, usePeople, useRefreshPeople, type PeopleFilter } from './admin-api';
import { PersonPanel } from './person-panel';
import './admin.css';

/** 人员管理: people of the administrator's units, filtered; add a person; manage one. */
export default function PeoplePage() {
  const { t } = useTranslation();
  const id = useId();
  const units = useUnits();
  const refresh = useRefreshPeople();
  const top = Math.min(...(units.data ?? []).map((u) => u.depth));
  const unitName = (unitId: string) => units.data?.find((u) => u.id === unitId)?.name ?? '—';
  const [filter, setFilter] = useState<PeopleFilter>({ unit: '', role: '', q: '', inactive: false });
  const [adding, setAdding] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const people = usePeople(filter);
  const person = useQuery({
    queryKey: [...PEOPLE_KEY, 'one', selected],
    queryFn: ({ signal }) => api<DirectoryUser>(`/api/users/${selected!}`, { signal }),
    enabled: selected !== null,
  });

  return (
    <div className="page page-admin-people">
      <div className="card-head">
        <h1>{t('admin.people.title')}</h1>
        <button type="button" className={adding ? '' : 'button-primary'} aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? t('admin.close') : t('admin.people.addOpen')}
        </button>
      </div>
      {adding ? (
        <AddPersonForm
          onDone={async (u) => {
            setAdding(false);
            await refresh();
            setSelected(u.id);
          }}
        />
      ) : null}
      {selected && person.data ? <PersonPanel key={selected} person={person.data} onClose={() => setSelected(null)} /> : null}
      {person.error ? <ErrorNotice error={person.error} /> : null}

      <form className="search-form" role="search" aria-label={t('admin.people.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field field-grow">
          <label htmlFor={`${id}q`}>{t('admin.people.search')}</label>
          <input id={`${id}q`} type="search" value={filter.q} onChange={(e) => setFilter({ ...filter, q: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}unit`}>{t('admin.people.unit')}</label>
          <select id={`${id}unit`} value={filter.unit} onChange={(e) => setFilter({ ...filter, unit: e.target.value })}>
            <option value="">{t('admin.people.allUnits')}</option>
            {(units.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {'\u3000'.repeat(u.depth - top)}
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}role`}>{t('admin.people.role')}</label>
          <select id={`${id}role`} value={filter.role} onChange={(e) => setFilter({ ...filter, role: e.target.value as RoleId | '' })}>
            <option value="">{t('admin.people.allRoles')}</option>
            {ROLE_IDS.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <label className="choice">
          <input type="checkbox" checked={filter.inactive} onChange={(e) => setFilter({ ...filter, inactive: e.target.checked })} />
          {t('admin.people.showInactive')}
        </label>
      </form>

      {people.error ? <ErrorNotice error={people.error} /> : null}
      <p className="result-count" role="status" aria-live="polite">
        {people.isPending ? t('shell.loading') : people.data?.items.length ? t('admin.people.count', { n: people.data.items.length }) : t('admin.people.none')}
      </p>
      {people.data?.items.length ? (
        <div className="table-scroll">
          <table className="people">
            <caption className="visually-hidden">{t('admin.people.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.people.displayName')}</th>
                <th scope="col">{t('admin.people.username')}</th>
                <th scope="col">{t('admin.people.roles')}</th>
                <th scope="col">{t('admin.people.unit')}</th>
                <th scope="col">{t('admin.people.badge')}</th>
                <th scope="col">{t('admin.people.clearance')}</th>
                <th scope="col">{t('admin.people.state')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.people.manage')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {people.data.items.map((u) => (
                <tr key={u.id} data-username={u.username} aria-selected={selected === u.id}>
                  <th scope="row">{u.displayName}</th>
                  <td className="mono">{u.username}</td>
                  <td>{u.roles.map((r) => t(`roles.${r}`)).join('、')}</td>
                  <td>{unitName(u.unitId)}</td>
                  <td className="mono">{u.badge ?? '—'}</td>
                  <td>{t(`admin.clearance.${Math.min(3, Math.max(0, u.clearance)) as 0 | 1 | 2 | 3}`)}</td>
                  <td>
                    <span className="flags">
                      {u.active ? <StatusBadge tone="ok">{t('admin.people.active')}</StatusBadge> : <StatusBadge tone="error">{t('admin.people.inactive')}</StatusBadge>}
                      {u.mustChangePassword ? <StatusBadge tone="warn">{t('admin.people.mustChange')}</StatusBadge> : null}
                    </span>
                  </td>
                  <td>
                    <button type="button" onClick={() => setSelected(u.id)} aria-label={t('admin.people.manageWho', { name: u.displayName })}>
                      {t('admin.people.manage')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
