import { defineConfig, devices } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

// The server under test: the `lk` binary with a throwaway SQLite database, hosting the
// release build of the SPA from ../dist (built by `cargo xtask test` before this runs).
const port = Number(process.env.LK_E2E_PORT ?? 18080);
const baseURL = `http://127.0.0.1:${port}`;
const lkBin = process.env.LK_BIN ?? path.resolve(__dirname, '../target/debug/lk');
const dataDir = path.join(os.tmpdir(), `lk-e2e-${port}`);

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 860 } } },
    { name: 'phone', use: { ...devices['Pixel 5'], viewport: { width: 360, height: 740 } } },
  ],
  webServer: {
    // Demo data (the three demo accounts) first, then the server.
    command: `rm -rf '${dataDir}' && mkdir -p '${dataDir}' && '${lkBin}' seed-demo && exec '${lkBin}' serve`,
    url: `${baseURL}/health/ready`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/lk.sqlite3`,
      LK_ADDR: `127.0.0.1:${port}`,
      LK_PUBLIC_URL: baseURL,
      LK_STATIC_DIR: path.resolve(__dirname, '../dist'),
      LK_DATA_DIR: dataDir,
      LK_LOG_FORMAT: 'json',
      RUST_LOG: 'warn',
      // Readings are accepted any day in the tests (the window has its own API tests).
      LK_READING_WINDOW__ENABLED: 'false',
      // Every test registers its own subscriber from 127.0.0.1; the per-address limit has its
      // own API tests.
      LK_THROTTLE__REGISTER_PER_IP: '500',
      // Several specs write to the contact centre from 127.0.0.1; flooding has its own API test.
      LK_THROTTLE__CONTACT_PER_IP: '500',
    },
  },
});
