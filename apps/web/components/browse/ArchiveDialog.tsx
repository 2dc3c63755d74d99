'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useMemo, useState } from 'react';
import {
  getDestinations,
  planArchive,
  queryKeys,
  startArchive,
  type ArchiveBody,
  type ArchivePlanView,
  type ArchiveQuote,
} from '../../lib/api';
import { formatBytes, formatCount, formatExactBytes, formatMoney } from '../../lib/format';
import { storageClassLabel } from '../settings/storage-classes';
import { useRememberJob } from '../jobs/useJobActions';
import { Choice, Modal } from './Modal';
import { idsKey } from './selection-actions';
import { FormError } from '../QueryState';

/**
 * "Archive to…": pick a destination, read the plan (what would be sent, what is there
 * already, what a scan has not read) and the quote (storage a month, requests, the minimum
 * duration's charge), then confirm. Nothing is sent before the confirm. Opened from a
 * selection (`fileIds`), it plans and archives those files only; else the whole folder.
 */
export function ArchiveDialog({
  open,
  root,
  path,
  folderName,
  fileIds,
  onClose,
}: {
  open: boolean;
  root: string;
  path: string;
  folderName: string;
  /** The selected files (catalog ids, in `path` or below): only these are archived. */
  fileIds?: readonly number[] | undefined;
  onClose: () => void;
}) {
  const headingId = useId();
  const queryClient = useQueryClient();
  const remember = useRememberJob();
  const [chosen, setChosen] = useState<string | null>(null);
  const destinations = useQuery({
    queryKey: queryKeys.destinations,
    queryFn: ({ signal }) => getDestinations(signal),
    enabled: open,
  });
  const list = destinations.data ?? [];
  const destination = chosen ?? (list.length === 1 ? list[0]!.name : null);
  const picked = fileIds ? fileIds.length : null;
  const selection = useMemo(() => (fileIds ? idsKey(fileIds) : null), [fileIds]);
  const body = useMemo<ArchiveBody | null>(
    () =>
      destination
        ? { destination, root, path, ...(fileIds ? { fileIds: [...fileIds] } : {}) }
        : null,
    [destination, root, path, fileIds],
  );
  const plan = useQuery({
    queryKey: queryKeys.archivePlan({ destination: destination ?? '', root, path }, selection),
    queryFn: () => planArchive(body!),
    enabled: open && body !== null,
    staleTime: 0,
    gcTime: 0,
  });
  const start = useMutation({
    mutationFn: startArchive,
    onSuccess: (job) => {
      remember(job);
      void queryClient.invalidateQueries({ queryKey: ['archive-plan'] });
    },
  });

  const where = path ? `${root}/${path}` : root;
  const selected = picked === null ? '' : formatCount(picked, 'selected file');

  return (
    <Modal
      open={open}
      title={picked === null ? `Archive “${folderName}”` : `Archive ${selected}`}
      closeLabel="archive dialog"
      onClosed={() => {
        setChosen(null);
        start.reset();
        onClose();
      }}
    >
      {(close) => (
        <>
          {picked === null ? (
            <p className="muted small-text">
              <span className="path-text">{where}</span> and every folder below it.
            </p>
          ) : (
            <p className="muted small-text" data-testid="archive-selection">
              Only the {selected} of <span className="path-text">{where}</span>: nothing else of the
              folder.
            </p>
          )}

          {start.data ? (
            <div className="stack">
              <p className="form-success" role="status">
                Archive started: job #{start.data.id}. Copies count once verified at the
                destination.
              </p>
              <div className="actions">
                <Link className="button primary" href="/jobs/">
                  Follow it in Activity
                </Link>
                <button type="button" className="button" onClick={close}>
                  Done
                </button>
              </div>
            </div>
          ) : (
            <>
              <fieldset className="choice-list">
                <legend>Destination</legend>
                {destinations.isPending ? (
                  <p className="muted" role="status">
                    Loading…
                  </p>
                ) : destinations.error ? (
                  <p className="form-error" role="alert">
                    {destinations.error.message}
                  </p>
                ) : list.length === 0 ? (
                  <p className="muted">
                    No destination yet. <Link href="/settings/">Add one in Settings</Link>.
                  </p>
                ) : (
                  list.map((d) => (
                    <Choice
                      key={d.id}
                      name={`${headingId}-destination`}
                      value={d.name}
                      checked={destination === d.name}
                      onChoose={() => setChosen(d.name)}
                      title={d.name}
                    >
                      <span className="path">{d.url}</span>
                      <span className="muted small-text">
                        {d.kind === 's3' ? storageClassLabel(d.storageClass) : 'folder'}
                      </span>
                    </Choice>
                  ))
                )}
              </fieldset>

              {body === null ? null : plan.error ? (
                <p className="form-error" role="alert">
                  {plan.error.message}
                </p>
              ) : !plan.data ? (
                <p className="muted" role="status">
                  Working out the plan…
                </p>
              ) : (
                <PlanView plan={plan.data} />
              )}

              <FormError error={start.error} />
              <div className="actions modal-actions">
                <button
                  type="button"
                  className="button primary"
                  disabled={
                    !plan.data || plan.data.files === 0 || start.isPending || plan.isFetching
                  }
                  onClick={() => body && start.mutate(body)}
                >
                  {start.isPending
                    ? 'Starting…'
                    : plan.data && plan.data.files > 0
                      ? picked === null
                        ? `Archive ${formatCount(plan.data.files, 'file')}`
                        : `Archive ${formatCount(plan.data.files, 'selected file')} to ${plan.data.destination}`
                      : 'Archive'}
                </button>
                <button type="button" className="button" onClick={close}>
                  Cancel
                </button>
              </div>
            </>
          )}
        </>
      )}
    </Modal>
  );
}

function PlanView({ plan }: { plan: ArchivePlanView }) {
  return (
    <section className="plan" aria-label="Plan and quote">
      {plan.files === 0 ? (
        <p className="form-success" role="status">
          Nothing to send: {plan.destination} already holds every{' '}
          {plan.selected === null ? 'file here' : 'selected file'}
          {plan.unread > 0 ? ' that a scan has read' : ''}.
        </p>
      ) : null}
      <dl className="details-list">
        <div className="details-row">
          <dt>To send</dt>
          <dd data-testid="plan-files">
            {formatCount(plan.files, 'file')} · {formatBytes(plan.bytes)}{' '}
            <span className="muted">({formatExactBytes(plan.bytes)})</span>
          </dd>
        </div>
        <div className="details-row">
          <dt>Already there</dt>
          <dd data-testid="plan-already">{formatCount(plan.alreadyArchived, 'file')}</dd>
        </div>
        {plan.unread > 0 ? (
          <div className="details-row">
            <dt>Not read yet</dt>
            <dd className="warn-text">
              {formatCount(plan.unread, 'file')}: a scan has not read them (or they changed since).
              Scan first to include them.
            </dd>
          </div>
        ) : null}
        {plan.missing > 0 ? (
          <div className="details-row">
            <dt>Gone</dt>
            <dd className="warn-text" data-testid="plan-missing">
              {formatCount(plan.missing, 'selected file')}: no longer on the NAS since the last
              scan, not sent.
            </dd>
          </div>
        ) : null}
      </dl>
      {plan.quote ? (
        <QuoteView quote={plan.quote} />
      ) : (
        <p className="muted small-text" data-testid="quote-none">
          A folder destination: no storage or request charges.
        </p>
      )}
    </section>
  );
}

function QuoteView({ quote: q }: { quote: ArchiveQuote }) {
  // A few photos cost fractions of a cent: say so rather than "$0.00".
  const money = (amount: number) =>
    amount === 0 && q.files > 0
      ? `under ${formatMoney(0.0001, q.currency)}`
      : formatMoney(amount, q.currency);
  return (
    <div className="quote" data-testid="quote">
      <h3>Estimated cost</h3>
      <dl className="details-list">
        <div className="details-row">
          <dt>Storage class</dt>
          <dd>{storageClassLabel(q.storageClass)}</dd>
        </div>
        <div className="details-row">
          <dt>Storage</dt>
          <dd data-testid="quote-month">
            {money(q.storagePerMonth)} a month{' '}
            <span className="muted">({formatBytes(q.billedBytes)} billed)</span>
          </dd>
        </div>
        <div className="details-row">
          <dt>Uploads</dt>
          <dd data-testid="quote-requests">
            {money(q.requestsCost)}{' '}
            <span className="muted">({formatCount(q.putRequests, 'request')})</span>
          </dd>
        </div>
        {q.minimumDays > 0 ? (
          <div className="details-row">
            <dt>Minimum</dt>
            <dd data-testid="quote-minimum">
              kept {q.minimumDays} days: deleting sooner still bills them (
              {money(q.minimumStorageCharge)})
            </dd>
          </div>
        ) : null}
        <div className="details-row">
          <dt>At the least</dt>
          <dd data-testid="quote-first">{money(q.firstCost)}</dd>
        </div>
      </dl>
      <p className="muted small-text" data-testid="quote-prices">
        Prices of {q.region} as of {q.pricesAsOf}
        {q.estimated ? ' (estimated: this region is not on the price sheet)' : ''}.
      </p>
    </div>
  );
}
