/**
 * One time budget for a whole thumbnail: probing, each frame grab and each decode take what
 * is left of it, so a file never holds a worker longer than the caller allowed.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(readonly budgetMs: number) {
    this.endsAt = performance.now() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** Whole seconds, at least 1: sharp's timeout takes seconds. */
  remainingSeconds(): number {
    return Math.max(1, Math.ceil(this.remainingMs() / 1000));
  }

  /** The reason shown when the budget ran out. */
  reason(): string {
    return `timed out after ${Math.round(this.budgetMs / 100) / 10} s`;
  }
}

/** Resolves `work`, or `onTimeout()` once the deadline passes, whichever comes first. */
export async function withinDeadline<T>(
  work: Promise<T>,
  deadline: Deadline,
  onTimeout: () => T,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), deadline.remainingMs());
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
