//! The reference company's content for a fresh installation (`lk seed-content`, and part of
//! `lk seed-demo`): «О компании», FAQ, payment methods, help tips, services, links and the
//! branches in the towns of the Tambov region. Facts not verified against the company's own
//! publications carry a note that admins see in the console (never subscribers); an admin's
//! save clears it. Only sections never saved are written: running it again, or after an admin
//! has edited the content, changes nothing.

use chrono::Utc;
use lk_api_types::{
    About, BrandingSettings, ContentSection, FaqItem, HelpTip, Links, PaymentMethod, Service,
};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::config::CompanyConfig;
use crate::db::content::{BranchRecord, NewFile};
use crate::db::Store;

const UNVERIFIED: &str =
    "Демонстрационные данные: сверьте с официальными сведениями компании и сохраните.";

fn faq() -> Vec<FaqItem> {
    let qa = |q: &str, a: &str| FaqItem {
        question: q.into(),
        answer: a.into(),
    };
    vec![
        qa("Как зарегистрироваться в личном кабинете?", "Нажмите «Зарегистрироваться» на странице входа, укажите адрес электронной почты и пароль и перейдите по ссылке из письма, чтобы подтвердить адрес. После этого войдите с этим адресом и паролем."),
        qa("Как добавить лицевой счёт?", "На главной странице нажмите «Добавить дом», укажите название и адрес, затем «Добавить лицевой счет»: номер лицевого счёта и заводской номер счётчика. Оба номера есть в квитанции."),
        qa("Когда передавать показания?", "Показания принимаются с 15 по 25 число каждого месяца. Переданные в эти дни показания учитываются в счёте за текущий месяц."),
        qa("Почему начисление отличается от моего расчёта?", "Начисление считается по тарифу, действующему в расчётном месяце, с учётом зон суток для многотарифных счётчиков. Подробный расчёт — в счёте (значок счёта в истории операций)."),
        qa("Как оплатить электроэнергию без комиссии?", "Оплата банковской картой в личном кабинете — без комиссии. Комиссию за платежи в банках и почтовых отделениях устанавливает банк или оператор почтовой связи."),
        qa("Когда платёж появится в личном кабинете?", "Платёж картой в личном кабинете зачисляется сразу после подтверждения банком. Платежи через банки и кассы появляются после того, как банк передаст их в компанию — обычно в течение 1–3 рабочих дней."),
        qa("Я забыл пароль. Что делать?", "На странице входа нажмите «Восстановить пароль по e-mail» и перейдите по ссылке из письма. Ссылка действует один час."),
        qa("Не приходит письмо с подтверждением", "Проверьте папку «Спам». Если письма нет, воспользуйтесь кнопкой «Обратиться в Техническую поддержку» на странице входа."),
        qa("Как изменить данные абонента (ФИО, количество проживающих)?", "На вкладке «Лицевой счет» нажмите «Изменить данные абонента» и отправьте запрос. Его статус и ответ появятся в профиле, в разделе «Мои обращения»."),
        qa("Как заменить или поверить счётчик?", "Закажите услугу на вкладке «Услуги» дома или обратитесь в отделение компании. После замены передайте показания нового счётчика."),
    ]
}

fn payment_methods() -> Vec<PaymentMethod> {
    let m = |t: &str, x: &str| PaymentMethod {
        title: t.into(),
        text: x.into(),
    };
    vec![
        m("Банковской картой в личном кабинете", "Нажмите «Оплатить» на главной странице или на вкладке «Электроэнергия», укажите сумму и подтвердите платёж на странице банка. Комиссия не взимается; платёж зачисляется сразу после подтверждения банком."),
        m("По QR-коду из квитанции", "Откройте приложение своего банка, выберите оплату по QR-коду и наведите камеру на код в квитанции. Реквизиты и сумма заполнятся автоматически. Квитанцию с QR-кодом можно распечатать в личном кабинете («Печать квитанции»)."),
        m("В отделениях банков и через банкоматы", "По квитанции или по номеру лицевого счёта. Комиссию устанавливает банк."),
        m("В почтовых отделениях", "По квитанции в любом отделении почты. Платёж поступает в компанию в течение нескольких рабочих дней."),
        m("В кассах отделений компании", "Наличными или картой в часы работы отделения (адреса — в разделе «Контакты»)."),
    ]
}

fn help_tips() -> Vec<HelpTip> {
    [
        "Добавьте дом и привяжите к нему лицевой счёт по номеру счёта и заводскому номеру счётчика — они есть в квитанции.",
        "Показания принимаются с 15 по 25 число месяца: кнопка «Передать показания» есть на главной странице и на вкладке «Счетчики».",
        "История начислений, показаний и платежей — на вкладке «Электроэнергия». Выберите период и отметьте нужные типы операций.",
        "Квитанцию с QR-кодом для оплаты в приложении банка можно распечатать в любой момент: «Печать квитанции» на вкладке «Электроэнергия».",
        "Остались вопросы? Нажмите «Задать вопрос» — ответ придёт на почту и появится в профиле, в разделе «Мои обращения».",
    ]
    .into_iter()
    .map(|t| HelpTip { text: t.into() })
    .collect()
}

fn services() -> Vec<Service> {
    let s = |code: &str, name: &str, description: &str, price: Option<i64>, unit: &str| Service {
        code: code.into(),
        name: name.into(),
        description: description.into(),
        price: price.map(Decimal::from),
        unit: unit.into(),
    };
    vec![
        s("meter-replace-1", "Замена однофазного прибора учёта", "Демонтаж старого и установка нового однофазного счётчика, опломбирование, акт ввода в эксплуатацию.", Some(1850), "за услугу"),
        s("meter-replace-3", "Замена трёхфазного прибора учёта", "Демонтаж старого и установка нового трёхфазного счётчика прямого включения, опломбирование, акт ввода в эксплуатацию.", Some(2900), "за услугу"),
        s("meter-seal", "Опломбирование прибора учёта", "Установка пломбы после ремонта или замены, составление акта.", Some(650), "за 1 прибор"),
        s("meter-check", "Внеочередная проверка прибора учёта", "Выезд специалиста, проверка схемы подключения и показаний, акт проверки.", Some(1200), "за выезд"),
        s("reconciliation", "Сверка расчётов с выездом", "Снятие контрольных показаний и сверка начислений по лицевому счёту.", None, ""),
    ]
}

/// The branches of the reference company; the first is the demo accounts' branch.
pub fn branches() -> Vec<BranchRecord> {
    let b = |code: &str, town: &str, address: &str, phone: &str| BranchRecord {
        code: code.into(),
        name: format!("{town} отделение"),
        address: address.into(),
        phone: phone.into(),
        email: format!("{code}@tesk.example"),
        hours: "Пн–Чт 8:00–17:00, Пт 8:00–15:45, обед 12:00–12:45; сб, вс — выходной".into(),
        note: Some(format!(
            "{UNVERIFIED} Адрес, телефон и e-mail отделения не проверены."
        )),
    };
    vec![
        b(
            "tambov",
            "Тамбовское",
            "392000, г. Тамбов, ул. Московская, д. 19д",
            "+7 (4752) 55-00-00",
        ),
        b(
            "michurinsk",
            "Мичуринское",
            "393760, г. Мичуринск, ул. Советская",
            "+7 (47545) 5-00-00",
        ),
        b(
            "morshansk",
            "Моршанское",
            "393950, г. Моршанск, Октябрьская пл.",
            "+7 (47533) 4-00-00",
        ),
        b(
            "rasskazovo",
            "Рассказовское",
            "393250, г. Рассказово, ул. Советская",
            "+7 (47531) 2-00-00",
        ),
        b(
            "kirsanov",
            "Кирсановское",
            "393360, г. Кирсанов, ул. Советская",
            "+7 (47537) 3-00-00",
        ),
        b(
            "kotovsk",
            "Котовское",
            "393190, г. Котовск, ул. Октябрьская",
            "+7 (47541) 4-00-00",
        ),
        b(
            "uvarovo",
            "Уваровское",
            "393460, г. Уварово, ул. Советская",
            "+7 (47558) 4-00-00",
        ),
        b(
            "zherdevka",
            "Жердевское",
            "393670, г. Жердевка, ул. Советская",
            "+7 (47535) 5-00-00",
        ),
    ]
}

/// «Прейскурант услуг» of the catalogue as a one-page PDF, marked as a demonstration.
fn price_list_pdf(services: &[Service]) -> anyhow::Result<Vec<u8>> {
    use crate::pdf::{Document, Weight};
    let (left, right) = (20.0, 190.0);
    let mut d = Document::new("Прейскурант услуг");
    d.text(left, 25.0, 16.0, Weight::Bold, "Прейскурант услуг");
    d.text(
        left,
        32.0,
        9.0,
        Weight::Regular,
        "ПАО «Тамбовская энергосбытовая компания». Демонстрационный прейскурант: цены не действуют.",
    );
    let mut y = 46.0;
    d.text(left, y, 10.0, Weight::Bold, "Услуга");
    d.text_right(right, y, 10.0, Weight::Bold, "Цена, руб.");
    d.line(left, y + 2.0, right, y + 2.0, 0.6);
    y += 9.0;
    for s in services {
        let price = match s.price {
            Some(p) => format!("{} {}", format!("{p:.2}").replace('.', ","), s.unit),
            None => "по договорённости".to_owned(),
        };
        d.text_right(right, y, 10.0, Weight::Bold, price.trim());
        let lines = d.paragraph(left, y, 120.0, 10.0, Weight::Bold, &s.name);
        y += lines as f32 * 4.6;
        let lines = d.paragraph(left, y, 120.0, 8.5, Weight::Regular, &s.description);
        y += lines as f32 * 3.9 + 3.0;
        d.line(left, y - 1.5, right, y - 1.5, 0.2);
        y += 5.0;
    }
    d.finish()
}

/// Writes what was never saved; returns a line for the report.
/// The company's name, site and support contacts come from the configuration (`LK_COMPANY__…`),
/// so seeding a production database never replaces them with placeholders.
pub async fn seed_content(store: &dyn Store, company: &CompanyConfig) -> anyhow::Result<String> {
    let existing: Vec<String> = store
        .content_sections()
        .await?
        .into_iter()
        .map(|s| s.section)
        .collect();
    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap_or_default()
    }
    let about = About {
        text: "ПАО «Тамбовская энергосбытовая компания» — гарантирующий поставщик электрической энергии на территории Тамбовской области. Компания обслуживает население, юридических лиц и индивидуальных предпринимателей региона.\n\n\
               Отделения компании работают во всех крупных городах области: Тамбове, Мичуринске, Моршанске, Рассказове, Кирсанове, Котовске, Уварове и Жердевке.\n\n\
               В личном кабинете абонента можно передавать показания счётчика, следить за начислениями и платежами, оплачивать электроэнергию картой без комиссии, печатать квитанции, заказывать услуги и задавать вопросы контакт-центру.".into(),
    };
    let links = Links {
        site_url: company.site_url.clone(),
        contract_url: company.site_url.clone(),
        tariffs_url: company.site_url.clone(),
        shop_url: company.site_url.clone(),
    };
    let branding = BrandingSettings {
        company_name: company.name.clone(),
        company_short_name: company.short_name.clone(),
        support_email: company.support_email.clone(),
        support_phone: company.support_phone.clone(),
    };
    let sections: [(ContentSection, String, Option<&str>); 7] = [
        (ContentSection::About, json(&about), Some(UNVERIFIED)),
        (ContentSection::Faq, json(&faq()), None),
        (ContentSection::PaymentMethods, json(&payment_methods()), None),
        (ContentSection::HelpTips, json(&help_tips()), None),
        (ContentSection::Services, json(&services()), Some("Демонстрационные услуги и цены, демонстрационный файл прейскуранта: замените услугами компании и загрузите её прейскурант.")),
        (ContentSection::Links, json(&links), Some("Ссылки ведут на главную страницу сайта: укажите точные страницы договора, тарифов и интернет-магазина.")),
        (ContentSection::Branding, json(&branding), Some("Из настроек сервера (LK_COMPANY__…): проверьте название, адрес и телефон поддержки и сохраните.")),
    ];
    let now = Utc::now();
    let mut written = Vec::new();
    for (section, body, note) in sections {
        if !existing.iter().any(|s| s == section.as_str()) {
            store
                .put_section(section.as_str(), &body, note, None, now)
                .await?;
            written.push(section.as_str());
        }
    }
    let has_price_list = store
        .file_metas()
        .await?
        .iter()
        .any(|f| f.slot == lk_domain::FileSlot::PriceList);
    if !has_price_list {
        let bytes = price_list_pdf(&services())?;
        let sha256 = crate::db::content::digest(&bytes);
        store
            .put_file(&NewFile {
                slot: lk_domain::FileSlot::PriceList,
                kind: lk_domain::FileKind::Pdf,
                bytes: &bytes,
                sha256,
                by: None,
                now,
            })
            .await?;
    }
    let known: Vec<String> = store
        .branches()
        .await?
        .into_iter()
        .map(|b| b.code)
        .collect();
    let mut new_branches = 0;
    for b in branches() {
        if !known.contains(&b.code) {
            store.put_branch(&b).await?;
            new_branches += 1;
        }
    }
    Ok(format!(
        "content: {} section(s) written{}, {new_branches} branch(es) added{}",
        written.len(),
        if written.is_empty() {
            String::new()
        } else {
            format!(" ({})", written.join(", "))
        },
        if has_price_list {
            ""
        } else {
            ", demo price list stored"
        }
    ))
}
