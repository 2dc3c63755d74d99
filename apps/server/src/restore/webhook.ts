/**
 * Tells a phone push service (ntfy, Gotify, a Home Assistant hook…) that a restore ended: one
 * POST of a JSON body whose `message` is a readable line. A webhook that fails is reported on
 * the job, never fails it: the files are on disk either way. Only http and https URLs are
 * called (checked when the job is made, and again here).
 */
export type WebhookOutcome = { ok: true } | { ok: false; origin: string; reason: string };

export async function notifyWebhook(
  url: string,
  timeoutMs: number,
  body: Record<string, unknown>,
): Promise<WebhookOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, origin: 'webhook', reason: 'not a URL' };
  }
  // The origin, not the URL: push topics and tokens often sit in the path.
  const origin = target.origin;
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { ok: false, origin, reason: `only http and https are called, not ${target.protocol}` };
  }
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'glacier-archiver' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true };
    return { ok: false, origin, reason: `the webhook answered ${response.status}` };
  } catch (error) {
    const name = (error as Error).name;
    const reason =
      name === 'TimeoutError'
        ? `no answer in ${Math.round(timeoutMs / 1000)} s`
        : `cannot reach it (${describeCause(error)})`;
    return { ok: false, origin, reason };
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
