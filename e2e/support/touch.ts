import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Rests a finger on an element until `until` shows (the selection bar, say: a long press), then
 * lifts it: touch events through the DevTools protocol, at the element's centre.
 */
export async function longPress(page: Page, target: Locator, until: Locator) {
  // In the middle of the screen, clear of the sticky top bar and the bottom navigation.
  await target.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const at = (await target.boundingBox())!;
  const session = await page.context().newCDPSession(page);
  await session.send('Input.dispatchTouchEvent', {
    type: 'touchStart',
    touchPoints: [{ x: at.x + at.width / 2, y: at.y + at.height / 2, id: 1 }],
  });
  await expect(until).toBeVisible();
  await session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await session.detach();
}

/** A tap on a touch screen (the phone project), a click otherwise. */
export const press = (locator: Locator, touch: boolean) =>
  touch ? locator.tap() : locator.click();
