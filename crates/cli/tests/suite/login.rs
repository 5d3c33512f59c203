//! Signing in to the web UI, throttling and CSRF protection (SYS-2).

use reqwest::StatusCode;
use tradeport_testkit::{TestApp, db_tests};

use crate::helpers::{PASSWORD, login_token, page_token, sign_in};

db_tests!(
    signing_in_with_the_right_password_shows_the_dashboard,
    a_wrong_password_fails_clearly_and_the_sixth_rapid_failure_is_throttled,
    forms_without_the_csrf_token_are_rejected,
    signing_out_ends_the_session,
    a_merchant_user_sees_no_operator_figures_or_pages,
);

async fn signing_in_with_the_right_password_shows_the_dashboard(app: TestApp) {
    let s = app.seed("acme").await;
    let client = app.browser_client();
    let res = client.get(app.url("/")).send().await.unwrap();
    assert!(res.url().path().starts_with("/login"), "signed-out users are sent to sign in");
    let res = sign_in(&client, &app, &s.admin_email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.url().path(), "/");
    let page = res.text().await.unwrap();
    assert!(page.contains("acme Logistics"), "the operator's name");
    assert!(page.contains("id=\"count-merchants\">2<"), "two merchants, read from the database");
    assert!(page.contains("id=\"count-users\">3<"), "three users");
    assert!(page.contains("id=\"count-keys\">3<"), "three keys");
}

async fn a_wrong_password_fails_clearly_and_the_sixth_rapid_failure_is_throttled(app: TestApp) {
    let s = app.seed("acme").await;
    let client = app.browser_client();
    for attempt in 1..=5 {
        let res = sign_in(&client, &app, &s.admin_email, "wrong password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert!(res.text().await.unwrap().contains("the e-mail or the password is wrong"));
    }
    let res = sign_in(&client, &app, &s.admin_email, "wrong password").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("Too many failed sign-ins"));
    let res = sign_in(&client, &app, &s.admin_email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits out the window");
    let other = sign_in(&app.browser_client(), &app, &s.merchant_a_email, PASSWORD).await;
    assert_eq!(other.status(), StatusCode::OK, "other accounts are not throttled");
}

async fn forms_without_the_csrf_token_are_rejected(app: TestApp) {
    let s = app.seed("acme").await;
    let client = app.browser_client();
    login_token(&client, &app).await;
    let res = client
        .post(app.url("/login"))
        .form(&[("email", s.admin_email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = client
        .post(app.url("/login"))
        .form(&[("email", s.admin_email.as_str()), ("password", PASSWORD), ("csrf_token", &"0".repeat(48))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a token that is not the cookie's");

    assert_eq!(sign_in(&client, &app, &s.admin_email, PASSWORD).await.status(), StatusCode::OK);
    let form = [
        ("email", "new@acme.example"),
        ("display_name", "New"),
        ("role", "finance"),
        ("password", "long enough secret"),
    ];
    let res = client.post(app.url("/users")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let users = client.get(app.url("/users")).send().await.unwrap().text().await.unwrap();
    assert!(!users.contains("new@acme.example"), "the rejected form created nothing");

    let token = page_token(&users);
    let mut with_token = form.to_vec();
    with_token.push(("csrf_token", &token));
    let res = client.post(app.url("/users")).form(&with_token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("new@acme.example"));
}

async fn signing_out_ends_the_session(app: TestApp) {
    let s = app.seed("acme").await;
    let client = app.browser_client();
    let page = sign_in(&client, &app, &s.admin_email, PASSWORD).await.text().await.unwrap();
    let token = page_token(&page);
    let res = client.post(app.url("/logout")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
    assert_eq!(res.url().path(), "/login");
    let res = client.get(app.url("/users")).send().await.unwrap();
    assert!(res.url().path().starts_with("/login"), "the session is gone");
}

async fn a_merchant_user_sees_no_operator_figures_or_pages(app: TestApp) {
    let s = app.seed("acme").await;
    let client = app.browser_client();
    let page = sign_in(&client, &app, &s.merchant_a_email, PASSWORD).await.text().await.unwrap();
    assert!(page.contains("Merchant a"));
    assert!(!page.contains("count-users"));
    let res = client.get(app.url("/users")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let keys = client.get(app.url("/api-keys")).send().await.unwrap().text().await.unwrap();
    assert!(keys.contains("Merchant a") && !keys.contains("Merchant b"), "only its own keys");

    // Every link the navigation offers opens (ORD-1's roles in the menu, #7).
    let nav = page.split("<nav class=\"side\">").nth(1).and_then(|n| n.split("</nav>").next()).unwrap();
    let links: Vec<&str> = nav.split("href=\"").skip(1).filter_map(|l| l.split('"').next()).collect();
    assert!(links.contains(&"/orders") && links.contains(&"/notifications"), "{links:?}");
    for link in links {
        let status = client.get(app.url(link)).send().await.unwrap().status();
        assert_eq!(status, StatusCode::OK, "the merchant's menu offers {link}");
    }
}
