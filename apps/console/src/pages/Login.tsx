// Sign-in, and choosing a password from an invite link. Either ends with the alerts handshake.
import { useState } from 'preact/hooks';
import { api, problem } from '../api';
import { unlockAlerts } from '../notify';
import './Login.css';

export function Login({ inviteToken, onSignedIn }: { inviteToken: string | null; onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    // The click that signs in also lets the page play sound and asks for desktop notifications.
    void unlockAlerts();
    try {
      if (inviteToken) await api.acceptInvite(inviteToken, password);
      else await api.login(email, password);
      onSignedIn();
    } catch (e) {
      setError(problem(e, 'Something went wrong, try again'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} aria-label={inviteToken ? 'Choose a password' : 'Sign in'}>
        <div class="brand big">
          <span class="brand-mark" aria-hidden="true" />
          Parley
        </div>
        <h1>{inviteToken ? 'Welcome aboard' : 'Sign in to your inbox'}</h1>
        {inviteToken ? (
          <p class="muted">Choose a password for your new account (at least 10 characters).</p>
        ) : (
          <label>
            Email
            <input
              type="email"
              name="email"
              autocomplete="username"
              required
              value={email}
              onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
            />
          </label>
        )}
        <label>
          Password
          <input
            type="password"
            name="password"
            autocomplete={inviteToken ? 'new-password' : 'current-password'}
            required
            minLength={inviteToken ? 10 : 1}
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary wide" disabled={busy}>
          {busy ? 'Signing in…' : inviteToken ? 'Set password and sign in' : 'Sign in'}
        </button>
        <p class="muted small">Signing in turns on sound and desktop alerts for new chats.</p>
      </form>
    </main>
  );
}
