import { expect, test, type APIRequestContext } from '@playwright/test';
import { serverToday, shot, watchForErrors } from './helpers';

// «Передать показания без регистрации» and «Оплатить без регистрации» (issue 15): from the
// login page, by the account number and a meter number from the receipt; only the masked
// address and the amount due are shown; the reading raises the amount due, the payment goes
// through the acquirer and comes back to a page of its own.

// The demo admin of `lk seed-demo`: loads this test's own account through the billing API, so
// that its reading and payment change no other test's figures.
const ADMIN = { email: 'admin@lk.example', password: 'admin-password' };

async function ownAccount(request: APIRequestContext, account: string, meter: string, name: string) {
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

test('a payer without an account passes readings and pays from the login page', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const n = testInfo.project.name === 'desktop' ? 1 : 2;
  const [account, meter] = [`68000000088${n}`, `8880088${n}`];
  await ownAccount(request, account, meter, `Гостевой e2e (${testInfo.project.name})`);
  await page.goto('/login');
  await page.getByRole('link', { name: 'Передать показания без регистрации' }).click();
  await expect(page.getByRole('heading', { name: 'Передать показания без регистрации' })).toBeVisible();

  // A wrong meter number: the same answer as a wrong account.
  await page.getByLabel('Номер лицевого счёта').fill(account);
  await page.getByLabel('Номер счётчика').fill('99999999');
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await expect(page.getByRole('alert')).toContainText('Лицевой счёт с таким номером счётчика не найден');

  await page.getByLabel('Номер счётчика').fill(`${meter.slice(0, 4)}-${meter.slice(4)}`);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  const summary = page.getByTestId('guest-account');
  await expect(summary).toContainText(`Лицевой счёт № ${account}`);
  await expect(summary).toContainText('Адрес: ******, г. Т*****, ул. Г*******, д. **, кв. *');
  await expect(summary).not.toContainText('Гостева');
  await expect(page.getByTestId('guest-due')).toHaveText(/К оплате: 0,00/);
  await shot(page, testInfo, 'guest-readings');

  // A day/night meter: one value per zone. Letters are refused before asking the server.
  await page.getByLabel('День').fill('12a');
  await page.getByLabel('Ночь').fill('520');
  await page.getByRole('button', { name: 'Передать показания' }).click();
  await expect(page.getByText('Введите показание целым числом.')).toBeVisible();
  await page.getByLabel('День').fill('1050');
  await page.getByRole('button', { name: 'Передать показания' }).click();
  // 50 kWh × 6 ₽ + 20 kWh × 3 ₽.
  await expect(page.getByRole('status')).toContainText(/Показания приняты за \d\d\.\d\d\.\d{4}\. К оплате с учётом показаний: 360,00/);
  await expect(page.getByTestId('guest-due')).toHaveText(/К оплате: 360,00/);

  // On to paying, with the amount due filled in.
  await page.getByRole('button', { name: 'Оплатить', exact: true }).click();
  await expect(page.getByLabel('Сумма, ₽')).toHaveValue('360,00');
  await page.getByLabel('Сумма, ₽').fill('100');
  await page.getByRole('button', { name: 'Перейти к оплате' }).click();
  await expect(page.getByText('Подтвердите согласие с правилами оплаты.')).toBeVisible();
  await page.getByText('Я ознакомлен(а) с правилами оплаты').click();
  await page.getByRole('button', { name: 'Перейти к оплате' }).click();
  await expect(page).toHaveURL(/\/sandbox\/pay\//);
  await expect(page.getByText('100,00')).toBeVisible();
  await page.getByRole('button', { name: 'Оплатить' }).click();

  await expect(page).toHaveURL(/\/guest\/payments\/[0-9a-f-]+$/);
  await expect(page.getByTestId('payment-status')).toHaveText(/Оплата прошла успешно/);
  await expect(page.getByText('Сумма платежа: 100,00')).toBeVisible();
  await shot(page, testInfo, 'guest-paid');
  expect(errors).toEqual([]);
});
