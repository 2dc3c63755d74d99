'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../lib/api';
import {
  getSettings,
  statusKeys,
  updateSettings,
  type SettingsPatch,
  type SettingsView,
} from '../../lib/api-status';
import { formatBytes } from '../../lib/format';
import { QueryState } from '../QueryState';
import { STORAGE_CLASS_CHOICES, storageClassLabel } from './storage-classes';
import styles from './settings.module.css';

/** The settings query, shared by this form, the destination form (default class) and About. */
export function useSettings() {
  return useQuery({ queryKey: statusKeys.settings, queryFn: ({ signal }) => getSettings(signal) });
}

/** "512 KiB/s (≈ 524 kB/s, 4.2 Mbit/s)": the limit as the uplink is sold too. */
export function describeLimit(kib: number | null): string {
  if (kib === null) return 'no limit';
  const bytes = kib * 1024;
  const mbit = (bytes * 8) / 1e6;
  return `${kib.toLocaleString('en-US')} KiB/s (≈ ${formatBytes(bytes)}/s, ${mbit >= 10 ? mbit.toFixed(0) : mbit.toFixed(1)} Mbit/s)`;
}

/**
 * Transfers: the upload bandwidth limit, the files an archive sends at once (large and small) and the storage
 * class new S3 destinations are offered first. Saved on the server (the catalog). The upload
 * limit applies at once, running archives included; the files at once apply to every archive
 * that starts or resumes after the change.
 */
export function RuntimeSettingsSection() {
  const settings = useSettings();
  return (
    <section className="panel" aria-labelledby="transfers-heading">
      <div className="panel-head">
        <h2 id="transfers-heading">Transfers</h2>
      </div>
      <QueryState
        isPending={settings.isPending}
        error={settings.error}
        onRetry={() => void settings.refetch()}
      >
        {() => (settings.data ? <RuntimeForm current={settings.data} /> : null)}
      </QueryState>
    </section>
  );
}

/** The two "files at once" settings: same kind of field, its own bounds and words. */
const COUNTS = [
  {
    name: 'archiveFileConcurrency',
    label: 'Large files sent at once',
    what: 'large files sent at once',
    max: 16,
    hint: 'Files over 16 MiB, each in 3 parts at once: more help a fast uplink and use more memory.',
  },
  {
    name: 'archiveSmallFileConcurrency',
    label: 'Small files sent at once',
    what: 'small files sent at once',
    max: 64,
    hint: 'Files up to 16 MiB, one request each, beside the large ones: more help with thousands of photos.',
  },
] as const;
type CountName = (typeof COUNTS)[number]['name'];

function RuntimeForm({ current }: { current: SettingsView }) {
  const queryClient = useQueryClient();
  const base = useId();
  const ids = {
    limit: `${base}-limit`,
    limitHint: `${base}-limit-hint`,
    cls: `${base}-class`,
    clsHint: `${base}-class-hint`,
    error: `${base}-error`,
  };
  const upload = current.uploadLimitKiBps;
  const [limited, setLimited] = useState(upload.value !== null);
  const [limit, setLimit] = useState(String(upload.value ?? upload.default ?? 1024));
  const countsOf = (view: SettingsView) =>
    Object.fromEntries(COUNTS.map((c) => [c.name, String(view[c.name].value)])) as Record<
      CountName,
      string
    >;
  const [counts, setCounts] = useState(() => countsOf(current));
  const [storageClass, setStorageClass] = useState<string>(current.defaultStorageClass.value);
  const [saved, setSaved] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const limitRef = useRef<HTMLInputElement>(null);

  const mutation = useMutation({
    mutationFn: updateSettings,
    onSuccess: (view) => {
      queryClient.setQueryData(statusKeys.settings, view);
      // The fields show what the server kept (a reset puts the default back in them).
      setLimited(view.uploadLimitKiBps.value !== null);
      if (view.uploadLimitKiBps.value !== null) setLimit(String(view.uploadLimitKiBps.value));
      setCounts(countsOf(view));
      setStorageClass(view.defaultStorageClass.value);
      setSaved(true);
    },
  });
  const reset = (patch: SettingsPatch) => {
    setSaved(false);
    mutation.mutate(patch);
  };

  const typed = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const typedLimit = typed(limit);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    setSaved(false);
    // 0 would mean "no limit" to the server: a limit asked for must be 1 KiB/s or more.
    if (limited && !(Number.isInteger(typedLimit) && typedLimit >= 1)) {
      setInvalid(
        'Enter the upload limit as a whole number of KiB/s, 1 or more (or untick “Limit uploads”).',
      );
      limitRef.current?.focus();
      return;
    }
    const notWhole = COUNTS.find((c) => !Number.isInteger(typed(counts[c.name])));
    if (notWhole) {
      setInvalid(`Enter the ${notWhole.what} as a whole number, from 1 to ${notWhole.max}.`);
      return;
    }
    setInvalid(null);
    // Only what changed is sent, so a default left alone stays the default. Numbers go as
    // typed: the server says precisely what it refuses.
    const patch: SettingsPatch = {};
    const wantedLimit = limited ? typedLimit : null;
    if (wantedLimit !== upload.value) patch.uploadLimitKiBps = wantedLimit ?? 0;
    for (const c of COUNTS) {
      const n = typed(counts[c.name]);
      if (n !== current[c.name].value) patch[c.name] = n;
    }
    if (storageClass !== current.defaultStorageClass.value)
      patch.defaultStorageClass = storageClass as SettingsView['defaultStorageClass']['value'];
    if (Object.keys(patch).length === 0) {
      setSaved(true);
      return;
    }
    mutation.mutate(patch);
  };

  const error = invalid ?? (mutation.error ? errorText(mutation.error) : null);
  const described = (hint: string) => (error ? `${hint} ${ids.error}` : hint);
  const classHint = STORAGE_CLASS_CHOICES.find((c) => c.value === storageClass)?.hint;

  return (
    <form className={styles.form} onSubmit={onSubmit} aria-label="Transfer settings" noValidate>
      <p className="info-notice notice small-text">
        The upload limit applies at once, to archives already running too. The files sent at once
        apply to every archive that starts or resumes after you save: pause and resume a running one
        on the Activity page to apply them to it.
      </p>
      <fieldset className={styles.group}>
        <legend>Upload bandwidth</legend>
        <label className="checkbox">
          <input type="checkbox" checked={limited} onChange={(e) => setLimited(e.target.checked)} />
          Limit uploads (the NAS shares the home uplink)
        </label>
        <div className="field">
          <label htmlFor={ids.limit}>Upload limit (KiB/s)</label>
          <input
            ref={limitRef}
            id={ids.limit}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            disabled={!limited}
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={described(ids.limitHint)}
          />
          <p id={ids.limitHint} className="hint">
            {limited && Number.isFinite(typedLimit) && typedLimit > 0
              ? `${describeLimit(typedLimit)}.`
              : 'No limit: uploads go as fast as the uplink allows.'}{' '}
            Shared by all archives together. Default: {describeLimit(upload.default)}.
          </p>
        </div>
        {upload.overridden ? (
          <ResetButton
            what="upload limit"
            to={describeLimit(upload.default)}
            busy={mutation.isPending}
            onClick={() => reset({ uploadLimitKiBps: null })}
          />
        ) : null}
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Archive jobs</legend>
        {COUNTS.map((c) => (
          <CountField
            key={c.name}
            id={`${base}-${c.name}`}
            field={c}
            value={counts[c.name]}
            onChange={(value) => setCounts((all) => ({ ...all, [c.name]: value }))}
            setting={current[c.name]}
            errorId={error ? ids.error : undefined}
            busy={mutation.isPending}
            onReset={() => reset({ [c.name]: null })}
          />
        ))}
        <div className="field">
          <label htmlFor={ids.cls}>Default storage class</label>
          <select
            id={ids.cls}
            value={storageClass}
            onChange={(e) => setStorageClass(e.target.value)}
            aria-describedby={ids.clsHint}
          >
            {current.storageClasses.map((value) => (
              <option key={value} value={value}>
                {storageClassLabel(value)}
              </option>
            ))}
          </select>
          <p id={ids.clsHint} className="hint">
            Given to a new S3 destination that names no other. {classHint}
          </p>
        </div>
      </fieldset>
      {error ? (
        <p id={ids.error} className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {saved && !mutation.isPending ? (
        <p className="form-success" role="status">
          Saved. The upload limit applies now; the files at once from each archive’s next start.
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save transfer settings'}
        </button>
      </div>
    </form>
  );
}

function CountField({
  id,
  field,
  value,
  onChange,
  setting,
  errorId,
  busy,
  onReset,
}: {
  id: string;
  field: (typeof COUNTS)[number];
  value: string;
  onChange: (value: string) => void;
  setting: SettingsView[CountName];
  errorId: string | undefined;
  busy: boolean;
  onReset: () => void;
}) {
  const hintId = `${id}-hint`;
  return (
    <>
      <div className="field">
        <label htmlFor={id}>{field.label}</label>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={1}
          max={field.max}
          step={1}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={errorId ? true : undefined}
          aria-describedby={errorId ? `${hintId} ${errorId}` : hintId}
        />
        <p id={hintId} className="hint">
          1 to {field.max}. {field.hint} Default: {setting.default}.
        </p>
      </div>
      {setting.overridden ? (
        <ResetButton what={field.what} to={String(setting.default)} busy={busy} onClick={onReset} />
      ) : null}
    </>
  );
}

function errorText(error: Error): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Try again.';
}

function ResetButton({
  what,
  to,
  busy,
  onClick,
}: {
  what: string;
  to: string;
  busy: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" className="button small link" disabled={busy} onClick={onClick}>
      Back to the default {what} ({to})
    </button>
  );
}
