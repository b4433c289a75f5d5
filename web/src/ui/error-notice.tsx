import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';
import type { Catalogue } from '../i18n/en';

type ErrorKey = `errors.${Extract<keyof Catalogue['errors'], string>}`;

/** The user's words for an error: the catalogue's text for a known server error id, else the server's message. */
export function describeError(t: TFunction, i18nExists: (key: string) => boolean, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`;
    if (i18nExists(key)) return t(key as ErrorKey);
    return t('errors.withMessage', { message: error.message || error.code });
  }
  if (error instanceof Error) return t('errors.withMessage', { message: error.message });
  return t('errors.unknown');
}

export function useDescribeError(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  return (error) => describeError(t, (k) => i18n.exists(k), error);
}

export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  const describe = useDescribeError();
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="notice notice-error" role="alert">
      <span className="status-icon" aria-hidden="true">
        ✕
      </span>
      <div>
        {title ? <strong>{title} </strong> : null}
        <span>{describe(error)}</span>
        {code ? <code className="error-code">{code}</code> : null}
      </div>
    </div>
  );
}
