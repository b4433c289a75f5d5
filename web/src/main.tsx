import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createQueryClient, createRouter } from './app';
import { initI18n } from './i18n';
import { preloadPage } from './pages';
import { siteName } from './shell/site-name';
import './styles.css';

// The first page's chunk loads alongside the texts and the session check, not after them.
preloadPage(location.pathname);
await initI18n();
document.title = siteName() === 'Custodia' ? 'Custodia' : `${siteName()} · Custodia`;
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App client={createQueryClient()} router={createRouter()} />
    </StrictMode>,
  );
}
