import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../api/http';
import { PAGES } from '../pages';
import { hasAnyRole, useMe } from '../session/session';
import { useFormat } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { cardsFor, LATE_WINDOW_DAYS, resolveLink, type HomeCard } from './home-cards';
import './home.css';

/** Home (首页): what needs me now — a card per duty of my roles, each with its count and a link to where it is done. */
export default function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const f = useFormat();
  // Counts are asked once per visit at this instant, so their keys (and windows) stay stable.
  const [now] = useState(() => Date.now());
  const cards = cardsFor(me.roles);
  const pages = PAGES.filter((p) => p.nav && p.path !== '/' && hasAnyRole(me, p.nav.roles));

  return (
    <div className="page page-home">
      <h1>{t('home.greeting', { name: me.displayName })}</h1>
      <p className="muted">{t('home.today', { date: f.date(now) })}</p>
      {cards.length > 0 ? (
        <section aria-labelledby="home-now">
          <h2 id="home-now">{t('home.now')}</h2>
          <ul className="home-cards">
            {cards.map((c) => (
              <CountCard key={c.id} card={c} now={now} />
            ))}
          </ul>
        </section>
      ) : null}
      {cards.length === 0 ? <p>{pages.length > 0 ? t('home.nothing') : t('shell.noPages')}</p> : null}
    </div>
  );
}

function CountCard({ card, now }: { card: HomeCard; now: number }) {
  const { t } = useTranslation();
  const count = useQuery({
    queryKey: ['home', card.id, now],
    queryFn: async ({ signal }) => {
      const res = await api<{ items?: unknown[] }>(card.url(now), { signal });
      if (card.total) return { n: card.total(res), full: false };
      const items = res.items ?? [];
      return { n: card.count ? card.count(items, now) : items.length, full: items.length >= card.limit };
    },
    refetchInterval: 60_000,
  });
  // Not this person's to see (a role without that authority, a feature not on this server): no card.
  if (count.error instanceof ApiError && (count.error.status === 403 || count.error.status === 404)) return null;
  const link = resolveLink(card, now, PAGES.map((p) => p.path));
  const n = count.data?.n;
  const tone = n === undefined ? 'pending' : n === 0 ? 'ok' : card.actionable ? 'warn' : 'info';
  const body = (
    <>
      <span className="home-card-title">{t(`home.cards.${card.id}.title`)}</span>
      <span className="home-card-count" data-count={n ?? ''}>
        {count.isPending ? '…' : count.error ? '—' : count.data.full ? t('home.atLeast', { n: n! }) : n}
      </span>
      <span className="home-card-text">
        {count.error ? (
          <StatusBadge tone="error">{t('home.countFailed')}</StatusBadge>
        ) : n === undefined ? null : n === 0 ? (
          <StatusBadge tone="ok">{t(`home.cards.${card.id}.none`)}</StatusBadge>
        ) : (
          <StatusBadge tone={tone}>{t(`home.cards.${card.id}.some`, { days: LATE_WINDOW_DAYS })}</StatusBadge>
        )}
      </span>
    </>
  );
  return (
    <li className={`home-card home-card-${tone}`} data-card={card.id}>
      {link ? (
        <Link to={link} className="home-card-link">
          {body}
          <span className="home-card-go">{t('home.open')}</span>
        </Link>
      ) : (
        <div className="home-card-link">{body}</div>
      )}
    </li>
  );
}
