import { test, expect } from '@playwright/test';
import { startServer } from './helpers';

// The morning after bills go out, logins come in a wave. A server that computes one password
// hash at a time and lets none wait (LK_MAX_CONCURRENT_HASHES=1, LK_HASH_QUEUE=0) answers a
// login that finds the slot taken with 429 `server_busy` and `Retry-After`. The SPA says so,
// waits and sends the login again by itself: the subscriber clicks once and ends on the main
// page.
test('a login answered 429 while the server is busy is retried by the SPA and ends on the main page', async ({ page }) => {
  const server = await startServer({
    LK_MAX_CONCURRENT_HASHES: '1',
    LK_HASH_QUEUE: '0',
    // The storm comes from 127.0.0.1; the per-address limit has its own API tests.
    LK_THROTTLE__LOGIN_PER_IP: '0',
  });
  let storming = true;
  // The storm: sixteen clients signing in with unknown e-mails (each costs a hash) in a loop.
  const storm = Array.from({ length: 16 }, async (_, i) => {
    let n = 0;
    while (storming) {
      n += 1;
      await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `storm-${i}-${n}@lk.example`, password: 'not-the-password' }),
      }).catch(() => undefined);
    }
  });
  try {
    // The storm has taken the slot when the server starts refusing.
    await expect
      .poll(async () => (await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'probe@lk.example', password: 'not-the-password' }),
      })).status, { timeout: 20_000 })
      .toBe(429);

    // The storm holds the slot almost all the time; a login that slips in between two of its
    // hashes signs in at once, and then the subscriber signs out and tries again.
    let answer = null;
    for (let attempt = 0; attempt < 5 && answer === null; attempt++) {
      await page.context().clearCookies();
      await page.goto(`${server.url}/login`);
      await page.getByLabel('Адрес электронной почты').fill('demo@lk.example');
      await page.getByLabel('Пароль').fill('demo-password');
      const first = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
      await page.getByRole('button', { name: 'Войти' }).click();
      const r = await first;
      if (r.status() === 429) {
        answer = r;
      } else {
        await expect(page).toHaveURL(`${server.url}/`);
      }
    }
    expect(answer, 'a login was refused while the storm held the slot').not.toBeNull();
    // The SPA tries again a second later by itself, and that try may slip in between two of
    // the storm's hashes before the storm ends: listen from now on.
    const signedIn = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.status() === 200);
    expect(answer!.headers()['retry-after']).toBe('1');
    expect((await answer!.json()).code).toBe('server_busy');

    // Told, not failed: a status message (not an alert), the button still waiting.
    const notice = page.getByTestId('busy-retry');
    await expect(notice).toContainText('Сервер сейчас перегружен. Повторим сами через');
    await expect(notice).toHaveAttribute('role', 'status');
    await expect(page.getByRole('alert')).toHaveCount(0);

    // The wave passes; the SPA's next try gets through without another click.
    storming = false;
    await Promise.all(storm);
    await signedIn;
    await expect(page).toHaveURL(`${server.url}/`);
    await expect(page.getByText('Здравствуйте, Иван!')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
    await expect(notice).toHaveCount(0);
  } finally {
    storming = false;
    await Promise.all(storm);
    await server.stop();
  }
});
