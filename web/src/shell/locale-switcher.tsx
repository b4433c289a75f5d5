import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES, currentLocale, isLocale, setLocale } from '../i18n';

/** Each language is named in itself, so anyone can find theirs. */
const NATIVE_NAME: Record<(typeof LOCALES)[number], string> = { 'zh-CN': '简体中文', en: 'English' };

export function LocaleSwitcher() {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="locale-switcher">
      <label htmlFor={id}>{t('locale.label')}</label>
      <select
        id={id}
        value={currentLocale()}
        onChange={(e) => {
          if (isLocale(e.target.value)) void setLocale(e.target.value);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NATIVE_NAME[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
