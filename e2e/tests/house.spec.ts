import { expect, test } from '@playwright/test';
import { addHouseWithAccount, shot, signInNewSubscriber, watchForErrors } from './helpers';

test('house pages: history with filters and invoice window, meters table and chart, account with tariffs, the switcher', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'house');
  await addHouseWithAccount(page, 'Квартира', '680000000002', '02345678');
  await addHouseWithAccount(page, 'Дача', '680000000003', '03456789');

  // «Электроэнергия»: the history of the last half-year, all kinds.
  await page.getByTestId('house-card').filter({ hasText: 'Квартира' }).getByRole('link', { name: 'Электроэнергия' }).click();
  await expect(page).toHaveURL(/\/houses\/\d+\/electricity$/);
  const history = page.getByTestId('history');
  await expect(history).toBeVisible();
  for (const kind of ['invoice', 'reading', 'payment']) {
    await expect(history.locator(`tr[data-kind="${kind}"]`).first()).toBeVisible();
  }
  await expect(page.getByTestId('side-balance')).toContainText('₽');
  await shot(page, testInfo, '20-history');
  const halfYear = await history.locator('tbody tr').count();
  await page.getByRole('button', { name: 'за год' }).click();
  await expect.poll(async () => history.locator('tbody tr').count()).toBeGreaterThan(halfYear);
  await page.getByLabel('Платежи').uncheck();
  await page.getByLabel('Показания счетчика').uncheck();
  await expect(history.locator('tr[data-kind="payment"]')).toHaveCount(0);
  await expect(history.locator('tr[data-kind="reading"]')).toHaveCount(0);
  await expect(history.locator('tr[data-kind="invoice"]').first()).toBeVisible();
  await history.getByRole('button', { name: /Просмотр: Счёт за/ }).first().click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: /Счёт за/ })).toBeVisible();
  await expect(dialog.getByTestId('invoice-lines')).toContainText('День');
  await expect(dialog.getByTestId('invoice-lines')).toContainText('Ночь');
  await expect(dialog.getByTestId('invoice-total')).toContainText('₽');
  // The demo's invoices come from the company's billing (not the portal's month close).
  await expect(dialog.getByTestId('invoice-basis')).toHaveText('Расчёт компании');
  await shot(page, testInfo, '21-invoice');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // «Счетчики»: information with hints, history as a table and a chart.
  await page.getByRole('link', { name: 'Счетчики' }).click();
  await expect(page.getByTestId('meter-info')).toContainText('02345678');
  await page.getByRole('button', { name: 'Подсказка: Разрядность' }).click();
  await expect(page.getByRole('note')).toContainText('с нуля');
  await expect(page.getByTestId('readings-table')).toContainText('День');
  await page.getByRole('button', { name: 'График' }).click();
  await expect(page.getByTestId('readings-chart').locator('rect').first()).toBeVisible();
  expect(await page.getByTestId('readings-chart').locator('rect').count()).toBeGreaterThan(5);
  await shot(page, testInfo, '22-chart');
  await page.getByRole('button', { name: 'Таблица' }).click();
  await expect(page.getByTestId('readings-table')).toBeVisible();

  // «Лицевой счет»: information, tariff history, earlier tariffs, change request.
  await page.getByRole('link', { name: 'Лицевой счет' }).click();
  await expect(page.getByTestId('account-info')).toContainText('Петрова Анна Сергеевна');
  await expect(page.getByTestId('tariff')).toContainText(/История тарифов за \d{4} год/);
  await page.getByRole('button', { name: 'Показать более ранние тарифы' }).click();
  await expect(page.getByTestId('tariff').getByRole('heading', { name: /^\d{4} год$/ }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Подробнее о тарифах' })).toHaveAttribute('href', /^https?:/);
  await shot(page, testInfo, '23-account');
  await page.getByRole('button', { name: 'Изменить данные абонента' }).click();
  await dialog.getByRole('button', { name: 'Отправить' }).click();
  await expect(dialog.getByText('Укажите, какие данные нужно изменить.')).toBeVisible();
  await dialog.getByLabel('Количество проживающих').fill('3');
  await dialog.getByLabel('Комментарий').fill('Прописан сын');
  await dialog.getByRole('button', { name: 'Отправить' }).click();
  await expect(dialog.getByText(/Запрос № \d+ на изменение данных абонента отправлен/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Закрыть' }).last().click();

  // The switcher moves to the other house on the same tab.
  await page.getByTestId('house-switcher').selectOption({ label: 'Дача — ЛС 680000000003' });
  await expect(page).toHaveURL(/\/houses\/\d+\/account$/);
  await expect(page.getByTestId('account-info')).toContainText('Сидоров Пётр Николаевич');
  await expect(page.getByRole('heading', { name: 'Дача' })).toBeVisible();
  expect(errors).toEqual([]);
});
