import { expect, test } from '@playwright/test';

// The download (issue 12): the module the app starts with is at most 250 KB as sent — 200 KB
// since requests go through the browser's fetch (gloo-net) instead of reqwest's HTTP stack
// (179 KB measured) — brotli copies built at build time are what travels, and every file a
// page loads is one of them.
test('the start-up module is served precompressed with brotli within 200 KB', async ({ page }) => {
  const wasm: { url: string; encoding?: string; length: number; cache?: string }[] = [];
  page.on('response', async (r) => {
    if (!r.url().endsWith('.wasm')) return;
    const h = await r.allHeaders();
    wasm.push({ url: r.url(), encoding: h['content-encoding'], length: Number(h['content-length']), cache: h['cache-control'] });
  });
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Войти' })).toBeVisible();
  // Trunk's content hash in hex without leading zeros: up to 16 digits.
  const main = wasm.find((w) => /lk-frontend-[0-9a-f]{1,16}_bg\.wasm$/.test(w.url));
  expect(main, 'the main module').toBeDefined();
  expect(main!.encoding).toBe('br');
  expect(main!.length).toBeGreaterThan(0);
  expect(main!.length).toBeLessThanOrEqual(200 * 1000);
  // The login page's chunk came along, as precompressed and as cacheable.
  expect(wasm.length).toBeGreaterThan(1);
  for (const w of wasm) {
    expect(w.encoding, w.url).toBe('br');
    expect(w.cache, w.url).toContain('immutable');
  }
});
