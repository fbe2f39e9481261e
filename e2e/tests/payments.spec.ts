import { expect, test } from '@playwright/test';
import { shot, signInNewSubscriber, watchForErrors } from './helpers';

/** "3 006,08 ₽" → 3006.08 */
function rubles(text: string | null): number {
  return Number((text ?? '').replace(/[^\d,−-]/g, '').replace(',', '.').replace('−', '-'));
}

test('a subscriber pays 500.00 ₽ through the sandbox: the debt drops by exactly 500.00 ₽ and the payment is in the history', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'payer');
  const dialog = page.getByRole('dialog');
  await page.getByRole('button', { name: 'Добавить дом' }).click();
  await dialog.getByLabel('Название').fill('Квартира');
  await dialog.getByLabel('Адрес').fill('г. Тамбов');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await page.getByRole('button', { name: 'Добавить лицевой счет' }).click();
  await dialog.getByLabel('Номер лицевого счета').fill('680000000001');
  await dialog.getByLabel('Номер счетчика').fill('01234567');
  await dialog.getByRole('button', { name: 'Добавить' }).click();
  await dialog.getByRole('button', { name: 'Готово' }).click();
  const card = page.getByTestId('house-card');
  await expect(card.getByText('Задолженность')).toBeVisible();
  const debtBefore = rubles(await card.getByTestId('balance').textContent());
  expect(debtBefore).toBeGreaterThan(500);

  // Closing the wizard's window cancels: nothing is paid or started.
  await card.getByRole('button', { name: 'Оплатить' }).click();
  await dialog.getByRole('button', { name: 'Далее' }).click();
  await dialog.getByRole('button', { name: 'Закрыть' }).click();
  await expect(dialog).toBeHidden();
  expect(rubles(await card.getByTestId('balance').textContent())).toBe(debtBefore);

  // Step 1: the amount, pre-filled with the amount due the card shows (the debt, plus the
  // charge of a reading sent today by another test of the same demo account).
  await card.getByRole('button', { name: 'Оплатить' }).click();
  const amount = dialog.getByLabel('Сумма к оплате, ₽');
  const due = rubles(await card.getByTestId('amount-due').textContent());
  expect(due).toBeGreaterThanOrEqual(debtBefore);
  expect(rubles(await amount.inputValue())).toBeCloseTo(due, 2);
  await amount.fill('0');
  await dialog.getByRole('button', { name: 'Далее' }).click();
  await expect(dialog.getByText(/Введите сумму больше нуля/)).toBeVisible();
  await amount.fill('500');
  await dialog.getByRole('button', { name: 'Далее' }).click();
  // Step 2: the rules and consent.
  await expect(dialog.getByText('Правила оплаты')).toBeVisible();
  await dialog.getByRole('button', { name: 'Далее' }).click();
  await expect(dialog.getByText('Подтвердите согласие с правилами оплаты.')).toBeVisible();
  await dialog.getByLabel(/ознакомлен/).check();
  await expect(dialog.getByText('Подтвердите согласие с правилами оплаты.')).toBeHidden();
  await shot(page, testInfo, '40-pay-rules');
  await dialog.getByRole('button', { name: 'Далее' }).click();

  // The acquirer's (sandbox) page.
  await expect(page).toHaveURL(/\/sandbox\/pay\//);
  await expect(page.getByText('ТЕСТОВЫЙ ПЛАТЁЖ')).toBeVisible();
  await expect(page.getByText('500,00')).toBeVisible();
  await shot(page, testInfo, '41-sandbox');
  await page.getByRole('button', { name: 'Оплатить' }).click();

  // Back in the portal.
  await expect(page).toHaveURL(/\/payments\/[0-9a-f-]+$/);
  await expect(page.getByTestId('payment-status')).toHaveText(/Оплата прошла успешно/);
  await expect(page.getByTestId('payment-amount')).toContainText('500,00');
  await shot(page, testInfo, '42-paid');
  const debtAfter = rubles(await page.getByTestId('payment-balance').textContent());
  expect(Math.round((debtBefore - debtAfter) * 100)).toBe(50000);

  await page.getByRole('link', { name: 'На главную' }).click();
  expect(Math.round((debtBefore - rubles(await card.getByTestId('balance').textContent())) * 100)).toBe(50000);
  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  const payment = page.getByTestId('history').locator('tr[data-kind="payment"]').first();
  await expect(payment).toContainText('Онлайн-оплата');
  await expect(payment).toContainText('+500,00');
  expect(errors).toEqual([]);
});
