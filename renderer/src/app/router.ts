import { useEffect, useState } from 'react';

/** Hash routes: the app is one page, so navigation never leaves it (Electron denies real navigation). */
export type Route =
  | { name: 'cases' }
  | { name: 'newCase' }
  | { name: 'case'; id: string }
  | { name: 'editCase'; id: string }
  | { name: 'people' }
  | { name: 'capture' }
  | { name: 'settings' }
  | { name: 'practice'; tab: PracticeTab };

export type PracticeTab = 'dashboard' | 'roi';

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'cases' && parts[1] === 'new') return { name: 'newCase' };
  if (parts[0] === 'cases' && parts[1] && parts[2] === 'edit') return { name: 'editCase', id: parts[1] };
  if (parts[0] === 'cases' && parts[1]) return { name: 'case', id: parts[1] };
  if (parts[0] === 'people') return { name: 'people' };
  if (parts[0] === 'capture') return { name: 'capture' };
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'practice') return { name: 'practice', tab: parts[1] === 'roi' ? 'roi' : 'dashboard' };
  return { name: 'cases' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'cases':
      return '#/cases';
    case 'newCase':
      return '#/cases/new';
    case 'case':
      return `#/cases/${encodeURIComponent(route.id)}`;
    case 'editCase':
      return `#/cases/${encodeURIComponent(route.id)}/edit`;
    case 'people':
      return '#/people';
    case 'capture':
      return '#/capture';
    case 'settings':
      return '#/settings';
    case 'practice':
      return route.tab === 'roi' ? '#/practice/roi' : '#/practice';
  }
}

export function go(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
