// Sign-in: pick a name (open mode) or paste a token (token mode); the choice is remembered by the App.
import { useEffect, useRef, useState } from 'react';
import { type Identity, tokenClaims } from '../lib/identity';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

interface Props {
  authMode: 'open' | 'token';
  error: string | null;
  onJoin(identity: Identity): void;
}

export function JoinScreen({ authMode, error, onJoin }: Props) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const shown = problem ?? error;
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const v = value.trim();
    if (authMode === 'open') {
      if (!NAME.test(v))
        return setProblem(
          'A name is 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit.',
        );
      onJoin({ mode: 'open', userId: v });
    } else {
      if (!tokenClaims(v))
        return setProblem(
          'That does not look like a token: paste the whole JWT (three parts separated by dots).',
        );
      onJoin({ mode: 'token', token: v });
    }
  };

  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 p-4 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <form
        onSubmit={submit}
        className="w-full max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-900"
        aria-labelledby="join-title"
      >
        <h1 id="join-title" className="text-xl font-semibold">
          OpenCode-Slack
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {authMode === 'open'
            ? 'Pick a name to join the team chat.'
            : 'Paste the token an admin gave you (npm run token -- --user <you>).'}
        </p>
        <label htmlFor="join-field" className="block text-sm font-medium">
          {authMode === 'open' ? 'Your name' : 'Token'}
        </label>
        {authMode === 'open' ? (
          <input
            id="join-field"
            ref={field}
            data-testid="join-name"
            autoComplete="username"
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setProblem(null);
            }}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 outline-none focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 dark:border-slate-600 dark:bg-slate-800"
          />
        ) : (
          <textarea
            id="join-field"
            ref={field}
            data-testid="join-token"
            rows={4}
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setProblem(null);
            }}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs outline-none focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 dark:border-slate-600 dark:bg-slate-800"
          />
        )}
        {shown && (
          <p role="alert" data-testid="join-error" className="text-sm text-red-600 dark:text-red-400">
            {shown}
          </p>
        )}
        <button
          type="submit"
          data-testid="join-submit"
          className="w-full rounded-md bg-sky-600 px-3 py-2 font-medium text-white hover:bg-sky-700"
        >
          Join
        </button>
      </form>
    </main>
  );
}
