import { expect, test } from '@playwright/test';
import { signInNewSubscriber, subscriberHouse, watchForErrors } from './helpers';

// On a slow phone the app takes a second or more to arrive. The main page's first requests
// (the session refresh, the profile, the houses, the company's details) start while it is
// downloading — index.html's inline script — and the app takes their answers instead of asking
// again one after another once it runs (issue 12, speed).
test('a signed-in main page asks for its data while the app downloads, each once', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = await signInNewSubscriber(page, request, testInfo, 'early');
  await subscriberHouse(request, email, 'Квартира', '680000000001', '01234567');

  // The app's module arrives a second late, as on a slow network.
  let moduleDelivered = Number.POSITIVE_INFINITY;
  await page.route(/lk-frontend-[0-9a-f]{1,16}_bg\.wasm$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    moduleDelivered = Date.now();
    await route.continue();
  });
  const asked: { path: string; at: number }[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/')) asked.push({ path, at: Date.now() });
  });
  await page.goto('/');
  const card = page.getByTestId('house-card').filter({ hasText: 'Квартира' });
  await expect(card.getByTestId('balance')).toBeVisible();
  await page.waitForLoadState('networkidle');

  const paths = ['/api/v1/auth/refresh', '/api/v1/me', '/api/v1/houses', '/api/v1/branding'];
  for (const path of paths) {
    const times = asked.filter((a) => a.path === path);
    expect(times.length, `${path} asked for once`).toBe(1);
    expect(times[0].at, `${path} asked for before the app arrived`).toBeLessThan(moduleDelivered);
  }
  expect(errors).toEqual([]);
});

test('a guest page asks for no session at all', async ({ page }) => {
  const errors = watchForErrors(page);
  const asked: string[] = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Войти' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(asked).not.toContain('/api/v1/auth/refresh');
  expect(asked).not.toContain('/api/v1/houses');
  expect(asked.filter((p) => p === '/api/v1/branding').length).toBeLessThanOrEqual(1);
  expect(errors).toEqual([]);
});
