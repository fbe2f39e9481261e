import { expect, test } from '@playwright/test';
import { PASSWORD, registerSubscriber, shot, watchForErrors } from './helpers';

// «Активные сеансы» in «Профиль» (issue 15): each device the subscriber is signed in on, and
// «Завершить» / «Завершить все, кроме этого», which sign the other device out at once.

test('the profile lists the devices, and ending one signs that device out', async ({ page, browser, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = await registerSubscriber(request, testInfo, 'sessions');
  // A second device: its own browser with its own user agent, signed in through the API.
  const phone = await browser.newContext({
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  });
  const phoneLogin = await phone.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(phoneLogin.status()).toBe(200);
  const phoneToken = (await phoneLogin.json()).access_token;
  // The phone's cookie renews its tokens — until the session is ended.
  expect((await phone.request.post('/api/v1/auth/refresh')).status()).toBe(200);

  await page.goto('/login');
  await page.getByLabel('Адрес электронной почты').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  await page.getByTestId('profile-link').click();

  const card = page.getByTestId('sessions');
  await expect(card.getByRole('heading', { name: 'Активные сеансы' })).toBeVisible();
  const rows = card.getByTestId('session');
  await expect(rows).toHaveCount(2);
  const mine = rows.filter({ hasText: 'Этот сеанс' });
  await expect(mine).toHaveCount(1);
  await expect(mine.getByRole('button')).toHaveCount(0);
  const other = rows.filter({ hasText: 'Chrome 131 · Android 14' });
  await expect(other).toContainText('IP 127.0.0.1');
  await expect(other).toContainText(/Вход: \d\d\.\d\d\.\d{4} \d\d:\d\d/);
  await shot(page, testInfo, 'sessions');

  await other.getByRole('button', { name: 'Завершить сеанс: Chrome 131 · Android 14' }).click();
  await expect(rows).toHaveCount(1);
  await expect(card.getByRole('status')).toHaveText('Сеанс завершён: устройство вышло из личного кабинета.');
  await expect(card.getByRole('heading', { name: 'Активные сеансы' })).toBeFocused();
  await expect(card.getByRole('button', { name: 'Завершить все, кроме этого' })).toHaveCount(0);
  // The phone is signed out at once: its token is refused, and it cannot renew it.
  const me = await phone.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${phoneToken}` } });
  expect(me.status()).toBe(401);
  expect((await phone.request.post('/api/v1/auth/refresh')).status()).toBe(401);
  await phone.close();
  expect(errors).toEqual([]);
});

test('«Завершить все, кроме этого» keeps only this device', async ({ page, browser, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = await registerSubscriber(request, testInfo, 'sessions-all');
  const others = [];
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext();
    expect((await context.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } })).status()).toBe(200);
    expect((await context.request.post('/api/v1/auth/refresh')).status()).toBe(200);
    others.push(context);
  }
  await page.goto('/login');
  await page.getByLabel('Адрес электронной почты').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  await page.goto('/profile');
  const rows = page.getByTestId('sessions').getByTestId('session');
  await expect(rows).toHaveCount(3);
  await page.getByRole('button', { name: 'Завершить все, кроме этого' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Этот сеанс');
  await expect(page.getByTestId('sessions').getByRole('status')).toHaveText('Остальные сеансы завершены.');
  for (const context of others) {
    expect((await context.request.post('/api/v1/auth/refresh')).status()).toBe(401);
    await context.close();
  }
  // This device stays signed in.
  await page.reload();
  await expect(rows).toHaveCount(1);
  expect(errors).toEqual([]);
});
