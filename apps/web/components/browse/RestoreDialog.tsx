'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import type { RestoreQuoteBody } from '@glacier/server/api';
import { getDestinations, queryKeys, type FileView } from '../../lib/api';
import { formatBytes, formatCount, formatMoney } from '../../lib/format';
import { useRememberJob } from '../jobs/useJobActions';
import { storageClassLabel } from '../settings/storage-classes';
import {
  explorerKeys,
  quoteRestore,
  requestRestore,
  type RestoreQuoteView,
  type TierQuote,
} from './explorer-api';
import { Choice, Modal } from './Modal';
import { restoreSources } from './selection-actions';
import { FormError } from '../QueryState';

/** What to restore: picked files, or a whole folder (and what is below it). */
export type RestoreSubject =
  | { kind: 'files'; files: FileView[]; truncated: boolean }
  | { kind: 'folder'; root: string; path: string; files: number };

const TIER_NAMES = { Bulk: 'bulk', Standard: 'standard', Expedited: 'expedited' } as const;

/**
 * "Restore…": pick the destination to restore from and how long the thawed copies stay
 * readable, read each tier's price and wait (Expedited is not offered for Deep Archive), then
 * request. Nothing is asked of S3 before the request; the job then watches the thaw, and the
 * files' tags show where it stands until the copies expire.
 */
export function RestoreDialog({
  subject,
  onClose,
}: {
  subject: RestoreSubject | null;
  onClose: () => void;
}) {
  const headingId = useId();
  const daysId = useId();
  const toId = useId();
  const queryClient = useQueryClient();
  const remember = useRememberJob();
  const open = subject !== null;
  const [chosen, setChosen] = useState<string | null>(null);
  const [tier, setTier] = useState<TierQuote['tier'] | null>(null);
  const [days, setDays] = useState(7);
  const [to, setTo] = useState('');

  // A folder may hold copies anywhere: every destination is offered (the quote says what each
  // holds); picked files name theirs.
  const destinations = useQuery({
    queryKey: queryKeys.destinations,
    queryFn: ({ signal }) => getDestinations(signal),
    enabled: open && subject?.kind === 'folder',
  });
  const sources: { name: string; files: number | null }[] =
    subject?.kind === 'files'
      ? restoreSources(subject.files)
      : (destinations.data ?? []).map((d) => ({ name: d.name, files: null }));
  const destination = chosen ?? sources[0]?.name ?? null;
  const scope =
    subject?.kind === 'files'
      ? { fileIds: subject.files.filter((f) => f.tags.archived.length > 0).map((f) => f.id) }
      : subject
        ? { root: subject.root, path: subject.path }
        : null;
  const validDays = Number.isInteger(days) && days >= 1 && days <= 365;
  const target = to.trim();
  const body: RestoreQuoteBody | null =
    destination && scope && validDays && ('root' in scope || scope.fileIds.length > 0)
      ? { destination, days, ...scope, ...(target ? { to: target } : {}) }
      : null;

  const quote = useQuery({
    queryKey: explorerKeys.restoreQuote(body ?? { destination: '' }),
    queryFn: () => quoteRestore(body!),
    enabled: open && body !== null,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const tiers = quote.data?.quote.tiers ?? [];
  const pickable = tiers.filter((t) => t.available);
  const tierChosen =
    tier && pickable.some((t) => t.tier === tier) ? tier : (pickable[0]?.tier ?? null);

  const start = useMutation({
    mutationFn: requestRestore,
    onSuccess: (job) => {
      remember(job);
      // The files' tags say "restore requested" from now on.
      void queryClient.invalidateQueries({ queryKey: queryKeys.browse });
      void queryClient.invalidateQueries({ queryKey: ['file'] });
    },
  });

  const count = subject?.kind === 'files' ? subject.files.length : (subject?.files ?? 0);
  const notArchived =
    subject?.kind === 'files' ? subject.files.filter((f) => f.tags.archived.length === 0) : [];

  return (
    <Modal
      open={open}
      title={
        !subject
          ? 'Restore'
          : `Restore ${subject.kind === 'files' ? formatCount(count, 'file') : `“${subject.path.split('/').pop() || subject.root}”`}`
      }
      closeLabel="restore dialog"
      onClosed={() => {
        setChosen(null);
        setTier(null);
        start.reset();
        onClose();
      }}
    >
      {(close) =>
        !subject ? null : (
          <>
            {subject.kind === 'folder' ? (
              <p className="muted small-text">
                <span className="path-text">
                  {subject.root}
                  {subject.path ? `/${subject.path}` : ''}
                </span>{' '}
                and every folder below it.
              </p>
            ) : subject.truncated ? (
              <p className="muted small-text">
                The first {formatCount(count, 'file')} of the selection (a restore takes at most
                that many at a time).
              </p>
            ) : null}

            {start.data ? (
              <div className="stack">
                <p className="form-success" role="status">
                  Restore requested: job #{start.data.id}. The files’ tags show when their copies
                  can be read.
                </p>
                <div className="actions">
                  <Link className="button primary" href="/restores/">
                    Follow it in Restores
                  </Link>
                  <Link className="button" href="/jobs/">
                    Activity
                  </Link>
                  <button type="button" className="button" onClick={close}>
                    Done
                  </button>
                </div>
              </div>
            ) : sources.length === 0 ? (
              <p className="muted" role="status">
                None of these files is archived yet: there is nothing to restore.
              </p>
            ) : (
              <>
                {notArchived.length > 0 ? (
                  <p className="muted small-text">
                    {formatCount(notArchived.length, 'file')} of the selection{' '}
                    {notArchived.length === 1 ? 'is' : 'are'} not archived anywhere and left out.
                  </p>
                ) : null}
                <fieldset className="choice-list">
                  <legend>From</legend>
                  {sources.map((s) => (
                    <Choice
                      key={s.name}
                      name={`${headingId}-destination`}
                      value={s.name}
                      checked={destination === s.name}
                      onChoose={() => setChosen(s.name)}
                      title={s.name}
                    >
                      {s.files !== null ? (
                        <span className="muted small-text">
                          holds {formatCount(s.files, 'file')} of them
                        </span>
                      ) : null}
                    </Choice>
                  ))}
                </fieldset>
                <div className="restore-fields">
                  <div className="field">
                    <label htmlFor={daysId}>Keep the restored copies readable for (days)</label>
                    <input
                      id={daysId}
                      type="number"
                      min={1}
                      max={365}
                      inputMode="numeric"
                      value={Number.isNaN(days) ? '' : days}
                      onChange={(e) => setDays(e.target.valueAsNumber)}
                      aria-invalid={!validDays}
                    />
                  </div>
                  <div className="field">
                    <label htmlFor={toId}>Also download to a folder on the NAS (optional)</label>
                    <input
                      id={toId}
                      type="text"
                      placeholder="/volume1/restored"
                      value={to}
                      onChange={(e) => setTo(e.target.value)}
                      autoComplete="off"
                      spellCheck={false}
                    />
                  </div>
                </div>
                {!validDays ? (
                  <p className="form-error" role="alert">
                    Between 1 and 365 days.
                  </p>
                ) : body === null ? null : quote.error ? (
                  <p className="form-error" role="alert">
                    {quote.error.message}
                  </p>
                ) : !quote.data ? (
                  <p className="muted" role="status">
                    Working out the price of each tier…
                  </p>
                ) : (
                  <QuoteTiers
                    view={quote.data}
                    chosen={tierChosen}
                    onChoose={setTier}
                    name={`${headingId}-tier`}
                  />
                )}
                <FormError error={start.error} />
                <div className="actions modal-actions">
                  <button
                    type="button"
                    className="button primary"
                    disabled={
                      !quote.data ||
                      quote.isFetching ||
                      start.isPending ||
                      !body ||
                      (tierChosen === null && !(target && quote.data.objects > 0))
                    }
                    onClick={() =>
                      body &&
                      start.mutate({
                        ...body,
                        tier: TIER_NAMES[tierChosen ?? 'Bulk'],
                      })
                    }
                  >
                    {start.isPending
                      ? 'Requesting…'
                      : quote.data && quote.data.quote.toRestore.objects === 0
                        ? target
                          ? 'Download'
                          : 'Nothing to restore'
                        : `Restore${tierChosen ? ` (${tierChosen})` : ''}`}
                  </button>
                  <button type="button" className="button" onClick={close}>
                    Cancel
                  </button>
                </div>
              </>
            )}
          </>
        )
      }
    </Modal>
  );
}

/** The quote of a restore: what is thawed, and each tier's price and wait to choose from. */
export function QuoteTiers({
  view,
  chosen,
  onChoose,
  name,
}: {
  view: RestoreQuoteView;
  chosen: TierQuote['tier'] | null;
  onChoose: (tier: TierQuote['tier']) => void;
  name: string;
}) {
  const q = view.quote;
  const money = (amount: number) =>
    amount === 0 && q.toRestore.objects > 0
      ? `under ${formatMoney(0.0001, q.currency)}`
      : formatMoney(amount, q.currency);
  const classes = Object.entries(q.toRestore.byClass)
    .map(([cls, n]) => `${formatCount(n, 'file')} in ${storageClassLabel(cls)}`)
    .join(', ');
  return (
    <section className="plan" aria-label="Price and wait of each tier" data-testid="restore-quote">
      <dl className="details-list">
        <div className="details-row">
          <dt>To thaw</dt>
          <dd data-testid="restore-to-thaw">
            {formatCount(q.toRestore.objects, 'file')} · {formatBytes(q.toRestore.bytes)}
            {classes ? <span className="muted"> ({classes})</span> : null}
          </dd>
        </div>
        {q.readable.objects > 0 ? (
          <div className="details-row">
            <dt>Readable now</dt>
            <dd data-testid="restore-readable">
              {formatCount(q.readable.objects, 'file')}: no restore needed
              {view.alreadyRestored > 0 ? (
                <span className="muted">
                  {' '}
                  ({formatCount(view.alreadyRestored, 'file')} restored earlier, not expired)
                </span>
              ) : null}
            </dd>
          </div>
        ) : null}
        {view.thawing > 0 ? (
          <div className="details-row">
            <dt>Thawing</dt>
            <dd data-testid="restore-thawing">
              {formatCount(view.thawing, 'file')} asked for already: not asked (nor billed) again
            </dd>
          </div>
        ) : null}
        {view.notArchived > 0 ? (
          <div className="details-row">
            <dt>Not there</dt>
            <dd className="warn-text">
              {formatCount(view.notArchived, 'file')} without a copy in {view.destination}
            </dd>
          </div>
        ) : null}
      </dl>
      {q.tiers.length === 0 ? (
        <p className="form-success" role="status">
          Nothing needs thawing: these copies can be read (downloaded) now.
        </p>
      ) : (
        <fieldset className="choice-list tier-list">
          <legend>Tier</legend>
          {q.tiers.map((t) => (
            <Choice
              key={t.tier}
              name={name}
              value={t.tier}
              checked={chosen === t.tier}
              disabled={!t.available}
              onChoose={() => onChoose(t.tier)}
              testId={`tier-${t.tier.toLowerCase()}`}
              title={
                <>
                  {t.tier}{' '}
                  {t.available ? (
                    <span className="tier-price" data-testid="tier-price">
                      {money(t.total)}
                    </span>
                  ) : null}
                </>
              }
            >
              {t.available ? (
                <span className="muted small-text" data-testid="tier-wait">
                  ready {t.wait ? t.wait.text : 'at once'}
                  {' · '}
                  {money(t.retrievalCost)} retrieval, {money(t.requestsCost)} requests,{' '}
                  {money(t.restoredStorageCost)} for {view.quote.days} days of the copies
                </span>
              ) : (
                <span className="muted small-text" data-testid="tier-unavailable">
                  {t.unavailableReason ?? 'not offered for these files'}
                </span>
              )}
            </Choice>
          ))}
        </fieldset>
      )}
      {q.transferOut.bytes > 0 ? (
        <p className="muted small-text">
          Downloading them is {formatBytes(q.transferOut.bytes)} of transfer out:{' '}
          {money(q.transferOut.cost)} within the {q.transferOut.freeGbPerMonth} GB free each month (
          {money(q.transferOut.costWithoutFreeTier)} without).
        </p>
      ) : null}
      <p className="muted small-text" data-testid="restore-prices">
        Prices of {q.region} as of {q.pricesAsOf}
        {q.estimated ? ' (estimated: this region is not on the price sheet)' : ''}.
      </p>
    </section>
  );
}
