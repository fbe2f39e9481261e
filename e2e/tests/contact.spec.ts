import { expect, test } from '@playwright/test';
import { shot, signInNewSubscriber, uniqueEmail, watchForErrors } from './helpers';

test('a guest writes to technical support from the login page and gets a request number by mail', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await page.goto('/login');
  await page.getByRole('button', { name: 'Обратиться в Техническую поддержку' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Обращение в техническую поддержку' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Отправить' }).click();
  await expect(dialog.getByText('Укажите фамилию.')).toBeVisible();
  await expect(dialog.getByText('Напишите текст сообщения.')).toBeVisible();

  const email = uniqueEmail('support', testInfo);
  await dialog.getByLabel('Фамилия').fill('Гостева');
  await dialog.getByLabel('Имя').fill('Анна');
  await dialog.getByLabel('Адрес электронной почты').fill(email);
  await dialog.getByLabel('Телефон').fill('+7 915 123-45-67');
  await dialog.getByLabel('Текст сообщения').fill('Не приходит письмо для подтверждения регистрации.');
  await shot(page, testInfo, '70-support-form');
  await dialog.getByRole('button', { name: 'Отправить' }).click();
  const ack = dialog.getByTestId('contact-ack');
  await expect(ack).toContainText('Обращение №');
  const number = (await ack.textContent())?.match(/№ (\d+)/)?.[1];
  expect(number).toBeTruthy();
  await shot(page, testInfo, '71-support-ack');
  await expect
    .poll(async () => {
      const mails = await (await request.get(`/api/v1/dev/mailbox?to=${encodeURIComponent(email)}`)).json();
      return mails.map((m: { subject: string }) => m.subject).join('|');
    })
    .toContain(`Обращение № ${number} принято`);
  await dialog.getByRole('button', { name: 'Закрыть' }).last().click();
  await expect(dialog).toBeHidden();
  expect(errors).toEqual([]);
});

test('a subscriber asks a question from the header (the footer on a phone), filled in from the profile, and follows it in «Мои обращения»', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = await signInNewSubscriber(page, request, testInfo, 'question');
  const bar = testInfo.project.name === 'phone' ? page.getByRole('contentinfo') : page.getByRole('banner');
  await bar.getByRole('button', { name: 'Задать вопрос' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Задать вопрос' })).toBeVisible();
  await expect(dialog.getByLabel('Фамилия')).toHaveValue('Абонентова');
  await expect(dialog.getByLabel('Имя')).toHaveValue('Мария');
  await expect(dialog.getByLabel('Адрес электронной почты')).toHaveValue(email);
  await dialog.getByLabel('Текст сообщения').fill('Как перейти на двухтарифный учёт?');
  await dialog.getByRole('button', { name: 'Отправить' }).click();
  const ack = dialog.getByTestId('contact-ack');
  await expect(ack).toContainText(`Ответ придёт на адрес ${email}`);
  const number = (await ack.textContent())?.match(/№ (\d+)/)?.[1];
  await dialog.getByRole('button', { name: 'Закрыть' }).last().click();

  await page.getByTestId('profile-link').click();
  await page.getByRole('link', { name: 'Мои обращения' }).click();
  const list = page.getByTestId('my-requests');
  await expect(list).toContainText(`Обращение № ${number}`);
  await expect(list).toContainText('Принято');
  await expect(list).toContainText('Как перейти на двухтарифный учёт?');
  await shot(page, testInfo, '72-my-requests');
  expect(errors).toEqual([]);
});
