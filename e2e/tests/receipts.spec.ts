import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, test, type Download } from '@playwright/test';
import { addHouseWithAccount, shot, signInNewSubscriber, watchForErrors } from './helpers';

/** The downloaded PDF's text (poppler) and the payload of its QR code (zbar, 300 dpi). */
async function readBack(download: Download): Promise<{ text: string; qr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lk-receipt-'));
  const file = path.join(dir, 'receipt.pdf');
  await download.saveAs(file);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  execFileSync('pdftoppm', ['-r', '300', '-png', '-f', '1', '-l', '1', file, path.join(dir, 'page')]);
  const qr = execFileSync('zbarimg', ['-q', '--raw', path.join(dir, 'page-1.png')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  fs.rmSync(dir, { recursive: true, force: true });
  return { text, qr };
}

function qrFields(payload: string): Record<string, string> {
  const [head, ...rest] = payload.split('|');
  expect(head).toBe('ST00012');
  return Object.fromEntries(rest.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

const ACCOUNT = '680000000001';

test('receipts: after a reading, from the side panel with an amount, from the invoice window, and the blank form', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'receipts');
  await addHouseWithAccount(page, 'Квартира', ACCOUNT, '01234567');
  const dialog = page.getByRole('dialog');
  const card = page.getByTestId('house-card');

  // F7.4: «Распечатать квитанцию» after sending a reading, for the amount due.
  await card.getByRole('button', { name: 'Передать показания' }).click();
  const hint = await dialog.getByText(/Предыдущее показание: \d+/).textContent();
  await dialog.getByLabel(/Круглосуточно/).fill(String(Number(hint!.replace(/\D/g, '')) + 150));
  await dialog.getByRole('button', { name: 'Передать показания' }).click();
  await expect(dialog.getByText(/Показания от .* переданы/)).toBeVisible();
  const due = (await dialog.getByTestId('amount-due').textContent())!.replace(/[^\d,]/g, '');
  let downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Распечатать квитанцию' }).click();
  let download = await downloading;
  expect(download.suggestedFilename()).toBe(`Квитанция ${ACCOUNT}.pdf`);
  let { text, qr } = await readBack(download);
  expect(text).toContain(ACCOUNT);
  expect(text.replace(/\s/g, '')).toContain(`${due}₽`);
  expect(qrFields(qr).Sum).toBe(due.replace(',', ''));
  await dialog.getByRole('button', { name: 'Закрыть' }).last().click();

  // F9.5: the side panel of «Электроэнергия»: enter the amount, «Печать».
  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  await expect(page.getByTestId('history')).toBeVisible();
  // Nothing widens the page beyond the screen (wide tables scroll inside their card).
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.getByRole('button', { name: 'Печать заполненного бланка квитанции' }).click();
  await expect(dialog.getByRole('heading', { name: 'Печать' })).toBeVisible();
  const amount = dialog.getByLabel('Сумма к оплате, ₽');
  await amount.fill('abc');
  await dialog.getByRole('button', { name: 'Печать' }).click();
  await expect(dialog.getByText(/Введите сумму больше нуля/)).toBeVisible();
  await amount.fill('500');
  // The error was about «abc»: editing the field takes it away.
  await expect(dialog.getByText(/Введите сумму больше нуля/)).toBeHidden();
  await shot(page, testInfo, '50-print');
  downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Печать' }).click();
  download = await downloading;
  ({ text, qr } = await readBack(download));
  expect(text).toContain(ACCOUNT);
  expect(text).toContain('500,00');
  const fields = qrFields(qr);
  expect(fields.PersAcc).toBe(ACCOUNT);
  expect(fields.Sum).toBe('50000');
  await expect(dialog.getByText('Квитанция сформирована')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The blank form.
  downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Печать пустого бланка квитанции' }).first().click();
  download = await downloading;
  ({ text, qr } = await readBack(download));
  expect(text).toContain('ИЗВЕЩЕНИЕ');
  expect(text).not.toContain(ACCOUNT);
  expect(qrFields(qr).Sum).toBeUndefined();

  // F9.4 → F9.5: the invoice window offers the filled receipt for the invoice's amount.
  await page.getByTestId('history').getByRole('button', { name: /Просмотр: Счёт за/ }).first().click();
  const total = (await dialog.getByTestId('invoice-total').textContent())!.replace(/[^\d,]/g, '');
  await dialog.getByRole('button', { name: 'Печать заполненного бланка квитанции' }).click();
  await expect(dialog.getByRole('heading', { name: 'Печать' })).toBeVisible();
  await expect(dialog.getByLabel('Сумма к оплате, ₽')).toHaveValue(total);
  await expect(dialog.getByRole('link', { name: 'Печать пустого бланка квитанции' })).toHaveCount(0);
  await shot(page, testInfo, '51-invoice-print');
  expect(errors).toEqual([]);
});
