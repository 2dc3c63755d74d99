'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState, type FormEvent } from 'react';
import { AuthCard } from '../../components/AuthCard';
import { ApiError, login, queryKeys, type AuthState } from '../../lib/api';
import { useAuthGate } from '../../lib/auth';

export function LoginForm() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const gate = useAuthGate('login');
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  const mutation = useMutation({
    mutationFn: login,
    onSuccess: () => {
      queryClient.setQueryData<AuthState>(queryKeys.authState, {
        setupRequired: false,
        authenticated: true,
      });
      router.replace('/');
    },
    onError: () => {
      inputRef.current?.focus();
      inputRef.current?.select();
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!password || mutation.isPending) return;
    mutation.mutate(password);
  };

  const error = mutation.error;
  const message =
    error instanceof ApiError
      ? error.message
      : error
        ? 'Something went wrong. Try again.'
        : gate.error instanceof ApiError && gate.error.status === 0
          ? gate.error.message
          : null;

  return (
    <AuthCard title="Log in" intro="Enter the admin password to open the archive.">
      <form className="stack" onSubmit={onSubmit} noValidate>
        {/* Lets password managers file the password under a name. */}
        <input type="text" name="username" autoComplete="username" value="admin" readOnly hidden />
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            ref={inputRef}
            id="password"
            name="password"
            type={shown ? 'text' : 'password'}
            autoComplete="current-password"
            autoFocus
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={message ? errorId : undefined}
          />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
          Show password
        </label>
        {message ? (
          <p id={errorId} className="form-error" role="alert">
            {message}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={!password || mutation.isPending}>
          {mutation.isPending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </AuthCard>
  );
}
