import type { Catalog } from '../catalog/catalog.js';
import { isSetupRequired, setupAdminPassword } from './auth.js';

/**
 * Headless installs set ADMIN_PASSWORD: it becomes the admin password at first start only.
 * Later starts ignore it (changing it is `glacier admin password`), so a value left in a
 * compose file cannot silently reset a password chosen in the UI.
 */
export async function ensureAdminFromEnvironment(
  catalog: Catalog,
  password: string | undefined,
  log: { info(msg: string): void },
): Promise<void> {
  if (!password || !isSetupRequired(catalog)) return;
  await setupAdminPassword(catalog, password);
  log.info('admin password set from ADMIN_PASSWORD');
}
