'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import {
  ApiError,
  addDestination,
  getDestinations,
  queryKeys,
  testDestination,
  type AddDestinationBody,
  type DestinationView,
  type ProbeCheck,
  type ProbeResult,
} from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { withItem } from '../../lib/lists';
import { RelativeTime } from '../dashboard/RelativeTime';
import { QueryState, FormError } from '../QueryState';
import { DestinationHead } from './DestinationHead';
import { useSettings } from './RuntimeSettings';
import { DEFAULT_STORAGE_CLASS, STORAGE_CLASS_CHOICES, storageClassLabel } from './storage-classes';

/**
 * Where copies go: each destination with its place, class, when the catalog was last copied
 * there, and a Test that says in plain words what works; then the form that adds one.
 */
export function DestinationsSection() {
  const destinations = useQuery({
    queryKey: queryKeys.destinations,
    queryFn: ({ signal }) => getDestinations(signal),
  });
  return (
    <section className="panel" aria-labelledby="destinations-heading">
      <div className="panel-head">
        <h2 id="destinations-heading">Destinations</h2>
        {destinations.data && destinations.data.length > 0 ? (
          <span className="count">{destinations.data.length}</span>
        ) : null}
      </div>
      <p className="muted small-text">
        Where copies go: an S3 bucket (AWS or any S3-compatible server), or a folder on the NAS or a
        USB drive. S3 keys come from the server’s environment (AWS_ACCESS_KEY_ID, a mounted ~/.aws,
        docker secrets); they are never typed here.
      </p>
      <QueryState
        isPending={destinations.isPending}
        error={destinations.error}
        onRetry={() => void destinations.refetch()}
      >
        {() =>
          destinations.data && destinations.data.length > 0 ? (
            <ul className="list" aria-label="Destinations">
              {destinations.data.map((d) => (
                <DestinationItem key={d.id} destination={d} />
              ))}
            </ul>
          ) : (
            <p className="empty muted">No destination yet: add one below.</p>
          )
        }
      </QueryState>
      {destinations.data ? (
        <AddDestinationForm initiallyOpen={destinations.data.length === 0} />
      ) : null}
    </section>
  );
}

const CHECK_NAMES: Record<string, string> = {
  list: 'List',
  put: 'Write',
  head: 'Check',
  get: 'Read back',
  delete: 'Delete',
};

function DestinationItem({ destination: d }: { destination: DestinationView }) {
  const test = useMutation({ mutationFn: () => testDestination(d.name) });
  return (
    <li className="item" aria-label={`Destination ${d.name}`}>
      <DestinationHead name={d.name} kind={d.kind} />
      <p className="path" title={d.url}>
        {d.url}
      </p>
      <p className="meta muted">
        {d.storageClass ? <span>{storageClassLabel(d.storageClass)}</span> : null}
        {d.region ? <span>{d.region}</span> : null}
        {d.endpoint ? <span className="path-text">{d.endpoint}</span> : null}
        <span>added {formatDateTime(d.createdAt)}</span>
      </p>
      <p className="meta muted" data-testid="catalog-snapshot">
        {d.catalogSnapshot ? (
          <span title={d.catalogSnapshot.key}>
            Catalog copied there <RelativeTime at={d.catalogSnapshot.at} />
          </span>
        ) : (
          <span>Catalog not copied there yet: it goes after the next archive</span>
        )}
      </p>
      <div className="actions">
        <button
          type="button"
          className="button small"
          onClick={() => test.mutate()}
          disabled={test.isPending}
        >
          {test.isPending ? 'Testing…' : 'Test'}
          <span className="sr-only"> {d.name}</span>
        </button>
      </div>
      <FormError error={test.error} />
      {test.data ? <ProbeReport name={d.name} result={test.data} /> : null}
    </li>
  );
}

function ProbeReport({ name, result }: { name: string; result: ProbeResult }) {
  const failed = result.checks.filter((c) => !c.ok).length;
  return (
    <div className={`probe ${result.ok ? 'probe-ok' : 'probe-failed'}`}>
      <p className="probe-summary" role="status">
        {result.ok
          ? `All ${result.checks.length} checks passed: “${name}” is ready.`
          : `${failed} of ${result.checks.length} checks failed.`}
      </p>
      <ul className="probe-checks" aria-label={`Test of ${name}`}>
        {result.checks.map((check) => (
          <ProbeCheckRow key={check.name} check={check} />
        ))}
      </ul>
    </div>
  );
}

function ProbeCheckRow({ check }: { check: ProbeCheck }) {
  return (
    <li className={check.ok ? 'check-ok' : 'check-fail'} data-check={check.name}>
      <span className="check-mark" aria-hidden="true">
        {check.ok ? '✓' : '✗'}
      </span>
      <span className="check-name">
        {CHECK_NAMES[check.name] ?? check.name}
        <span className="sr-only">{check.ok ? ': ok' : ': failed'}</span>
      </span>
      <span className="check-message">{check.message}</span>
    </li>
  );
}

type Kind = 's3' | 'folder';

function AddDestinationForm({ initiallyOpen }: { initiallyOpen: boolean }) {
  const queryClient = useQueryClient();
  // The default class set under Transfers is offered first (until the user picks another).
  const defaultClass = useSettings().data?.defaultStorageClass.value ?? DEFAULT_STORAGE_CLASS;
  const [open, setOpen] = useState(initiallyOpen);
  const [kind, setKind] = useState<Kind>('s3');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [pickedClass, setStorageClass] = useState<string | null>(null);
  const storageClass = pickedClass ?? defaultClass;
  const [region, setRegion] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const base = useId();
  const ids = {
    heading: `${base}-heading`,
    name: `${base}-name`,
    url: `${base}-url`,
    urlHint: `${base}-url-hint`,
    cls: `${base}-class`,
    clsHint: `${base}-class-hint`,
    region: `${base}-region`,
    endpoint: `${base}-endpoint`,
    endpointHint: `${base}-endpoint-hint`,
    error: `${base}-error`,
  };

  const mutation = useMutation({
    mutationFn: addDestination,
    onSuccess: (destination) => {
      queryClient.setQueryData<DestinationView[]>(queryKeys.destinations, (list) =>
        withItem(list, destination, (d) => d.name),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.destinations });
      setAdded(destination.name);
      setName('');
      setUrl('');
      setEndpoint('');
    },
    onError: () => nameRef.current?.focus(),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    setAdded(null);
    const location = url.trim();
    const body: AddDestinationBody =
      kind === 's3'
        ? {
            name: name.trim(),
            url: /^s3:\/\//i.test(location) ? location : `s3://${location}`,
            storageClass,
            ...(region.trim() ? { region: region.trim() } : {}),
            ...(endpoint.trim() ? { endpoint: endpoint.trim() } : {}),
          }
        : { name: name.trim(), url: location };
    mutation.mutate(body);
  };

  const error = mutation.error;
  const classHint = STORAGE_CLASS_CHOICES.find((c) => c.value === storageClass)?.hint;

  return (
    <details className="add-root" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h3 id={ids.heading}>Add a destination</h3>
      </summary>
      <form className="add-root-form" onSubmit={onSubmit} aria-labelledby={ids.heading}>
        <fieldset className="segmented">
          <legend>Kind</legend>
          {(
            [
              ['s3', 'S3 bucket'],
              ['folder', 'Folder'],
            ] as const
          ).map(([value, text]) => (
            <label key={value} className={kind === value ? 'is-checked' : undefined}>
              <input
                type="radio"
                name={`${base}-kind`}
                value={value}
                checked={kind === value}
                onChange={() => setKind(value)}
              />
              {text}
            </label>
          ))}
        </fieldset>
        <div className="add-root-fields">
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input
              ref={nameRef}
              id={ids.name}
              type="text"
              required
              maxLength={64}
              autoCapitalize="off"
              autoCorrect="off"
              spellCheck={false}
              placeholder={kind === 's3' ? 'offsite' : 'usb-drive'}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? ids.error : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.url}>{kind === 's3' ? 'Bucket and prefix' : 'Folder path'}</label>
            <input
              id={ids.url}
              type="text"
              required
              inputMode="url"
              autoCapitalize="off"
              autoCorrect="off"
              spellCheck={false}
              placeholder={kind === 's3' ? 's3://my-bucket/photos' : '/mnt/usb/archive'}
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${ids.urlHint} ${ids.error}` : ids.urlHint}
            />
            <p id={ids.urlHint} className="hint">
              {kind === 's3'
                ? 's3://BUCKET/PREFIX — copies go under the prefix, named as on the NAS.'
                : 'An absolute path on the NAS (as the server sees it).'}
            </p>
          </div>
          {kind === 's3' ? (
            <>
              <div className="field">
                <label htmlFor={ids.cls}>Storage class</label>
                <select
                  id={ids.cls}
                  value={storageClass}
                  onChange={(e) => setStorageClass(e.target.value)}
                  aria-describedby={ids.clsHint}
                >
                  {STORAGE_CLASS_CHOICES.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
                <p id={ids.clsHint} className="hint">
                  {classHint}
                </p>
              </div>
              <div className="field">
                <label htmlFor={ids.region}>Region</label>
                <input
                  id={ids.region}
                  type="text"
                  autoCapitalize="off"
                  autoCorrect="off"
                  spellCheck={false}
                  placeholder="us-east-1"
                  value={region}
                  onChange={(e) => setRegion(e.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor={ids.endpoint}>Endpoint (optional)</label>
                <input
                  id={ids.endpoint}
                  type="url"
                  autoCapitalize="off"
                  autoCorrect="off"
                  spellCheck={false}
                  placeholder="https://s3.example.com"
                  value={endpoint}
                  onChange={(e) => setEndpoint(e.target.value)}
                  aria-describedby={ids.endpointHint}
                />
                <p id={ids.endpointHint} className="hint">
                  Only for an S3-compatible server (MinIO, Wasabi…); empty for AWS.
                </p>
              </div>
            </>
          ) : null}
        </div>
        {error ? (
          <p id={ids.error} className="form-error" role="alert">
            {error instanceof ApiError ? error.message : 'Something went wrong. Try again.'}
          </p>
        ) : null}
        {added ? (
          <p className="form-success" role="status">
            Added “{added}”. Test it to check that the server can write there.
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="button primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Adding…' : 'Add destination'}
          </button>
        </div>
      </form>
    </details>
  );
}
