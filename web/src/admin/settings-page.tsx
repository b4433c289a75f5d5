import { useTranslation } from 'react-i18next';
import { AuthoritySettingsForm } from './authority-settings';
import { ProfileViewer } from './profile-viewer';
import './admin.css';

/** 系统设置: the authority settings and the regulation profile of each unit tree. */
export default function SettingsPage() {
  const { t } = useTranslation();
  return (
    <div className="page page-admin-settings">
      <h1>{t('admin.settings.title')}</h1>
      <AuthoritySettingsForm />
      <ProfileViewer />
    </div>
  );
}
