import { PASSWORD } from '../support/api';
import { expect, expectNoHorizontalOverflow, test } from '../support/fixtures';

// This file needs a server that has never been set up: its own worker, its own data dir.
test.use({ serverName: 'first-start' });

test('first start: set the admin password, log out, log in again', async ({
  page,
  screenshotAs,
}) => {
  await test.step('a new server sends / to the setup page', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/setup\/$/);
    await expect(page.getByRole('heading', { name: 'Choose the admin password' })).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await screenshotAs('setup');
  });

  await test.step('a too short password and a mismatched confirmation are refused', async () => {
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm the password').fill('short');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await expect(page.getByText('The password must be at least 8 characters long.')).toBeVisible();

    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm the password').fill(`${PASSWORD}!`);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await expect(page.getByText('The two passwords do not match.')).toBeVisible();
    await expect(page.getByLabel('Confirm the password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/\/setup\/$/);
    await screenshotAs('setup-mismatch');
  });

  await test.step('setting the password lands on home with the empty-roots hint', async () => {
    await page.getByLabel('Confirm the password').fill(PASSWORD);
    const setup = page.waitForResponse((r) => r.url().endsWith('/api/auth/setup'));
    await page.getByRole('button', { name: 'Set the password' }).click();
    expect((await setup).status()).toBe(204);
    await expect(page).toHaveURL(/\/$/);
    await expectHome(page);
    await expectNoHorizontalOverflow(page);
    await screenshotAs('home');
  });

  await test.step('a reload keeps the session', async () => {
    await page.reload();
    await expectHome(page);
    await expect(page).not.toHaveURL(/login/);
  });

  await test.step('log out goes to the login page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login\/$/);
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await screenshotAs('login');
  });

  await test.step('home without a session goes back to the login page', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\/$/);
  });

  await test.step('a wrong password shows the server’s error', async () => {
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    const attempt = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await page.getByRole('button', { name: 'Log in' }).click();
    const response = await attempt;
    expect(response.status()).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    // (Next's route announcer is an alert too: look inside the form.)
    const alert = page.locator('form').getByRole('alert');
    await expect(alert).toHaveText(body.error.message);
    await expect(page).toHaveURL(/\/login\/$/);
    await screenshotAs('login-error');
  });

  await test.step('the right password goes home', async () => {
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expectHome(page);
  });
});

async function expectHome(page: import('@playwright/test').Page) {
  await expect(page.getByRole('heading', { name: 'Glacier Archiver', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Media roots' })).toBeVisible();
  await expect(page.getByText('No media roots yet.')).toBeVisible();
  await expect(page.getByText('pnpm glacier roots add /path --label NAME')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
}
