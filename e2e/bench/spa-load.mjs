// Cold loads of the SPA's main page on an emulated slow phone, for `cargo xtask bench spa`.
//
// Each load: a fresh browser context (empty cache) that holds the demo subscriber's session
// cookies, Chromium's network throttled through CDP (LK_BENCH_KBPS down, LK_BENCH_RTT_MS
// round trip) and its CPU slowed (LK_BENCH_CPU×). "Usable" is the page's own clock
// (performance.now(), from navigation start) when the main page shows the houses with their
// balances and links to their pages: index.html's first screen or the app's page, whichever
// comes first; "app" when the app's own page (with its buttons) shows. Prints one JSON object
// on stdout.
import { chromium } from 'playwright';

const base = process.env.LK_URL ?? 'http://127.0.0.1:18090';
const runs = Number(process.env.LK_BENCH_RUNS ?? 5);
const kbps = Number(process.env.LK_BENCH_KBPS ?? 1600);
const rttMs = Number(process.env.LK_BENCH_RTT_MS ?? 150);
const cpu = Number(process.env.LK_BENCH_CPU ?? 4);
const email = process.env.LK_BENCH_EMAIL ?? 'demo@lk.example';
const password = process.env.LK_BENCH_PASSWORD ?? 'demo-password';
// The main page is usable when a house shows its account's balance (the first screen's or the
// app's card); the app is there when its card does.
const shown = process.env.LK_BENCH_READY ?? '[data-testid="first-balance"], [data-testid="house-card"] [data-testid="balance"]';
const app = '[data-testid="house-card"] [data-testid="balance"]';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const loads = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ru-RU' });
    const login = await context.request.post(`${base}/api/v1/auth/login`, { data: { email, password } });
    if (!login.ok()) throw new Error(`login: ${login.status()}`);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: rttMs,
      downloadThroughput: (kbps * 1000) / 8,
      uploadThroughput: (750 * 1000) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
    let bytes = 0;
    let requests = 0;
    const api = [];
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; requests += 1; });
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.request.url.includes('/api/')) api.push(new URL(e.request.url).pathname);
    });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    // The page notes, on its own clock, the first frame drawn after each selector matched (a
    // MutationObserver and requestAnimationFrame): no polling from here, no round trip.
    await page.addInitScript(([shownSelector, appSelector]) => {
      const marks = (window.__lkBench = {});
      const watch = () => {
        for (const [name, selector] of [['shown', shownSelector], ['app', appSelector]]) {
          if (!(name in marks) && document.querySelector(selector)) {
            marks[name] = null;
            // Whether the figures came with index.html's first screen or with the app.
            if (name === 'shown') marks.first = !!document.getElementById('lk-first');
            requestAnimationFrame(() => { marks[name] = performance.now(); });
          }
        }
      };
      new MutationObserver(watch).observe(document, { childList: true, subtree: true });
    }, [shown, app]);
    await page.goto(`${base}/`, { waitUntil: 'commit' });
    await page.waitForFunction(() => typeof window.__lkBench?.app === 'number', null, { timeout: 60_000, polling: 100 });
    const marks = await page.evaluate(() => window.__lkBench);
    const usableMs = marks.shown;
    const appMs = marks.app;
    const first = marks.first;
    // When each API answer had arrived (page clock), and the main module.
    const arrived = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/') || /(_bg\.wasm|\.css|\.js)$/.test(e.name))
      .map((e) => [new URL(e.name).pathname.replace(/^.*\/lk-frontend-.*/, 'main module'), Math.round(e.responseEnd)])));
    loads.push({
      usable_ms: Math.round(usableMs), first_screen: first, app_ms: Math.round(appMs), arrived,
      transferred_bytes: bytes, requests, api, errors,
    });
    await context.close();
  }
} finally {
  await browser.close();
}
const median = (key) => loads.map((l) => l[key]).sort((a, b) => a - b)[Math.floor(loads.length / 2)];
console.log(JSON.stringify({
  conditions: { down_kbps: kbps, rtt_ms: rttMs, cpu_slowdown: cpu, viewport: '360x740' },
  median_usable_ms: median('usable_ms'),
  median_app_ms: median('app_ms'),
  loads,
}));
