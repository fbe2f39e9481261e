//! Family access (X9): the owner invites by e-mail with a role; the invitee accepts with their
//! own login and holds the account in a house of their own; every reading and payment names who
//! made it; a viewer gets 404 wherever acting is needed, exactly like a stranger; revoking and
//! leaving take effect at once, on every node.

use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");
const A2: (&str, &str) = ("680000000002", "02345678");

/// Invites `email` to `account` as `role`; answers the invitation.
async fn invite(app: &TestApp, owner: &str, account: &str, email: &str, role: &str) -> Value {
    let r = app
        .post_as(
            &app.client,
            &format!("/api/v1/accounts/{account}/invitations"),
            &json!({"email": email, "role": role}),
            Some(owner),
        )
        .await;
    assert_eq!(r.status(), 201, "inviting {email}");
    r.json().await.expect("json")
}

async fn accept(app: &TestApp, token: &str, member: &str) -> reqwest::Response {
    app.post_as(
        &app.client,
        "/api/v1/family/accept",
        &json!({"token": token}),
        Some(member),
    )
    .await
}

/// A signed-in user called `first_name` (the test users are all «Пётр Петров» otherwise).
async fn named(app: &TestApp, email: &str, first_name: &str) -> String {
    let t = app.subscriber(email).await;
    let r = app
        .patch("/api/v1/me", &json!({"first_name": first_name}), &t)
        .await;
    assert_eq!(r.status(), 200);
    t
}

/// Invites `email` as `role` and has them accept; their token and house id.
async fn member(
    app: &TestApp,
    owner: &str,
    account: &str,
    email: &str,
    role: &str,
) -> (String, i64) {
    let t = named(app, email, "Мария").await;
    invite(app, owner, account, email, role).await;
    let token = app.link_token(email, "/family/accept").await;
    let r = accept(app, &token, &t).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["account_number"], account);
    assert_eq!(v["access"], role);
    (t, v["house_id"].as_i64().expect("house id"))
}

async fn meter_and_last(app: &TestApp, token: &str, account: &str) -> (i64, i64) {
    let meters = app
        .get_json(&format!("/api/v1/accounts/{account}/meters"), token)
        .await;
    let last = meters[0]["last_reading"]["values"][0]["value"]
        .as_i64()
        .unwrap_or(0);
    (meters[0]["id"].as_i64().expect("meter id"), last)
}

backend_tests! {
    async fn a_member_passes_a_reading_the_owner_sees_who_and_a_revoked_member_gets_404_on_every_node(app: TestApp) {
        app.seed_registry().await;
        let owner = named(&app, "owner@example.ru", "Иван").await;
        app.house_with_account(&owner, A1.0, A1.1).await;

        let t = named(&app, "member@example.ru", "Мария").await;
        let sent = invite(&app, &owner, A1.0, "Member@Example.ru", "full").await;
        assert_eq!(sent["role"], "full");
        let mail = &app.mails_to("Member@Example.ru").await[0];
        assert!(mail["subject"].as_str().unwrap_or_default().contains(A1.0), "{mail}");
        assert!(mail["body"].as_str().unwrap_or_default().contains("Иван Петров"), "{mail}");
        let listed = app.get_json(&format!("/api/v1/accounts/{}/members", A1.0), &owner).await;
        assert_eq!(listed["invitations"][0]["email"], "Member@Example.ru");

        let token = app.link_token("Member@Example.ru", "/family/accept").await;
        let r = accept(&app, &token, &t).await;
        assert_eq!(r.status(), 201);
        let house_id = r.json::<Value>().await.expect("json")["house_id"].as_i64().expect("id");
        // The account is in a house of the member's own, named as the owner's.
        let houses = app.get_json("/api/v1/houses", &t).await;
        assert_eq!(houses[0]["id"], house_id);
        assert_eq!(houses[0]["name"], "Дом");
        assert_eq!(houses[0]["access"], "full");
        assert_eq!(houses[0]["account"]["number"], A1.0);
        assert_eq!(app.get_json("/api/v1/houses", &owner).await[0]["access"], "owner");

        // The member passes a reading; the owner's history says who did.
        let (meter, last) = meter_and_last(&app, &t, A1.0).await;
        let path = format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0);
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "single", "value": last + 50}]}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let ops = app.get_json(&format!("/api/v1/accounts/{}/operations?types=reading", A1.0), &owner).await;
        assert_eq!(ops["items"][0]["values"][0]["value"], last + 50);
        assert_eq!(ops["items"][0]["made_by"], "Мария Петров");

        // A payment the member makes names them too; the company's invoices name nobody.
        let p = app.start_payment(&t, A1.0, "100.00").await;
        let id = p["payment_id"].as_str().expect("payment id");
        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        let ops = app.get_json(&format!("/api/v1/accounts/{}/operations", A1.0), &owner).await;
        let items = ops["items"].as_array().expect("items");
        let paid = items.iter().find(|i| i["kind"] == "payment" && i["made_by"] == "Мария Петров");
        assert!(paid.is_some(), "{ops}");
        assert!(items.iter().filter(|i| i["kind"] == "invoice").all(|i| i["made_by"].is_null()));

        // The owner sees the member and revokes them through another node.
        let members = app.get_json(&format!("/api/v1/accounts/{}/members", A1.0), &owner).await;
        let names: Vec<(&str, &str, bool)> = members["members"].as_array().expect("members").iter()
            .map(|m| (m["name"].as_str().unwrap_or_default(), m["access"].as_str().unwrap_or_default(), m["you"].as_bool().unwrap_or_default()))
            .collect();
        assert_eq!(names, vec![("Иван Петров", "owner", true), ("Мария Петров", "full", false)]);
        assert!(members["invitations"].as_array().expect("invitations").is_empty());
        let node2 = app.second_node(|_| {}).await;
        let r = node2.delete(&format!("/api/v1/accounts/{}/members/{house_id}", A1.0), &owner).await;
        assert_eq!(r.status(), 204);

        // At once, on the first node: the member's account is not found, like a stranger's.
        for path in [format!("/api/v1/accounts/{}", A1.0), format!("/api/v1/accounts/{}/operations", A1.0), path.clone()] {
            assert_problem(app.get(&path, Some(&t)).await, 404, "not_found").await;
        }
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "single", "value": last + 60}]}), Some(&t)).await;
        assert_problem(r, 404, "not_found").await;
        // Nor does the payment they made show the account's balance any more.
        assert_problem(app.get(&format!("/api/v1/payments/{id}"), Some(&t)).await, 404, "not_found").await;
        assert_eq!(app.get_json("/api/v1/houses", &t).await, json!([]));
        // The used link does not bring them back.
        assert_problem(accept(&app, &token, &t).await, 422, "invitation_not_found").await;
        // Nothing of the owner's changed; an owner's house cannot be revoked.
        let owner_house = app.get_json("/api/v1/houses", &owner).await[0]["id"].as_i64().expect("id");
        assert_problem(app.delete(&format!("/api/v1/accounts/{}/members/{owner_house}", A1.0), &owner).await, 404, "not_found").await;
        assert_eq!(app.get_json(&format!("/api/v1/accounts/{}", A1.0), &owner).await["number"], A1.0);
    }

    async fn a_viewer_sees_the_account_and_gets_404_like_a_stranger_where_acting_is_needed(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner@example.ru").await;
        app.house_with_account(&owner, A2.0, A2.1).await;
        let (viewer, _) = member(&app, &owner, A2.0, "viewer@example.ru", "view").await;
        let (full, _) = member(&app, &owner, A2.0, "full@example.ru", "full").await;
        let stranger = app.subscriber("stranger@example.ru").await;
        app.house_with_account(&stranger, A1.0, A1.1).await;
        let (meter, _) = meter_and_last(&app, &owner, A2.0).await;
        let n = A2.0;

        // What viewing needs: the viewer and the full member see it, the stranger does not.
        let invoice = app.get_json(&format!("/api/v1/accounts/{n}/operations?types=invoice"), &owner).await["items"][0]["id"].clone();
        let invoice = invoice.as_i64().expect("the demo account has an invoice");
        let views = [
            format!("/api/v1/accounts/{n}"),
            format!("/api/v1/accounts/{n}/meters"),
            format!("/api/v1/accounts/{n}/meters/{meter}/readings"),
            format!("/api/v1/accounts/{n}/meters/{meter}/readings/export"),
            format!("/api/v1/accounts/{n}/operations"),
            format!("/api/v1/accounts/{n}/operations/export"),
            format!("/api/v1/accounts/{n}/operations/statement.pdf"),
            format!("/api/v1/accounts/{n}/invoices/{invoice}"),
            format!("/api/v1/accounts/{n}/insights"),
            format!("/api/v1/accounts/{n}/tariffs"),
            format!("/api/v1/accounts/{n}/receipt.pdf"),
        ];
        for path in &views {
            for t in [&viewer, &full] {
                assert_eq!(app.get(path, Some(t)).await.status(), 200, "GET {path}");
            }
            assert_problem(app.get(path, Some(&stranger)).await, 404, "not_found").await;
        }

        // What acting needs: the viewer gets exactly the stranger's answer.
        let body = json!({"values": [{"zone": "day", "value": 999999}, {"zone": "night", "value": 999999}],
            "amount": "10.00", "rules_accepted": true, "comment": "Прошу проверить", "service_code": "x"});
        let acts = [
            format!("/api/v1/accounts/{n}/meters/{meter}/readings"),
            format!("/api/v1/accounts/{n}/meters/{meter}/readings/preview"),
            format!("/api/v1/accounts/{n}/payments"),
            format!("/api/v1/accounts/{n}/change-requests"),
            format!("/api/v1/accounts/{n}/service-orders"),
        ];
        for path in &acts {
            let as_viewer = assert_problem(app.post_as(&app.client, path, &body, Some(&viewer)).await, 404, "not_found").await;
            let as_stranger = assert_problem(app.post_as(&app.client, path, &body, Some(&stranger)).await, 404, "not_found").await;
            assert_eq!(as_viewer, as_stranger, "POST {path}");
        }
        // The full member may pay.
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{n}/payments"), &json!({"amount": "10.00", "rules_accepted": true}), Some(&full)).await;
        assert_eq!(r.status(), 201);

        // What the owner alone may do: members and invitations.
        let pending = invite(&app, &owner, n, "pending@example.ru", "view").await["id"].as_i64().expect("invitation id");
        let viewer_house = app.get_json("/api/v1/houses", &viewer).await[0]["id"].as_i64().expect("house id");
        for t in [&viewer, &full, &stranger] {
            assert_problem(app.get(&format!("/api/v1/accounts/{n}/members"), Some(t)).await, 404, "not_found").await;
            let r = app.post_as(&app.client, &format!("/api/v1/accounts/{n}/invitations"), &json!({"email": "x@example.ru", "role": "full"}), Some(t)).await;
            assert_problem(r, 404, "not_found").await;
            assert_problem(app.delete(&format!("/api/v1/accounts/{n}/invitations/{pending}"), t).await, 404, "not_found").await;
            assert_problem(app.delete(&format!("/api/v1/accounts/{n}/members/{viewer_house}"), t).await, 404, "not_found").await;
        }
        // None of that touched the invitation or the member.
        let members = app.get_json(&format!("/api/v1/accounts/{n}/members"), &owner).await;
        assert_eq!(members["invitations"][0]["id"], pending);
        assert_eq!(members["members"].as_array().expect("members").len(), 3);
    }

    async fn an_invitation_works_once_and_only_for_the_address_invited(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner@example.ru").await;
        app.house_with_account(&owner, A1.0, A1.1).await;
        let invited = app.subscriber("invited@example.ru").await;
        let other = app.subscriber("other@example.ru").await;

        // Bad input names the field; the owner and a holder cannot be invited.
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/invitations", A1.0), &json!({"email": "not an address", "role": "view"}), Some(&owner)).await;
        let v = assert_problem(r, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), vec!["email"]);
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/invitations", A1.0), &json!({"email": "x@example.ru", "role": "owner"}), Some(&owner)).await;
        assert_eq!(r.status(), 422);
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/invitations", A1.0), &json!({"email": "OWNER@example.ru", "role": "view"}), Some(&owner)).await;
        assert_problem(r, 409, "already_member").await;

        invite(&app, &owner, A1.0, "invited@example.ru", "view").await;
        let first = app.link_token("invited@example.ru", "/family/accept").await;
        // Inviting again renews it: the first link stops working, the role is the new one.
        invite(&app, &owner, A1.0, "invited@example.ru", "full").await;
        let token = app.link_token("invited@example.ru", "/family/accept").await;
        assert_ne!(first, token);
        assert_problem(accept(&app, &first, &invited).await, 422, "invitation_not_found").await;
        let members = app.get_json(&format!("/api/v1/accounts/{}/members", A1.0), &owner).await;
        assert_eq!(members["invitations"].as_array().map(Vec::len), Some(1));
        assert_eq!(members["invitations"][0]["role"], "full");

        // Someone else signed in cannot use it, and it stays open for the one invited.
        assert_problem(accept(&app, &token, &other).await, 403, "invitation_for_other_email").await;
        assert_problem(accept(&app, "no-such-token", &invited).await, 422, "invitation_not_found").await;

        // Accepted in parallel many times: one house, the rest refused.
        let answers = futures_util::future::join_all((0..8).map(|_| accept(&app, &token, &invited))).await;
        let created = answers.iter().filter(|r| r.status() == 201).count();
        assert_eq!(created, 1, "{:?}", answers.iter().map(|r| r.status()).collect::<Vec<_>>());
        assert!(answers.iter().all(|r| r.status() == 201 || r.status() == 422));
        assert_eq!(app.get_json("/api/v1/houses", &invited).await.as_array().map(Vec::len), Some(1));
        // Now a holder: inviting them again is refused.
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/invitations", A1.0), &json!({"email": "invited@example.ru", "role": "view"}), Some(&owner)).await;
        assert_problem(r, 409, "already_member").await;

        // A cancelled invitation's link does not work.
        invite(&app, &owner, A1.0, "other@example.ru", "view").await;
        let cancelled = app.link_token("other@example.ru", "/family/accept").await;
        let id = app.get_json(&format!("/api/v1/accounts/{}/members", A1.0), &owner).await["invitations"][0]["id"].as_i64().expect("id");
        assert_eq!(app.delete(&format!("/api/v1/accounts/{}/invitations/{id}", A1.0), &owner).await.status(), 204);
        assert_problem(accept(&app, &cancelled, &other).await, 422, "invitation_not_found").await;
        assert_problem(app.delete(&format!("/api/v1/accounts/{}/invitations/{id}", A1.0), &owner).await, 404, "not_found").await;
    }

    async fn owners_of_one_account_keep_their_families_apart_and_an_owner_who_lets_go_takes_theirs(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner@example.ru").await;
        let owner_house = app.house_with_account(&owner, A1.0, A1.1).await;
        let (member_token, member_house) = member(&app, &owner, A1.0, "member@example.ru", "full").await;
        invite(&app, &owner, A1.0, "later@example.ru", "view").await;
        let pending = app.link_token("later@example.ru", "/family/accept").await;

        // Someone else who knows the numbers is an owner of their own: they see neither the
        // first owner's members nor invitations, and cannot revoke them.
        let other = app.subscriber("other@example.ru").await;
        app.house_with_account(&other, A1.0, A1.1).await;
        let theirs = app.get_json(&format!("/api/v1/accounts/{}/members", A1.0), &other).await;
        let emails: Vec<&str> = theirs["members"].as_array().expect("members").iter().filter_map(|m| m["email"].as_str()).collect();
        assert_eq!(emails, vec!["other@example.ru"]);
        assert_eq!(theirs["invitations"], json!([]));
        assert_problem(app.delete(&format!("/api/v1/accounts/{}/members/{member_house}", A1.0), &other).await, 404, "not_found").await;
        assert_eq!(app.get(&format!("/api/v1/accounts/{}", A1.0), Some(&member_token)).await.status(), 200);

        // The first owner unbinds the account: their member and their invitation go with it.
        assert_eq!(app.delete(&format!("/api/v1/houses/{owner_house}/account"), &owner).await.status(), 200);
        assert_problem(app.get(&format!("/api/v1/accounts/{}", A1.0), Some(&member_token)).await, 404, "not_found").await;
        assert_eq!(app.get_json("/api/v1/houses", &member_token).await, json!([]));
        let later = app.subscriber("later@example.ru").await;
        assert_problem(accept(&app, &pending, &later).await, 422, "invitation_not_found").await;
        // The other owner still holds it.
        assert_eq!(app.get(&format!("/api/v1/accounts/{}", A1.0), Some(&other)).await.status(), 200);
    }

    async fn a_member_who_leaves_or_binds_by_the_numbers_holds_the_account_as_that_says(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner@example.ru").await;
        app.house_with_account(&owner, A1.0, A1.1).await;
        let (viewer, house) = member(&app, &owner, A1.0, "viewer@example.ru", "view").await;

        // A viewer who knows the numbers may bind the account as its owner, in a house of theirs.
        let r = app.put(&format!("/api/v1/houses/{house}/account"), &json!({"account_number": A1.0, "meter_number": A1.1}), &viewer).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.expect("json")["access"], "owner");
        let (meter, last) = meter_and_last(&app, &viewer, A1.0).await;
        let path = format!("/api/v1/accounts/{}/meters/{meter}/readings/preview", A1.0);
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "single", "value": last + 1}]}), Some(&viewer)).await;
        assert_eq!(r.status(), 200);

        // Leaving is deleting the house: the account is gone for them, and from the owner's
        // list (where the former viewer, an owner of their own now, is not either).
        let (full, house) = member(&app, &owner, A1.0, "full@example.ru", "full").await;
        assert_eq!(app.delete(&format!("/api/v1/houses/{house}"), &full).await.status(), 204);
        assert_problem(app.get(&format!("/api/v1/accounts/{}", A1.0), Some(&full)).await, 404, "not_found").await;
        let members = app.get_json(&format!("/api/v1/accounts/{}/members", A1.0), &owner).await;
        let emails: Vec<&str> = members["members"].as_array().expect("members").iter().filter_map(|m| m["email"].as_str()).collect();
        assert_eq!(emails, vec!["owner@example.ru"]);
    }
}
