import type { ReactNode } from 'react';

/** Loading and error rendering shared by the dashboard's lists. */
export function QueryState({
  isPending,
  error,
  onRetry,
  children,
}: {
  isPending: boolean;
  error: Error | null;
  onRetry: () => void;
  children: () => ReactNode;
}) {
  if (error) {
    return (
      <div className="notice error" role="alert">
        <p>{error.message}</p>
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (isPending) {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  return <>{children()}</>;
}
