'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { getJobFailures, queryKeys, type JobView } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { ACTIVE_STATES } from '../../lib/jobs';

const SHOWN_AT_FIRST = 5;
const SHOWN_AT_MOST = 1_000;

/** The items a job could not handle, with the reason (live while it runs). */
export function JobFailures({ job, enabled }: { job: JobView; enabled: boolean }) {
  const [expanded, setExpanded] = useState(false);
  const failures = useQuery({
    queryKey: queryKeys.jobFailures(job.id),
    queryFn: ({ signal }) => getJobFailures(job.id, signal),
    enabled,
    // A finished job's failures do not change; a running job's arrive by events.
    staleTime: ACTIVE_STATES.has(job.state) ? 5_000 : Infinity,
  });
  const list = failures.data ?? [];
  if (list.length === 0) return null;
  const shown = list.slice(0, expanded ? SHOWN_AT_MOST : SHOWN_AT_FIRST);
  return (
    <div className="failures">
      <p className="danger-text failures-title">{formatCount(list.length, 'item')} failed</p>
      <ul className="failure-list" aria-label={`Failures of job ${job.id}`}>
        {shown.map((f, i) => (
          <li key={`${f.at}-${i}`}>
            <span className="path">{f.item}</span> <span className="muted">— {f.reason}</span>
          </li>
        ))}
      </ul>
      {list.length > SHOWN_AT_FIRST ? (
        <button
          type="button"
          className="button small link"
          aria-expanded={expanded}
          onClick={() => setExpanded((e) => !e)}
        >
          {expanded
            ? 'Show fewer'
            : `Show all ${list.length > SHOWN_AT_MOST ? `first ${SHOWN_AT_MOST.toLocaleString('en-US')} of ` : ''}${list.length.toLocaleString('en-US')}`}
        </button>
      ) : null}
    </div>
  );
}
