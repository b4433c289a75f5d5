/** The site's name, put into index.html by the server (src/http/web-app.ts). */
export function siteName(): string {
  const meta = document.querySelector('meta[name="custodia-site-name"]');
  return meta?.getAttribute('content')?.trim() || 'Custodia';
}
