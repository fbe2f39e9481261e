import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, type APIRequestContext, type Locator, type Page, type TestInfo } from '@playwright/test';

export const PASSWORD = 'Тамбов-энергия-2026';

/** A unique address per test run and project. */
export function uniqueEmail(prefix: string, testInfo: TestInfo): string {
  return `${prefix}.${testInfo.project.name}.${Date.now()}@example.ru`;
}

/** Fails the test on any uncaught error or console error in the page. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // API answers 4xx by design (the refresh probe of a guest, a refused form): the browser
    // logs those as failed loads; they are not errors of the app.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** The link `<page>#token=…` from the newest message to `to` in the dev mailbox. */
export async function mailedLink(request: APIRequestContext, to: string, page: string): Promise<string> {
  let link = '';
  await expect
    .poll(async () => {
      const resp = await request.get(`/api/v1/dev/mailbox?to=${encodeURIComponent(to)}`);
      const mails: { body: string }[] = await resp.json();
      for (const m of mails) {
        const match = m.body.match(new RegExp(`https?://\\S+${page}#token=\\S+`));
        if (match) {
          link = match[0];
          return true;
        }
      }
      return false;
    })
    .toBe(true);
  return link;
}

export async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: `artifacts/${testInfo.project.name}-${name}.png`, fullPage: true });
}

/** Registers and confirms a subscriber through the API, then signs in through the UI (of the
 * server at `base`, the configured one by default). */
export async function signInNewSubscriber(page: Page, request: APIRequestContext, testInfo: TestInfo, prefix: string, firstName = 'Мария', base = ''): Promise<string> {
  const email = await registerSubscriber(request, testInfo, prefix, firstName);
  await page.goto(`${base}/login`);
  await page.getByLabel('Адрес электронной почты').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  return email;
}

/** Adds a house through the main page and binds the account to it. */
export async function addHouseWithAccount(page: Page, name: string, account: string, meter: string) {
  const dialog = page.getByRole('dialog');
  await page.getByRole('button', { name: /Добавить дом/ }).first().click();
  await dialog.getByLabel('Название').fill(name);
  await dialog.getByLabel('Адрес').fill('Тамбовская обл.');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByTestId('house-card').filter({ hasText: name });
  await card.getByRole('button', { name: 'Добавить лицевой счет' }).click();
  await dialog.getByLabel('Номер лицевого счета').fill(account);
  await dialog.getByLabel('Номер счетчика').fill(meter);
  await dialog.getByRole('button', { name: 'Добавить' }).click();
  await dialog.getByRole('button', { name: 'Готово' }).click();
  await expect(card.getByTestId('account-number')).toHaveText(account);
}

/** "3 006,08 ₽" → 3006.08 */
export function rubles(text: string | null): number {
  return Number((text ?? '').replace(/[^\d,−-]/g, '').replace(',', '.').replace('−', '-'));
}

/** Today in the company's time zone, as the server tells it. */
export async function serverToday(request: APIRequestContext): Promise<string> {
  const branding = await request.get('/api/v1/branding');
  expect(branding.status()).toBe(200);
  return (await branding.json()).today;
}

/** `2026-11-26` → `26.11.2026`, as the portal prints dates. */
export function ruDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** A second server of its own (demo data, a fresh database) with extra settings, for tests
 * that need another configuration than the shared one. */
export async function startServer(env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = Number(process.env.LK_E2E_PORT ?? 18080) + 1;
  const url = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lk-e2e-own-'));
  const bin = process.env.LK_BIN ?? path.resolve(__dirname, '../../target/debug/lk');
  const serverEnv = {
    ...process.env,
    DATABASE_URL: `sqlite://${dataDir}/lk.sqlite3`,
    LK_ADDR: `127.0.0.1:${port}`,
    LK_PUBLIC_URL: url,
    LK_STATIC_DIR: path.resolve(__dirname, '../../dist'),
    LK_DATA_DIR: dataDir,
    LK_LOG_FORMAT: 'json',
    RUST_LOG: 'warn',
    ...env,
  };
  const run = (args: string[]): ChildProcess => spawn(bin, args, { env: serverEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  const seeded = await new Promise<number | null>((resolve) => run(['seed-demo']).on('exit', resolve));
  expect(seeded, 'lk seed-demo').toBe(0);
  const server = run(['serve']);
  await expect
    .poll(async () => {
      try {
        return (await fetch(`${url}/health/ready`)).status;
      } catch {
        return 0;
      }
    }, { timeout: 30_000 })
    .toBe(200);
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers and confirms a subscriber through the API only (no sign-in in the page). */
export async function registerSubscriber(request: APIRequestContext, testInfo: TestInfo, prefix: string, firstName = 'Мария'): Promise<string> {
  const email = uniqueEmail(prefix, testInfo);
  const reg = await request.post('/api/v1/auth/register', {
    data: { email, password: PASSWORD, last_name: 'Абонентова', first_name: firstName, personal_data_consent: true },
  });
  expect(reg.status()).toBe(201);
  const link = await mailedLink(request, email, '/confirm-email');
  const token = link.split('#token=')[1];
  expect((await request.post('/api/v1/auth/confirm-email', { data: { token } })).status()).toBe(200);
  return email;
}

/** A house of the subscriber `email` (password [`PASSWORD`]) with `account` bound, through the
 * API; its id. */
export async function subscriberHouse(request: APIRequestContext, email: string, name: string, account: string, meter: string): Promise<number> {
  const login = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(login.status()).toBe(200);
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const house = await request.post('/api/v1/houses', { headers, data: { name, address: 'г. Тамбов' } });
  expect(house.status()).toBe(201);
  const { id } = await house.json();
  const bound = await request.put(`/api/v1/houses/${id}/account`, { headers, data: { account_number: account, meter_number: meter } });
  expect(bound.status()).toBe(200);
  return id;
}

// The demo admin of `lk seed-demo`: loads a test's own account (two-zone, a reading of a week
// ago) through the billing API, so that its readings and payments change no other test's figures.
const ADMIN = { email: 'admin@lk.example', password: 'admin-password' };

export async function ownAccount(request: APIRequestContext, account: string, meter: string, name: string) {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  expect(login.status()).toBe(200);
  const created = await request.post('/api/v1/operator/api-keys', {
    headers: { Authorization: `Bearer ${(await login.json()).access_token}` },
    data: { name, scopes: ['registry:write'] },
  });
  expect(created.status()).toBe(201);
  const headers = { Authorization: `Bearer ${(await created.json()).key}` };
  const batch = async (kind: string, items: object[]) => {
    const resp = await request.post(`/api/v1/integration/${kind}`, { headers, data: { items } });
    expect(resp.status(), kind).toBe(200);
    expect((await resp.json()).errors, kind).toBe(0);
  };
  await batch('tariffs', [{
    code: 'e2e-guest', name: 'Население (e2e), двухзонный', scheme: 'two_zone',
    rates: [{ zone: 'day', valid_from: '2024-01-01', price: '6.00' }, { zone: 'night', valid_from: '2024-01-01', price: '3.00' }],
  }]);
  await batch('accounts', [{
    number: account, holder_name: 'Гостева Ирина Павловна', address: '392000, г. Тамбов, ул. Гостевая, д. 15, кв. 3',
    branch_code: 'tambov', contract_number: `E2E-G-${account}`, contract_date: '2024-01-10',
    tariff_code: 'e2e-guest', residents: 1, opening_balance: '0.00',
  }]);
  await batch('meters', [{
    account_number: account, serial: meter, model: 'Меркурий 200.02', scheme: 'two_zone', digits: 6,
    installed_on: '2024-01-15', verified_on: '2024-01-05', next_verification_on: '2040-01-05', location: 'Прихожая',
  }]);
  // The company's reading of a week ago: the portal's reading is compared with it.
  const weekAgo = new Date(Date.parse(`${await serverToday(request)}T12:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
  await batch('readings', [{ account_number: account, meter_serial: meter, taken_on: weekAgo, values: [{ zone: 'day', value: 1000 }, { zone: 'night', value: 500 }] }]);
}

/** Fills every zone of the reading wizard `dialog` with its previous reading plus `kwh` (the
 * hint in Russian, or in English with `previous` = /Previous reading: \d+/). */
export async function fillReadings(dialog: Locator, kwh: number, previous = /Предыдущее показание: \d+/) {
  const inputs = dialog.locator('input[inputmode="numeric"]');
  await expect(inputs.first()).toBeVisible();
  for (let i = 0; i < (await inputs.count()); i++) {
    const hint = await dialog.locator('.field').nth(i).getByText(previous).textContent();
    await inputs.nth(i).fill(String(Number(hint!.replace(/\D/g, '')) + kwh));
  }
}
