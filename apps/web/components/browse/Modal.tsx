'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A native modal `<dialog>` shown while `open`: its heading names it, Escape, the Close button
 * or a click on the backdrop closes it (then `onClosed`), and the browser gives the focus back
 * to what opened it. The body is rendered only while open, and gets `close`.
 */
export function Modal({
  open,
  title,
  closeLabel,
  className = 'modal',
  innerClassName = 'modal-inner',
  before,
  onClosed,
  children,
}: {
  open: boolean;
  title: ReactNode;
  /** Read after "Close" by screen readers: "archive dialog". */
  closeLabel: string;
  className?: string;
  innerClassName?: string;
  /** Controls before the heading (a back button). */
  before?: ReactNode;
  onClosed: () => void;
  children: (close: () => void) => ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const close = () => ref.current?.close();

  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={headingId}
      onClose={onClosed}
      onClick={(event) => {
        // A click on the backdrop lands on the dialog element itself.
        if (event.target === event.currentTarget) close();
      }}
    >
      {!open ? null : (
        <div className={innerClassName}>
          <div className="details-head">
            {before}
            <h2 id={headingId} className="details-title">
              {title}
            </h2>
            <button type="button" className="button small" onClick={close}>
              Close<span className="sr-only"> {closeLabel}</span>
            </button>
          </div>
          {children(close)}
        </div>
      )}
    </dialog>
  );
}

/** One option of a dialog's radio list (a destination, a tier): its title, then its details. */
export function Choice({
  name,
  value,
  checked,
  disabled = false,
  onChoose,
  title,
  testId,
  children,
}: {
  name: string;
  value: string;
  checked: boolean;
  disabled?: boolean;
  onChoose: () => void;
  title: ReactNode;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <label
      className={`choice${checked ? ' is-checked' : ''}${disabled ? ' is-disabled' : ''}`}
      data-testid={testId}
    >
      <input
        type="radio"
        name={name}
        value={value}
        checked={checked}
        disabled={disabled}
        onChange={onChoose}
      />
      <span className="choice-text">
        <span className="choice-title">{title}</span>
        {children}
      </span>
    </label>
  );
}
