/**
 * Clean-ups of modules that start helper processes (exiftool's perl, the HEIC decoder child).
 * Such a module registers its clean-up when it is loaded, so the app context ends exactly what
 * this process loaded: a CLI run that never imported the media code neither loads it at exit
 * nor waits on it.
 */
type Hook = () => Promise<void>;

const hooks: Hook[] = [];

/** Registers a clean-up for the app's close; a hook registered twice runs once. */
export function onShutdown(hook: Hook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

/**
 * Runs the clean-ups one after another, latest registered first (a module is evaluated after
 * those it imports, so a user of a helper ends before the helper). Hooks stay registered: a
 * later context in the same process (tests) may start the helpers again.
 */
export async function runShutdownHooks(): Promise<void> {
  for (const hook of [...hooks].reverse()) await hook();
}
