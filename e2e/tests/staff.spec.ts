import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { PASSWORD, shot, signInNewSubscriber, watchForErrors } from './helpers';

// The demo staff of `lk seed-demo`.
const OPERATOR = { email: 'operator@lk.example', password: 'operator-password' };
const ADMIN = { email: 'admin@lk.example', password: 'admin-password' };

/** Signs in through the login page. */
async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Адрес электронной почты').fill(who.email);
  await page.getByLabel('Пароль').fill(who.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByTestId('profile-link')).toBeVisible();
  // Staff start in their console, subscribers on the main page.
  const staff = who.email === OPERATOR.email || who.email === ADMIN.email;
  await expect(page).toHaveURL(staff ? /\/staff$/ : /\/$/);
}

async function signOut(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Выход' }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** An access token of `who`, through the API. */
async function token(request: APIRequestContext, who: { email: string; password: string }): Promise<string> {
  const resp = await request.post('/api/v1/auth/login', { data: { email: who.email, password: who.password } });
  expect(resp.status()).toBe(200);
  return (await resp.json()).access_token;
}

/** Opens the console through the header's link (an icon on phones). */
async function openConsole(page: Page) {
  await page.getByRole('banner').getByRole('link', { name: 'Контакт-центр' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Контакт-центр' })).toBeVisible();
}

test('a subscriber asks a question, the operator finds it in the queue and replies, the subscriber reads the reply in «Мои обращения» and by e-mail', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  const email = await signInNewSubscriber(page, request, testInfo, 'staff-q');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Контакт-центр' })).toHaveCount(0);

  // The question, from the footer's «Задать вопрос» (contact.spec asks from the header).
  await page.getByRole('contentinfo').getByRole('button', { name: 'Задать вопрос' }).click();
  const dialog = page.getByRole('dialog');
  const question = `Можно ли передавать показания после 25 числа? (${testInfo.project.name})`;
  await dialog.getByLabel('Текст сообщения').fill(question);
  await dialog.getByRole('button', { name: 'Отправить' }).click();
  const ack = dialog.getByTestId('contact-ack');
  await expect(ack).toContainText('Обращение №');
  const number = (await ack.textContent())?.match(/№ (\d+)/)?.[1];
  expect(number).toBeTruthy();
  await dialog.getByRole('button', { name: 'Закрыть' }).last().click();
  await signOut(page);

  // The operator: the queue, a search by the sender's e-mail, the request.
  await signIn(page, OPERATOR);
  await openConsole(page);
  const queue = page.getByTestId('queue');
  await expect(queue).toBeVisible();
  await page.getByLabel('Статус').selectOption('new');
  await expect(page).toHaveURL(/status=new/);
  await expect(queue.getByTestId('queue-row').first()).toContainText('Принято');
  await page.getByLabel('Вид').selectOption('question');
  await expect(page).toHaveURL(/kind=question/);
  await page.getByRole('searchbox', { name: 'Поиск' }).fill(email);
  await page.getByRole('button', { name: 'Найти' }).click();
  const row = queue.getByTestId('queue-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`№ ${number}`);
  await expect(row).toContainText(email);
  await expect(row).toContainText('Вопрос');
  await expect(row).toContainText('из ЛК');
  await shot(page, testInfo, '80-staff-queue');

  // Nothing found: the empty state offers to reset the filters.
  await page.getByRole('searchbox', { name: 'Поиск' }).fill('nobody-at-all@example.ru');
  await page.getByRole('searchbox', { name: 'Поиск' }).press('Enter');
  await expect(page.getByTestId('queue-empty')).toContainText('Обращений не найдено');
  await page.getByRole('button', { name: 'Сбросить фильтры' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByLabel('Статус')).toHaveValue('');
  await page.getByRole('searchbox', { name: 'Поиск' }).fill(number!);
  await page.getByRole('button', { name: 'Найти' }).click();
  await expect(row).toHaveCount(1);

  await row.getByRole('link', { name: `Обращение № ${number}` }).click();
  await expect(page).toHaveURL(new RegExp(`/staff/requests/${number}$`));
  const card = page.getByTestId('staff-request');
  await expect(card.getByRole('heading', { name: `Обращение № ${number}` })).toBeVisible();
  await expect(card).toContainText(question);
  await expect(card).toContainText('Абонентова Мария');
  await expect(card).toContainText(email);
  await expect(card).toContainText('из личного кабинета');
  const history = page.getByTestId('staff-history');
  await expect(history).toContainText('Обращение поступило');

  // A reply and a status nobody may go back to: «Принято» is not offered.
  await page.getByRole('button', { name: 'Отправить' }).click();
  await expect(page.getByText('Напишите ответ или выберите новый статус.')).toBeVisible();
  await expect(page.getByTestId('reply-status').locator('option', { hasText: 'Принято' })).toHaveCount(0);
  const reply = `Да, показания после 25 числа учитываются в следующем месяце. (${testInfo.project.name})`;
  await page.getByLabel('Ответ', { exact: true }).fill(reply);
  await page.getByRole('button', { name: 'Отправить' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Ответ отправлен на ${email}` })).toBeVisible();
  await expect(card).toContainText('Дан ответ');
  await expect(history).toContainText(reply);
  await expect(history).toContainText('operator@lk.example');
  await expect(page.getByLabel('Ответ', { exact: true })).toHaveValue('');

  // Closing it, then a status a closed request cannot take: the API's 409 is shown as text.
  await page.getByTestId('reply-status').selectOption('done');
  await page.getByRole('button', { name: 'Отправить' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Статус изменён: «Выполнено»' })).toBeVisible();
  await expect(page.getByTestId('reply-status').locator('option')).toHaveText(['Не менять', 'В работе']);
  const operatorToken = await token(request, OPERATOR);
  const refused = await request.post(`/api/v1/operator/requests/${number}/actions`, {
    headers: { Authorization: `Bearer ${operatorToken}` },
    data: { status: 'answered' },
  });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).code).toBe('status_transition');
  await page.getByTestId('reply-status').selectOption('in_progress');
  await page.getByRole('button', { name: 'Отправить' }).click();
  await expect(card).toContainText('В работе');
  await expect(history).toContainText('Статус изменён: «В работе»');
  await shot(page, testInfo, '81-staff-request');

  // «Все обращения» leads back to the list as it was searched.
  await page.getByRole('link', { name: '← Все обращения' }).click();
  await expect(page).toHaveURL(new RegExp(`/staff\\?q=${number}$`));
  await expect(page.getByRole('searchbox', { name: 'Поиск' })).toHaveValue(number!);

  // The reply by e-mail.
  await expect
    .poll(async () => {
      const mails = await (await request.get(`/api/v1/dev/mailbox?to=${encodeURIComponent(email)}`)).json();
      return mails.filter((m: { subject: string; body: string }) => m.subject === `Ответ на обращение № ${number}` && m.body.includes(reply)).length;
    })
    .toBe(1);
  await signOut(page);

  // The subscriber: the API and «Профиль → Мои обращения».
  const subscriberToken = await token(request, { email, password: PASSWORD });
  const mine = await request.get(`/api/v1/me/requests/${number}`, { headers: { Authorization: `Bearer ${subscriberToken}` } });
  expect(mine.status()).toBe(200);
  const detail = await mine.json();
  expect(detail.request.status).toBe('in_progress');
  expect(detail.events.map((e: { text?: string }) => e.text)).toContain(reply);
  await signIn(page, { email, password: PASSWORD });
  await page.getByTestId('profile-link').click();
  await page.getByRole('link', { name: 'Мои обращения' }).click();
  const mineCard = page.locator(`[data-testid="request"][data-number="${number}"]`);
  await mineCard.getByRole('button', { name: new RegExp(`Обращение № ${number}`) }).click();
  await expect(mineCard).toContainText(reply);
  expect(errors).toEqual([]);
});

test('an admin adds a question to «Вопросы и ответы» and a guest and a subscriber read it on /faq', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, ADMIN);
  await openConsole(page);
  await page.getByRole('link', { name: 'Содержимое сайта' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Администрирование' })).toBeVisible();
  const faq = page.getByTestId('section-faq');
  await expect(faq.getByTestId('faq-item').first()).toBeVisible();
  const before = await faq.getByTestId('faq-item').count();
  // The table of contents leads to the section.
  await page.getByRole('navigation', { name: 'Разделы содержимого' }).getByRole('button', { name: 'Вопросы и ответы' }).click();
  await expect(faq.getByRole('heading', { name: 'Вопросы и ответы' })).toBeFocused();
  await shot(page, testInfo, '82-staff-content');

  // A blank question is refused at its field, by its path.
  await faq.getByRole('button', { name: '+ Добавить вопрос' }).click();
  const added = faq.getByTestId('faq-item').last();
  await expect(added.getByLabel('Вопрос', { exact: true })).toBeFocused();
  await faq.getByRole('button', { name: 'Сохранить' }).click();
  await expect(added.getByText('Заполните это поле.').first()).toBeVisible();

  const question = `Можно ли оплатить электроэнергию за несколько месяцев вперёд? ${testInfo.project.name} ${Date.now()}`;
  const answer = 'Да: переплата учитывается в следующих счетах автоматически.';
  await added.getByLabel('Вопрос', { exact: true }).fill(question);
  await added.getByLabel('Ответ', { exact: true }).fill(answer);
  // Moved to the top, it is the first question of the page; the focus stays with it (at the
  // top, on «Ниже»: «Выше» has nothing more to do).
  for (let i = before; i > 0; i--) {
    await faq.getByTestId('faq-item').nth(i).getByRole('button', { name: /Переместить выше/ }).click();
    await expect(faq.getByTestId('faq-item').nth(i - 1).getByLabel('Вопрос', { exact: true })).toHaveValue(question);
  }
  await expect(faq.getByTestId('faq-item').first().getByRole('button', { name: /Переместить ниже/ })).toBeFocused();
  await faq.getByRole('button', { name: 'Сохранить' }).click();
  await expect(faq.getByText('Сохранено. Абоненты уже видят изменения.')).toBeVisible();
  await expect(faq.getByTestId('faq-item')).toHaveCount(before + 1);
  // Saved: its «не проверено» note is gone.
  await expect(faq.getByRole('note')).toHaveCount(0);
  await signOut(page);

  await page.goto('/faq');
  await expect(page.getByRole('heading', { level: 1, name: 'Вопросы и ответы' })).toBeVisible();
  await page.getByText(question).click();
  await expect(page.getByText(answer).first()).toBeVisible();

  // A subscriber, signed in, reaches it from the footer.
  await signInNewSubscriber(page, request, testInfo, 'faq-reader');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Вопросы и ответы' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Вопросы и ответы' })).toBeVisible();
  await page.getByText(question).click();
  await expect(page.getByText(answer).first()).toBeVisible();
  expect(errors).toEqual([]);
});

test('the content is for admins: an operator reads why and the API answers 403; a subscriber finds no console at all (404)', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, OPERATOR);
  await page.goto('/staff/content');
  await expect(page.getByTestId('admin-only')).toContainText('Только для администраторов');
  await expect(page.getByTestId('section-faq')).toHaveCount(0);
  await page.getByRole('link', { name: 'Сотрудники' }).click();
  await expect(page.getByTestId('admin-only')).toBeVisible();
  const operatorToken = await token(request, OPERATOR);
  const auth = { Authorization: `Bearer ${operatorToken}` };
  expect((await request.get('/api/v1/operator/content', { headers: auth })).status()).toBe(403);
  expect((await request.put('/api/v1/operator/content/about', { headers: auth, data: { text: 'x' } })).status()).toBe(403);
  expect((await request.get('/api/v1/operator/requests', { headers: auth })).status()).toBe(200);
  await signOut(page);

  const email = await signInNewSubscriber(page, request, testInfo, 'staff-no');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Контакт-центр' })).toHaveCount(0);
  await page.goto('/staff');
  await expect(page.getByRole('heading', { name: 'Страница не найдена' })).toBeVisible();
  const subscriberToken = await token(request, { email, password: PASSWORD });
  const sub = { Authorization: `Bearer ${subscriberToken}` };
  expect((await request.get('/api/v1/operator/requests', { headers: sub })).status()).toBe(404);
  expect((await request.get('/api/v1/operator/content', { headers: sub })).status()).toBe(404);
  expect(errors).toEqual([]);
});

test('an admin uploads a PDF price list; a web page named .pdf is refused with the server\'s reason', async ({ page, request }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, ADMIN);
  await page.goto('/staff/content');
  const files = page.getByTestId('file-price-list');
  await expect(files).toBeVisible();

  await files.getByRole('button', { name: 'Загрузить' }).click();
  await expect(files.getByText('Выберите файл.')).toBeVisible();

  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(`% прейскурант ${testInfo.project.name}\n`), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
  await files.getByLabel('Новый файл').setInputFiles({ name: 'preyskurant.pdf', mimeType: 'application/pdf', buffer: pdf });
  await files.getByRole('button', { name: 'Загрузить' }).click();
  await expect(files.getByText('Прейскурант загружен')).toBeVisible();
  await expect(files.getByTestId('file-current')).toContainText(`PDF, ${(pdf.length / 1024).toFixed(1).replace('.', ',')} КиБ`);
  const download = await request.get('/api/v1/services/price-list');
  expect(download.status()).toBe(200);
  expect(download.headers()['content-type']).toContain('application/pdf');
  expect((await download.body()).subarray(0, 8).toString()).toBe('%PDF-1.4');

  await files.getByLabel('Новый файл').setInputFiles({ name: 'price.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>') });
  await files.getByRole('button', { name: 'Загрузить' }).click();
  await expect(files.getByRole('alert')).toContainText('Файл не является документом нужного типа (PDF или XLSX); тип определяется по содержимому, а не по имени.');
  // The stored file is still the PDF.
  await expect(files.getByTestId('file-current')).toContainText('PDF');
  expect((await (await request.get('/api/v1/services/price-list')).body()).subarray(0, 8).toString()).toBe('%PDF-1.4');
  await files.scrollIntoViewIfNeeded();
  await shot(page, testInfo, '83-staff-files');

  // The staff list: the admin cannot switch themselves off.
  await page.getByRole('link', { name: 'Сотрудники' }).click();
  const users = page.getByTestId('staff-users');
  await expect(users.getByTestId('staff-user').filter({ hasText: ADMIN.email })).toContainText('Это вы');
  await expect(users.getByTestId('staff-user').filter({ hasText: OPERATOR.email })).toContainText('Активен');
  await shot(page, testInfo, '84-staff-users');
  // Switching the operator off asks first, and can be undone.
  const operatorRow = users.getByTestId('staff-user').filter({ hasText: OPERATOR.email });
  await operatorRow.getByRole('button', { name: `Отключить: ${OPERATOR.email}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Отключить сотрудника?' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Отключить' }).click();
  await expect(dialog).toBeHidden();
  await expect(operatorRow).toContainText('Отключён');
  const off = await request.post('/api/v1/auth/login', { data: OPERATOR });
  expect(off.status()).not.toBe(200);
  await operatorRow.getByRole('button', { name: `Включить: ${OPERATOR.email}` }).click();
  await expect(operatorRow).toContainText('Активен');
  await expect(operatorRow.getByRole('button', { name: `Отключить: ${OPERATOR.email}` })).toBeFocused();
  expect((await request.post('/api/v1/auth/login', { data: OPERATOR })).status()).toBe(200);
  expect(errors).toEqual([]);
});

test('an admin adds a branch, edits it and deletes it; a branch accounts belong to is kept', async ({ page }, testInfo) => {
  const errors = watchForErrors(page);
  await signIn(page, ADMIN);
  await page.goto('/staff/content');
  const section = page.getByTestId('section-branches');
  const code = `zherdevka-${testInfo.project.name}`;
  await section.getByRole('button', { name: '+ Добавить отделение' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Новое отделение' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog.getByText('Заполните это поле.').first()).toBeVisible();
  await dialog.getByLabel('Код').fill(code);
  await dialog.getByLabel('Название').fill('Жердевское отделение');
  await dialog.getByLabel('Адрес').fill('393670, г. Жердевка, ул. Интернациональная');
  await dialog.getByLabel('Телефон').fill('+7 (47535) 5-00-00');
  await dialog.getByLabel('E-mail').fill('zherdevka@tesk.example');
  await dialog.getByLabel('Режим работы').fill('Пн–Пт 8:00–17:00');
  // The window as it is seen (a full-page picture would lose it).
  await page.screenshot({ path: `artifacts/${testInfo.project.name}-85-staff-branch-form.png` });
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByText('Отделение «Жердевское отделение» добавлено.')).toBeVisible();
  const branch = section.getByTestId('branch').filter({ hasText: `код ${code}` });
  await expect(branch).toContainText('393670, г. Жердевка');
  await expect(branch.getByRole('button', { name: 'Изменить: Жердевское отделение' })).toBeFocused();

  // Edited: the code stays.
  await branch.getByRole('button', { name: 'Изменить: Жердевское отделение' }).click();
  await expect(dialog.getByLabel('Код')).toHaveAttribute('readonly', '');
  await dialog.getByLabel('Режим работы').fill('Пн–Чт 8:00–17:00, Пт 8:00–16:00');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(dialog).toBeHidden();
  await expect(branch).toContainText('Пт 8:00–16:00');

  // The demo accounts belong to the Tambov branch: it cannot go.
  await section.getByRole('button', { name: 'Удалить: Тамбовское отделение' }).click();
  await dialog.getByRole('button', { name: 'Удалить отделение' }).click();
  await expect(dialog.getByRole('alert')).toContainText('К отделению относятся лицевые счета');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(section.getByRole('button', { name: 'Удалить: Тамбовское отделение' })).toBeFocused();

  await branch.getByRole('button', { name: 'Удалить: Жердевское отделение' }).click();
  await dialog.getByRole('button', { name: 'Удалить отделение' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByText('Отделение «Жердевское отделение» удалено.')).toBeVisible();
  await expect(branch).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('an admin creates an API key in the console, sees it once, and revokes it: the billing system is refused at once', async ({ page, request, context }, testInfo) => {
  const errors = watchForErrors(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const name = `Учётная система (${testInfo.project.name})`;
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Сотрудники и ключи API' }).click();
  const section = page.getByTestId('api-keys');
  await expect(section.getByRole('heading', { name: 'Ключи API' })).toBeVisible();
  const form = section.getByTestId('api-key-form');

  // Nothing chosen: the server's reasons at the fields.
  await form.getByRole('button', { name: 'Создать ключ' }).click();
  await expect(form.getByText('Заполните это поле.')).toBeVisible();
  await expect(form.getByText('Выберите хотя бы одно право.')).toBeVisible();
  await form.getByLabel('Название').fill(name);
  await form.getByLabel('Выгрузка показаний (readings:read)').check();
  await expect(form.getByText('Выберите хотя бы одно право.')).toBeHidden();
  await form.getByLabel('Загрузка платежей (payments:write)').check();
  await form.getByRole('button', { name: 'Создать ключ' }).click();

  // The key, this once.
  const created = section.getByTestId('api-key-created');
  await expect(created.getByRole('heading', { name: `Ключ «${name}» создан` })).toBeFocused();
  await expect(created).toContainText('он показывается один раз');
  const key = await created.getByTestId('api-key-value').inputValue();
  expect(key).toMatch(/^lka_/);
  await created.getByRole('button', { name: 'Скопировать' }).click();
  await expect(created.getByRole('status')).toHaveText(/скопирован|выделен/);
  if ((await created.getByRole('status').textContent())?.includes('скопирован')) {
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  }
  const row = section.getByTestId('api-key').filter({ hasText: name });
  await expect(row).toContainText('Действует');
  await expect(row).toContainText('Выгрузка показаний');
  await expect(row).toContainText('Загрузка платежей');
  await expect(row).toContainText('не использовался');
  await expect(row).toContainText(`${key.slice(0, 12)}…`);
  await expect(form.getByLabel('Название')).toHaveValue('');
  await shot(page, testInfo, '86-staff-api-key-created');

  // The key works where its rights allow.
  const auth = { Authorization: `Bearer ${key}` };
  expect((await request.get('/api/v1/integration/readings', { headers: auth })).status()).toBe(200);
  expect((await request.get('/api/v1/integration/payments', { headers: auth })).status()).toBe(403);

  // A second key of the same name is refused at the name.
  await form.getByLabel('Название').fill(name);
  await form.getByLabel('Выгрузка онлайн-оплат (payments:read)').check();
  await form.getByRole('button', { name: 'Создать ключ' }).click();
  await expect(form.getByText('Действующий ключ с таким названием уже есть')).toBeVisible();
  await form.getByLabel('Название').fill('');

  // Hidden once saved, and never shown again — not even after a reload.
  await created.getByRole('button', { name: 'Ключ сохранён, скрыть' }).click();
  await expect(created).toBeHidden();
  await page.reload();
  await expect(row).toContainText('Действует');
  await expect(row).not.toContainText('не использовался');
  expect(await page.content()).not.toContain(key);

  // Revoked after a confirmation; cancelling changes nothing.
  await row.getByRole('button', { name: `Отозвать: ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Отозвать ключ?' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Отмена' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByRole('button', { name: `Отозвать: ${name}` })).toBeFocused();
  await row.getByRole('button', { name: `Отозвать: ${name}` }).click();
  await dialog.getByRole('button', { name: 'Отозвать' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByText(`Ключ «${name}» отозван`)).toBeVisible();
  await expect(row).toContainText('Отозван');
  await expect(row.getByRole('button', { name: /Отозвать/ })).toHaveCount(0);
  await shot(page, testInfo, '87-staff-api-key-revoked');
  const refused = await request.get('/api/v1/integration/readings', { headers: auth });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).code).toBe('invalid_api_key');
  expect(errors).toEqual([]);
});
