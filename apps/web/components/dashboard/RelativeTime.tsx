import { formatDateTime, formatRelative, toDate } from '../../lib/format';

/** "3 minutes ago" / "in 3 days", with the exact date and time in its tooltip. */
export function RelativeTime({ at }: { at: number }) {
  return (
    <time dateTime={toDate(at).toISOString()} title={formatDateTime(at)}>
      {formatRelative(at)}
    </time>
  );
}
