'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { getRetryQuote, retryJob, type JobView } from '../../lib/api';
import { Modal } from '../browse/Modal';
import { QuoteTiers } from '../browse/RestoreDialog';
import { useRememberJob } from './useJobActions';
import { FormError } from '../QueryState';

/**
 * Starting a restore job again, quoted first like a new restore: the retry plans afresh, and
 * copies that went cold since its first run are thawed (and billed) again, at the job's own
 * tier. Only that tier is shown; a restore at another tier is a new restore (Browse, Restore…).
 */
export function RetryRestoreDialog({
  job,
  open,
  label,
  onClose,
}: {
  job: JobView;
  open: boolean;
  /** "Retry" or "Run again", as on the button that opened it. */
  label: string;
  onClose: () => void;
}) {
  const remember = useRememberJob();
  const quote = useQuery({
    queryKey: ['retry-quote', job.id],
    queryFn: () => getRetryQuote(job.id),
    enabled: open,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const retry = useMutation({ mutationFn: () => retryJob(job.id), onSuccess: remember });
  const tier = typeof job.params.tier === 'string' ? job.params.tier : null;
  const view = quote.data
    ? {
        ...quote.data,
        quote: {
          ...quote.data.quote,
          tiers: quote.data.quote.tiers.filter((t) => t.tier === tier),
        },
      }
    : null;
  const thaws = (view?.quote.toRestore.objects ?? 0) > 0;

  return (
    <Modal
      open={open}
      title={`${label}: restore job #${job.id}`}
      closeLabel="retry dialog"
      onClosed={() => {
        retry.reset();
        onClose();
      }}
    >
      {(close) =>
        retry.data ? (
          <div className="stack">
            <p className="form-success" role="status">
              Started again as job #{retry.data.id}.
            </p>
            <div className="actions modal-actions">
              <button type="button" className="button" onClick={close}>
                Done
              </button>
            </div>
          </div>
        ) : (
          <>
            {quote.error ? (
              <p className="form-error" role="alert">
                {quote.error.message}
              </p>
            ) : !view ? (
              <p className="muted" role="status">
                Working out what it would ask again, and its price…
              </p>
            ) : (
              <QuoteTiers
                view={view}
                chosen={
                  tier === 'Bulk' || tier === 'Standard' || tier === 'Expedited' ? tier : null
                }
                onChoose={() => undefined}
                name={`retry-${job.id}-tier`}
              />
            )}
            <FormError error={retry.error} />
            <div className="actions modal-actions">
              <button
                type="button"
                className="button primary"
                disabled={!view || retry.isPending}
                onClick={() => retry.mutate()}
              >
                {retry.isPending
                  ? 'Starting…'
                  : thaws
                    ? `Restore again (${tier ?? 'same tier'})`
                    : 'Start again'}
              </button>
              <button type="button" className="button" onClick={close}>
                Cancel
              </button>
            </div>
          </>
        )
      }
    </Modal>
  );
}
