//! Store behaviour that the API relies on, run on both backends.

use chrono::{Duration, Utc};
use lk_domain::payment::PaymentStatus;
use lk_server::db::payments::NewOnlinePayment;
use lk_server::db::{Backend, NewUser, Rotation, Store, StoreError};

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
        role: "subscriber".into(),
        email_confirmed_at: Some(now),
        personal_data_consent_at: Some(now),
        now,
    }
}

async fn concurrent_rotation_has_exactly_one_winner(store: &dyn Store) {
    let user = store
        .create_user(&new_user("race@example.ru"))
        .await
        .expect("user");
    let now = Utc::now();
    store
        .create_session("s1", user.id, "t0", now + Duration::days(1), None, now)
        .await
        .expect("session");
    let rotations = (0..8).map(|i| {
        let new = format!("t1-{i}");
        async move {
            store
                .rotate_refresh_token("t0", &new, now + Duration::days(1), Utc::now())
                .await
        }
    });
    let results = futures_util::future::join_all(rotations).await;
    let winners = results
        .iter()
        .filter(|r| matches!(r, Ok(Rotation::Rotated { .. })))
        .count();
    assert_eq!(winners, 1, "{results:?}");
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
}

async fn emails_are_unique_whatever_their_case(store: &dyn Store) {
    store
        .create_user(&new_user("Case@Example.ru"))
        .await
        .expect("first");
    let again = store.create_user(&new_user("case@example.RU")).await;
    assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
}

async fn throttle_windows_reset(store: &dyn Store) {
    assert_eq!(store.throttle_hit("k", 100, 1).await.expect("hit"), 1);
    assert_eq!(store.throttle_hit("k", 100, 1).await.expect("hit"), 2);
    assert_eq!(store.throttle_count("k", 100).await.expect("count"), 2);
    assert_eq!(
        store.throttle_hit("k", 200, 1).await.expect("hit"),
        1,
        "a new window starts at one"
    );
    assert_eq!(store.throttle_count("k", 100).await.expect("count"), 0);
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
        provider: "sandbox".into(),
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
    assert_eq!(p.status, "created");
    let again = store
        .create_online_payment(&new_payment(account, "k1"))
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict)),
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
        .online_payment_by_provider_id("sandbox", "prov-1")
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
    concurrent_rotation_has_exactly_one_winner,
    emails_are_unique_whatever_their_case,
    throttle_windows_reset,
    a_payment_is_credited_once_and_late_news_is_ignored,
    fifty_concurrent_success_notifications_credit_once
);
