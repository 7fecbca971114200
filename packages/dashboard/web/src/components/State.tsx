// Loading, empty and error states, the same on every page.
import { useEffect, useState } from 'react';

export function Loading({ what }: { what: string }) {
  return <p className="state" role="status" aria-live="polite">Loading {what}…</p>;
}

export function ErrorMessage({ error }: { error: unknown }) {
  return <p className="state error" role="alert">{error instanceof Error ? error.message : 'Something went wrong.'}</p>;
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** Loads data for a page and re-loads when `key` changes. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): { data: T | undefined; error: unknown; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setError(undefined);
    load().then(
      (value) => current && setData(value),
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [...key, round]);
  return { data, error, reload: () => setRound((value) => value + 1) };
}
