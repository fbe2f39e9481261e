import { expect, test } from '@playwright/test';
import { addHouseWithAccount, shot, signInNewSubscriber, watchForErrors } from './helpers';

test('X4: «Настройки» switch e-mail reminders and the paperless receipt on, and they are kept after a reload', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'reminders');
  await addHouseWithAccount(page, 'Квартира', '680000000001', '01234567');
  await page.goto('/profile/settings');

  const reminders = page.getByTestId('reminder-settings');
  const invoice = reminders.getByLabel('Выставлен новый счёт');
  const opens = reminders.getByLabel(/Открылся приём показаний/);
  await expect(invoice).not.toBeChecked();
  await expect(opens).not.toBeChecked();
  await invoice.check();
  await expect(page.getByRole('status').filter({ hasText: 'Настройки сохранены.' })).toBeVisible();
  await opens.check();

  // The debt reminder needs an amount.
  await reminders.getByLabel('Сумма задолженности, ₽').fill('1500');
  await reminders.getByLabel('Задолженность больше суммы').check();
  await expect(reminders.getByLabel('Задолженность больше суммы')).toBeChecked();

  const paperless = page.getByTestId('paperless-settings').getByLabel(/Лицевой счёт № 680000000001/);
  await expect(paperless).not.toBeChecked();
  await paperless.check();
  await expect(page.getByRole('status').filter({ hasText: 'Настройки сохранены.' })).toBeVisible();
  await shot(page, testInfo, 'reminders-settings');

  await page.reload();
  await expect(reminders.getByLabel('Выставлен новый счёт')).toBeChecked();
  await expect(reminders.getByLabel(/Открылся приём показаний/)).toBeChecked();
  await expect(reminders.getByLabel(/заканчивается через 2 дня/)).not.toBeChecked();
  await expect(reminders.getByLabel('Задолженность больше суммы')).toBeChecked();
  await expect(reminders.getByLabel('Сумма задолженности, ₽')).toHaveValue('1500.00');
  await expect(page.getByTestId('paperless-settings').getByLabel(/Лицевой счёт № 680000000001/)).toBeChecked();

  // Switched off again, it stays off.
  await reminders.getByLabel('Выставлен новый счёт').uncheck();
  await expect(page.getByRole('status').filter({ hasText: 'Настройки сохранены.' })).toBeVisible();
  await page.reload();
  await expect(reminders.getByLabel('Выставлен новый счёт')).not.toBeChecked();
  expect(errors).toEqual([]);
});
