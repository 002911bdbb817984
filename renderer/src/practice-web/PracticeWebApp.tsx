import { useEffect, useMemo, useState } from 'react';
import { createClient } from '../api/client';
import { ClientContext } from '../api/hooks';
import { PracticePage } from '../features/practice/PracticePage';
import { serverTransport } from './server-transport';
import { api, ApiError, type Account } from './practice-api';
import { LoginPage } from './LoginPage';
import { QueuePage } from './QueuePage';
import { RemoteCase } from './RemoteCase';
import { WorklistPage } from './WorklistPage';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** The practice server's page: log in, then the physician's queue and cases, or the billing worklist. */
export function PracticeWebApp() {
  const [account, setAccount] = useState<Account | null | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  const hash = useHash();
  // The workstation's dashboard and ROI components, over the server (every workstation's cases).
  const client = useMemo(() => createClient(serverTransport()), []);
  useEffect(() => {
    api
      .get<{ account: Account }>('/api/me')
      .then((r) => setAccount(r.account))
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) setAccount(null);
        else setFailure(e instanceof Error ? e.message : 'The practice server did not answer.');
      });
  }, []);
  if (failure) return <p className="fatal">{failure}</p>;
  if (account === undefined) return <p className="muted">Loading…</p>;
  if (account === null) return <LoginPage onLogin={setAccount} />;
  const physician = account.roles.includes('physician');
  const billing = account.roles.includes('billing') || account.roles.includes('admin');
  const caseMatch = /^#\/case\/([^/]+)$/.exec(hash);
  const practice = billing && (hash === '#/practice' || hash === '#/practice/roi');
  const page = caseMatch ? 'case' : practice ? 'practice' : hash === '#/worklist' ? 'worklist' : physician ? 'queue' : billing ? 'worklist' : 'none';
  const logout = async () => {
    await api.post('/api/logout').catch(() => {});
    setAccount(null);
  };
  return (
    <div className="shell practice-web">
      <nav className="sidebar" aria-label="Practice">
        <strong>Closeout</strong>
        {physician && <a href="#/queue">My queue</a>}
        {billing && <a href="#/worklist">Claims</a>}
        {billing && <a href="#/practice">Practice</a>}
        <div className="sidebar-foot">
          <span>
            {account.displayName}
            {account.credential ? `, ${account.credential}` : ''}
          </span>
          <button type="button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </nav>
      <main className="content">
        {page === 'case' && caseMatch && <RemoteCase caseId={decodeURIComponent(caseMatch[1]!)} account={account} />}
        {page === 'queue' && <QueuePage />}
        {page === 'worklist' && <WorklistPage />}
        {page === 'practice' && (
          <ClientContext.Provider value={client}>
            <PracticePage tab={hash === '#/practice/roi' ? 'roi' : 'dashboard'} />
          </ClientContext.Provider>
        )}
        {page === 'none' && <p className="empty">Your account has no role with a page here yet.</p>}
      </main>
    </div>
  );
}
