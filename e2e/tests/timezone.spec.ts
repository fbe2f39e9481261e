import { expect, test } from '@playwright/test';
import { addHouseWithAccount, PASSWORD, ruDate, serverToday, shot, signInNewSubscriber, watchForErrors } from './helpers';

// Far west of Moscow: in the evening there, it is already tomorrow in Moscow.
test.use({ timezoneId: 'America/Los_Angeles' });

test('west of Moscow in the evening the history still ends today in Moscow: today’s reading and payment are in it', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const today = await serverToday(request);
  // 01:30 in Moscow is the afternoon of the day before in Los Angeles.
  await page.clock.setFixedTime(new Date(`${today}T01:30:00+03:00`));
  const email = await signInNewSubscriber(page, request, testInfo, 'west');
  expect(await page.evaluate(() => new Date().toLocaleDateString('ru-RU'))).not.toBe(ruDate(today));
  await addHouseWithAccount(page, 'Квартира', '680000000001', '01234567');

  // Today's reading through the wizard, today's payment through the sandbox acquirer.
  const card = page.getByTestId('house-card');
  const dialog = page.getByRole('dialog');
  await card.getByRole('button', { name: 'Передать показания' }).click();
  const hint = await dialog.getByText(/Предыдущее показание: \d+/).textContent();
  await dialog.getByLabel(/Круглосуточно/).fill(String(Number(hint!.replace(/\D/g, '')) + 80));
  await dialog.getByRole('button', { name: 'Передать показания' }).click();
  await expect(dialog.getByText(`Показания от ${ruDate(today)} переданы. Спасибо!`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Закрыть' }).last().click();
  const login = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  const auth = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const pay = await request.post('/api/v1/accounts/680000000001/payments', { headers: auth, data: { amount: '321.00', rules_accepted: true } });
  expect(pay.status()).toBe(201);
  const done = await request.post(`/api/v1/sandbox/payments/${(await pay.json()).payment_id}/complete`, { data: { outcome: 'succeeded' } });
  expect(done.status()).toBe(200);

  // «Электроэнергия»: the default period ends today in Moscow, and so do the quick links.
  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  await expect(page.getByLabel('Конец периода')).toHaveValue(today);
  const history = page.getByTestId('history');
  await expect(history.locator('tr[data-kind="reading"]').first()).toContainText(ruDate(today));
  const payment = history.locator('tr[data-kind="payment"]').first();
  await expect(payment).toContainText(ruDate(today));
  await expect(payment).toContainText('+321,00');
  await shot(page, testInfo, '70-west-history');
  await page.getByRole('button', { name: 'за год' }).click();
  await expect(page.getByLabel('Конец периода')).toHaveValue(today);
  await expect(history.locator('tr[data-kind="payment"]').first()).toContainText(ruDate(today));

  // «Счетчики»: the reading history too.
  await page.getByRole('link', { name: 'Счетчики' }).click();
  await expect(page.getByLabel('Конец периода')).toHaveValue(today);
  await expect(page.getByTestId('readings-table').locator('tbody tr').first()).toContainText(ruDate(today));
  expect(errors).toEqual([]);
});
