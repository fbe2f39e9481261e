//! Demo data and administrative user creation.

use chrono::{Datelike, Months, NaiveDate, Utc};
use lk_domain::{
    Email, NamePart, Password, PaymentSource, Rate, ReadingSource, Role, TariffPlan, Zone,
    ZoneScheme,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::db::readings::NewReading;
use crate::db::registry::{NewAccount, NewBranch, NewInvoice, NewMeter, NewPayment};
use crate::db::{NewUser, Store, StoreError, UserRecord};
use crate::security::password::hash_blocking;

/// The demo subscriber of DESIGN.md.
pub const DEMO_EMAIL: &str = "demo@lk.example";
pub const DEMO_PASSWORD: &str = "demo-password";

/// Creates a confirmed user, applying the same rules as registration.
pub async fn create_user(
    store: &dyn Store,
    email: &str,
    password: &str,
    role: Role,
    last_name: Option<&str>,
    first_name: Option<&str>,
) -> anyhow::Result<UserRecord> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("e-mail: {e}"))?;
    let password =
        Password::parse(password, email.as_str()).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let last_name =
        NamePart::parse_optional(last_name).map_err(|e| anyhow::anyhow!("last name: {e}"))?;
    let first_name =
        NamePart::parse_optional(first_name).map_err(|e| anyhow::anyhow!("first name: {e}"))?;
    let secret = password.expose().to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_blocking(&secret)).await??;
    let now = Utc::now();
    let user = NewUser {
        email: email.as_str().to_owned(),
        email_normalized: email.normalized(),
        password_hash: hash,
        last_name: last_name.map(|n| n.as_str().to_owned()),
        first_name: first_name.map(|n| n.as_str().to_owned()),
        patronymic: None,
        phone: None,
        role,
        email_confirmed_at: Some(now),
        personal_data_consent_at: Some(now),
        now,
    };
    match store.create_user(&user).await {
        Ok(u) => Ok(u),
        Err(StoreError::Conflict(crate::db::Constraint::UserEmail)) => {
            anyhow::bail!("a user with e-mail {} already exists", email)
        }
        Err(e) => Err(e.into()),
    }
}

/// The demo contact-centre operator and admin (development only, like the demo subscriber).
pub const DEMO_OPERATOR: (&str, &str) = ("operator@lk.example", "operator-password");
pub const DEMO_ADMIN: (&str, &str) = ("admin@lk.example", "admin-password");

/// Loads the demo data; running it again changes nothing.
pub async fn seed_demo(
    store: &dyn Store,
    company: &crate::config::CompanyConfig,
) -> anyhow::Result<String> {
    let mut report = Vec::new();
    report.push(crate::seed_content::seed_content(store, company).await?);
    report.push(
        seed_registry(
            store,
            Utc::now()
                .with_timezone(&chrono_tz::Europe::Moscow)
                .date_naive(),
        )
        .await?,
    );
    if store.user_by_email(DEMO_EMAIL).await?.is_none() {
        create_user(
            store,
            DEMO_EMAIL,
            DEMO_PASSWORD,
            Role::Subscriber,
            Some("Иванов"),
            Some("Иван"),
        )
        .await?;
        report.push(format!("demo user {DEMO_EMAIL} / {DEMO_PASSWORD} created"));
    } else {
        report.push(format!("demo user {DEMO_EMAIL} already present"));
    }
    let staff = [
        (DEMO_OPERATOR, Role::Operator, "Петрова", "Анна"),
        (DEMO_ADMIN, Role::Admin, "Смирнов", "Олег"),
    ];
    for ((email, password), role, last, first) in staff {
        if store.user_by_email(email).await?.is_none() {
            create_user(store, email, password, role, Some(last), Some(first)).await?;
            report.push(format!("demo {role} {email} / {password} created"));
        }
    }
    Ok(report.join("\n"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Prices of the demo plans (rubles per kWh), from 1 January and 1 July of each year — the
/// shape of the reference company's regulated tariffs for households.
fn demo_rates(scheme: ZoneScheme) -> Vec<Rate> {
    let steps: [(NaiveDate, [&str; 3]); 6] = [
        (date(2023, 12, 1), ["4.87", "5.25", "2.79"]),
        (date(2024, 7, 1), ["5.47", "5.90", "3.13"]),
        (date(2025, 1, 1), ["5.47", "5.90", "3.13"]),
        (date(2025, 7, 1), ["6.13", "6.61", "3.51"]),
        (date(2026, 1, 1), ["6.13", "6.61", "3.51"]),
        (date(2026, 7, 1), ["6.71", "7.24", "3.84"]),
    ];
    let dec = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    let mut out = Vec::new();
    for (from, [single, day, night]) in steps {
        let zones: Vec<(Zone, Decimal)> = match scheme {
            ZoneScheme::Single => vec![(Zone::Single, dec(single))],
            ZoneScheme::TwoZone => vec![(Zone::Day, dec(day)), (Zone::Night, dec(night))],
            ZoneScheme::ThreeZone => vec![
                (Zone::Peak, (dec(day) * Decimal::new(12, 1)).round_dp(2)),
                (Zone::HalfPeak, dec(single)),
                (Zone::Night, dec(night)),
            ],
        };
        out.extend(zones.into_iter().map(|(zone, price)| Rate {
            zone,
            valid_from: from,
            band_from_kwh: 0,
            price,
        }));
    }
    out
}

/// A demo account of DESIGN.md.
struct DemoAccount {
    number: &'static str,
    meter: &'static str,
    scheme: ZoneScheme,
    holder: &'static str,
    address: &'static str,
    model: &'static str,
    /// Typical monthly kWh per zone, in the scheme's zone order.
    monthly: &'static [i64],
    start: &'static [i64],
}

const DEMO_ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        number: "680000000001",
        meter: "01234567",
        scheme: ZoneScheme::Single,
        holder: "Иванов Иван Иванович",
        address: "392000, г. Тамбов, ул. Советская, д. 45, кв. 12",
        model: "Меркурий 201.5",
        monthly: &[230],
        start: &[18_240],
    },
    DemoAccount {
        number: "680000000002",
        meter: "02345678",
        scheme: ZoneScheme::TwoZone,
        holder: "Петрова Анна Сергеевна",
        address: "392030, г. Тамбов, ул. Мичуринская, д. 112, кв. 7",
        model: "Меркурий 200.02",
        monthly: &[210, 120],
        start: &[25_100, 11_870],
    },
    DemoAccount {
        number: "680000000003",
        meter: "03456789",
        scheme: ZoneScheme::ThreeZone,
        holder: "Сидоров Пётр Николаевич",
        address: "393760, Тамбовская обл., г. Мичуринск, ул. Украинская, д. 8",
        model: "Энергомера CE301",
        monthly: &[95, 160, 140],
        start: &[7_410, 12_050, 10_300],
    },
];

/// Seasonal factor in percent: more light and heating in winter.
fn season(month: u32) -> i64 {
    [135, 125, 110, 95, 85, 75, 75, 80, 90, 105, 120, 135][(month - 1) as usize]
}

/// Branch, tariff plans and the three demo accounts with two years of monthly readings,
/// invoices and payments. Account 1 ends in debt, account 2 prepaid, account 3 settled.
pub async fn seed_registry(store: &dyn Store, today: NaiveDate) -> anyhow::Result<String> {
    if store
        .account_id_by_number(DEMO_ACCOUNTS[0].number)
        .await?
        .is_some()
    {
        return Ok("demo accounts already present".into());
    }
    let branch = crate::seed_content::branches().swap_remove(0);
    let branch_id = store
        .insert_branch(&NewBranch {
            code: branch.code,
            name: branch.name,
            address: branch.address,
            phone: branch.phone,
            email: branch.email,
            hours: branch.hours,
        })
        .await?;
    let now = Utc::now();
    let mut lines = Vec::new();
    for (n, demo) in DEMO_ACCOUNTS.iter().enumerate() {
        let rates = demo_rates(demo.scheme);
        let (code, name) = match demo.scheme {
            ZoneScheme::Single => ("population-single", "Население, одноставочный тариф"),
            ZoneScheme::TwoZone => (
                "population-two-zone",
                "Население, тариф по двум зонам суток",
            ),
            ZoneScheme::ThreeZone => (
                "population-three-zone",
                "Население, тариф по трём зонам суток",
            ),
        };
        let plan_id = store
            .insert_tariff_plan(code, name, demo.scheme, &rates)
            .await?;
        let plan = TariffPlan {
            scheme: demo.scheme,
            rates,
        };
        let account_id = store
            .insert_account(
                &NewAccount {
                    number: demo.number.into(),
                    holder_name: demo.holder.into(),
                    address: demo.address.into(),
                    branch_id,
                    contract_number: format!("68-{:06}", 1000 + n),
                    contract_date: date(2016, 3, 1 + n as u32),
                    tariff_plan_id: plan_id,
                    residents: 1 + n as i64,
                    opening_balance: 0,
                },
                now,
            )
            .await?;
        let meter_id = store
            .insert_meter(&NewMeter {
                account_id,
                serial: demo.meter.into(),
                model: demo.model.into(),
                scheme: demo.scheme,
                digits: 6,
                installed_on: Some(date(2019, 4, 10 + n as u32)),
                verified_on: Some(date(2019, 3, 1)),
                next_verification_on: Some(date(2035, 3, 1)),
                location: "Лестничная площадка, щиток".into(),
            })
            .await?;

        // Readings on the 20th of each of the last 25 months, up to last month.
        let first = today
            .with_day(20)
            .and_then(|d| d.checked_sub_months(Months::new(25)))
            .unwrap_or(today);
        let mut values: Vec<i64> = demo.start.to_vec();
        let mut previous_on: Option<NaiveDate> = None;
        let mut invoices = Vec::new();
        for k in 0..25u32 {
            let on = first.checked_add_months(Months::new(k)).unwrap_or(first);
            let mut kwh = Vec::new();
            if previous_on.is_some() {
                for (z, base) in demo.monthly.iter().enumerate() {
                    let wobble = ((k as i64 * 7 + z as i64 * 3 + n as i64) % 11) - 5;
                    let used = base * season(on.month()) / 100 + wobble * 3;
                    values[z] += used;
                    kwh.push(used);
                }
            }
            let zones = demo.scheme.zones();
            let consumption: Vec<(Zone, i64)> =
                zones.iter().copied().zip(kwh.iter().copied()).collect();
            let charge = if consumption.is_empty() {
                None
            } else {
                Some(plan.charge(&consumption, on)?)
            };
            store
                .insert_reading(&NewReading {
                    meter_id,
                    account_id,
                    taken_on: on,
                    source: if k % 6 == 5 {
                        ReadingSource::Controller
                    } else {
                        ReadingSource::Billing
                    },
                    submitted_by: None,
                    values: zones.iter().copied().zip(values.iter().copied()).collect(),
                    consumption: charge.as_ref().map(|_| kwh.iter().sum()),
                    charge: charge.as_ref().map(|c| c.total.0),
                    now,
                })
                .await?;
            if let Some(c) = charge {
                let period = on.with_day(1).unwrap_or(on);
                let issued = period.checked_add_months(Months::new(1)).unwrap_or(period);
                let id = store
                    .insert_invoice(&NewInvoice {
                        account_id,
                        period,
                        issued_on: issued,
                        due_on: issued.with_day(10).unwrap_or(issued),
                        lines: c
                            .lines
                            .iter()
                            .map(|l| {
                                (
                                    l.zone.as_str().to_owned(),
                                    l.kwh.to_i64().unwrap_or_default(),
                                    (l.price * Decimal::from(10_000))
                                        .to_i64()
                                        .unwrap_or_default(),
                                    l.amount.0,
                                )
                            })
                            .collect(),
                    })
                    .await?;
                invoices.push((id, issued, c.total.0));
            }
            previous_on = Some(on);
        }
        // Payments: account 1 leaves its last two invoices unpaid; account 2 rounds every
        // payment up to the next 100 ₽; account 3 pays exactly.
        let count = invoices.len();
        for (i, (_, issued, amount)) in invoices.iter().enumerate() {
            let amount = match n {
                0 if i + 2 >= count => continue,
                1 => (amount / 10_000 + 1) * 10_000,
                _ => *amount,
            };
            let channel = [
                PaymentSource::Bank,
                PaymentSource::Online,
                PaymentSource::CashDesk,
                PaymentSource::Post,
            ][(i + n) % 4];
            let paid_on = issued.with_day(5 + (i as u32 % 4)).unwrap_or(*issued);
            if paid_on > today {
                continue;
            }
            store
                .insert_payment(
                    &NewPayment {
                        account_id,
                        amount,
                        paid_on,
                        channel,
                        external_id: Some(format!("demo-{}-{i}", demo.number)),
                    },
                    now,
                )
                .await?;
        }
        let balance = store.recompute_balance(account_id).await?;
        lines.push(format!(
            "account {} (meter {}, {}): balance {}",
            demo.number,
            demo.meter,
            demo.scheme.label_ru(),
            lk_domain::Kopecks(balance).format_ru()
        ));
    }
    Ok(lines.join("\n"))
}
