import { expect, request as api, test } from '@playwright/test';
import { addHouseWithAccount, ruDate, serverToday, shot, signInNewSubscriber, startServer, watchForErrors } from './helpers';

test('when readings are not accepted today the reading wizard says so as soon as it opens, and from when they are', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  // A server of its own whose one-day window is never today.
  const today = await serverToday(request);
  const day = Number(today.slice(8, 10)) === 1 ? 2 : 1;
  const server = await startServer({
    LK_READING_WINDOW__ENABLED: 'true',
    LK_READING_WINDOW__FIRST_DAY: String(day),
    LK_READING_WINDOW__LAST_DAY: String(day),
  });
  try {
    const own = await api.newContext({ baseURL: server.url });
    const window = (await (await own.get('/api/v1/branding')).json()).reading_window;
    expect(window.open).toBe(false);
    await signInNewSubscriber(page, own, testInfo, 'closed', 'Мария', server.url);
    await addHouseWithAccount(page, 'Квартира', '680000000001', '01234567');

    await page.getByTestId('house-card').getByRole('button', { name: 'Передать показания' }).click();
    const dialog = page.getByRole('dialog');
    const closed = dialog.getByTestId('reading-window-closed');
    await expect(closed).toHaveText(`Показания принимаются с ${day} по ${day} число месяца. Следующий приём показаний: с ${ruDate(window.opens_on)} по ${ruDate(window.closes_on)}.`);
    // Nothing to type in vain.
    await expect(dialog.getByLabel(/Круглосуточно/)).toHaveCount(0);
    await expect(dialog.getByRole('button', { name: 'Передать показания' })).toHaveCount(0);
    await expect(dialog.getByRole('link', { name: 'История переданных показаний' })).toBeVisible();
    await shot(page, testInfo, '80-window-closed');
    await dialog.getByRole('button', { name: 'Закрыть' }).last().click();
    await expect(dialog).toBeHidden();
    await own.dispose();
  } finally {
    await server.stop();
  }
  expect(errors).toEqual([]);
});
