import { expect, test, type Page } from '@playwright/test';
import { fillReadings, mailedLink, ownAccount, PASSWORD, shot, uniqueEmail, watchForErrors } from './helpers';

// The subscriber's journey in English: a browser that asks for English gets it before signing
// in, the whole journey shows no Russian interface text (what the company's data says —
// addresses, tariff and company names, its pages — stays as the company wrote it), and the
// choice of language is kept on the server for the user.

test.use({ locale: 'en-GB', actionTimeout: 15_000 });

const CYRILLIC = /[А-Яа-яЁё]/;

/** Every string value in an API answer, except the sentences the server writes for people
 * (`message`, `detail`): those are interface text, the rest is the company's data. */
function dataStrings(value: unknown, out: Set<string>, key = '') {
  if (typeof value === 'string') {
    if (key !== 'message' && key !== 'detail' && CYRILLIC.test(value)) out.add(value.trim());
  } else if (Array.isArray(value)) {
    for (const v of value) dataStrings(v, out, key);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) dataStrings(v, out, k);
  }
}

/** Collects the data the page receives from the API as it goes. */
function watchData(page: Page): Set<string> {
  const data = new Set<string>();
  page.on('response', async (r) => {
    if (!r.url().includes('/api/v1/') || !(r.headers()['content-type'] ?? '').startsWith('application/json')) return;
    try {
      dataStrings(await r.json(), data);
    } catch {
      // A body already gone (a navigation) says nothing.
    }
  });
  return data;
}

/** Russian text the page shows that is not the company's data: visible text nodes and the
 * labels people hear (aria-label, title, placeholder, alt), outside `lang="ru"` parts (the
 * switch back to Russian names itself in Russian). */
async function russianInterfaceText(page: Page, data: Set<string>): Promise<string[]> {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.splash, .spinner')).toHaveCount(0);
  const found: string[] = await page.evaluate(() => {
    const cyrillic = /[А-Яа-яЁё]/;
    const out: string[] = [];
    const shown = (e: Element) => !e.closest('[lang="ru"], [hidden], [inert], noscript') && (e as HTMLElement).getClientRects().length > 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      if (text && cyrillic.test(text) && n.parentElement && shown(n.parentElement)) out.push(text);
    }
    for (const e of document.body.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
      if (e.closest('[lang="ru"]')) continue;
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = e.getAttribute(a);
        if (v && cyrillic.test(v)) out.push(`${a}="${v}"`);
      }
    }
    return out;
  });
  // What is left of each text once the company's data in it is taken out (a link named
  // "<company> website" is English).
  const corpus = [...data].sort((a, b) => b.length - a.length);
  return found.filter((t) => {
    let rest = t.replace(/^[a-z-]+="|"$/g, '');
    if (corpus.some((d) => d.includes(rest))) return false;
    for (const d of corpus) rest = rest.split(d).join(' ');
    return CYRILLIC.test(rest);
  });
}

async function expectEnglish(page: Page, data: Set<string>, what: string) {
  expect(await russianInterfaceText(page, data), `Russian interface text on ${what}`).toEqual([]);
}

test('the subscriber journey in English: no Russian interface text, and the language is kept per user', async ({ page, request, browser }, testInfo) => {
  test.setTimeout(180_000);
  const errors = watchForErrors(page);
  const data = watchData(page);

  // A guest whose browser asks for English reads the login page in English.
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('language-switch')).toHaveText('Русский');
  await expectEnglish(page, data, 'the login page');
  for (const url of ['/register', '/forgot-password', '/about', '/faq', '/contacts', '/guest/readings', '/guest/pay', '/reset-password']) {
    await page.goto(url);
    await expectEnglish(page, data, url);
  }
  // Pages opened from a mail, with a link that is not on file: the answer, in English.
  await page.goto('/unsubscribe#token=e2e-not-a-real-token');
  await expect(page.getByRole('alert')).toBeVisible();
  await expectEnglish(page, data, 'the unsubscribe page');
  await page.goto('/family/accept#token=e2e-not-a-real-token');
  await expectEnglish(page, data, 'the invitation page');

  // Registered in English (the API call carries the page's language): the confirmation mail
  // is in English, and so is the user's language.
  const email = uniqueEmail('english', testInfo);
  const reg = await request.post('/api/v1/auth/register', {
    headers: { 'Accept-Language': 'en' },
    data: { email, password: PASSWORD, last_name: 'Smith', first_name: 'Anna', personal_data_consent: true },
  });
  expect(reg.status()).toBe(201);
  const mails: { subject: string; body: string }[] = await (await request.get(`/api/v1/dev/mailbox?to=${encodeURIComponent(email)}`)).json();
  expect(mails[0].subject).not.toMatch(CYRILLIC);
  const link = await mailedLink(request, email, '/confirm-email');
  await page.goto(link);
  await expectEnglish(page, data, 'the confirmation page');

  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('profile-link')).toBeVisible();
  await expectEnglish(page, data, 'the main page without houses');

  // A house with the demo account, through the API; the main page and every house tab.
  const login = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const house = await request.post('/api/v1/houses', { headers, data: { name: 'Flat', address: 'Tambov' } });
  const { id } = await house.json();
  expect((await request.put(`/api/v1/houses/${id}/account`, { headers, data: { account_number: '680000000002', meter_number: '02345678' } })).status()).toBe(200);
  await page.goto('/');
  await expect(page.getByTestId('house-card')).toBeVisible();
  await expectEnglish(page, data, 'the main page');
  await shot(page, testInfo, 'en-10-home');
  for (const tab of ['electricity', 'meters', 'account', 'services', 'payment', 'contacts']) {
    await page.goto(`/houses/${id}/${tab}`);
    await expectEnglish(page, data, `the house tab ${tab}`);
  }
  await shot(page, testInfo, 'en-11-house');

  // The reading and payment dialogs.
  await page.goto('/');
  const card = page.getByTestId('house-card');
  await card.getByRole('button', { name: /Submit readings/ }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await expectEnglish(page, data, 'the reading dialog');
  await page.keyboard.press('Escape');
  await card.getByRole('button', { name: 'Pay' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await expectEnglish(page, data, 'the payment dialog');
  await page.keyboard.press('Escape');

  // A reading sent and paid for, in English all the way to the result page: the test's own
  // account (two zones), so no other test's figures move.
  const n = testInfo.project.name === 'desktop' ? 1 : 2;
  const [account, meter] = [`68000000055${n}`, `5550055${n}`];
  await ownAccount(request, account, meter, `English e2e (${testInfo.project.name})`);
  const cottage = await request.post('/api/v1/houses', { headers, data: { name: 'Cottage', address: 'Tambov region' } });
  const cottageId = (await cottage.json()).id;
  expect((await request.put(`/api/v1/houses/${cottageId}/account`, { headers, data: { account_number: account, meter_number: meter } })).status()).toBe(200);
  await page.goto('/');
  const cottageCard = page.getByTestId('house-card').filter({ hasText: 'Cottage' });
  await cottageCard.getByRole('button', { name: /Submit readings/ }).click();
  const wizard = page.getByRole('dialog', { name: 'Submitting readings' });
  await fillReadings(wizard, 40, /Previous reading: \d+/);
  await wizard.getByRole('button', { name: 'Submit readings' }).click();
  const sent = page.getByRole('dialog', { name: 'Readings submitted' });
  await expect(sent.getByTestId('amount-due')).toBeVisible();
  await expectEnglish(page, data, 'the submitted reading');
  await sent.getByRole('button', { name: 'Pay' }).click();
  const paying = page.getByRole('dialog', { name: 'Electricity payment' });
  await paying.getByLabel('Amount to pay, ₽').fill('100');
  await paying.getByRole('button', { name: 'Next' }).click();
  await expect(paying.getByLabel(/I have read the payment rules/)).toBeVisible();
  await expectEnglish(page, data, "the payment's second step");
  await paying.getByLabel(/I have read the payment rules/).check();
  await paying.getByRole('button', { name: 'Next' }).click();
  // The sandbox acquirer's page stands for the bank's, which is not ours to translate.
  await expect(page).toHaveURL(/\/sandbox\/pay\//);
  await page.getByRole('button', { name: 'Оплатить' }).click();
  await expect(page).toHaveURL(/\/payments\/[0-9a-f-]+$/);
  await expect(page.getByTestId('payment-status')).toHaveText(/The payment went through/);
  await expectEnglish(page, data, 'the payment result');
  await shot(page, testInfo, 'en-12-payment-result');

  // A payer without an account, back from the bank: the guest result page.
  const guest = await browser.newContext({ locale: 'en-GB' });
  const payer = await guest.newPage();
  const payerData = watchData(payer);
  const guestPayment = await request.post('/api/v1/guest/payments', {
    data: { account_number: account, meter_number: meter, amount: '50', rules_accepted: true },
  });
  expect(guestPayment.status()).toBe(201);
  await payer.goto((await guestPayment.json()).confirmation_url);
  await payer.getByRole('button', { name: 'Оплатить' }).click();
  await expect(payer).toHaveURL(/\/guest\/payments\/[0-9a-f-]+$/);
  await expect(payer.getByTestId('payment-status')).toHaveText(/The payment went through/);
  await expectEnglish(payer, payerData, 'the guest payment result');
  await guest.close();

  // The profile's tabs.
  for (const url of ['/profile', '/profile/houses', '/profile/requests', '/profile/settings']) {
    await page.goto(url);
    await expectEnglish(page, data, url);
  }
  await shot(page, testInfo, 'en-20-settings');

  // «Настройки» switch the user to Russian: kept on the server, so another browser that asks
  // for English shows this user Russian once signed in; the header's «English» switches back.
  await page.getByLabel('Русский').check();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.getByTestId('language-switch')).toHaveText('English');
  const other = await browser.newContext({ locale: 'en-GB' });
  const second = await other.newPage();
  await second.goto('/login');
  await second.getByLabel('Email address').fill(email);
  await second.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await second.getByRole('button', { name: 'Log in' }).click();
  await expect(second.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(second.getByTestId('language-switch')).toHaveText('English');
  await other.close();

  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expectEnglish(page, data, 'settings after switching back');

  expect(errors).toEqual([]);
});
