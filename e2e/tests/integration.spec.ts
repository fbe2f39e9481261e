import { expect, test, type APIRequestContext } from '@playwright/test';
import { addHouseWithAccount, rubles, serverToday, shot, signInNewSubscriber, watchForErrors } from './helpers';

// The demo admin of `lk seed-demo`: issues the billing system's key in the console's API.
const ADMIN = { email: 'admin@lk.example', password: 'admin-password' };

/** A new API key with these rights, as an admin creates it in «Ключи API». */
async function apiKey(request: APIRequestContext, name: string, scopes: string[]): Promise<string> {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  expect(login.status()).toBe(200);
  const token = (await login.json()).access_token;
  const created = await request.post('/api/v1/operator/api-keys', {
    headers: { Authorization: `Bearer ${token}` },
    data: { name, scopes },
  });
  expect(created.status()).toBe(201);
  const body = await created.json();
  expect(body.info.scopes).toEqual(scopes);
  return body.key;
}

/** Sends a batch of the registry (or of payments); every item must be taken. */
async function batch(request: APIRequestContext, key: string, kind: string, items: object[]): Promise<string[]> {
  const resp = await request.post(`/api/v1/integration/${kind}`, {
    headers: { Authorization: `Bearer ${key}` },
    data: { items },
  });
  expect(resp.status(), `POST ${kind}`).toBe(200);
  const body = await resp.json();
  expect(body.errors, `${kind}: ${JSON.stringify(body.results)}`).toBe(0);
  return body.results.map((r: { result: string }) => r.result);
}

test('the billing system loads an account and its meter, a new subscriber binds it, and a bank payment posted through the API changes the balance by exactly its amount', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  // Each project (desktop, phone) its own account on the shared server.
  const n = testInfo.project.name === 'desktop' ? 7 : 8;
  const account = `68000000077${n}`;
  const meter = `7770077${n}`;
  const holder = 'Интеграционова Ольга Петровна';
  const today = await serverToday(request);

  const key = await apiKey(request, `Учётная система e2e (${testInfo.project.name})`, ['registry:write', 'payments:write']);
  const auth = { Authorization: `Bearer ${key}` };
  // The key does what its rights allow, nothing more.
  expect((await request.get('/api/v1/integration/readings', { headers: auth })).status()).toBe(403);

  // The registry: a tariff plan of its own, the account on the demo branch, its meter.
  const tariff = await batch(request, key, 'tariffs', [{
    code: 'e2e-single', name: 'Население (e2e), одноставочный', scheme: 'single',
    rates: [{ zone: 'single', valid_from: '2024-01-01', price: '5.50' }],
  }]);
  expect(['created', 'unchanged']).toContain(tariff[0]);
  expect(await batch(request, key, 'accounts', [{
    number: account, holder_name: holder, address: '392000, г. Тамбов, ул. Интернациональная, д. 7, кв. 7',
    branch_code: 'tambov', contract_number: `E2E-${n}`, contract_date: '2024-01-10',
    tariff_code: 'e2e-single', residents: 2, opening_balance: '-2000.00',
  }])).toEqual(['created']);
  expect(await batch(request, key, 'meters', [{
    account_number: account, serial: meter, model: 'Меркурий 201.8', scheme: 'single', digits: 6,
    installed_on: '2024-01-15', verified_on: '2024-01-05', next_verification_on: '2040-01-05', location: 'Лестничная площадка',
  }])).toEqual(['created']);

  // A new subscriber binds it in the SPA and sees the holder and the balance.
  await signInNewSubscriber(page, request, testInfo, 'integration');
  await addHouseWithAccount(page, 'Квартира', account, meter);
  const card = page.getByTestId('house-card').filter({ hasText: 'Квартира' });
  await expect(card.getByText('Задолженность')).toBeVisible();
  const debtBefore = rubles(await card.getByTestId('balance').textContent());
  expect(debtBefore).toBe(2000);
  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  await page.getByRole('link', { name: 'Лицевой счет' }).click();
  await expect(page.getByTestId('account-info')).toContainText(holder);
  await expect(page.getByTestId('account-info')).toContainText('Тамбовское отделение');
  await shot(page, testInfo, 'a0-integration-account');

  // The bank reports a payment; sent again, it is counted once.
  const payment = { id: `E2E-BANK-${testInfo.project.name}-${Date.now()}`, channel: 'bank', account_number: account, amount: '1234.56', paid_on: today };
  expect(await batch(request, key, 'payments', [payment])).toEqual(['created']);
  expect(await batch(request, key, 'payments', [payment])).toEqual(['unchanged']);

  await page.goto('/');
  await expect(card.getByTestId('balance')).toBeVisible();
  const debtAfter = rubles(await card.getByTestId('balance').textContent());
  expect(Math.round((debtBefore - debtAfter) * 100)).toBe(123456);
  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  const paid = page.getByTestId('history').locator('tr[data-kind="payment"]');
  await expect(paid).toHaveCount(1);
  await expect(paid).toContainText('Оплата через банк');
  await expect(paid).toContainText(/\+1\s?234,56/);
  await expect(page.getByTestId('side-balance')).toContainText('765,44');
  await shot(page, testInfo, 'a1-integration-bank-payment');
  expect(errors).toEqual([]);
});
