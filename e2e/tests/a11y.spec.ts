import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { addHouseWithAccount, fillReadings, ownAccount, PASSWORD, registerSubscriber, shot, signInNewSubscriber, subscriberHouse, watchForErrors } from './helpers';

// Accessibility (WCAG 2.1 A/AA, checked by axe-core) and the phone layout: every page a guest,
// a subscriber and the staff reach, at 1280 px (project «desktop») and at 360 px (project
// «phone»), every dialog, and a journey by keyboard alone.

// axe is injected as a script of its own; the portal's Content-Security-Policy allows only its
// own scripts.
test.use({ bypassCSP: true, actionTimeout: 15_000, navigationTimeout: 30_000 });

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const OPERATOR = { email: 'operator@lk.example', password: 'operator-password' };
const ADMIN = { email: 'admin@lk.example', password: 'admin-password' };

test.beforeEach(async ({ page }, testInfo) => {
  // The desktop is checked at 1280×800.
  if (testInfo.project.name === 'desktop') await page.setViewportSize({ width: 1280, height: 800 });
});

/** Waits until the page has loaded what it shows: no spinner, the network quiet. */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.splash, .spinner')).toHaveCount(0);
}

type Violation = { id: string; impact: string; help: string; helpUrl: string; nodes: { target: string[]; failureSummary: string }[] };

/** Runs axe over the whole document (an open dialog with the inert page behind it) and
 * expects no violation of WCAG 2.1 A/AA. */
async function expectAccessible(page: Page, what: string) {
  await settle(page);
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  }
  const violations: Violation[] = await page.evaluate(async (tags) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations;
  }, TAGS);
  const report = violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n` + v.nodes.map((n) => `  - ${n.target.join(' ')}\n    ${n.failureSummary.replace(/\n/g, '\n    ')}`).join('\n'))
    .join('\n');
  expect(violations.length, `axe on ${what} at ${page.viewportSize()?.width}px:\n${report}`).toBe(0);
}

/** At phone width nothing is wider than the screen. */
async function expectNoOverflow(page: Page, what: string) {
  const width = page.viewportSize()?.width ?? 0;
  if (width > 400) return;
  const { scroll, wide } = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    // The widest elements, to name the culprit when it fails.
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > vw + 1 && !e.closest('[inert], .table-wrap, .staff-table-card, .tabs'))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} → ${Math.round(e.getBoundingClientRect().right)}`);
    return { scroll: document.scrollingElement!.scrollWidth, wide };
  });
  expect(scroll, `${what} overflows ${width}px: ${wide.join('; ')}`).toBeLessThanOrEqual(width);
}

async function check(page: Page, testInfo: TestInfo, what: string) {
  await expectAccessible(page, what);
  await expectNoOverflow(page, what);
  // A dialog is fixed to the screen: a picture of the screen, not of the whole page.
  const name = `a11y-${what.replace(/[^\p{L}\p{N}]+/gu, '-')}`;
  if (await page.getByRole('dialog').count()) await page.screenshot({ path: `artifacts/${testInfo.project.name}-${name}.png` });
  else await shot(page, testInfo, name);
}

async function visit(page: Page, testInfo: TestInfo, url: string, heading: string | RegExp, what = url) {
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  await check(page, testInfo, what);
}

/** Opens a dialog from `opener` by keyboard and checks it: focus inside, axe, Tab and
 * Shift+Tab go round inside it, Escape closes it and the focus is back on the opener. */
async function checkDialog(page: Page, testInfo: TestInfo, opener: Locator, name: string | RegExp, what: string, ready?: (dialog: Locator) => Promise<void>) {
  const inertBefore = await page.evaluate(() => document.querySelectorAll('[inert]').length);
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name });
  await expect(dialog).toBeVisible();
  await expect.poll(() => dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  if (ready) await ready(dialog);
  await check(page, testInfo, `dialog ${what}`);
  // Everything behind it is out of reach.
  expect(await page.evaluate(() => [...document.body.children].filter((e) => !e.hasAttribute('inert') && !['SCRIPT', 'LINK', 'STYLE', 'NOSCRIPT'].includes(e.tagName)).length)).toBe(1);
  // Tab goes round inside the dialog: after as many steps as it has stops, the first again
  // (Chromium's date field is four stops: day, month, year and its calendar button).
  const stops = await dialog.evaluate((d) =>
    [...d.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]')]
      .filter((e) => e.tabIndex >= 0 && (e.offsetWidth > 0 || e.offsetHeight > 0))
      .reduce((n, e) => n + (e instanceof HTMLInputElement && e.type === 'date' ? 4 : 1), 0),
  );
  expect(stops).toBeGreaterThan(0);
  const seen: string[] = [];
  for (let i = 0; i < stops + 1; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (!a) return { inside: false, key: '' };
      a.dataset.a11yStop ??= String(Math.random());
      const windows = document.querySelectorAll('.modal');
      return { inside: !!a.closest('[role="dialog"]') && a.closest('.modal') === windows[windows.length - 1], key: a.dataset.a11yStop };
    });
    expect(at.inside, `Tab ${i + 1} in «${what}» left the dialog`).toBe(true);
    seen.push(at.key);
  }
  expect(seen[stops], `Tab in «${what}» goes round to the first stop`).toBe(seen[0]);
  // Shift+Tab from the first stop goes to the last.
  await page.keyboard.press('Shift+Tab');
  expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.a11yStop)).toBe(seen[stops - 1]);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  // Still there once the page has reloaded what the dialog may have changed (the main page
  // renders its cards anew).
  await settle(page);
  await page.waitForTimeout(300);
  await expect(opener).toBeFocused();
  expect(await page.evaluate(() => document.querySelectorAll('[inert]').length)).toBe(inertBefore);
}

/** Presses Tab until `target` has the focus (keyboard only). */
async function tabTo(page: Page, target: Locator, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((e) => e === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

test('guest pages: login, registration, recovery, the information pages pass axe and fit a phone', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await visit(page, testInfo, '/login', 'Вход в личный кабинет абонента', 'login');
  await checkDialog(page, testInfo, page.getByRole('button', { name: 'Обратиться в Техническую поддержку' }), 'Обращение в техническую поддержку', 'support');
  await visit(page, testInfo, '/register', /Регистрация/, 'register');
  await visit(page, testInfo, '/forgot-password', 'Восстановление пароля', 'forgot-password');
  await visit(page, testInfo, '/guest/readings', 'Передать показания без регистрации', 'guest-readings');
  await visit(page, testInfo, '/guest/pay', 'Оплатить без регистрации', 'guest-pay');
  await visit(page, testInfo, '/family/accept#token=e2e-not-a-real-token', 'Приглашение к лицевому счёту', 'family-accept');
  // Checked once the page has its answer (a link not on file), not while it asks.
  await page.goto('/unsubscribe#token=e2e-not-a-real-token');
  await expect(page.getByRole('alert')).toContainText('Ссылка устарела');
  await check(page, testInfo, 'unsubscribe');
  await page.goto('/reset-password');
  await check(page, testInfo, 'reset-password');
  await page.goto('/confirm-email');
  await check(page, testInfo, 'confirm-email');
  await visit(page, testInfo, '/about', 'О компании', 'guest-about');
  await visit(page, testInfo, '/faq', 'Вопросы и ответы', 'guest-faq');
  await visit(page, testInfo, '/contacts', 'Контакты', 'guest-contacts');
  await page.goto('/nowhere');
  await check(page, testInfo, 'not-found');
  expect(errors).toEqual([]);
});

test('subscriber pages: the main page, every house tab, the profile and its tabs, the information pages', async ({ page, request }, testInfo) => {
  test.setTimeout(420_000);
  const errors = watchForErrors(page);
  const email = await signInNewSubscriber(page, request, testInfo, 'a11y', 'Константин-Александр');
  // No house yet.
  await check(page, testInfo, 'home-empty');
  await addHouseWithAccount(page, 'Квартира на Советской улице', '680000000003', '03456789');
  // A house without an account.
  const dialog = page.getByRole('dialog');
  await page.getByRole('button', { name: /Добавить дом/ }).first().click();
  await dialog.getByLabel('Название').fill('Дача');
  await dialog.getByLabel('Адрес').fill('Тамбовская обл., с. Горелое');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog).toBeHidden();
  await check(page, testInfo, 'home');

  const card = page.getByTestId('house-card').filter({ hasText: 'Квартира' });
  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  await expect(page.getByTestId('history')).toBeVisible();
  const houseUrl = page.url().replace(/\/electricity$/, '');
  const tabs = page.getByRole('navigation', { name: 'Разделы дома' });
  for (const [segment, label] of [
    ['electricity', 'Электроэнергия'],
    ['meters', 'Счетчики'],
    ['account', 'Лицевой счет'],
    ['services', 'Услуги'],
    ['payment', 'Оплата'],
    ['contacts', 'Контакты'],
  ]) {
    await tabs.getByRole('link', { name: label, exact: true }).click();
    await expect(page).toHaveURL(`${houseUrl}/${segment}`);
    // The tab is in sight, whole.
    const tab = tabs.getByRole('link', { name: label, exact: true });
    await expect(tab).toHaveAttribute('aria-current', 'page');
    const box = (await tab.boundingBox())!;
    const nav = (await tabs.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(nav.x - 1);
    expect(box.x + box.width).toBeLessThanOrEqual(nav.x + nav.width + 1);
    expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
    await check(page, testInfo, `house-${segment}`);
  }
  // The meters' chart.
  await tabs.getByRole('link', { name: 'Счетчики', exact: true }).click();
  await page.getByRole('button', { name: 'График' }).click();
  await check(page, testInfo, 'house-meters-chart');

  // On a phone the history is a list of cards, every amount in sight.
  await tabs.getByRole('link', { name: 'Электроэнергия', exact: true }).click();
  await page.getByRole('button', { name: 'за год' }).click();
  await expect(page.getByRole('button', { name: 'за год' })).toHaveAttribute('aria-pressed', 'true');
  await settle(page);
  const history = page.getByTestId('history');
  await expect(history.locator('tr[data-kind="invoice"]').first()).toBeVisible();
  const width = page.viewportSize()!.width;
  for (const amount of await history.locator('tr[data-kind="invoice"] [data-testid="op-amount"]').all()) {
    await amount.scrollIntoViewIfNeeded();
    await expect(amount).toBeVisible();
    const box = (await amount.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(width);
  }
  await check(page, testInfo, 'house-electricity-year');

  // The house without an account (no link leads there from the main page: by its address).
  const login = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  const houses: { id: number; name: string }[] = await (
    await request.get('/api/v1/houses', { headers: { Authorization: `Bearer ${(await login.json()).access_token}` } })
  ).json();
  await page.goto(`/houses/${houses.find((h) => h.name === 'Дача')!.id}/electricity`);
  await expect(page.getByText('К этому дому не подключён лицевой счёт.')).toBeVisible();
  await check(page, testInfo, 'house-without-account');

  await page.goto('/profile');
  await expect(page.getByRole('heading', { level: 1, name: 'Профиль' })).toBeVisible();
  // «Активные сеансы» with its list, not its loading state.
  await expect(page.getByTestId('sessions').getByTestId('session').first()).toBeVisible();
  await expect(page.getByTestId('two-factor').getByRole('button', { name: 'Включить' })).toBeVisible();
  await check(page, testInfo, 'profile');
  await page.goto('/profile/houses');
  await check(page, testInfo, 'profile-houses');
  await page.goto('/profile/requests');
  await check(page, testInfo, 'profile-requests');
  await page.goto('/profile/settings');
  await check(page, testInfo, 'profile-settings');
  await visit(page, testInfo, '/about', 'О компании', 'about');
  await visit(page, testInfo, '/faq', 'Вопросы и ответы', 'faq');
  await visit(page, testInfo, '/contacts', 'Контакты', 'contacts');

  // The header keeps the whole name: no «Конс…» on a phone.
  const name = page.getByTestId('profile-link');
  await expect(name).toHaveAccessibleName(/Абонентова Константин-Александр/);
  // (A name kept for screen readers only is a 1 px box: not a clipped name.)
  const clipped = await name.evaluate((a) =>
    [...a.querySelectorAll<HTMLElement>('*')].some((e) => e.checkVisibility() && e.getBoundingClientRect().width > 2 && e.scrollWidth > e.clientWidth + 1 && e.textContent),
  );
  expect(clipped).toBe(false);
  expect(errors).toEqual([]);
});

test('dialogs: focus moves in, Tab stays inside, Escape closes, focus returns to the opener; each passes axe', async ({ page, request }, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchForErrors(page);
  const phone = testInfo.project.name === 'phone';
  await signInNewSubscriber(page, request, testInfo, 'a11y-dialogs');
  const bar = phone ? page.getByRole('contentinfo') : page.getByRole('banner');
  await checkDialog(page, testInfo, bar.getByRole('button', { name: 'Задать вопрос' }), 'Задать вопрос', 'ask');
  await checkDialog(page, testInfo, page.getByRole('button', { name: /Добавить дом/ }).first(), 'Добавление дома', 'add-house');
  await addHouseWithAccount(page, 'Квартира', '680000000002', '02345678');
  await page.getByRole('button', { name: /Добавить дом/ }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Название').fill('Дача');
  await dialog.getByLabel('Адрес').fill('Тамбовская обл.');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog).toBeHidden();
  const empty = page.getByTestId('house-card').filter({ hasText: 'Дача' });
  await checkDialog(page, testInfo, empty.getByRole('button', { name: 'Добавить лицевой счет' }), 'Добавление лицевого счёта', 'add-account');
  const card = page.getByTestId('house-card').filter({ hasText: 'Квартира' });
  await checkDialog(page, testInfo, card.getByRole('button', { name: 'Передать показания' }), 'Передача показаний', 'reading', async (d) => {
    await expect(d.getByText(/Предыдущее показание/).first()).toBeVisible();
  });
  await checkDialog(page, testInfo, card.getByRole('button', { name: 'Оплатить' }), 'Оплата электроэнергии', 'payment');

  await card.getByRole('link', { name: 'Электроэнергия' }).click();
  await expect(page.getByTestId('history')).toBeVisible();
  await checkDialog(page, testInfo, page.getByRole('button', { name: 'Печать заполненного бланка квитанции' }), 'Печать', 'receipt');
  await checkDialog(page, testInfo, page.getByTestId('history').getByRole('button', { name: /Просмотр: Счёт за/ }).first(), /Счёт за/, 'invoice', async (d) => {
    await expect(d.getByTestId('invoice-total')).toBeVisible();
  });
  await page.getByRole('navigation', { name: 'Разделы дома' }).getByRole('link', { name: 'Лицевой счет', exact: true }).click();
  // «Семейный доступ» of the owner: the members, the invitation form.
  await expect(page.getByTestId('family').getByTestId('family-member').first()).toBeVisible();
  await check(page, testInfo, 'account-family');
  await checkDialog(page, testInfo, page.getByRole('button', { name: 'Изменить данные абонента' }), 'Изменить данные абонента', 'change-data');

  // Stacked: the payment wizard over the reading wizard — only the top one is live, and
  // closing it gives the focus back to «Оплатить» inside the one below.
  await page.goto('/');
  await card.getByRole('button', { name: 'Передать показания' }).click();
  const reading = page.getByRole('dialog', { name: 'Передача показаний' });
  await fillReadings(reading, 50);
  await reading.getByRole('button', { name: 'Передать показания' }).click();
  const done = page.getByRole('dialog', { name: 'Показания переданы' });
  await expect(done.getByTestId('amount-due')).toBeVisible();
  const pay = done.getByRole('button', { name: 'Оплатить' });
  await checkDialog(page, testInfo, pay, 'Оплата электроэнергии', 'payment-over-reading');
  await expect(done).toBeVisible();
  expect(errors).toEqual([]);
});

test('the other dialogs: removing an account or a house, ordering a service; the guest payment result', async ({ page, request }, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'a11y-more');
  await addHouseWithAccount(page, 'Квартира', '680000000001', '01234567');

  // «Мои дома»: both confirmations, closed with Escape (nothing removed).
  await page.goto('/profile/houses');
  await expect(page.getByRole('button', { name: 'Удалить дом' })).toBeVisible();
  await checkDialog(page, testInfo, page.getByRole('button', { name: 'Удалить лицевой счет' }), 'Удалить лицевой счёт из дома?', 'unbind-account');
  await checkDialog(page, testInfo, page.getByRole('button', { name: 'Удалить дом' }), 'Удалить дом?', 'delete-house');
  await expect(page.getByText('Лицевой счёт № 680000000001')).toBeVisible();

  // «Услуги»: the order form.
  await page.goto('/');
  await page.getByTestId('house-card').getByRole('link', { name: 'Электроэнергия' }).click();
  await page.getByRole('navigation', { name: 'Разделы дома' }).getByRole('link', { name: 'Услуги', exact: true }).click();
  const order = page.getByRole('button', { name: /^Заказать услугу: / }).first();
  await expect(order).toBeVisible();
  await checkDialog(page, testInfo, order, 'Заказать услугу', 'order-service');

  // A payer without an account comes back from the acquirer to a page of its own.
  const n = testInfo.project.name === 'desktop' ? 3 : 4;
  const [account, meter] = [`68000000088${n}`, `8880088${n}`];
  await ownAccount(request, account, meter, `a11y guest (${testInfo.project.name})`);
  const created = await request.post('/api/v1/guest/payments', {
    data: { account_number: account, meter_number: meter, amount: '100', rules_accepted: true },
  });
  expect(created.status()).toBe(201);
  const { confirmation_url } = await created.json();
  await page.getByRole('banner').getByRole('button', { name: 'Выход' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(confirmation_url);
  await page.getByRole('button', { name: 'Оплатить' }).click();
  await expect(page).toHaveURL(/\/guest\/payments\/[0-9a-f-]+$/);
  await expect(page.getByTestId('payment-status')).toHaveText(/Оплата прошла успешно/);
  await check(page, testInfo, 'guest-payment-result');
  expect(errors).toEqual([]);
});

test("the console's dialogs: switching a member of staff off, revoking a key, a branch added, edited, deleted", async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  const errors = watchForErrors(page);
  // A key to revoke (the dialog is closed with Escape: it stays).
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  expect(login.status()).toBe(200);
  const name = `a11y (${testInfo.project.name}) ${Date.now()}`;
  const created = await request.post('/api/v1/operator/api-keys', {
    headers: { Authorization: `Bearer ${(await login.json()).access_token}` },
    data: { name, scopes: ['readings:read'] },
  });
  expect(created.status()).toBe(201);

  await page.goto('/login');
  await page.getByLabel('Адрес электронной почты').fill(ADMIN.email);
  await page.getByLabel('Пароль').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/users');
  await checkDialog(page, testInfo, page.getByRole('button', { name: `Отключить: ${OPERATOR.email}` }), 'Отключить сотрудника?', 'staff-disable');
  await checkDialog(page, testInfo, page.getByTestId('api-keys').getByRole('button', { name: `Отозвать: ${name}` }), 'Отозвать ключ?', 'staff-revoke-key');
  await page.goto('/staff/content');
  const branches = page.getByTestId('section-branches');
  await checkDialog(page, testInfo, branches.getByRole('button', { name: '+ Добавить отделение' }), 'Новое отделение', 'staff-branch-new');
  await checkDialog(page, testInfo, branches.getByRole('button', { name: 'Изменить: Тамбовское отделение' }), 'Отделение «Тамбовское отделение»', 'staff-branch-edit');
  await checkDialog(page, testInfo, branches.getByRole('button', { name: 'Удалить: Тамбовское отделение' }), 'Удалить отделение?', 'staff-branch-delete');
  expect(errors).toEqual([]);
});

test('staff console: the queue, a request, the content and the staff pages pass axe and fit a phone', async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  const errors = watchForErrors(page);
  // A request to look at.
  const asked = await request.post('/api/v1/questions', {
    data: { last_name: 'Абонентова', first_name: 'Мария', email: `a11y.${testInfo.project.name}.${Date.now()}@example.ru`, text: 'Как передать показания?' },
  });
  expect(asked.status()).toBe(201);
  const { number } = await asked.json();

  for (const who of [OPERATOR, ADMIN]) {
    await page.goto('/login');
    await page.getByLabel('Адрес электронной почты').fill(who.email);
    await page.getByLabel('Пароль').fill(who.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await expect(page).toHaveURL(/\/staff$/);
    const role = who === ADMIN ? 'admin' : 'operator';
    await expect(page.getByTestId('queue')).toBeVisible();
    await check(page, testInfo, `staff-queue-${role}`);
    await page.goto(`/staff/requests/${number}`);
    await expect(page.getByTestId('staff-request')).toBeVisible();
    await check(page, testInfo, `staff-request-${role}`);
    if (who === ADMIN) {
      await page.goto('/staff/content');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await check(page, testInfo, 'staff-content');
      await page.goto('/staff/users');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await check(page, testInfo, 'staff-users');
    }
    await page.getByRole('banner').getByRole('button', { name: 'Выход' }).click();
    await expect(page).toHaveURL(/\/login/);
  }
  expect(errors).toEqual([]);
});

test('by keyboard alone: sign in, send a reading, pay 100 ₽ through the sandbox and see the result', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchForErrors(page);
  const email = await registerSubscriber(request, testInfo, 'a11y-keys');
  await subscriberHouse(request, email, 'Квартира', '680000000001', '01234567');

  // Sign in.
  await page.goto('/login');
  await tabTo(page, page.getByLabel('Адрес электронной почты'));
  await page.keyboard.type(email);
  await tabTo(page, page.getByLabel('Пароль'));
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  await settle(page);

  // The reading.
  const card = page.getByTestId('house-card');
  await tabTo(page, card.getByRole('button', { name: 'Передать показания' }));
  await page.keyboard.press('Enter');
  const wizard = page.getByRole('dialog', { name: 'Передача показаний' });
  await expect(wizard).toBeVisible();
  const input = wizard.getByLabel(/Круглосуточно/);
  const hint = await wizard.getByText(/Предыдущее показание: \d+/).textContent();
  await tabTo(page, input);
  await page.keyboard.type(String(Number(hint!.replace(/\D/g, '')) + 100));
  await page.keyboard.press('Enter');
  const done = page.getByRole('dialog', { name: 'Показания переданы' });
  await expect(done.getByText(/Показания от .* переданы/)).toBeVisible();
  await expect(done.getByTestId('amount-due')).toContainText('₽');

  // Pay 100 ₽.
  await tabTo(page, done.getByRole('button', { name: 'Оплатить' }));
  await page.keyboard.press('Enter');
  const payment = page.getByRole('dialog', { name: 'Оплата электроэнергии' });
  const amount = payment.getByLabel('Сумма к оплате, ₽');
  await tabTo(page, amount);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('100');
  await page.keyboard.press('Enter');
  const consent = payment.getByLabel(/ознакомлен/);
  await tabTo(page, consent);
  await page.keyboard.press('Space');
  await expect(consent).toBeChecked();
  await tabTo(page, payment.getByRole('button', { name: 'Далее' }));
  await page.keyboard.press('Enter');

  // The acquirer's (sandbox) page.
  await expect(page).toHaveURL(/\/sandbox\/pay\//);
  await expect(page.getByText('100,00')).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Оплатить' }));
  await page.keyboard.press('Enter');

  // Back in the portal: the result.
  await expect(page).toHaveURL(/\/payments\/[0-9a-f-]+$/);
  await expect(page.getByTestId('payment-status')).toHaveText(/Оплата прошла успешно/);
  await expect(page.getByTestId('payment-amount')).toContainText('100,00');
  await check(page, testInfo, 'payment-result');
  expect(errors).toEqual([]);
});
