import * as fs from 'node:fs';
import { expect, request as api, test, type APIRequestContext, type Page } from '@playwright/test';
import { PASSWORD, addHouseWithAccount, ruDate, rubles, serverToday, shot, signInNewSubscriber, startServer, watchForErrors } from './helpers';

/** The subscriber's houses as the API answers them (signed in through the API). */
async function housesOf(request: APIRequestContext, email: string): Promise<any[]> {
  const login = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(login.status()).toBe(200);
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const houses = await request.get('/api/v1/houses', { headers });
  expect(houses.status()).toBe(200);
  return houses.json();
}

/** axe-core (WCAG 2.1 A/AA) over what `selector` finds (this spec's parts of the page; the
 * whole pages are a11y.spec.ts's): no violation, and the page fits the screen. Injected
 * through the debugging protocol, so the portal's Content-Security-Policy stays on (an inline
 * style would fail). */
async function expectAccessible(page: Page, what: string, selector: string) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.splash, .spinner')).toHaveCount(0);
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  }
  const violations: { id: string; help: string; nodes: { target: string[]; failureSummary: string }[] }[] = await page.evaluate(async (selector) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = await (window as any).axe.run({ include: [selector] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations;
  }, selector);
  const report = violations.map((v) => `${v.id}: ${v.help}\n` + v.nodes.map((n) => `  - ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')).join('\n');
  expect(violations.length, `axe on ${what}:\n${report}`).toBe(0);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what} fits the screen`).toBeLessThanOrEqual(page.viewportSize()!.width);
}

/** `2026-10-01` → `октябрь 2026`. */
function monthYear(iso: string): string {
  const months = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
  return `${months[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

test('the home page tells what to do next, links to every page of a house, and the payment result and the chart say it plainly', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  // A server of its own: readings accepted all month, so the card names the window's last day.
  const server = await startServer({
    LK_READING_WINDOW__ENABLED: 'true',
    LK_READING_WINDOW__FIRST_DAY: '1',
    LK_READING_WINDOW__LAST_DAY: '31',
  });
  try {
    const own = await api.newContext({ baseURL: server.url });
    const today = await serverToday(own);
    const email = await signInNewSubscriber(page, own, testInfo, 'next', 'Мария', server.url);
    await addHouseWithAccount(page, 'Квартира', '680000000001', '01234567');
    await addHouseWithAccount(page, 'Дача', '680000000003', '03456789');
    const houses = await housesOf(own, email);
    const flat = houses.find((h) => h.name === 'Квартира');
    const dacha = houses.find((h) => h.name === 'Дача');
    const steps = flat.account.next_steps;

    // Readings: accepted today, until the month's last day (the server's Moscow month).
    const [y, m] = today.split('-').map(Number);
    const lastDay = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    expect(steps.readings).toEqual({ open: true, until: lastDay, opens_on: null, closes_on: null });
    const card = page.getByTestId('house-card').filter({ hasText: 'Квартира' });
    await expect(card.getByTestId('next-readings')).toHaveText(`принимаются до ${ruDate(lastDay)} включительно`);

    // Payment: the demo account 1 owes its last two invoices; the older was due on the 10th of
    // last month.
    expect(steps.payment.overdue).toBe(true);
    const payment = card.getByTestId('next-payment');
    await expect(payment).toContainText(`срок оплаты истёк ${ruDate(steps.payment.pay_by)}`);
    expect(rubles((await payment.textContent())!.replace(/, срок.*/, ''))).toBe(rubles(await card.getByTestId('amount-due').textContent()));

    // Consumption: the month compared and the same month a year before, with the change.
    const c = steps.consumption;
    expect(c.kwh).not.toBeNull();
    expect(c.last_year_kwh).not.toBeNull();
    const lastYear = `${Number(c.month.slice(0, 4)) - 1}${c.month.slice(4)}`;
    const consumption = card.getByTestId('next-consumption');
    await expect(consumption).toContainText(new RegExp(`^${monthYear(c.month)}: ${c.kwh} кВт·ч; ${monthYear(lastYear)}: ${c.last_year_kwh} кВт·ч \\(([+−][\\d,]+ %|без изменений) к прошлому году\\)$`, 'i'));
    await expect(card.getByTestId('next-steps').getByRole('heading', { name: 'Что сделать сейчас' })).toBeVisible();
    await shot(page, testInfo, '90-next-steps');
    await expectAccessible(page, 'the house cards', '.houses');

    // Every page of each house is one link away from the home page.
    const links = card.getByRole('navigation', { name: 'Страницы дома «Квартира»' });
    const tabs: [string, string][] = [['Электроэнергия', 'electricity'], ['Счетчики', 'meters'], ['Лицевой счет', 'account'], ['Услуги', 'services'], ['Оплата', 'payment'], ['Контакты', 'contacts']];
    for (const [name, segment] of tabs) {
      await expect(links.getByRole('link', { name, exact: true })).toHaveAttribute('href', `/houses/${flat.id}/${segment}`);
    }
    await expect(page.getByTestId('house-card').filter({ hasText: 'Дача' }).getByRole('navigation', { name: 'Страницы дома «Дача»' }).getByRole('link', { name: 'Счетчики', exact: true })).toHaveAttribute('href', `/houses/${dacha.id}/meters`);

    // The chart of the three-zone meter: kWh ticks, month and year under the bars, a legend.
    await page.getByTestId('house-card').filter({ hasText: 'Дача' }).getByRole('link', { name: 'Счетчики', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/houses/${dacha.id}/meters$`));
    await page.getByRole('button', { name: 'График' }).click();
    const chart = page.getByTestId('readings-chart');
    await expect(chart.getByRole('img')).toHaveAttribute('aria-label', /График расхода электроэнергии с \d\d\.\d\d\.\d{4} по \d\d\.\d\d\.\d{4}: всего \d+ кВт·ч/);
    await expect(chart.getByTestId('chart-tick').first()).toContainText('0');
    expect(await chart.getByTestId('chart-tick').count()).toBeGreaterThan(2);
    await expect(chart.locator('text.chart__unit')).toHaveText('кВт·ч');
    await expect(chart.locator('text.chart__tick--year').first()).toHaveText(/^\d{4}$/);
    const legend = chart.getByTestId('chart-legend');
    await expect(legend.getByRole('listitem')).toHaveText(['Пик', 'Полупик', 'Ночь']);
    expect(await chart.locator('rect.chart__seg--peak').count()).toBeGreaterThan(5);
    // The same figures as a table for screen readers.
    await expect(chart.getByRole('table')).toHaveCount(1);
    await expect(chart.getByRole('table').getByRole('columnheader')).toHaveText(['Показания от', 'Пик', 'Полупик', 'Ночь', 'Всего']);
    await shot(page, testInfo, '91-chart-zones');
    await expectAccessible(page, 'the chart', '[data-testid="readings-chart"]');

    // Paying: the result page names the time (Moscow), the number, the amount and the new
    // balance, and links to the history and the account.
    await page.goto(`${server.url}/`);
    await card.getByRole('button', { name: 'Оплатить' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Сумма к оплате, ₽').fill('100');
    await dialog.getByRole('button', { name: 'Далее' }).click();
    await dialog.getByLabel(/ознакомлен/).check();
    await dialog.getByRole('button', { name: 'Далее' }).click();
    await expect(page).toHaveURL(/\/sandbox\/pay\//);
    await page.getByRole('button', { name: 'Оплатить' }).click();
    await expect(page).toHaveURL(/\/payments\/[0-9a-f-]+$/);
    const id = page.url().split('/payments/')[1];
    await expect(page.getByTestId('payment-status')).toHaveText(/Оплата прошла успешно/);
    await expect(page.getByTestId('payment-time')).toHaveText(/^\d\d\.\d\d\.\d{4} \d\d:\d\d \(МСК\)$/);
    await expect(page.getByTestId('payment-time')).toContainText(ruDate(today));
    await expect(page.getByTestId('payment-id')).toHaveText(id);
    await expect(page.getByTestId('payment-account')).toHaveText('680000000001');
    await expect(page.getByTestId('payment-amount')).toHaveText(/100,00/);
    await expect(page.getByText(/(Задолженность|Переплата|Баланс) после оплаты/)).toBeVisible();
    await expect(page.getByTestId('payment-balance')).toContainText('₽');
    await expect(page.getByRole('link', { name: 'Лицевой счёт' })).toHaveAttribute('href', `/houses/${flat.id}/account`);
    // The account's receipt as it now stands, from the result page itself.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Распечатать квитанцию' }).click();
    const receipt = await downloading;
    expect(receipt.suggestedFilename()).toBe('Квитанция 680000000001.pdf');
    expect(fs.readFileSync((await receipt.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    await shot(page, testInfo, '92-payment-result');
    await expectAccessible(page, 'the payment result', 'main');
    await page.getByRole('link', { name: 'История операций' }).click();
    await expect(page).toHaveURL(new RegExp(`/houses/${flat.id}/electricity$`));
    const paid = page.getByTestId('history').locator('tr[data-kind="payment"]').first();
    await expect(paid).toContainText('+100,00');
    await own.dispose();
  } finally {
    await server.stop();
  }
  expect(errors).toEqual([]);
});
