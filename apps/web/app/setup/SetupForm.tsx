'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState, type FormEvent } from 'react';
import { AuthCard } from '../../components/AuthCard';
import {
  ApiError,
  LOGIN_PATH,
  MIN_PASSWORD_LENGTH,
  queryKeys,
  setupPassword,
  type AuthState,
} from '../../lib/api';
import { useAuthGate } from '../../lib/auth';

interface FieldErrors {
  password?: string;
  confirm?: string;
}

export function validateSetup(password: string, confirm: string): FieldErrors {
  const errors: FieldErrors = {};
  if (password.length < MIN_PASSWORD_LENGTH) {
    errors.password = `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  }
  if (confirm !== password) errors.confirm = 'The two passwords do not match.';
  return errors;
}

export function SetupForm() {
  const router = useRouter();
  const queryClient = useQueryClient();
  useAuthGate('setup');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [shown, setShown] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  const ids = { hint: useId(), password: useId(), confirm: useId(), server: useId() };

  const mutation = useMutation({
    mutationFn: setupPassword,
    onSuccess: () => {
      queryClient.setQueryData<AuthState>(queryKeys.authState, {
        setupRequired: false,
        authenticated: true,
      });
      router.replace('/');
    },
  });

  // Errors show from the first submit on, then follow the typing.
  const errors = submitted ? validateSetup(password, confirm) : {};

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    const found = validateSetup(password, confirm);
    if (found.password) return passwordRef.current?.focus();
    if (found.confirm) return confirmRef.current?.focus();
    if (!mutation.isPending) mutation.mutate(password);
  };

  const serverError = mutation.error;
  const alreadySet = serverError instanceof ApiError && serverError.status === 403;

  return (
    <AuthCard
      title="Choose the admin password"
      intro="This is the first start. The password protects the catalog and the archive; you will use it on every device."
    >
      <form className="stack" onSubmit={onSubmit} noValidate>
        <input type="text" name="username" autoComplete="username" value="admin" readOnly hidden />
        <div className="field">
          <label htmlFor="new-password">Password</label>
          <input
            ref={passwordRef}
            id="new-password"
            name="password"
            type={shown ? 'text' : 'password'}
            autoComplete="new-password"
            autoFocus
            required
            minLength={MIN_PASSWORD_LENGTH}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={errors.password ? `${ids.hint} ${ids.password}` : ids.hint}
          />
          <p id={ids.hint} className="hint">
            At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a good one.
          </p>
          {errors.password ? (
            <p id={ids.password} className="field-error" role="alert">
              {errors.password}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="confirm-password">Confirm the password</label>
          <input
            ref={confirmRef}
            id="confirm-password"
            name="confirm"
            type={shown ? 'text' : 'password'}
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            aria-invalid={errors.confirm ? true : undefined}
            aria-describedby={errors.confirm ? ids.confirm : undefined}
          />
          {errors.confirm ? (
            <p id={ids.confirm} className="field-error" role="alert">
              {errors.confirm}
            </p>
          ) : null}
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
          Show passwords
        </label>
        {serverError ? (
          <p id={ids.server} className="form-error" role="alert">
            {alreadySet ? (
              <>
                An admin password is already set. <Link href={LOGIN_PATH}>Log in</Link> instead.
              </>
            ) : serverError instanceof ApiError ? (
              serverError.message
            ) : (
              'Something went wrong. Try again.'
            )}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Set the password'}
        </button>
      </form>
    </AuthCard>
  );
}
