import { createHmac } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { PASSWORD, shot, signInNewSubscriber, watchForErrors } from './helpers';

// «Двухфакторная аутентификация» (issue 15): turned on in «Профиль» with the password, a QR
// code (or key) for the authenticator app and its first code; ten recovery codes shown once;
// then signing in asks for a code as a second step, and a recovery code works in its place.

/** RFC 4648 base32 (no padding) to bytes. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/\s/g, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The authenticator app: the RFC 6238 code (SHA-1, 6 digits, 30 s) for now. */
function totp(secret: string): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/** Waits until at least 5 s are left of the current 30-s step. */
async function settle() {
  while (Math.floor(Date.now() / 1000) % 30 > 25) await new Promise((r) => setTimeout(r, 500));
}

test('two-factor sign-in is turned on in the profile, then signing in asks for a code', async ({ page, browser, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = await signInNewSubscriber(page, request, testInfo, 'two-factor');
  await page.getByTestId('profile-link').click();
  const card = page.getByTestId('two-factor');
  await expect(card.getByRole('heading', { name: 'Двухфакторная аутентификация' })).toBeVisible();
  await expect(card).toContainText('Выключена.');

  // A wrong password is the field's error.
  await card.getByLabel('Пароль для подтверждения').fill('not-my-password');
  await card.getByRole('button', { name: 'Включить' }).click();
  await expect(card.getByText('Текущий пароль указан неверно.')).toBeVisible();
  await card.getByLabel('Пароль для подтверждения').fill(PASSWORD);
  await card.getByRole('button', { name: 'Включить' }).click();

  await expect(card.getByRole('img', { name: 'QR-код для приложения-аутентификатора' })).toBeVisible();
  const secret = (await card.getByTestId('two-factor-secret').innerText()).replace('Ключ:', '').trim();
  expect(secret.replace(/\s/g, '')).toMatch(/^[A-Z2-7]{32}$/);
  await shot(page, testInfo, 'two-factor-enrol');
  await settle();
  await card.getByLabel('Код из приложения').fill(totp(secret));
  await card.getByRole('button', { name: 'Подтвердить' }).click();

  await expect(card.getByRole('status')).toHaveText('Двухфакторная аутентификация включена.');
  const codes = card.getByTestId('recovery-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = await codes.nth(0).innerText();
  expect(recovery).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await shot(page, testInfo, 'two-factor-codes');
  await card.getByRole('button', { name: 'Я сохранил коды' }).click();
  await expect(card).toContainText('Включена: при входе кроме пароля нужен код из приложения. Осталось кодов восстановления: 10.');
  await expect(card.getByRole('heading', { name: 'Двухфакторная аутентификация' })).toBeFocused();

  // Another browser signs in: the password, then the second step.
  const other = await browser.newContext();
  const second = await other.newPage();
  const secondErrors = watchForErrors(second);
  await second.goto('/login');
  await second.getByLabel('Адрес электронной почты').fill(email);
  await second.getByLabel('Пароль').fill(PASSWORD);
  await second.getByRole('button', { name: 'Войти' }).click();
  const step = second.getByTestId('second-factor');
  await expect(step.getByRole('heading', { name: 'Подтверждение входа' })).toBeFocused();
  await step.getByLabel('Код подтверждения').fill('000000');
  await step.getByRole('button', { name: 'Войти', exact: true }).click();
  await expect(step.getByRole('alert')).toContainText('Код неверный, устарел или уже использован.');
  await shot(second, testInfo, 'two-factor-login');
  // Without the phone: a recovery code, typed in capitals.
  await step.getByLabel('Код подтверждения').fill(recovery.toUpperCase());
  await step.getByRole('button', { name: 'Войти', exact: true }).click();
  await expect(second.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  await other.close();

  // The profile counts the code as used.
  await page.reload();
  await expect(page.getByTestId('two-factor')).toContainText('Осталось кодов восстановления: 9.');
  expect(errors).toEqual([]);
  expect(secondErrors).toEqual([]);
});
