import { useState, type FormEvent } from 'react';
import { api, ApiError, type Account } from './practice-api';

/** Password and the six-digit code from the authenticator app: both, every time. */
export function LoginPage({ onLogin }: { onLogin: (a: Account) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ account: Account }>('/api/login', { username, password, totp });
      onLogin(r.account);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The login did not go through.');
      setTotp('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="fatal-panel practice-login">
      <h1>Closeout practice server</h1>
      <p className="muted">For the interpreting physician, billing and the practice office.</p>
      <form onSubmit={submit} aria-label="Log in">
        <label className="field">
          User name
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label className="field">
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <label className="field">
          Six-digit code from your authenticator app
          <input name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} value={totp} onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))} required />
        </label>
        {error && (
          <p className="banner banner-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button className="primary" type="submit" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </div>
      </form>
    </main>
  );
}
