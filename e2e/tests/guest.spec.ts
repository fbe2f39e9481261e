import { expect, test } from '@playwright/test';
import { ownAccount, ruDate, serverToday, shot, watchForErrors } from './helpers';

// «Передать показания без регистрации» and «Оплатить без регистрации» (issue 15): from the
// login page, by the account number and a meter number from the receipt; only the masked
// address and the amount due are shown; the reading raises the amount due, the payment goes
// through the acquirer and comes back to a page of its own.

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
  // What the payer may need to quote to the contact centre: when, which payment, how much.
  const id = page.url().split('/').pop()!;
  await expect(page.getByTestId('payment-id')).toHaveText(id);
  await expect(page.getByTestId('payment-amount')).toContainText('100,00');
  await expect(page.getByTestId('payment-time')).toHaveText(/^\d\d\.\d\d\.\d{4} \d\d:\d\d \(МСК\)$/);
  await expect(page.getByTestId('payment-time')).toContainText(ruDate(await serverToday(request)));
  await shot(page, testInfo, 'guest-paid');
  expect(errors).toEqual([]);
});
