//! Store behaviour that the API relies on, run on both backends.

use chrono::{Duration, Utc};
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
    throttle_windows_reset
);
