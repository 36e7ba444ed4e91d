/**
 * The app shell: hash routes (#/traces, #/trace/<id>[@<start µs>], #/models, #/alerts, #/keys, #/spend),
 * the navigation and the key prompt. A trace link carries its start, so the trace is looked up in a time range (which
 * OpenObserve asks for).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AuthNeeded, saveKey } from './api.ts';
import { AlertsPage } from './pages/alerts.tsx';
import { KeysPage } from './pages/keys.tsx';
import { ModelsPage } from './pages/models.tsx';
import { SpendPage } from './pages/spend.tsx';
import { TracePage } from './pages/trace.tsx';
import { TracesPage } from './pages/traces.tsx';
import './styles.css';

function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || '/traces');
  useEffect(() => {
    const onChange = () => setRoute(location.hash.slice(1) || '/traces');
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Shown when the API answers 401/403: asks for the master key once per browser session. */
export function KeyPrompt({ message, onSaved }: { message: string; onSaved: () => void }) {
  const [key, setKey] = useState('');
  return (
    <form
      class="key-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) {
          saveKey(key.trim());
          onSaved();
        }
      }}
    >
      <h2>This gateway needs its master key</h2>
      <p class="muted">{message}</p>
      <label>
        Master key
        <input
          type="password"
          name="key"
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">Open</button>
      <p class="muted">Kept for this browser tab's session only.</p>
    </form>
  );
}

/**
 * A page's reads behind the master key. `failed(otherwise)` handles a read's error: a missing or wrong
 * key asks for the key (`prompt`, shown instead of the page), anything else goes to `otherwise`.
 * `passed()` after a read that got through; `again()` re-runs the reads (`reload` is their effects'
 * dependency), as a saved key does.
 */
export function useKeyPrompt() {
  const [auth, setAuth] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const again = () => setReload((n) => n + 1);
  const failed = (otherwise?: (message: string) => void) => (err: Error) => {
    if (err instanceof AuthNeeded) setAuth(err.message);
    else otherwise?.(err.message);
  };
  const prompt =
    auth === null ? null : (
      <KeyPrompt
        message={auth}
        onSaved={() => {
          setAuth(null);
          again();
        }}
      />
    );
  return { reload, again, passed: () => setAuth(null), needKey: setAuth, failed, prompt };
}

function App() {
  const route = useRoute();
  const trace = /^\/trace\/([0-9a-f]{32})(?:@(\d+))?/.exec(route);
  return (
    <>
      <header class="top">
        <a class="brand" href="#/traces">
          Tollgate
        </a>
        <nav>
          <a href="#/traces" class={route.startsWith('/trace') ? 'active' : ''}>
            Traces
          </a>
          <a href="#/models" class={route.startsWith('/models') ? 'active' : ''}>
            Models
          </a>
          <a href="#/alerts" class={route.startsWith('/alerts') ? 'active' : ''}>
            Alerts
          </a>
          <a href="#/keys" class={route.startsWith('/keys') ? 'active' : ''}>
            Keys
          </a>
          <a href="#/spend" class={route.startsWith('/spend') ? 'active' : ''}>
            Spend
          </a>
        </nav>
      </header>
      <main>
        {trace?.[1] ? (
          <TracePage traceId={trace[1]} startUs={trace[2] ? Number(trace[2]) : undefined} />
        ) : route.startsWith('/models') ? (
          <ModelsPage />
        ) : route.startsWith('/alerts') ? (
          <AlertsPage />
        ) : route.startsWith('/keys') ? (
          <KeysPage />
        ) : route.startsWith('/spend') ? (
          <SpendPage />
        ) : (
          <TracesPage />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
