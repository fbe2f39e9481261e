import { expect, test, type Page } from '@playwright/test';
import { PASSWORD, registerSubscriber, shot, subscriberHouse, watchForErrors } from './helpers';

// On a slow phone the app takes seconds to download. index.html's script draws the main page's
// first screen from the answers it asked for early — each house, its balance and amount due,
// links to its pages — and the app takes it away when its own page shows (issue 12, speed).

const MODULE = /lk-frontend-[0-9a-f]{1,16}_bg\.wasm$/;

/** Holds the app's module back until the returned function is called. */
async function holdTheApp(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  await page.route(MODULE, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

async function signIn(page: Page, email: string) {
  // The session's cookies, as a returning subscriber has them.
  const login = await page.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(login.status()).toBe(200);
  return (await login.json()).access_token as string;
}

test('the main page shows its figures before the app has arrived, the same as the app then shows', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = await registerSubscriber(request, testInfo, 'first');
  const id = await subscriberHouse(request, email, 'Квартира', '680000000001', '01234567');
  await signIn(page, email);
  const release = await holdTheApp(page);
  await page.goto('/');

  const first = page.locator('#lk-first');
  await expect(first.getByRole('heading', { level: 1 })).toHaveText('Управление лицевыми счетами');
  await expect(first.getByRole('heading', { name: 'Квартира' })).toBeVisible();
  const figure = (await first.getByTestId('first-balance').textContent())!;
  expect(figure).toMatch(/^\d[\d\u202f]*,\d\d\u00a0₽$/);
  const links = first.getByRole('navigation', { name: 'Страницы дома «Квартира»' }).getByRole('link');
  await expect(links).toHaveText(['Электроэнергия', 'Счетчики', 'Лицевой счет', 'Услуги', 'Оплата', 'Контакты']);
  const hrefs = await links.evaluateAll((all) => all.map((a) => a.getAttribute('href')));
  await shot(page, testInfo, 'first-screen');
  // Nothing of the app is there yet: the figures came without it.
  await expect(page.getByTestId('house-card')).toHaveCount(0);

  release();
  const card = page.getByTestId('house-card').filter({ hasText: 'Квартира' });
  await expect(card.getByTestId('balance')).toHaveText(figure);
  await expect(first).toHaveCount(0);
  await shot(page, testInfo, 'first-screen-replaced');
  const appLinks = card.getByRole('navigation').getByRole('link');
  expect(await appLinks.evaluateAll((all) => all.map((a) => a.getAttribute('href')))).toEqual(hrefs);
  expect(hrefs[1]).toBe(`/houses/${id}/meters`);
  expect(errors).toEqual([]);
});

test('a house without an account shows the notice and no page links, as the app does', async ({ page, request }, testInfo) => {
  const email = await registerSubscriber(request, testInfo, 'first-bare');
  await subscriberHouse(request, email, 'Квартира', '680000000001', '01234567');
  const token = await signIn(page, email);
  const bare = await page.request.post('/api/v1/houses', { headers: { Authorization: `Bearer ${token}` }, data: { name: 'Гараж', address: 'г. Тамбов' } });
  expect(bare.status()).toBe(201);
  const release = await holdTheApp(page);
  await page.goto('/');
  const first = page.locator('#lk-first');
  const garage = first.getByRole('article').filter({ hasText: 'Гараж' });
  await expect(garage).toContainText('К дому не подключён лицевой счёт.');
  await expect(garage.getByRole('link')).toHaveCount(0);
  await expect(garage.getByTestId('first-balance')).toHaveCount(0);
  await expect(first.getByText('Здравствуйте, Мария!')).toBeVisible();
  release();
  await expect(page.getByTestId('house-card').filter({ hasText: 'Гараж' })).toContainText('К дому не подключён лицевой счёт.');
  await expect(first).toHaveCount(0);
});

test('a link followed on the first screen opens that page once the app is there, without loading the page again', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = await registerSubscriber(request, testInfo, 'first-link');
  const id = await subscriberHouse(request, email, 'Дача', '680000000002', '02345678');
  await signIn(page, email);
  const release = await holdTheApp(page);
  await page.goto('/');
  let documents = 0;
  page.on('request', (r) => { if (r.resourceType() === 'document') documents += 1; });

  await page.locator('#lk-first').getByRole('link', { name: 'Счетчики' }).click();
  await expect(page).toHaveURL(new RegExp(`/houses/${id}/meters$`));
  await expect(page.locator('#lk-first')).toHaveAttribute('aria-busy', 'true');
  release();
  await expect(page.locator('a[aria-current="page"]', { hasText: 'Счетчики' })).toBeVisible();
  await expect(page.locator('#lk-first')).toHaveCount(0);
  expect(documents, 'no second page load').toBe(0);
  expect(errors).toEqual([]);
});

test('the first screen is in the user\'s language, and a guest gets none', async ({ page, request }, testInfo) => {
  const email = await registerSubscriber(request, testInfo, 'first-en');
  await subscriberHouse(request, email, 'Flat', '680000000001', '01234567');
  const token = await signIn(page, email);
  const set = await page.request.put('/api/v1/me/settings', { headers: { Authorization: `Bearer ${token}` }, data: { language: 'en' } });
  expect(set.status()).toBe(200);
  let release = await holdTheApp(page);
  await page.goto('/');
  const first = page.locator('#lk-first');
  await expect(first.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(first.getByRole('link', { name: 'Meters' })).toBeVisible();
  expect(await first.getByTestId('first-balance').textContent()).toMatch(/^₽\d[\d,]*\.\d\d$/);
  // Every text of the interface (the company's name and the house's address are data).
  for (const text of await first.locator('h1, dt, .house-links__link').allTextContents()) {
    expect(text).not.toMatch(/[А-Яа-яЁё]/);
  }
  release();
  await expect(page.getByTestId('house-card')).toBeVisible();

  // Signed out: the login page, no first screen and no request for houses.
  await page.context().clearCookies();
  await page.unroute(MODULE);
  release = await holdTheApp(page);
  const asked: string[] = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/houses')) asked.push(r.url()); });
  // The script's one request without a session is the company's details.
  const branding = page.waitForResponse((r) => r.url().endsWith('/api/v1/branding'));
  await page.goto('/');
  await branding;
  await expect(first).toHaveCount(0);
  release();
  await expect(page.getByRole('button', { name: 'Войти' })).toBeVisible();
  await expect(first).toHaveCount(0);
  expect(asked).toEqual([]);
});
