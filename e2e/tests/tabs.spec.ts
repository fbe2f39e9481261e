import { expect, request as api, test, type Route } from '@playwright/test';
import { signInNewSubscriber, startServer, watchForErrors } from './helpers';

test('two tabs that restore the session at the same moment both stay signed in', async ({ context, page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'tabs', 'Анна');
  const second = await context.newPage();
  const secondErrors = watchForErrors(second);
  await second.goto('/profile');
  await expect(second.getByTestId('profile-link')).toContainText('Анна');

  // Hold every refresh until a second one arrives (or a moment passes), then let them go
  // together: two tabs that refresh without taking turns both send the same cookie, which
  // the server takes for a stolen token, ending the session.
  const held: Route[] = [];
  let refreshes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const release = () => {
    clearTimeout(timer);
    for (const r of held.splice(0)) void r.continue();
  };
  await context.route('**/api/v1/auth/refresh', (route) => {
    refreshes += 1;
    held.push(route);
    if (held.length >= 2) release();
    else timer = setTimeout(release, 1500);
  });
  for (let round = 0; round < 2; round++) {
    await Promise.all([page.reload(), second.reload()]);
    await expect(page.getByTestId('profile-link')).toContainText('Анна');
    await expect(second.getByTestId('profile-link')).toContainText('Анна');
  }
  expect(refreshes).toBe(4);
  await context.unroute('**/api/v1/auth/refresh');

  // The session is intact: both tabs keep working after another reload each.
  for (const p of [page, second]) {
    await p.reload();
    await expect(p.getByTestId('profile-link')).toContainText('Анна');
    await expect(p.getByRole('heading', { name: 'Вход в личный кабинет абонента' })).toBeHidden();
  }
  expect(errors).toEqual([]);
  expect(secondErrors).toEqual([]);
});

// The tabs themselves take turns (a Web Lock around every refresh, the page-load one in
// index.html included): on a server with no grace window for concurrent renewals, where two
// refreshes with the same cookie end the session, two tabs reloaded together still both stay.
test('two tabs take turns renewing the session, so a server without a grace window keeps them both', async ({ browser }, testInfo) => {
  const server = await startServer({ LK_REFRESH_REUSE_GRACE_SECS: '0' });
  const context = await browser.newContext();
  try {
    const own = await api.newContext({ baseURL: server.url });
    const page = await context.newPage();
    const errors = watchForErrors(page);
    await signInNewSubscriber(page, own, testInfo, 'locks', 'Анна', server.url);
    const second = await context.newPage();
    const secondErrors = watchForErrors(second);
    await second.goto(`${server.url}/profile`);
    await expect(second.getByTestId('profile-link')).toContainText('Анна');

    // Every refresh is held a moment, so that a second one sent meanwhile would overlap it.
    let refreshes = 0;
    await context.route('**/api/v1/auth/refresh', async (route) => {
      refreshes += 1;
      await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue();
    });
    for (let round = 0; round < 2; round++) {
      await Promise.all([page.reload(), second.reload()]);
      await expect(page.getByTestId('profile-link')).toContainText('Анна');
      await expect(second.getByTestId('profile-link')).toContainText('Анна');
    }
    expect(refreshes).toBeGreaterThanOrEqual(4);
    await context.unroute('**/api/v1/auth/refresh');
    for (const p of [page, second]) {
      await p.reload();
      await expect(p.getByTestId('profile-link')).toContainText('Анна');
    }
    expect(errors).toEqual([]);
    expect(secondErrors).toEqual([]);
  } finally {
    await context.close();
    await server.stop();
  }
});
