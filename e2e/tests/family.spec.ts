import { expect, test } from '@playwright/test';
import { fillReadings, mailedLink, ownAccount, PASSWORD, registerSubscriber, shot, subscriberHouse, uniqueEmail, watchForErrors } from './helpers';

// «Семейный доступ» (issue 15): the owner invites by e-mail with «Полный доступ» on the
// «Лицевой счет» tab; the invitee follows the mailed link, signs in and accepts; the account is
// in their houses; they pass a reading and the owner's history names them; the owner revokes
// them and the account is gone for them at once.

test('the owner invites, the member accepts and passes a reading, the owner sees who and revokes', async ({ page, browser, request }, testInfo) => {
  const errors = watchForErrors(page);
  const n = testInfo.project.name === 'desktop' ? 1 : 2;
  const [account, meter] = [`68000000077${n}`, `7770077${n}`];
  await ownAccount(request, account, meter, `Семейный e2e (${testInfo.project.name})`);
  const owner = await registerSubscriber(request, testInfo, 'family-owner', 'Иван');
  const houseId = await subscriberHouse(request, owner, 'Квартира родителей', account, meter);
  const member = await registerSubscriber(request, testInfo, 'family-member', 'Ольга');

  // The owner invites on the «Лицевой счет» tab.
  await page.goto('/login');
  await page.getByLabel('Адрес электронной почты').fill(owner);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  await page.goto(`/houses/${houseId}/account`);
  const family = page.getByTestId('family');
  await expect(family.getByRole('heading', { name: 'Семейный доступ' })).toBeVisible();
  await expect(family.getByTestId('family-member')).toHaveCount(1);
  await family.getByRole('button', { name: 'Отправить приглашение' }).click();
  await expect(family.getByText('Введите корректный адрес электронной почты.')).toBeVisible();
  await family.getByLabel('Электронная почта').fill(member);
  await family.getByLabel('Права').selectOption({ label: 'Полный доступ' });
  await family.getByRole('button', { name: 'Отправить приглашение' }).click();
  await expect(family.getByRole('status')).toHaveText(`Приглашение отправлено на ${member}.`);
  await expect(family.getByTestId('family-invitation')).toContainText(member);
  await shot(page, testInfo, 'family-owner');

  // The invitee opens the mailed link signed out, signs in, and accepts.
  const link = await mailedLink(request, member, '/family/accept');
  const context = await browser.newContext();
  const memberPage = await context.newPage();
  const memberErrors = watchForErrors(memberPage);
  await memberPage.goto(new URL(link).pathname + new URL(link).hash);
  await expect(memberPage.getByRole('heading', { name: 'Приглашение к лицевому счёту' })).toBeVisible();
  await memberPage.locator('.card').getByRole('link', { name: 'Войти' }).click();
  await memberPage.getByLabel('Адрес электронной почты').fill(member);
  await memberPage.getByLabel('Пароль').fill(PASSWORD);
  await memberPage.getByRole('button', { name: 'Войти' }).click();
  await memberPage.getByRole('button', { name: 'Принять приглашение' }).click();
  await expect(memberPage.getByRole('status')).toContainText(`Лицевой счёт № ${account} добавлен, ваши права: «Полный доступ».`);
  await shot(memberPage, testInfo, 'family-accepted');
  await memberPage.getByRole('link', { name: 'Перейти к лицевому счёту' }).click();
  await expect(memberPage.getByRole('heading', { name: 'Квартира родителей' })).toBeVisible();

  // The member passes a reading from the main page.
  await memberPage.goto('/');
  const card = memberPage.getByTestId('house-card').filter({ hasText: account });
  await card.getByRole('button', { name: 'Передать показания' }).click();
  const reading = memberPage.getByRole('dialog', { name: 'Передача показаний' });
  await fillReadings(reading, 40);
  await reading.getByRole('button', { name: 'Передать показания' }).click();
  await expect(memberPage.getByRole('dialog', { name: 'Показания переданы' })).toBeVisible();

  // The owner's history says who passed it; the member is in the owner's list.
  await page.goto(`/houses/${houseId}/electricity`);
  await expect(page.locator('tr[data-kind="reading"]').first().getByTestId('op-by')).toHaveText('Внёс(ла): Ольга Абонентова');
  await page.goto(`/houses/${houseId}/account`);
  const row = family.getByTestId('family-member').filter({ hasText: 'Ольга Абонентова' });
  await expect(row).toContainText('Полный доступ');
  await shot(page, testInfo, 'family-members');

  // Revoked: the member's next look finds nothing.
  page.once('dialog', (d) => {
    expect(d.message()).toContain('Отозвать доступ?');
    void d.accept();
  });
  await row.getByRole('button', { name: 'Отозвать доступ: Ольга Абонентова' }).click();
  await expect(family.getByRole('status')).toHaveText('Доступ отозван.');
  await expect(family.getByTestId('family-member')).toHaveCount(1);
  const gone = await memberPage.evaluate(async (n) => {
    const r = await fetch('/api/v1/auth/refresh', { method: 'POST' });
    const token = (await r.json()).access_token;
    return (await fetch(`/api/v1/accounts/${n}`, { headers: { Authorization: `Bearer ${token}` } })).status;
  }, account);
  expect(gone).toBe(404);
  await memberPage.goto('/');
  await expect(memberPage.getByTestId('house-card').filter({ hasText: account })).toHaveCount(0);

  expect(errors).toEqual([]);
  expect(memberErrors).toEqual([]);
  await context.close();
});

test('an invitee without a login registers from the invitation and is back on it once signed in', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const n = testInfo.project.name === 'desktop' ? 1 : 2;
  const [account, meter] = [`68000000078${n}`, `7780078${n}`];
  await ownAccount(request, account, meter, `Приглашение e2e (${testInfo.project.name})`);
  const owner = await registerSubscriber(request, testInfo, 'family-inviter', 'Иван');
  await subscriberHouse(request, owner, 'Дача', account, meter);
  const invitee = uniqueEmail('family-newcomer', testInfo);
  const login = await request.post('/api/v1/auth/login', { data: { email: owner, password: PASSWORD } });
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const sent = await request.post(`/api/v1/accounts/${account}/invitations`, { headers, data: { email: invitee, role: 'view' } });
  expect(sent.status()).toBe(201);

  // The link, opened by someone with no login: «Зарегистрироваться».
  const link = new URL(await mailedLink(request, invitee, '/family/accept'));
  await page.goto(link.pathname + link.hash);
  await expect(page.getByRole('heading', { name: 'Приглашение к лицевому счёту' })).toBeVisible();
  await page.locator('.card').getByRole('link', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByRole('heading', { name: 'Регистрация' })).toBeVisible();
  // The token never travels in an address (access logs): only the invitation page had it.
  expect(page.url()).not.toContain(link.hash.slice('#token='.length));
  await page.getByLabel('Адрес электронной почты').fill(invitee);
  await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Повторите пароль').fill(PASSWORD);
  await page.getByLabel('Фамилия').fill('Абонентова');
  await page.getByLabel('Имя').fill('Вера');
  await page.getByLabel(/согласие на обработку/).check();
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByText(/отправлено письмо со ссылкой для подтверждения/)).toBeVisible();

  // Confirmed and signed in, the newcomer is back on the invitation and accepts it.
  await page.goto(await mailedLink(request, invitee, '/confirm-email'));
  await expect(page.getByText('Адрес электронной почты подтверждён')).toBeVisible();
  await page.getByRole('link', { name: 'Войти' }).click();
  await page.getByLabel('Адрес электронной почты').fill(invitee);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Приглашение к лицевому счёту' })).toBeVisible();
  await page.getByRole('button', { name: 'Принять приглашение' }).click();
  await expect(page.getByRole('status')).toContainText(`Лицевой счёт № ${account} добавлен, ваши права: «Просмотр».`);
  await page.getByRole('link', { name: 'Перейти к лицевому счёту' }).click();
  await expect(page.getByRole('heading', { name: 'Дача' })).toBeVisible();

  // Accepted, a later sign-in leads to the main page as usual.
  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByLabel('Адрес электронной почты').fill(invitee);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  await expect(page.getByTestId('house-card').filter({ hasText: account })).toHaveCount(1);
  expect(errors).toEqual([]);
});
