import { expect, test } from '@playwright/test';
import { shot, signInNewSubscriber, watchForErrors } from './helpers';

test('first login: add a house, bind the account (a wrong meter is refused), rename the meter, see the summary', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'houses');
  await expect(page.getByText('Вы ещё не добавили ни одного дома')).toBeVisible();
  await shot(page, testInfo, '10-empty');

  await page.getByRole('button', { name: 'Добавить дом' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Добавление дома' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog.getByText('Укажите название дома.')).toBeVisible();
  await dialog.getByLabel('Название').fill('Квартира');
  await dialog.getByLabel('Адрес').fill('г. Тамбов, ул. Советская, д. 45, кв. 12');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByTestId('house-card');
  await expect(card.getByRole('heading', { name: 'Квартира' })).toBeVisible();

  await card.getByRole('button', { name: 'Добавить лицевой счет' }).click();
  await dialog.getByLabel('Номер лицевого счета').fill('680000000001');
  await dialog.getByLabel('Номер счетчика').fill('99999999');
  await dialog.getByRole('button', { name: 'Добавить' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Лицевой счёт с таким номером счётчика не найден');
  await shot(page, testInfo, '11-wrong-meter');
  await dialog.getByLabel('Номер счетчика').fill('0123 4567');
  await dialog.getByRole('button', { name: 'Добавить' }).click();
  await expect(dialog.getByText('Лицевой счёт № 680000000001 добавлен к дому.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Переименовать счетчик' }).click();
  await dialog.getByLabel('Название счётчика').fill('Счётчик в прихожей');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog.getByText('Счётчик в прихожей')).toBeVisible();
  await shot(page, testInfo, '12-wizard-done');
  await dialog.getByRole('button', { name: 'Готово' }).click();
  await expect(dialog).toBeHidden();

  await expect(card.getByTestId('account-number')).toHaveText('680000000001');
  await expect(card.getByTestId('last-reading')).toContainText('Круглосуточно');
  await expect(card.getByTestId('last-reading')).toContainText(/от \d\d\.\d\d\.\d{4}/);
  await expect(card.getByText('Задолженность')).toBeVisible();
  await expect(card.getByTestId('balance')).toContainText('₽');
  await shot(page, testInfo, '13-house-card');

  // «Передать показания»: a value below the previous one is refused, then the charge is shown
  // before sending and the amount due after.
  await card.getByRole('button', { name: 'Передать показания' }).click();
  await expect(dialog.getByRole('heading', { name: 'Передача показаний' })).toBeVisible();
  const hint = await dialog.getByText(/Предыдущее показание: \d+/).textContent();
  const previous = Number(hint!.replace(/\D/g, ''));
  const input = dialog.getByLabel(/Круглосуточно/);
  await input.fill(String(previous - 1));
  await dialog.getByRole('button', { name: 'Передать показания' }).click();
  await expect(dialog.getByText(/Показание меньше предыдущего/)).toBeVisible();
  await input.fill(String(previous + 100));
  await dialog.getByRole('button', { name: 'Рассчитать' }).click();
  await expect(dialog.getByTestId('charge-total')).toContainText('₽');
  await expect(dialog.getByText('Начислено за расход 100 кВт·ч')).toBeVisible();
  await shot(page, testInfo, '14-reading-preview');
  await dialog.getByRole('button', { name: 'Передать показания' }).click();
  await expect(dialog.getByText(/Показания от \d\d\.\d\d\.\d{4} переданы/)).toBeVisible();
  await expect(dialog.getByTestId('amount-due')).toContainText('₽');
  await shot(page, testInfo, '15-reading-done');
  await dialog.getByRole('button', { name: 'Закрыть' }).last().click();
  await expect(dialog).toBeHidden();
  await expect(card.getByTestId('last-reading')).toContainText(String(previous + 100));

  // «История переданных показаний» leads to the meter's history, which has the new reading.
  await card.getByRole('button', { name: 'Передать показания' }).click();
  await dialog.getByRole('link', { name: 'История переданных показаний' }).click();
  await expect(page).toHaveURL(/\/houses\/\d+\/meters$/);
  await expect(page.getByTestId('readings-table').locator('tbody tr').first()).toContainText(String(previous + 100));
  await expect(page.getByTestId('readings-table').locator('tbody tr').first()).toContainText('Личный кабинет');

  expect(errors).toEqual([]);
});

test('profile «Настройка домов»: rename a house, remove its account, delete it', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'settings');
  const dialog = page.getByRole('dialog');
  await page.getByRole('button', { name: 'Добавить дом' }).click();
  await dialog.getByLabel('Название').fill('Старый дом');
  await dialog.getByLabel('Адрес').fill('с. Покровка');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await page.getByRole('button', { name: 'Добавить лицевой счет' }).click();
  await dialog.getByLabel('Номер лицевого счета').fill('680000000003');
  await dialog.getByLabel('Номер счетчика').fill('03456789');
  await dialog.getByRole('button', { name: 'Добавить' }).click();
  await dialog.getByRole('button', { name: 'Готово' }).click();

  await page.getByTestId('profile-link').click();
  await page.getByRole('link', { name: 'Настройка домов' }).click();
  await expect(page).toHaveURL(/\/profile\/houses$/);
  const card = page.getByTestId('house-settings');
  await expect(card).toContainText('680000000003');
  await card.getByRole('button', { name: 'Изменить' }).click();
  await card.getByLabel('Название').fill('Дача у реки');
  await card.getByRole('button', { name: 'Сохранить' }).click();
  await expect(card.getByRole('heading', { name: 'Дача у реки' })).toBeVisible();
  await shot(page, testInfo, '30-settings');

  await card.getByRole('button', { name: 'Удалить лицевой счет' }).click();
  await dialog.getByRole('button', { name: 'Удалить лицевой счет' }).click();
  await expect(card.getByText('Лицевой счёт не подключён.')).toBeVisible();
  await card.getByRole('button', { name: 'Удалить дом' }).click();
  await expect(dialog).toContainText('Дача у реки');
  await dialog.getByRole('button', { name: 'Удалить дом' }).click();
  await expect(page.getByText('Домов пока нет.')).toBeVisible();
  await page.getByRole('link', { name: 'Главная' }).click();
  await expect(page.getByText('Вы ещё не добавили ни одного дома')).toBeVisible();
  expect(errors).toEqual([]);
});
