import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiErrorOf, ApiError } from '../api/http';
import { ErrorNotice } from '../ui/error-notice';
import { StatusBadge } from '../ui/status-badge';

/**
 * The printable retrieval form (调用单, GET /api/access-requests/:id/form.pdf). The PDF is fetched
 * first, so a refusal (or a server without the route) is shown here rather than as a bare error
 * page; it then opens in a new tab, where the browser's viewer prints it. Each print is audited.
 */
export function RetrievalFormLink({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const href = `/api/access-requests/${requestId}/form.pdf`;

  const open = async () => {
    setError(null);
    setBusy(true);
    // Opened now, while the click still counts as the user's, so no pop-up blocker stops it.
    const tab = window.open('', '_blank');
    try {
      const res = await fetch(href, { credentials: 'same-origin', headers: { accept: 'application/pdf' } });
      if (!res.ok) throw await apiErrorOf(res);
      const url = URL.createObjectURL(await res.blob());
      if (tab) tab.location.href = url;
      else window.location.href = url;
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      tab?.close();
      setError(e instanceof ApiError || e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  const missing = error instanceof ApiError && error.status === 404 && error.code === 'http_404';
  return (
    <span className="retrieval-form">
      <a
        href={href}
        target="_blank"
        rel="noreferrer"
        className="button"
        aria-disabled={busy}
        onClick={(e) => {
          e.preventDefault();
          if (!busy) void open();
        }}
      >
        {busy ? t('accessRequests.form.opening') : t('accessRequests.form.print')}
      </a>
      {missing ? (
        <span className="notice notice-warn" role="alert">
          <StatusBadge tone="warn">{t('accessRequests.form.unavailable')}</StatusBadge>
        </span>
      ) : error ? (
        <ErrorNotice error={error} />
      ) : null}
    </span>
  );
}
