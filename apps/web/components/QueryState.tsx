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

/** What a failed request or action said, under the form or button that made it; nothing else. */
export function FormError({ error }: { error: Error | null | undefined }) {
  return error ? (
    <p className="form-error" role="alert">
      {error.message}
    </p>
  ) : null;
}
