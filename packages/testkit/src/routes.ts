// An app's own route table, to compare with the browser API that contracts lists.

/** `METHOD /path` of every route under /api that `app` serves (middleware excluded). */
export function apiRoutesOf(app: { routes: { method: string; path: string }[] }): string[] {
  const routes = app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'));
  return [...new Set(routes.map((r) => `${r.method} ${r.path}`))];
}
