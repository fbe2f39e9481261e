import { deflateSync } from 'node:zlib';
import { expect, request as api, test, type APIRequestContext, type Page } from '@playwright/test';
import { addHouseWithAccount, ruDate, serverToday, shot, signInNewSubscriber, startServer, watchForErrors } from './helpers';

/** `iso` plus `days`, as `YYYY-MM-DD`. */
function plusDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The tabs of the open house. */
function houseTab(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Разделы дома' }).getByRole('link', { name, exact: true });
}

/** An access token of a demo staff member (seed-demo creates them). */
async function staffToken(request: APIRequestContext, email: string, password: string): Promise<string> {
  const resp = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(resp.status()).toBe(200);
  return (await resp.json()).access_token;
}

/** A small PNG: a blue plate with a yellow bar, as a company logo would be. */
function logoPng(width = 120, height = 40): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) {
      const bar = y >= 16 && y < 24 && x >= 12 && x < width - 12;
      rows.push(...(bar ? [255, 210, 63] : [0, 91, 170]));
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('footer pages from the company content: «О компании», «Вопросы и ответы» opening answers, «Контакты» with every branch', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await page.goto('/about');
  const about = page.getByTestId('about');
  await expect(about).toContainText('гарантирующий поставщик');
  // Paragraphs as the admin separated them with blank lines.
  expect(await about.locator('p.prose__para').count()).toBeGreaterThan(1);
  await shot(page, testInfo, '90-content-about');

  await page.getByRole('contentinfo').getByRole('link', { name: 'Вопросы и ответы' }).click();
  await expect(page.getByRole('heading', { name: 'Вопросы и ответы', level: 1 })).toBeVisible();
  const faq = page.getByTestId('faq');
  const answer = faq.getByText('Показания принимаются с 15 по 25 число каждого месяца.');
  await expect(answer).toBeHidden();
  await faq.getByText('Когда передавать показания?').click();
  await expect(answer).toBeVisible();
  // The keyboard opens another one.
  const forgot = faq.locator('summary', { hasText: 'Я забыл пароль. Что делать?' });
  await forgot.focus();
  await page.keyboard.press('Enter');
  await expect(faq.getByText('Ссылка действует один час.')).toBeVisible();
  await shot(page, testInfo, '91-content-faq');

  await page.getByRole('contentinfo').getByRole('link', { name: 'Контакты' }).click();
  const branches = page.getByTestId('branches');
  await expect(branches.getByTestId('branch')).toHaveCount(8);
  const michurinsk = branches.getByTestId('branch').filter({ has: page.getByRole('heading', { name: 'Мичуринское отделение' }) });
  await expect(michurinsk).toContainText('393760, г. Мичуринск, ул. Советская');
  await expect(michurinsk.getByRole('link', { name: '+7 (47545) 5-00-00' })).toHaveAttribute('href', 'tel:+74754550000');
  await expect(michurinsk.getByRole('link', { name: 'michurinsk@tesk.example' })).toHaveAttribute('href', 'mailto:michurinsk@tesk.example');
  await expect(michurinsk).toContainText('Пн–Чт 8:00–17:00');
  const support = page.getByTestId('support-contacts');
  await expect(support.getByRole('link', { name: 'support@lk.example' })).toHaveAttribute('href', 'mailto:support@lk.example');
  await expect(support.getByRole('link', { name: '8 800 000-00-00' })).toHaveAttribute('href', 'tel:88000000000');
  await shot(page, testInfo, '92-content-contacts');
  expect(errors).toEqual([]);
});

test('the help widget «Помощь по кабинету»: arrows switch the tips, it collapses, «Закрыть» hides it for good, «Настройки» bring it back', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'help');
  const widget = page.getByRole('region', { name: 'Помощь по кабинету' });
  await expect(widget).toBeVisible();
  const tip = widget.getByTestId('help-tip');
  const position = widget.getByTestId('help-position');
  await expect(position).toHaveText('1 из 5');
  await expect(tip).toContainText('Добавьте дом');
  await shot(page, testInfo, '93-help-widget');

  await widget.getByRole('button', { name: 'Следующая подсказка' }).click();
  await expect(position).toHaveText('2 из 5');
  await expect(tip).toContainText('Показания принимаются с 15 по 25');
  await widget.getByRole('button', { name: 'Предыдущая подсказка' }).click();
  await expect(position).toHaveText('1 из 5');
  // Round the ring, and with the keyboard.
  await widget.getByRole('button', { name: 'Предыдущая подсказка' }).click();
  await expect(position).toHaveText('5 из 5');
  await page.keyboard.press('ArrowRight');
  await expect(position).toHaveText('1 из 5');

  await widget.getByRole('button', { name: 'Свернуть' }).click();
  await expect(tip).toBeHidden();
  await expect(widget.getByRole('button', { name: 'Развернуть' })).toHaveAttribute('aria-expanded', 'false');
  await shot(page, testInfo, '94-help-collapsed');
  await widget.getByRole('button', { name: 'Развернуть' }).click();
  await expect(tip).toBeVisible();

  await widget.getByRole('button', { name: 'Закрыть' }).click();
  await expect(widget).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Подсказки скрыты' })).toBeVisible();
  await expect.poll(async () => (await page.evaluate(() => document.activeElement?.id))).toBe('main');

  // The server remembers: after a reload the widget stays away.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Управление лицевыми счетами' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  await expect(widget).toHaveCount(0);

  await page.getByTestId('profile-link').click();
  await page.getByRole('navigation', { name: 'Разделы профиля' }).getByRole('link', { name: 'Настройки', exact: true }).click();
  await expect(page).toHaveURL(/\/profile\/settings$/);
  const show = page.getByLabel('Показывать виджет «Помощь по кабинету»');
  await expect(show).not.toBeChecked();
  await show.check();
  await expect(page.getByRole('status').filter({ hasText: 'снова показывается' })).toBeVisible();
  await shot(page, testInfo, '95-settings');

  await page.getByRole('link', { name: 'Главная' }).click();
  await expect(widget).toBeVisible();
  await expect(position).toHaveText('1 из 5');
  expect(errors).toEqual([]);
});

test('house tabs «Услуги», «Оплата», «Контакты»: a service order gets a number and shows in «Мои обращения» with its history', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signInNewSubscriber(page, request, testInfo, 'services');
  await addHouseWithAccount(page, 'Квартира', '680000000001', '01234567');
  await page.getByTestId('house-card').getByRole('link', { name: 'Электроэнергия' }).click();

  // «Услуги»: the catalogue with prices, the shop, «Заказать услугу».
  await houseTab(page, 'Услуги').click();
  await expect(page).toHaveURL(/\/houses\/\d+\/services$/);
  const services = page.getByTestId('services');
  const seal = services.getByTestId('service').filter({ hasText: 'Опломбирование прибора учёта' });
  await expect(seal).toContainText('650,00 ₽ за 1 прибор');
  await expect(services.getByTestId('service').filter({ hasText: 'Сверка расчётов с выездом' })).toContainText('по договорённости');
  const shop = page.getByRole('link', { name: 'Перейти в интернет-магазин товаров' });
  await expect(shop).toHaveAttribute('href', /^https?:\/\//);
  await expect(shop).toHaveAttribute('target', '_blank');
  await expect(shop).toHaveAttribute('rel', /noopener/);
  // «Прейскурант услуг»: the file seed-content stores, offered for download.
  const priceList = page.getByRole('link', { name: /Прейскурант услуг/ });
  await expect(priceList).toContainText('PDF');
  await expect(priceList).toHaveAttribute('download', '');
  const priceHref = await priceList.getAttribute('href');
  expect(priceHref).toMatch(/^\/api\/v1\/services\/price-list/);
  const priceFile = await request.get(priceHref!);
  expect(priceFile.status()).toBe(200);
  expect(priceFile.headers()['content-type']).toContain('application/pdf');
  await shot(page, testInfo, '96-services');

  await seal.getByRole('button', { name: /Заказать услугу/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Заказать услугу' })).toBeVisible();
  await expect(dialog.getByLabel('Услуга')).toHaveValue('meter-seal');
  await expect(dialog.getByText('Стоимость: 650,00 ₽ за 1 прибор')).toBeVisible();
  const today = await serverToday(request);
  const date = dialog.getByLabel('Желаемая дата');
  await expect(date).toHaveAttribute('min', today);
  await expect(date).toHaveAttribute('max', plusDays(today, 90));
  // Too far ahead: the server's message under the date.
  await date.fill(plusDays(today, 120));
  await dialog.getByRole('button', { name: 'Отправить' }).click();
  await expect(dialog.getByText(/Выберите дату с сегодняшнего дня/)).toBeVisible();
  // Another service can be chosen in the window.
  await dialog.getByLabel('Услуга').selectOption({ label: 'Замена однофазного прибора учёта' });
  await expect(dialog.getByText('Стоимость: 1 850,00 ₽ за услугу')).toBeVisible();
  const wanted = plusDays(today, 3);
  await date.fill(wanted);
  await dialog.getByLabel('Комментарий').fill('Счётчик в подъезде, ключ у соседа из кв. 5.');
  await shot(page, testInfo, '97-order-form');
  await dialog.getByRole('button', { name: 'Отправить' }).click();
  const ack = dialog.getByTestId('order-ack');
  await expect(ack).toContainText('«Замена однофазного прибора учёта» принята');
  const number = (await ack.textContent())?.match(/№ (\d+)/)?.[1];
  expect(number).toBeTruthy();
  await shot(page, testInfo, '98-order-ack');
  await dialog.getByRole('button', { name: 'Закрыть' }).last().click();
  await expect(dialog).toBeHidden();

  // «Оплата»: one section per way to pay, opened by its title.
  await houseTab(page, 'Оплата').click();
  await expect(page).toHaveURL(/\/houses\/\d+\/payment$/);
  const methods = page.getByTestId('payment-methods');
  const qrText = methods.getByText('Откройте приложение своего банка');
  await expect(qrText).toBeHidden();
  await methods.getByText('По QR-коду из квитанции').click();
  await expect(qrText).toBeVisible();
  await expect(page.getByRole('button', { name: 'Оплатить' })).toBeVisible();
  await shot(page, testInfo, '99-payment-methods');

  // «Контакты»: the branch of this account.
  await houseTab(page, 'Контакты').click();
  await expect(page).toHaveURL(/\/houses\/\d+\/contacts$/);
  const branch = page.getByTestId('branch');
  await expect(branch.getByRole('heading', { name: 'Тамбовское отделение' })).toBeVisible();
  await expect(branch.getByRole('link', { name: '+7 (4752) 55-00-00' })).toHaveAttribute('href', 'tel:+74752550000');
  await expect(branch.getByRole('link', { name: 'tambov@tesk.example' })).toHaveAttribute('href', 'mailto:tambov@tesk.example');
  await shot(page, testInfo, '9a-house-contacts');

  // «Мои обращения»: the order, «Принято».
  await page.getByTestId('profile-link').click();
  await page.getByRole('link', { name: 'Мои обращения' }).click();
  const item = page.getByTestId('request').filter({ hasText: `Обращение № ${number}` });
  await expect(item).toContainText('Заказ услуги');
  await expect(item.getByTestId('request-status')).toHaveText('Принято');
  await expect(item).toContainText('Замена однофазного прибора учёта');
  await expect(item).toContainText('680000000001');
  await expect(item).toContainText(ruDate(wanted));

  // The contact centre answers; the reply shows in the request's history.
  const operator = await staffToken(request, 'operator@lk.example', 'operator-password');
  const act = await request.post(`/api/v1/operator/requests/${number}/actions`, {
    headers: { Authorization: `Bearer ${operator}` },
    data: { reply: 'Мастер придёт в выбранный день с 9 до 13 часов.' },
  });
  expect(act.status()).toBe(200);
  await page.reload();
  await expect(item.getByTestId('request-status')).toHaveText('Дан ответ');
  const toggle = item.getByRole('button', { name: new RegExp(`Обращение № ${number}`) });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const history = item.getByTestId('request-history');
  await expect(history).toContainText('Обращение отправлено');
  await expect(history).toContainText('Ответ контакт-центра');
  await expect(history).toContainText('Мастер придёт в выбранный день с 9 до 13 часов.');
  await shot(page, testInfo, '9b-my-requests-history');
  await toggle.click();
  await expect(history).toBeHidden();
  expect(errors).toEqual([]);
});

test('an uploaded logo shows in the header instead of the short name, and a new price list replaces the old one on «Услуги»', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  // A server of its own: the files change what every page shows.
  const server = await startServer({});
  try {
    const own = await api.newContext({ baseURL: server.url });
    const admin = await staffToken(own, 'admin@lk.example', 'admin-password');
    const put = async (slot: string, data: Buffer) => {
      const resp = await own.put(`/api/v1/operator/files/${slot}`, {
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/octet-stream' },
        data,
      });
      expect(resp.status(), `upload ${slot}`).toBe(200);
    };
    await put('logo', logoPng());
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await put('price-list', pdf);

    await page.goto(`${server.url}/login`);
    const logo = page.getByTestId('logo-image');
    await expect(logo).toBeVisible();
    await expect(page.getByText('ТЭСК', { exact: true })).toHaveCount(0);
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(120);

    await signInNewSubscriber(page, own, testInfo, 'files', 'Мария', server.url);
    await expect(page.getByRole('banner').getByTestId('logo-image')).toBeVisible();
    await addHouseWithAccount(page, 'Квартира', '680000000001', '01234567');
    await page.getByTestId('house-card').getByRole('link', { name: 'Электроэнергия' }).click();
    await houseTab(page, 'Услуги').click();
    const priceList = page.getByRole('link', { name: /Прейскурант услуг/ });
    await expect(priceList).toContainText('PDF');
    await expect(priceList).toHaveAttribute('download', '');
    const href = await priceList.getAttribute('href');
    expect(href).toMatch(/^\/api\/v1\/services\/price-list/);
    const file = await own.get(href!);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toContain('application/pdf');
    expect((await file.body()).equals(pdf)).toBe(true);
    await shot(page, testInfo, '9c-logo-price-list');
    await own.dispose();
  } finally {
    await server.stop();
  }
  expect(errors).toEqual([]);
});
