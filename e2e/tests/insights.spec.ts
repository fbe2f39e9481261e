import { expect, test } from '@playwright/test';
import { addHouseWithAccount, serverToday, shot, signInNewSubscriber, watchForErrors } from './helpers';

const MONTHS_IN = ['январе', 'феврале', 'марте', 'апреле', 'мае', 'июне', 'июле', 'августе', 'сентябре', 'октябре', 'ноябре', 'декабре'];

test('X3: «Потребление» shows two years by month with the sentence, the chart and the table agreeing', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'insights');
  await addHouseWithAccount(page, 'Квартира', '680000000002', '02345678');
  // The main page's consumption line leads to the figures behind it.
  await page.getByTestId('next-steps').getByRole('link', { name: 'Подробнее' }).click();
  await expect(page).toHaveURL(/\/houses\/\d+\/electricity#insights$/);
  const card = page.getByTestId('insights');
  await expect(card.getByRole('heading', { name: 'Потребление' })).toBeVisible();

  // The demo's last reading is last month's (other tests on this server may have added one
  // this month): the sentence speaks of the newest month with figures, against a year before.
  const today = await serverToday(request);
  const [y, m] = today.split('-').map(Number);
  const last = m === 1 ? 12 : m - 1;
  const summary = card.getByTestId('insights-summary');
  await expect(summary).toHaveText(/^В \S+ на \d+ % (больше|меньше), чем год назад: \d+ кВт·ч против \d+\.$/);
  const [, monthIn, , now, then] = (await summary.textContent())!.match(/^В (\S+) на (\d+) % .*?: (\d+) кВт·ч против (\d+)/)!;
  const spoken = MONTHS_IN.indexOf(monthIn) + 1;
  expect([m, last]).toContain(spoken);
  const spokenYear = spoken === m ? y : (last === 12 ? y - 1 : y);
  const spokenMonth = `${spokenYear}-${String(spoken).padStart(2, '0')}-01`;

  // The chart: 24 months, two zones in the legend and last year's level.
  const chart = card.getByTestId('insights-chart');
  await expect(chart.getByTestId('insights-bar')).toHaveCount(24);
  await expect(chart.getByTestId('chart-legend')).toContainText('День');
  await expect(chart.getByTestId('chart-legend')).toContainText('Ночь');
  await expect(chart.getByTestId('chart-legend')).toContainText('Год назад');
  expect(await chart.getByTestId('insights-last-year').count()).toBeGreaterThanOrEqual(11);
  await shot(page, testInfo, 'insights-chart');

  // The table: the same months newest first, last month's figures as in the sentence.
  await card.getByRole('button', { name: 'Таблица' }).click();
  const rows = card.getByTestId('insights-table').locator('tbody tr');
  await expect(rows).toHaveCount(24);
  await expect(card.getByTestId('insights-chart')).toHaveCount(0);
  const row = card.locator(`[data-month="${spokenMonth}"]`);
  await expect(row.locator('td').nth(0)).toContainText(now);
  await expect(row.locator('td').nth(3)).toHaveText(then);
  await expect(row.locator('td').nth(1)).toHaveText(/^\d[\d\s]*,\d\d\s₽$/);
  if (spoken === last) {
    // No reading this month yet: said so, not zero.
    await expect(rows.first().locator('td').nth(0)).toHaveText('нет данных');
  }
  await shot(page, testInfo, 'insights-table');

  // On a phone the page does not scroll sideways; the chart scrolls inside its box.
  await page.setViewportSize({ width: 360, height: 780 });
  await card.getByRole('button', { name: 'График' }).click();
  await expect(card.getByTestId('insights-chart')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, testInfo, 'insights-phone');
  expect(errors).toEqual([]);
});
