//! Sign-in throttling that parallel guesses cannot slip past and strangers cannot use to lock a
//! user out; client addresses only from a configured proxy header; security headers; a
//! protected /metrics (SYS-2).

use reqwest::StatusCode;
use tokio::task::JoinSet;
use tradeport_app::AppError;
use tradeport_domain::access::AccessError;
use tradeport_testkit::{TestApp, db_tests};
use tradeport_web::{WebConfig, build_router, serve};

use crate::helpers::{PASSWORD, sign_in};

db_tests!(
    parallel_guesses_are_counted_before_the_password_is_checked,
    a_stranger_cannot_lock_a_user_out_of_their_own_address,
    a_client_cannot_choose_its_address_without_a_trusted_proxy,
);

fn throttled(r: &Result<tradeport_app::access::SignedIn, AppError>) -> bool {
    matches!(r, Err(AppError::Access(AccessError::Throttled { .. })))
}

async fn parallel_guesses_are_counted_before_the_password_is_checked(app: TestApp) {
    let s = app.seed("acme").await;
    let mut set = JoinSet::new();
    for _ in 0..20 {
        let (a, email) = (app.app.clone(), s.admin_email.clone());
        set.spawn(async move { tradeport_app::access::sign_in(&a, &email, "a guess", "203.0.113.9").await });
    }
    let results = set.join_all().await;
    let checked =
        results.iter().filter(|r| matches!(r, Err(AppError::Access(AccessError::BadCredentials)))).count();
    let refused = results.iter().filter(|r| throttled(r)).count();
    assert_eq!((checked, refused), (5, 15), "only the allowed 5 guesses reach the password check");
}

async fn a_stranger_cannot_lock_a_user_out_of_their_own_address(app: TestApp) {
    let s = app.seed("acme").await;
    for _ in 0..6 {
        let _ = tradeport_app::access::sign_in(&app.app, &s.admin_email, "a guess", "198.51.100.7").await;
    }
    let stranger = tradeport_app::access::sign_in(&app.app, &s.admin_email, PASSWORD, "198.51.100.7").await;
    assert!(throttled(&stranger), "the guessing address waits out the window");
    let owner = tradeport_app::access::sign_in(&app.app, &s.admin_email, PASSWORD, "192.0.2.44").await;
    assert!(owner.is_ok(), "the admin's own address is not locked: {:?}", owner.err());
}

async fn a_client_cannot_choose_its_address_without_a_trusted_proxy(app: TestApp) {
    let s = app.seed("acme").await;
    let client = app.browser_client();
    for n in 0..5 {
        let token = crate::helpers::login_token(&client, &app).await;
        let form =
            [("email", s.admin_email.as_str()), ("password", "guess"), ("csrf_token", &token), ("next", "/")];
        let res = client
            .post(app.url("/login"))
            .header("x-forwarded-for", format!("10.9.8.{n}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = sign_in(&client, &app, &s.admin_email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "X-Forwarded-For is not trusted by default");
}

async fn start(app: &TestApp, config: WebConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = build_router(app.app.clone(), &config);
    tokio::spawn(async move { serve(listener, router, std::future::pending()).await });
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers_and_metrics_can_be_protected() {
    let app = TestApp::spawn(tradeport_testkit::DbKind::Sqlite).await.expect("SQLite is always there");
    let client = reqwest::Client::new();
    for path in ["/login", "/api/v1/me", "/healthz", "/no-such-page"] {
        let res = client.get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(
            (&h["x-frame-options"], &h["x-content-type-options"]),
            (&"DENY".parse().unwrap(), &"nosniff".parse().unwrap()),
            "{path}"
        );
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP: {path}");
        assert!(!h.get("set-cookie").is_some_and(|c| c.to_str().unwrap().contains("Secure")));
    }
    assert_eq!(
        client.get(app.url("/metrics")).send().await.unwrap().status(),
        StatusCode::OK,
        "open by default"
    );

    let config = WebConfig {
        secure_cookies: true,
        metrics_token: Some("scrape-me".into()),
        trusted_proxy_header: Some("x-forwarded-for".parse().unwrap()),
        ..WebConfig::default()
    };
    let base = start(&app, config).await;
    let login = client.get(format!("{base}/login")).send().await.unwrap();
    assert_eq!(login.headers()["strict-transport-security"], "max-age=31536000");
    assert!(login.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    assert_eq!(
        client.get(format!("{base}/metrics")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let scraped = client.get(format!("{base}/metrics")).bearer_auth("scrape-me").send().await.unwrap();
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(scraped.text().await.unwrap().contains("db_pool_connections"));
}
