//! Store behaviour that the API relies on, run on both backends.

use chrono::{Datelike, Duration, Utc};
use lk_domain::payment::PaymentStatus;
use lk_domain::HouseAccess;
use lk_server::db::payments::NewOnlinePayment;
use lk_server::db::{Backend, Device, NewUser, Rotation, Store, StoreError};

use crate::helpers::*;

fn new_user(email: &str) -> NewUser {
    let now = Utc::now();
    NewUser {
        email: email.into(),
        email_normalized: email.to_lowercase(),
        password_hash: "x".into(),
        last_name: None,
        first_name: None,
        patronymic: None,
        phone: None,
        role: lk_domain::Role::Subscriber,
        email_confirmed_at: Some(now),
        personal_data_consent_at: Some(now),
        now,
    }
}

const GRACE: i64 = 20;

async fn session_with_token(store: &dyn Store, email: &str) -> i64 {
    let user = store.create_user(&new_user(email)).await.expect("user");
    let now = Utc::now();
    store
        .create_session(
            "s1",
            user.id,
            "t0",
            now + Duration::days(1),
            Device::default(),
            now,
        )
        .await
        .expect("session");
    user.id
}

async fn concurrent_rotations_of_one_token_keep_the_session(store: &dyn Store) {
    let user_id = session_with_token(store, "race@example.ru").await;
    let now = Utc::now();
    let rotations = (0..8).map(|i| {
        let new = format!("t1-{i}");
        async move {
            store
                .rotate_refresh_token(
                    "t0",
                    &new,
                    now + Duration::days(1),
                    Utc::now(),
                    Duration::seconds(GRACE),
                    None,
                )
                .await
        }
    });
    let results = futures_util::future::join_all(rotations).await;
    let rotated = results
        .iter()
        .filter(|r| matches!(r, Ok(Rotation::Rotated { session_id, .. }) if session_id == "s1"))
        .count();
    assert_eq!(
        rotated, 8,
        "two tabs refreshing at once both stay signed in: {results:?}"
    );
    assert_eq!(
        store.session_user("s1").await.expect("session"),
        Some(user_id)
    );
    // The browser keeps one of the new cookies: it works, and the session goes on.
    let kept = store
        .rotate_refresh_token(
            "t1-3",
            "t2",
            now + Duration::days(1),
            Utc::now(),
            Duration::seconds(GRACE),
            None,
        )
        .await
        .expect("rotate");
    assert!(matches!(kept, Rotation::Rotated { .. }), "{kept:?}");
    // A sibling presented after that is a copy living on (a thief's): the family ends.
    let copy = store
        .rotate_refresh_token(
            "t1-5",
            "t-thief",
            now + Duration::days(1),
            Utc::now(),
            Duration::seconds(GRACE),
            None,
        )
        .await
        .expect("rotate");
    assert_eq!(copy, Rotation::Reused);
    assert_eq!(store.session_user("s1").await.expect("session"), None);
}

async fn a_token_replayed_after_the_grace_window_ends_the_session(store: &dyn Store) {
    session_with_token(store, "replay@example.ru").await;
    let now = Utc::now();
    let grace = Duration::seconds(GRACE);
    let first = store
        .rotate_refresh_token("t0", "t1", now + Duration::days(1), now, grace, None)
        .await
        .expect("rotate");
    assert!(matches!(first, Rotation::Rotated { .. }), "{first:?}");
    let later = now + Duration::seconds(GRACE + 1);
    let replay = store
        .rotate_refresh_token("t0", "t-thief", now + Duration::days(1), later, grace, None)
        .await
        .expect("replay");
    assert_eq!(replay, Rotation::Reused);
    assert_eq!(store.session_user("s1").await.expect("session"), None);
    let owner = store
        .rotate_refresh_token("t1", "t2", now + Duration::days(1), later, grace, None)
        .await
        .expect("owner");
    assert_eq!(
        owner,
        Rotation::Invalid,
        "the family is revoked for everyone"
    );
}

async fn emails_are_unique_whatever_their_case(store: &dyn Store) {
    store
        .create_user(&new_user("Case@Example.ru"))
        .await
        .expect("first");
    let again = store.create_user(&new_user("case@example.RU")).await;
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict(lk_server::db::Constraint::UserEmail))
        ),
        "{again:?}"
    );
}

async fn a_live_api_key_name_is_taken_once_and_freed_by_revoking(store: &dyn Store) {
    let now = Utc::now();
    let scopes = [lk_domain::ApiScope::ReadingsRead];
    let first = store
        .create_api_key("Учётная система", "lka_aaaa", "hash-1", &scopes, now)
        .await
        .expect("first");
    let again = store
        .create_api_key("Учётная система", "lka_bbbb", "hash-2", &scopes, now)
        .await;
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict(lk_server::db::Constraint::ApiKeyName))
        ),
        "{again:?}"
    );
    assert!(store.revoke_api_key(first.id, now).await.expect("revoke"));
    store
        .create_api_key("Учётная система", "lka_cccc", "hash-3", &scopes, now)
        .await
        .expect("the name is free once its key is revoked");
}

async fn throttle_windows_reset(store: &dyn Store) {
    assert_eq!(store.throttle_hit("k", 100, 1).await.expect("hit"), 1);
    assert_eq!(store.throttle_hit("k", 100, 1).await.expect("hit"), 2);
    store.throttle_give_back("k", 100).await.expect("give back");
    assert_eq!(store.throttle_hit("k", 100, 1).await.expect("hit"), 2);
    assert_eq!(
        store.throttle_hit("k", 200, 1).await.expect("hit"),
        1,
        "a new window starts at one"
    );
    store
        .throttle_give_back("k", 100)
        .await
        .expect("give back to a past window");
    assert_eq!(
        store.throttle_hit("k", 200, 1).await.expect("hit"),
        2,
        "a give-back to a past window changes nothing"
    );
    assert_eq!(store.throttle_prune(300).await.expect("prune"), 1);
}

async fn demo_account(store: &dyn Store) -> (i64, i64) {
    let today = Utc::now().date_naive();
    lk_server::seed::seed_registry(store, today)
        .await
        .expect("seed");
    let id = store
        .account_id_by_number("680000000001")
        .await
        .expect("query")
        .expect("account");
    let balance = store.recompute_balance(id).await.expect("balance");
    (id, balance)
}

fn new_payment(account_id: i64, key: &str) -> NewOnlinePayment {
    NewOnlinePayment {
        id: uuid::Uuid::new_v4().to_string(),
        account_id,
        user_id: None,
        amount: 50_000,
        provider: lk_domain::PaymentProvider::Sandbox,
        idempotence_key: key.into(),
        now: Utc::now(),
    }
}

async fn a_payment_is_credited_once_and_late_news_is_ignored(store: &dyn Store) {
    let (account, before) = demo_account(store).await;
    let p = store
        .create_online_payment(&new_payment(account, "k1"))
        .await
        .expect("create");
    assert_eq!(p.status, PaymentStatus::Created);
    let again = store
        .create_online_payment(&new_payment(account, "k1"))
        .await;
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict(
                lk_server::db::Constraint::OnlinePayment
            ))
        ),
        "the idempotence key is unique"
    );
    store
        .attach_provider_payment(&p.id, "prov-1", "https://pay.example/1", Utc::now())
        .await
        .expect("attach");
    let today = Utc::now().date_naive();
    let (r, credited) = store
        .apply_payment_status(&p.id, PaymentStatus::Pending, today, Utc::now())
        .await
        .expect("apply")
        .expect("exists");
    assert_eq!((r.status.as_str(), credited), ("pending", false));
    let (r, credited) = store
        .apply_payment_status(&p.id, PaymentStatus::Succeeded, today, Utc::now())
        .await
        .expect("apply")
        .expect("exists");
    assert_eq!((r.status.as_str(), credited), ("succeeded", true));
    assert!(r.credited_payment_id.is_some());
    for late in [
        PaymentStatus::Succeeded,
        PaymentStatus::Canceled,
        PaymentStatus::Pending,
    ] {
        let (r, credited) = store
            .apply_payment_status(&p.id, late, today, Utc::now())
            .await
            .expect("apply")
            .expect("exists");
        assert_eq!(
            (r.status.as_str(), credited),
            ("succeeded", false),
            "{late:?}"
        );
    }
    assert_eq!(
        store.recompute_balance(account).await.expect("balance"),
        before + 50_000
    );
    let by_provider = store
        .online_payment_by_provider_id(lk_domain::PaymentProvider::Sandbox, "prov-1")
        .await
        .expect("query")
        .expect("found");
    assert_eq!(by_provider.id, p.id);
    assert!(store
        .apply_payment_status("no-such-id", PaymentStatus::Succeeded, today, Utc::now())
        .await
        .expect("apply")
        .is_none());
}

async fn fifty_concurrent_success_notifications_credit_once(store: &dyn Store) {
    let (account, before) = demo_account(store).await;
    let p = store
        .create_online_payment(&new_payment(account, "k2"))
        .await
        .expect("create");
    let today = Utc::now().date_naive();
    let results =
        futures_util::future::join_all((0..50).map(|_| {
            store.apply_payment_status(&p.id, PaymentStatus::Succeeded, today, Utc::now())
        }))
        .await;
    let credits = results
        .iter()
        .filter(|r| matches!(r, Ok(Some((_, true)))))
        .count();
    assert!(
        results.iter().all(|r| r.is_ok()),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    assert_eq!(credits, 1);
    assert_eq!(
        store.recompute_balance(account).await.expect("balance"),
        before + 50_000
    );
}

async fn two_nodes_claiming_unsettled_payments_never_take_the_same_one(store: &dyn Store) {
    let (account, _) = demo_account(store).await;
    for i in 0..30 {
        store
            .create_online_payment(&new_payment(account, &format!("claim-{i}")))
            .await
            .expect("payment");
    }
    let now = Utc::now().timestamp_millis();
    assert!(
        store
            .claim_unsettled_payments(now, now + 60_000, 100)
            .await
            .expect("claim")
            .is_empty(),
        "a new payment is not asked about before its notification had time to come"
    );
    let due = now + 3 * 60_000;
    let (a, b) = futures_util::future::join(
        store.claim_unsettled_payments(due, due + 60_000, 100),
        store.claim_unsettled_payments(due, due + 60_000, 100),
    )
    .await;
    let (a, b) = (a.expect("claim a"), b.expect("claim b"));
    let mut ids: Vec<&str> = a.iter().chain(&b).map(|p| p.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (a.len() + b.len(), ids.len()),
        (30, 30),
        "each payment claimed once"
    );
    assert!(store
        .claim_unsettled_payments(due, due + 60_000, 100)
        .await
        .expect("claim again")
        .is_empty());
    assert_eq!(
        store
            .claim_unsettled_payments(due + 60_000, due + 120_000, 100)
            .await
            .expect("claim later")
            .len(),
        30,
        "still unsettled a minute later: asked about again"
    );
}

async fn two_senders_claim_each_mail_once(store: &dyn Store) {
    for i in 0..25 {
        store
            .enqueue_mail(&lk_server::db::NewMail {
                to: format!("u{i}@example.ru"),
                subject: "s".into(),
                text: "t".into(),
                html: "<p>t</p>".into(),
                message_id: format!("<{i}@lk.example>"),
                now: Utc::now(),
                ..Default::default()
            })
            .await
            .expect("enqueue");
    }
    let now = Utc::now().timestamp_millis() + 1;
    let (a, b) = futures_util::future::join(
        store.claim_mails(now, now + 60_000, 20),
        store.claim_mails(now, now + 60_000, 20),
    )
    .await;
    let (a, b) = (a.expect("a"), b.expect("b"));
    let mut ids: Vec<i64> = a.iter().chain(&b).map(|m| m.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((a.len() + b.len(), ids.len()), (25, 25));
    // A sender that died keeps its lease until it runs out; then another takes over.
    assert!(store
        .claim_mails(now + 1_000, now + 61_000, 20)
        .await
        .expect("c")
        .is_empty());
    let c = store
        .claim_mails(now + 60_001, now + 120_000, 50)
        .await
        .expect("d");
    assert_eq!(c.len(), 25);
    assert!(c.iter().all(|m| m.attempts == 2));
}

/// The main page reads houses, latest readings and the amount due's basis in one statement
/// whose rows repeat a house per zone and per uninvoiced reading: each zone and each charge
/// still counts once.
async fn the_main_page_counts_each_zone_and_each_uninvoiced_charge_once(store: &dyn Store) {
    use lk_domain::{ReadingSource, Zone};
    use lk_server::db::readings::NewReading;
    let now = Utc::now();
    lk_server::seed::seed_registry(store, now.date_naive())
        .await
        .expect("seed");
    let user = store
        .create_user(&new_user("overview@example.ru"))
        .await
        .expect("user");
    let empty = store
        .create_house(user.id, "Гараж", "г. Тамбов", now)
        .await
        .expect("house");
    let house = store
        .create_house(user.id, "Дом", "г. Тамбов", now)
        .await
        .expect("house");
    // The three-zone demo account.
    let account_id = store
        .account_by_pair("680000000003", "03456789")
        .await
        .expect("query")
        .expect("account");
    store
        .bind_account(user.id, house.id, account_id)
        .await
        .expect("bind");
    let meter = store.meters(user.id, account_id).await.expect("meters")[0].id;
    let before = store.houses_overview(user.id).await.expect("overview");
    let before = before[1]
        .account
        .as_ref()
        .expect("account")
        .due
        .readings
        .len();

    // Two readings after any invoiced month, each with its charge.
    for (day, base, charge) in [(5, 90_000, 1_000), (6, 90_100, 2_500)] {
        store
            .insert_reading(&NewReading {
                meter_id: meter,
                account_id,
                taken_on: chrono::NaiveDate::from_ymd_opt(2100, 1, day).expect("date"),
                source: ReadingSource::Portal,
                submitted_by: Some(user.id),
                values: vec![
                    (Zone::Night, base),
                    (Zone::Peak, base + 1),
                    (Zone::HalfPeak, base + 2),
                ],
                consumption: Some(100),
                charge: Some(charge),
                now,
            })
            .await
            .expect("reading");
    }
    let houses = store.houses_overview(user.id).await.expect("overview");
    assert_eq!(
        houses.iter().map(|h| h.id).collect::<Vec<_>>(),
        [empty.id, house.id],
        "oldest first"
    );
    assert!(houses[0].account.is_none());
    let account = houses[1].account.as_ref().expect("account");
    assert_eq!(account.number, "680000000003");
    assert_eq!(account.last_readings.len(), 1);
    let latest = &account.last_readings[0];
    assert_eq!(latest.meter_id, meter);
    assert_eq!(latest.taken_on.to_string(), "2100-01-06");
    assert_eq!(
        latest.values,
        [
            (Zone::Peak, 90_101),
            (Zone::HalfPeak, 90_102),
            (Zone::Night, 90_100)
        ],
        "each zone once, in the zones' order"
    );
    let charges: Vec<i64> = account.due.readings[before..]
        .iter()
        .map(|(_, r)| r.charge.0)
        .collect();
    assert_eq!(
        charges,
        [1_000, 2_500],
        "each new charge once, oldest first"
    );
    let all: Vec<_> = account.due.readings.iter().map(|(_, r)| *r).collect();
    assert_eq!(
        lk_domain::due::uninvoiced(&all, account.due.last_invoiced),
        lk_domain::Kopecks(3_500),
        "the invoiced month's reading is left to the invoice"
    );
    assert_eq!(
        account.due,
        store.due_basis_of(account_id).await.expect("basis")
    );

    // The main page's one statement answers as its two parts do: the same houses, and the
    // readings taken on the days asked for (the two of January 2100, not the demo's).
    let since = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    let days = [
        (
            chrono::NaiveDate::from_ymd_opt(2100, 1, 1).expect("date"),
            chrono::NaiveDate::from_ymd_opt(2100, 2, 1).expect("date"),
        ),
        (
            chrono::NaiveDate::from_ymd_opt(2099, 1, 1).expect("date"),
            chrono::NaiveDate::from_ymd_opt(2099, 2, 1).expect("date"),
        ),
    ];
    store
        .create_session(
            "s-page",
            user.id,
            "p0",
            now + Duration::days(1),
            Device::default(),
            now,
        )
        .await
        .expect("session");
    let (page, history) = store
        .main_page("s-page", user.id, since, days)
        .await
        .expect("page");
    assert_eq!(page, houses);
    assert_eq!(
        history,
        store
            .houses_history(user.id, since, days)
            .await
            .expect("history")
    );
    let mut consumption = history[&house.id].consumption.clone();
    consumption.sort();
    assert_eq!(
        consumption,
        [
            (days[0].0.with_day(5).expect("day"), 100),
            (days[0].0.with_day(6).expect("day"), 100)
        ]
    );
    assert!(!history.contains_key(&empty.id), "no account, no history");

    // The same statement checks the session: an unknown one, another user's, or one that
    // has ended sees no houses.
    let other = store
        .create_user(&new_user("other-page@example.ru"))
        .await
        .expect("user");
    store
        .create_session(
            "s-other",
            other.id,
            "o0",
            now + Duration::days(1),
            Device::default(),
            now,
        )
        .await
        .expect("session");
    for session in ["s-unknown", "s-other"] {
        let (page, _) = store
            .main_page(session, user.id, since, days)
            .await
            .expect("page");
        assert!(page.is_empty(), "{session}: {page:?}");
    }
    store
        .revoke_session("s-page", Utc::now())
        .await
        .expect("revoke");
    let (page, _) = store
        .main_page("s-page", user.id, since, days)
        .await
        .expect("page");
    assert!(page.is_empty(), "an ended session: {page:?}");
}

/// The access extractors' one-statement lookups: the account or meter comes back only for its
/// own user, through a live session of that user; anything else is no row.
async fn own_accounts_and_meters_come_only_through_a_live_session_of_their_user(store: &dyn Store) {
    let now = Utc::now();
    lk_server::seed::seed_registry(store, now.date_naive())
        .await
        .expect("seed");
    let owner = session_with_token(store, "owner@example.ru").await;
    let stranger = store
        .create_user(&new_user("stranger@example.ru"))
        .await
        .expect("user");
    store
        .create_session(
            "s2",
            stranger.id,
            "u0",
            now + Duration::days(1),
            Device::default(),
            now,
        )
        .await
        .expect("session");
    let house = store
        .create_house(owner, "Дом", "г. Тамбов", now)
        .await
        .expect("house");
    let account_id = store
        .account_by_pair("680000000003", "03456789")
        .await
        .expect("query")
        .expect("account");
    store
        .bind_account(owner, house.id, account_id)
        .await
        .expect("bind");
    let meter = store.meters(owner, account_id).await.expect("meters")[0].clone();
    store
        .set_meter_label(owner, meter.id, Some("Кухня"))
        .await
        .expect("label");
    let number = "680000000003";

    let account = store
        .account_in_session("s1", owner, number, HouseAccess::View)
        .await
        .expect("query")
        .expect("the owner's account");
    assert_eq!((account.id, account.number.as_str()), (account_id, number));
    let (with_meter, found) = store
        .meter_in_session("s1", owner, number, meter.id, HouseAccess::View)
        .await
        .expect("query")
        .expect("the owner's meter");
    assert_eq!(with_meter.id, account_id);
    assert_eq!(
        (
            found.id,
            found.account_id,
            &found.serial,
            found.scheme,
            found.label.as_deref()
        ),
        (
            meter.id,
            account_id,
            &meter.serial,
            meter.scheme,
            Some("Кухня")
        ),
        "the meter's own columns, not the account's"
    );

    // Another user's session, someone else's account, a meter of another account, an
    // unknown account: nothing.
    assert!(store
        .account_in_session("s2", owner, number, HouseAccess::View)
        .await
        .expect("query")
        .is_none());
    assert!(store
        .account_in_session("s2", stranger.id, number, HouseAccess::View)
        .await
        .expect("query")
        .is_none());
    assert!(store
        .meter_in_session("s2", stranger.id, number, meter.id, HouseAccess::View)
        .await
        .expect("query")
        .is_none());
    assert!(store
        .account_in_session("s1", owner, "680000000001", HouseAccess::View)
        .await
        .expect("query")
        .is_none());
    let other_account = store
        .account_by_pair("680000000001", "01234567")
        .await
        .expect("query")
        .expect("account");
    let other_meter = store.meters(owner, other_account).await.expect("meters")[0].id;
    assert!(store
        .meter_in_session("s1", owner, number, other_meter, HouseAccess::View)
        .await
        .expect("query")
        .is_none());

    // Once the session ends, its user's own account is out of reach too.
    store
        .revoke_session("s1", Utc::now())
        .await
        .expect("revoke");
    assert!(store
        .account_in_session("s1", owner, number, HouseAccess::View)
        .await
        .expect("query")
        .is_none());
    assert!(store
        .meter_in_session("s1", owner, number, meter.id, HouseAccess::View)
        .await
        .expect("query")
        .is_none());
}

/// A second reading of a meter's day replaces the first in place, values and all (a zone it
/// no longer has is gone); a subscriber's reading never replaces the company's.
async fn a_second_reading_of_the_day_replaces_the_first_with_its_values(store: &dyn Store) {
    use lk_domain::{ReadingSource, Zone};
    use lk_server::db::readings::NewReading;
    let now = Utc::now();
    lk_server::seed::seed_registry(store, now.date_naive())
        .await
        .expect("seed");
    let account_id = store
        .account_by_pair("680000000003", "03456789")
        .await
        .expect("query")
        .expect("account");
    let user = store
        .create_user(&new_user("replace@example.ru"))
        .await
        .expect("user");
    let meter = store.meters(user.id, account_id).await.expect("meters")[0].id;
    let day = chrono::NaiveDate::from_ymd_opt(2100, 3, 5).expect("date");
    let reading = |source, values: Vec<(Zone, i64)>, charge| NewReading {
        meter_id: meter,
        account_id,
        taken_on: day,
        source,
        submitted_by: None,
        values,
        consumption: Some(10),
        charge: Some(charge),
        now,
    };
    let first = store
        .insert_reading(&reading(
            ReadingSource::Portal,
            vec![(Zone::Night, 100), (Zone::Peak, 200), (Zone::HalfPeak, 300)],
            1_000,
        ))
        .await
        .expect("first");
    let second = store
        .insert_reading(&reading(
            ReadingSource::Portal,
            vec![(Zone::Night, 110), (Zone::Peak, 220)],
            2_000,
        ))
        .await
        .expect("second");
    assert_eq!(second.id, first.id, "replaced in place");
    let stored = store.readings(meter, day, day).await.expect("readings");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].charge, Some(2_000));
    assert_eq!(
        stored[0].values,
        [(Zone::Peak, 220), (Zone::Night, 110)],
        "the new values, and no zone of the first"
    );

    store
        .insert_reading(&reading(
            ReadingSource::Billing,
            vec![(Zone::Night, 120)],
            3_000,
        ))
        .await
        .expect("the company's replaces the subscriber's");
    let refused = store
        .insert_reading(&reading(
            ReadingSource::Portal,
            vec![(Zone::Night, 130)],
            4_000,
        ))
        .await;
    assert!(
        matches!(
            refused,
            Err(StoreError::Conflict(
                lk_server::db::Constraint::ReadingOfDay
            ))
        ),
        "{refused:?}"
    );
    let stored = store.readings(meter, day, day).await.expect("readings");
    assert_eq!(
        (stored[0].source, stored[0].values.clone()),
        (ReadingSource::Billing, vec![(Zone::Night, 120)])
    );
}

async fn concurrent_claims_of_one_reminder_queue_one_mail(store: &dyn Store) {
    use lk_server::db::reminders::SentKey;
    lk_server::seed::seed_registry(store, Utc::now().date_naive())
        .await
        .expect("seed");
    let user_id = store
        .create_user(&new_user("claim@example.ru"))
        .await
        .expect("user")
        .id;
    let account_id = store
        .account_id_by_number("680000000001")
        .await
        .expect("lookup")
        .expect("account");
    let claim = |i: usize, period: &'static str| async move {
        let key = SentKey {
            user_id,
            account_id,
            kind: "debt",
            period,
        };
        let mail = lk_server::db::NewMail {
            to: "claim@example.ru".into(),
            subject: "s".into(),
            text: "t".into(),
            html: "<p>t</p>".into(),
            message_id: format!("<claim-{period}-{i}@lk.example>"),
            now: Utc::now(),
            list_unsubscribe: Some("http://lk.test/api/v1/unsubscribe?token=x".into()),
            attachment: Some(("r.pdf".into(), b"%PDF-1.7".to_vec())),
        };
        store.claim_reminder(&key, &mail).await.expect("claim")
    };
    let got = futures_util::future::join_all((0..20).map(|i| claim(i, "2026-11"))).await;
    assert_eq!(got.iter().flatten().count(), 1, "one claim wins");
    assert_eq!(
        store.count_mails("queued").await.expect("count"),
        1,
        "the losers queued nothing"
    );
    assert!(
        claim(99, "2026-12").await.is_some(),
        "another month is another message"
    );
    let now = Utc::now().timestamp_millis() + 1;
    let claimed = store
        .claim_mails(now, now + 60_000, 10)
        .await
        .expect("claim mails");
    assert_eq!(claimed.len(), 2);
    assert_eq!(claimed[0].attachment.as_deref(), Some(&b"%PDF-1.7"[..]));
    assert_eq!(claimed[0].attachment_name.as_deref(), Some("r.pdf"));
    assert!(claimed[0].list_unsubscribe.is_some());
}

macro_rules! store_tests {
    ($($name:ident),*) => {$(
        mod $name {
            use super::*;
            #[actix_web::test]
            async fn sqlite() {
                let (store, _dir) = fresh_store(Backend::Sqlite).await;
                super::$name(store.as_ref()).await;
            }
            #[actix_web::test]
            async fn postgres() {
                if skip_postgres() { return; }
                let (store, _dir) = fresh_store(Backend::Postgres).await;
                super::$name(store.as_ref()).await;
            }
        }
    )*};
}

store_tests!(
    two_nodes_claiming_unsettled_payments_never_take_the_same_one,
    two_senders_claim_each_mail_once,
    concurrent_rotations_of_one_token_keep_the_session,
    a_token_replayed_after_the_grace_window_ends_the_session,
    emails_are_unique_whatever_their_case,
    a_live_api_key_name_is_taken_once_and_freed_by_revoking,
    throttle_windows_reset,
    a_payment_is_credited_once_and_late_news_is_ignored,
    fifty_concurrent_success_notifications_credit_once,
    the_main_page_counts_each_zone_and_each_uninvoiced_charge_once,
    own_accounts_and_meters_come_only_through_a_live_session_of_their_user,
    a_second_reading_of_the_day_replaces_the_first_with_its_values,
    concurrent_claims_of_one_reminder_queue_one_mail
);

/// Rows of a SQLite table that may not exist.
async fn rows_of(conn: &mut sqlx::SqliteConnection, table: &str) -> i64 {
    let exists: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(table)
            .fetch_one(&mut *conn)
            .await
            .expect("schema");
    if exists == 0 {
        return 0;
    }
    sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *conn)
        .await
        .expect("count")
}

/// Rows of statistics and of samples SQLite keeps for its query planner.
async fn statistics(conn: &mut sqlx::SqliteConnection) -> (i64, i64) {
    (
        rows_of(conn, "sqlite_stat1").await,
        rows_of(conn, "sqlite_stat4").await,
    )
}

/// SQLite re-plans every statement on every execution when `ANALYZE` has left samples
/// (`sqlite_stat4`) behind, halving the main page's throughput. The server keeps statistics
/// without samples, and drops samples left by an `ANALYZE` run by hand when it starts.
#[actix_web::test]
async fn sqlite_statistics_keep_no_samples_that_would_replan_every_query() {
    use sqlx::Connection as _;
    let (url, _dir) = fresh_database_url(Backend::Sqlite).await;
    let store = lk_server::db::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    lk_server::seed::seed_demo(store.as_ref(), &lk_server::config::CompanyConfig::default())
        .await
        .expect("seed");

    // Through the server's own connections, ANALYZE (run after generating load-test data)
    // gathers statistics without samples.
    let demo = store
        .user_by_email("demo@lk.example")
        .await
        .expect("query")
        .expect("demo user");
    lk_server::db::connect_bench(&url)
        .await
        .expect("connect")
        .generate_bench_data(demo.id, 20, 2, chrono::Utc::now().date_naive())
        .await
        .expect("generate");
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
    let (stats, samples) = statistics(&mut conn).await;
    assert!(stats > 0, "the planner has statistics");
    assert_eq!(samples, 0);

    // An ANALYZE by hand leaves samples; the next start drops them.
    sqlx::query("ANALYZE")
        .execute(&mut conn)
        .await
        .expect("analyze");
    assert!(
        statistics(&mut conn).await.1 > 0,
        "a plain ANALYZE takes samples"
    );
    store.close().await;
    let _restarted = lk_server::db::connect(&url).await.expect("connect");
    let (stats, samples) = statistics(&mut conn).await;
    assert!(stats > 0, "the statistics stay");
    assert_eq!(samples, 0, "the samples are gone");
}

/// The bundled SQLite is built without the process-wide locks each pooled connection's thread
/// would take (`.cargo/config.toml`, `LIBSQLITE3_FLAGS`): no memory statistics around every
/// allocation, and a page cache per connection rather than one behind a global mutex. (A
/// SQLite-only test: the setting is SQLite's build.)
#[actix_web::test]
async fn the_bundled_sqlite_takes_no_process_wide_lock_per_page_or_allocation() {
    use sqlx::Connection as _;
    let (url, _dir) = fresh_database_url(Backend::Sqlite).await;
    let mut conn = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
        .await
        .expect("open");
    let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
        .fetch_all(&mut conn)
        .await
        .expect("compile options");
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{options:?}"
    );
}
