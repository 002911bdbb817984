import { useConnection, useQuery } from '../api/hooks';
import { CaseList } from '../features/cases/CaseList';
import { CaseEditor } from '../features/cases/CaseEditor';
import { CaseView } from '../features/cases/CaseView';
import { PeoplePage } from '../features/people/PeoplePage';
import { CapturePage } from '../features/capture/CapturePage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { PracticePage } from '../features/practice/PracticePage';
import { SyncStatusLine } from '../features/settings/PracticeServerCard';
import { href, useRoute, type Route } from './router';
import { assertNever } from '../../../shared/util/assert-never';

export function App() {
  const route = useRoute();
  const connection = useConnection();
  const status = useQuery('getStatus', {});
  const store = status.data?.store;

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Closeout</div>
        <a href={href({ name: 'cases' })} className={route.name === 'people' || route.name === 'capture' || route.name === 'settings' || route.name === 'practice' ? '' : 'active'}>
          Cases
        </a>
        <a href={href({ name: 'people' })} className={route.name === 'people' ? 'active' : ''}>
          People
        </a>
        <a href={href({ name: 'capture' })} className={route.name === 'capture' ? 'active' : ''}>
          Capture
        </a>
        <a href={href({ name: 'practice', tab: 'dashboard' })} className={route.name === 'practice' ? 'active' : ''}>
          Practice
        </a>
        <a href={href({ name: 'settings' })} className={route.name === 'settings' ? 'active' : ''}>
          Settings
        </a>
        <div className="sidebar-foot">
          <SyncStatusLine />
          {status.data ? `v${status.data.appVersion}` : ''}
        </div>
      </nav>
      <main className="content">
        {connection !== 'up' && (
          <div className="banner banner-warn" role="status">
            {connection === 'connecting'
              ? 'Connecting to Closeout…'
              : 'Reconnecting to Closeout’s background service… Everything already saved is safe.'}
          </div>
        )}
        {store?.state === 'ok' &&
          store.warnings.map((w) => (
            <div key={w} className="banner banner-warn" role="alert">
              {w}
            </div>
          ))}
        {store?.state === 'error' ? (
          <section className="fatal-panel" role="alert">
            <h1>Closeout cannot open its case database</h1>
            <p>{store.message}</p>
            <p className="muted">Data folder: {status.data?.dataDir}</p>
          </section>
        ) : (
          <Page route={route} />
        )}
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'cases':
      return <CaseList />;
    case 'newCase':
      return <CaseEditor key="new" caseId={null} />;
    case 'editCase':
      return <CaseEditor key={`edit:${route.id}`} caseId={route.id} />;
    case 'case':
      return <CaseView key={route.id} id={route.id} />;
    case 'people':
      return <PeoplePage />;
    case 'capture':
      return <CapturePage />;
    case 'settings':
      return <SettingsPage />;
    case 'practice':
      return <PracticePage tab={route.tab} />;
    default:
      return assertNever(route, 'route');
  }
}
