import { expect, test } from '@playwright/test';
import { addHouseWithAccount, rubles, shot, signInNewSubscriber, watchForErrors } from './helpers';

test('after a reading the card, the side panels, the receipt form and the payment wizard offer the amount the wizard named', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'due');
  const dialog = page.getByRole('dialog');
  await page.getByRole('button', { name: 'Добавить дом' }).click();
  await dialog.getByLabel('Название').fill('Квартира');
  await dialog.getByLabel('Адрес').fill('г. Тамбов');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await page.getByRole('button', { name: 'Добавить лицевой счет' }).click();
  await dialog.getByLabel('Номер лицевого счета').fill('680000000001');
  await dialog.getByLabel('Номер счетчика').fill('01234567');
  await dialog.getByRole('button', { name: 'Добавить' }).click();
  await dialog.getByRole('button', { name: 'Переименовать счетчик' }).click();
  await dialog.getByLabel('Название счётчика').fill('Счётчик в квартире');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog.getByTestId('meter-name')).toHaveText('Счётчик в квартире · № 01234567');
  await dialog.getByRole('button', { name: 'Готово' }).click();
  const card = page.getByTestId('house-card');
  const payment = page.getByRole('dialog', { name: 'Оплата электроэнергии' });
  const payPrefill = async (open: () => Promise<void>) => {
    await open();
    const value = rubles(await payment.getByLabel('Сумма к оплате, ₽').inputValue());
    await payment.getByRole('button', { name: 'Закрыть' }).click();
    await expect(payment).toBeHidden();
    return value;
  };

  // The reading wizard names the meter as the user named it, once.
  await card.getByRole('button', { name: 'Передать показания' }).click();
  await expect(dialog.getByTestId('reading-meter')).toContainText('Счётчик в квартире · № 01234567');
  await expect(dialog.getByText(/Счётчик\s+Счётчик/)).toHaveCount(0);
  const hint = await dialog.getByText(/Предыдущее показание: \d+/).textContent();
  await dialog.getByLabel(/Круглосуточно/).fill(String(Number(hint!.replace(/\D/g, '')) + 100));
  await dialog.getByRole('button', { name: 'Передать показания' }).click();
  await expect(dialog.getByText(/Показания от .* переданы/)).toBeVisible();
  const due = (await dialog.getByTestId('amount-due').textContent())!;
  const charge = rubles(await dialog.getByTestId('charge-total').textContent());
  const debt = rubles(await dialog.locator('.charge__sum').getByText('Задолженность').locator('xpath=following-sibling::dd[1]').textContent());
  const earlier = dialog.getByText('Начислено по ранее переданным показаниям');
  const earlierAmount = (await earlier.count()) ? rubles(await earlier.locator('xpath=following-sibling::dd[1]').textContent()) : 0;
  expect(Math.round(rubles(due) * 100)).toBe(Math.round((debt + charge + earlierAmount) * 100));
  await shot(page, testInfo, '60-reading-due');
  // «Оплатить» right after the reading: the same amount (the payment window lies on top of
  // the reading wizard; Escape closes the top one only).
  const wizard = page.getByRole('dialog', { name: 'Показания переданы' });
  await wizard.getByRole('button', { name: 'Оплатить' }).click();
  expect(rubles(await payment.getByLabel('Сумма к оплате, ₽').inputValue())).toBe(rubles(due));
  await page.keyboard.press('Escape');
  await expect(payment).toBeHidden();
  await expect(wizard).toBeVisible();
  await wizard.getByRole('button', { name: 'Закрыть' }).last().click();
  await expect(dialog).toBeHidden();

  // The house card: the same amount, and «Оплатить» pre-filled with it.
  await expect(card.getByTestId('amount-due')).toHaveText(due);
  await shot(page, testInfo, '61-card-due');
  expect(await payPrefill(() => card.getByRole('button', { name: 'Оплатить' }).click())).toBe(rubles(due));

  // «Электроэнергия»: the side panel, its «Оплатить» and the receipt form.
  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  await expect(page.getByTestId('side-amount-due')).toHaveText(due);
  expect(await payPrefill(() => page.getByRole('button', { name: 'Оплатить' }).click())).toBe(rubles(due));
  await page.getByRole('button', { name: 'Печать заполненного бланка квитанции' }).click();
  expect(rubles(await dialog.getByLabel('Сумма к оплате, ₽').inputValue())).toBe(rubles(due));
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The reading in the history tells its consumption, not a second charge in rubles.
  const reading = page.getByTestId('history').locator('tr[data-kind="reading"]').first();
  await expect(reading.getByTestId('op-values')).toContainText('расход 100 кВт·ч');
  await expect(reading.getByTestId('op-amount')).toHaveText('');
  await expect(reading).not.toContainText('₽');
  await expect(page.getByTestId('history').locator('tr[data-kind="invoice"]').first().getByTestId('op-amount')).toContainText('₽');
  await shot(page, testInfo, '62-history-kwh');

  // «Лицевой счет»: the side panel says the same.
  await page.getByRole('link', { name: 'Лицевой счет' }).click();
  await expect(page.getByTestId('side-amount-due')).toHaveText(due);
  expect(await payPrefill(() => page.getByRole('button', { name: 'Оплатить' }).click())).toBe(rubles(due));
  expect(errors).toEqual([]);
});

test('zones are listed in one order on the card, in the reading form, the history and the tariff', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'zones');
  await addHouseWithAccount(page, 'Дача', '680000000003', '03456789');
  const card = page.getByTestId('house-card');
  await expect(card.getByTestId('last-reading')).toHaveText(/Пик.*Полупик.*Ночь/);
  const dialog = page.getByRole('dialog');
  await card.getByRole('button', { name: 'Передать показания' }).click();
  await expect(dialog.getByLabel(/Пик/).first()).toBeVisible();
  const inputs = await dialog.locator('.field__label').allTextContents();
  expect(inputs.map((l) => l.split(' ')[0])).toEqual(['Пик', 'Полупик', 'Ночь']);
  await page.keyboard.press('Escape');

  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  await expect(page.getByTestId('history').locator('tr[data-kind="reading"]').first().getByTestId('op-values')).toHaveText(/Пик.*Полупик.*Ночь/);
  await page.getByRole('link', { name: 'Лицевой счет' }).click();
  const tariff = page.getByTestId('tariff');
  await expect(tariff.locator('.prices li')).toHaveCount(3);
  expect((await tariff.locator('.prices li').allTextContents()).map((t) => t.split(' ')[0])).toEqual(['Пик', 'Полупик', 'Ночь']);
  const history = tariff.locator('table').first().locator('tbody tr');
  await expect(history.first()).toBeVisible();
  const rows = await history.evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent]));
  // The newest prices first; within a date, the zones in the one order.
  expect(rows.filter((r) => r[0] === rows[0][0]).map((r) => r[1])).toEqual(['Пик', 'Полупик', 'Ночь']);
  await shot(page, testInfo, '63-tariff-zones');
  expect(errors).toEqual([]);
});
