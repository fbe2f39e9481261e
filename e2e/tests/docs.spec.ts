import { expect, test } from '@playwright/test';
import { watchForErrors } from './helpers';

test('Swagger UI renders every operation from the served spec, with nothing fetched from outside', async ({ page }) => {
  const errors = watchForErrors(page);
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1')) external.push(r.url());
  });
  await page.goto('/swagger-ui/');
  await expect(page.getByText('LKA — личный кабинет абонента')).toBeVisible();
  const spec = await (await page.request.get('/api/openapi.json')).json();
  for (const path of Object.keys(spec.paths)) {
    await expect(page.locator('.opblock-summary-path', { hasText: new RegExp(`^${path.replace(/[{}]/g, '.')}$`) }).first()).toBeAttached();
  }
  expect(external).toEqual([]);
  expect(errors).toEqual([]);
});
