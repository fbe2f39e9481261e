import { expect, test, type Page } from '@playwright/test';
import { addHouseWithAccount, PASSWORD, signInNewSubscriber } from './helpers';

// A clean console (issue 12): no page of the SPA — a guest's, a subscriber's or the staff's —
// logs an error or a warning, not even a failed request: a guest's pages do not probe the
// session (no 401 from /auth/refresh), the module is not preloaded with integrity hashes the
// loader cannot match, and every lazily loaded chunk arrives.

/** Every console error and warning, failed request and uncaught error of the page. */
function watchConsole(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.push(`${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message} (${page.url()})`));
  page.on('requestfailed', (r) => seen.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) seen.push(`${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return seen;
}

async function visit(page: Page, path: string, heading: RegExp | string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

test("a guest's pages log nothing and ask for no session", async ({ page }) => {
  const seen = watchConsole(page);
  const refreshes: string[] = [];
  page.on('request', (r) => { if (r.url().includes('/auth/refresh')) refreshes.push(r.url()); });
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Войти' })).toBeVisible();
  await visit(page, '/register', /Регистрация/);
  await visit(page, '/forgot-password', /Восстановление пароля/);
  await visit(page, '/about', /О компании/);
  await visit(page, '/faq', /Вопросы/);
  await visit(page, '/contacts', /Контакты/);
  await visit(page, '/guest/readings', 'Передать показания без регистрации');
  await visit(page, '/guest/pay', 'Оплатить без регистрации');
  // Opened from a mail without its code: the page says so, asking nothing of the server.
  await visit(page, '/confirm-email', /Подтверждение/);
  await visit(page, '/reset-password', /пароль/i);
  // An address the portal does not have: a page of its own, not a failed request.
  await page.goto('/nowhere');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(refreshes, 'no session probe without the lk_session cookie').toEqual([]);
  expect(seen).toEqual([]);
});

test("a subscriber's pages log nothing, and signing out ends the probing", async ({ page, request }, testInfo) => {
  const seen = watchConsole(page);
  const email = await signInNewSubscriber(page, request, testInfo, 'console');
  await addHouseWithAccount(page, 'Квартира', '680000000001', '01234567');
  const login = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  const { access_token } = await login.json();
  const houses = await (await request.get('/api/v1/houses', { headers: { authorization: `Bearer ${access_token}` } })).json();
  const house = `/houses/${houses[0].id}`;
  for (const tab of ['electricity', 'meters', 'account', 'services', 'payment', 'contacts']) {
    await page.goto(`${house}/${tab}`);
    await expect(page.locator(`a[aria-current="page"][href$="/${tab}"]`)).toBeVisible();
  }
  for (const path of ['/profile', '/profile/houses', '/profile/requests', '/profile/settings']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  // A payment's result page, waiting for the bank (it asks again every two seconds).
  const auth = { authorization: `Bearer ${access_token}` };
  const started = await request.post('/api/v1/accounts/680000000001/payments', { headers: auth, data: { amount: '100', rules_accepted: true } });
  expect(started.status()).toBe(201);
  await page.goto(`/payments/${(await started.json()).payment_id}`);
  await expect(page.getByTestId('payment-status')).toBeVisible();
  await page.waitForTimeout(2_500);
  // A reload restores the session from the cookie, with no failed request on the way.
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  expect(seen).toEqual([]);

  await page.getByRole('banner').getByRole('button', { name: 'Выход' }).click();
  await expect(page).toHaveURL(/\/login/);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'lk_session'), 'the hint goes with the session').toBeUndefined();
  const refreshes: string[] = [];
  page.on('request', (r) => { if (r.url().includes('/auth/refresh')) refreshes.push(r.url()); });
  await page.reload();
  await expect(page.getByRole('button', { name: 'Войти' })).toBeVisible();
  expect(refreshes).toEqual([]);
  expect(seen).toEqual([]);
});

test("the staff console's pages log nothing", async ({ page, request }) => {
  const seen = watchConsole(page);
  const asked = await request.post('/api/v1/questions', {
    data: { last_name: 'Абонентова', first_name: 'Мария', email: `console.${Date.now()}@example.ru`, text: 'Как передать показания?' },
  });
  expect(asked.status()).toBe(201);
  const { number } = await asked.json();
  await page.goto('/login');
  await page.getByLabel('Адрес электронной почты').fill('admin@lk.example');
  await page.getByLabel('Пароль').fill('admin-password');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  for (const path of ['/staff', `/staff/requests/${number}`, '/staff/content', '/staff/users']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  expect(seen).toEqual([]);
});
