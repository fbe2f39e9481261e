import { expect, test } from '@playwright/test';
import { mailedLink, PASSWORD, shot, signInNewSubscriber, uniqueEmail, watchForErrors } from './helpers';

test('a new subscriber registers, confirms the e-mail, signs in, edits the profile and signs out', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = uniqueEmail('ivanova', testInfo);

  await page.goto('/');
  // The release build of the SPA has started: a blank page fails here.
  await expect(page.getByRole('heading', { name: 'Вход в личный кабинет абонента' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Сайт ПАО «Тамбовская энергосбытовая компания»/ }).first()).toHaveAttribute('href', /^https?:\/\//);
  await shot(page, testInfo, '01-login');

  await page.getByRole('link', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByRole('heading', { name: 'Регистрация' })).toBeVisible();
  await page.getByLabel('Адрес электронной почты').fill(email);
  await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Повторите пароль').fill(PASSWORD);
  await page.getByLabel('Фамилия').fill('Иванова');
  await page.getByLabel('Имя').fill('Мария');
  await page.getByLabel('Телефон').fill('8 (915) 123-45-67');
  // Without consent the server refuses and says why, next to the checkbox.
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByText('Необходимо согласие на обработку персональных данных.')).toBeVisible();
  await page.getByLabel(/согласие на обработку/).check();
  await shot(page, testInfo, '02-register');
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await expect(page.getByText(/отправлено письмо со ссылкой для подтверждения/)).toBeVisible();

  // Signing in before confirming is refused with an explanation.
  await page.getByRole('link', { name: 'Ко входу' }).click();
  await page.getByLabel('Адрес электронной почты').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('alert')).toContainText('не подтверждён');

  const link = await mailedLink(request, email, '/confirm-email');
  await page.goto(link);
  await expect(page.getByText('Адрес электронной почты подтверждён')).toBeVisible();
  await shot(page, testInfo, '03-confirmed');
  await page.getByRole('link', { name: 'Войти' }).click();

  await page.getByLabel('Адрес электронной почты').fill(email.toUpperCase());
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  await expect(page.getByTestId('profile-link')).toContainText('Иванова Мария');
  await expect(page.getByRole('link', { name: 'Главная' })).toBeVisible();
  await expect(page.getByRole('contentinfo').getByRole('link', { name: 'Вопросы и ответы' })).toBeVisible();
  await shot(page, testInfo, '04-home');

  // A reload keeps the session (the access token is in memory; the cookie restores it).
  await page.reload();
  await expect(page.getByTestId('profile-link')).toContainText('Иванова Мария');

  await page.getByTestId('profile-link').click();
  await expect(page.getByRole('heading', { name: 'Профиль', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Изменить', exact: true }).click();
  await page.getByLabel('Фамилия').fill('Петрова');
  await page.getByLabel('Отчество').fill('Ивановна');
  await page.getByLabel('Телефон').fill('12');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByText('Введите номер телефона в формате +7 XXX XXX-XX-XX.')).toBeVisible();
  await page.getByLabel('Телефон').fill('+7 915 765-43-21');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await expect(page.getByText('Данные сохранены.')).toBeVisible();
  await expect(page.getByTestId('last-name')).toHaveText('Петрова');
  await expect(page.getByTestId('profile-link')).toContainText('Петрова Мария');
  await shot(page, testInfo, '05-profile');

  await page.getByRole('button', { name: 'Выход' }).click();
  await expect(page.getByRole('heading', { name: 'Вход в личный кабинет абонента' })).toBeVisible();
  // The session is over: the main page sends back to the login page.
  await page.goto('/profile');
  await expect(page.getByRole('heading', { name: 'Вход в личный кабинет абонента' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a forgotten password is reset through the e-mailed link, which works once', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = uniqueEmail('forgetful', testInfo);
  const reg = await request.post('/api/v1/auth/register', {
    data: { email, password: PASSWORD, first_name: 'Олег', personal_data_consent: true },
  });
  expect(reg.status()).toBe(201);
  const confirm = await mailedLink(request, email, '/confirm-email');
  await page.goto(confirm);
  await expect(page.getByText('Адрес электронной почты подтверждён')).toBeVisible();

  await page.goto('/login');
  await page.getByRole('link', { name: 'Восстановить пароль по e-mail' }).click();
  await page.getByLabel('Адрес электронной почты').fill(email);
  await page.getByRole('button', { name: 'Отправить ссылку' }).click();
  await expect(page.getByText(/Если этот адрес зарегистрирован/)).toBeVisible();

  const link = await mailedLink(request, email, '/reset-password');
  await page.goto(link);
  await page.getByLabel('Новый пароль').fill('новый пароль для входа');
  await page.getByLabel('Повторите пароль').fill('новый пароль для входа');
  await shot(page, testInfo, '06-reset');
  await page.getByRole('button', { name: 'Сохранить пароль' }).click();
  await expect(page.getByText('Пароль изменён. Войдите с новым паролем.')).toBeVisible();

  // The same link a second time is refused.
  await page.goto('about:blank');
  await page.goto(link);
  await page.getByLabel('Новый пароль').fill('ещё один новый пароль');
  await page.getByLabel('Повторите пароль').fill('ещё один новый пароль');
  await page.getByRole('button', { name: 'Сохранить пароль' }).click();
  await expect(page.getByRole('alert')).toContainText('уже использована или устарела');

  await page.goto('/login');
  await page.getByLabel('Адрес электронной почты').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('alert')).toHaveText('Неверный адрес электронной почты или пароль.');
  await page.getByLabel('Пароль').fill('новый пароль для входа');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByTestId('profile-link')).toContainText('Олег');
  expect(errors).toEqual([]);
});

test('a wrong current password is named next to its field and the subscriber stays signed in', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'typo', 'Ольга');
  await page.getByTestId('profile-link').click();
  const current = page.getByLabel('Текущий пароль');
  await current.fill('это-не-мой-пароль');
  await page.getByLabel('Новый пароль', { exact: true }).fill('новый пароль для входа');
  await page.getByLabel('Повторите новый пароль').fill('новый пароль для входа');
  await page.getByRole('button', { name: 'Изменить пароль' }).click();
  const field = page.locator('.field').filter({ has: current });
  await expect(field.getByRole('alert')).toHaveText('Текущий пароль указан неверно.');
  await expect(current).toHaveAttribute('aria-invalid', 'true');
  await shot(page, testInfo, '07-wrong-current-password');
  // Still signed in: the profile stays, and so does the session after a reload.
  await expect(page.getByRole('heading', { name: 'Смена пароля' })).toBeVisible();
  await expect(page.getByTestId('profile-link')).toContainText('Ольга');
  await page.reload();
  await expect(page.getByTestId('profile-link')).toContainText('Ольга');
  await expect(page.getByRole('heading', { name: 'Вход в личный кабинет абонента' })).toBeHidden();

  await page.getByLabel('Текущий пароль').fill(PASSWORD);
  await page.getByLabel('Новый пароль', { exact: true }).fill('новый пароль для входа');
  await page.getByLabel('Повторите новый пароль').fill('новый пароль для входа');
  await page.getByRole('button', { name: 'Изменить пароль' }).click();
  await expect(page.getByText('Пароль изменён. Остальные сеансы завершены.')).toBeVisible();
  expect(errors).toEqual([]);
});
