import { expect, test } from '@playwright/test';
import { addHouseWithAccount, mailedLink, ownAccount, PASSWORD, registerSubscriber, shot, signInNewSubscriber, subscriberHouse, watchForErrors } from './helpers';

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

  // The debt reminder needs an amount: a wrong one is refused at its field, the switch stays off.
  const amount = reminders.getByLabel('Сумма задолженности, ₽');
  await amount.fill('много');
  await reminders.getByLabel('Задолженность больше суммы').click();
  await expect(reminders.getByText(/Укажите сумму в рублях больше нуля/)).toBeVisible();
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  await expect(reminders.getByLabel('Задолженность больше суммы')).not.toBeChecked();
  await amount.fill('1500');
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

// The link in a reminder's text opens a page that says what it switches off; «Отписаться»
// does it, without signing in; the same link later says it has nothing left to do.
test('X4: the unsubscribe link of a reminder mail switches that reminder off without signing in', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const n = testInfo.project.name === 'desktop' ? 1 : 2;
  const [account, meter] = [`68000000066${n}`, `6660066${n}`];
  await ownAccount(request, account, meter, `Отписка e2e (${testInfo.project.name})`);
  const email = await registerSubscriber(request, testInfo, 'unsubscribe');
  await subscriberHouse(request, email, 'Квартира', account, meter);
  const login = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  expect((await request.put('/api/v1/me/reminders', { headers, data: { payment: true, invoice: true } })).status()).toBe(200);
  // A payment credited: the payment reminder comes at once.
  const pay = await request.post(`/api/v1/accounts/${account}/payments`, { headers, data: { amount: '150.00', rules_accepted: true } });
  expect(pay.status()).toBe(201);
  const { payment_id } = await pay.json();
  expect((await request.post(`/api/v1/sandbox/payments/${payment_id}/complete`, { data: { outcome: 'succeeded' } })).status()).toBe(200);
  const link = new URL(await mailedLink(request, email, '/unsubscribe'));

  await page.goto(link.pathname + link.hash);
  await expect(page.getByRole('heading', { name: 'Отписка от писем' })).toBeVisible();
  await expect(page.getByTestId('unsubscribe-what')).toHaveText('Письма «Платёж зачислен» больше не будут приходить на ваш адрес.');
  // Only looking changed nothing.
  expect((await (await request.get('/api/v1/me/reminders', { headers })).json()).payment).toBe(true);
  await shot(page, testInfo, 'unsubscribe');
  await page.getByRole('button', { name: 'Отписаться' }).click();
  await expect(page.getByTestId('unsubscribed')).toContainText('Готово. Письма «Платёж зачислен» больше не будут приходить на ваш адрес.');
  const after = await (await request.get('/api/v1/me/reminders', { headers })).json();
  expect([after.payment, after.invoice]).toEqual([false, true]);

  // The same link opened again: nothing left to switch off.
  await page.reload();
  await expect(page.getByRole('alert')).toContainText('Ссылка устарела или вы уже отписались.');
  // Without a token, the same.
  await page.goto('/unsubscribe');
  await expect(page.getByRole('alert')).toContainText('Ссылка устарела или вы уже отписались.');
  expect(errors).toEqual([]);
});
