import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { expect, test, type Download } from '@playwright/test';
import { addHouseWithAccount, rubles, shot, signInNewSubscriber, watchForErrors } from './helpers';

const ACCOUNT = '680000000001';

/** The rows of a downloaded CSV (no quoted delimiters in the figures this test reads). */
async function csvRows(download: Download, delimiter: string): Promise<{ bom: boolean; rows: string[][] }> {
  const bytes = fs.readFileSync((await download.path())!);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = bytes.subarray(bom ? 3 : 0).toString('utf8');
  const rows = text.trim().split('\n').map((line) => {
    // Split outside quotes.
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (const c of line) {
      if (c === '"') quoted = !quoted;
      else if (c === delimiter && !quoted) { cells.push(cell); cell = ''; }
      else cell += c;
    }
    cells.push(cell);
    return cells;
  });
  return { bom, rows };
}

const amount = (text: string) => Number(text.replace(',', '.'));

test('X5: the history tab downloads the statement for Excel and as plain CSV, adding up to the balance', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'export');
  await addHouseWithAccount(page, 'Квартира', ACCOUNT, '01234567');
  await page.getByTestId('house-card').getByRole('link', { name: 'Электроэнергия' }).click();
  await expect(page.getByTestId('history')).toBeVisible();
  // The side panel shows the balance unsigned, a debt marked as such.
  const side = page.getByTestId('side-balance');
  const debt = (await side.getAttribute('class'))!.includes('balance--debt');
  const balance = (debt ? -1 : 1) * rubles(await side.textContent());
  const group = page.getByRole('group', { name: 'Выгрузить выписку' });
  await shot(page, testInfo, 'export');

  let downloading = page.waitForEvent('download');
  await group.getByRole('button', { name: 'Excel (CSV)' }).click();
  let download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^выписка-${ACCOUNT}-\\d{4}-\\d\\d-\\d\\d-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
  const excel = await csvRows(download, ';');
  expect(excel.bom).toBe(true);
  expect(excel.rows[0]).toEqual(['Дата', 'Операция', 'Сумма, ₽', 'Сальдо, ₽', 'Расход, кВт·ч', 'Показания']);
  expect(excel.rows[1][1]).toBe('Сальдо на начало периода');
  const last = excel.rows[excel.rows.length - 1];
  expect(last[1]).toBe('Сальдо на конец периода');
  // The opening balance plus every amount is the closing balance, the one the page shows.
  const sum = excel.rows.slice(2, -1).reduce((s, r) => s + (r[2] ? amount(r[2]) : 0), amount(excel.rows[1][3]));
  expect(sum).toBeCloseTo(amount(last[3]), 2);
  expect(amount(last[3])).toBeCloseTo(balance, 2);
  // As many operations as the history lists for the period (all of them loaded).
  const rows = page.getByTestId('history').locator('tbody tr');
  const more = page.getByRole('button', { name: 'Показать ещё' });
  for (let i = 0; i < 10 && (await more.isVisible()); i++) {
    const shown = await rows.count();
    await more.click();
    await expect(rows).not.toHaveCount(shown);
  }
  await expect(rows).toHaveCount(excel.rows.length - 3);

  downloading = page.waitForEvent('download');
  await group.getByRole('button', { name: 'CSV (UTF-8)' }).click();
  download = await downloading;
  const plain = await csvRows(download, ',');
  expect(plain.bom).toBe(false);
  expect(plain.rows[1][0]).toMatch(/^\d{4}-\d\d-\d\d$/);
  expect(amount(plain.rows[plain.rows.length - 1][3])).toBeCloseTo(balance, 2);

  // The same statement as a PDF: the account, and the closing balance the page shows.
  downloading = page.waitForEvent('download');
  await group.getByRole('button', { name: 'PDF' }).click();
  download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^выписка-${ACCOUNT}-\\d{4}-\\d\\d-\\d\\d-\\d{4}-\\d\\d-\\d\\d\\.pdf$`));
  const pdf = execFileSync('pdftotext', ['-layout', (await download.path())!, '-'], { encoding: 'utf8' });
  expect(pdf).toContain(ACCOUNT);
  const closing = pdf.split('\n').find((line) => line.includes('Сальдо на конец периода'));
  expect(closing, 'the PDF has a closing balance').toBeTruthy();
  // «−1 234,56 ₽» (a debt) or «1 234,56 ₽»: the amount at the end of the line.
  const figure = closing!.match(/(−?)([\d\s\u202f\u00a0]+,\d\d)\s*₽\s*$/);
  expect(figure, closing).toBeTruthy();
  const pdfBalance = (figure![1] ? -1 : 1) * amount(figure![2].replace(/[\s\u202f\u00a0]/g, ''));
  expect(pdfBalance).toBeCloseTo(balance, 2);

  // «Счетчики»: the meter's readings of the period, one row each, a column per zone.
  await page.getByRole('link', { name: 'Счетчики' }).click();
  const table = page.getByTestId('readings-table');
  await expect(table).toBeVisible();
  downloading = page.waitForEvent('download');
  await page.getByRole('group', { name: 'Выгрузить показания' }).getByRole('button', { name: 'Excel (CSV)' }).click();
  download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^показания-${ACCOUNT}-.*\\.csv$`));
  const readings = await csvRows(download, ';');
  expect(readings.bom).toBe(true);
  expect(readings.rows[0]).toEqual(['Дата показаний', 'Источник', 'Круглосуточно', 'Расход, кВт·ч', 'Начислено, ₽']);
  await expect(table.locator('tbody tr')).toHaveCount(readings.rows.length - 1);
  // The newest reading (the table's first row) is the file's last, with the same value.
  const newest = readings.rows[readings.rows.length - 1];
  await expect(table.locator('tbody tr').first()).toContainText(newest[0]);
  await expect(table.locator('tbody tr').first()).toContainText(newest[2]);
  expect(errors).toEqual([]);
});
