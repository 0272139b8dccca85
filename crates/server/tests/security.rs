//! Security of the API: the token before the path and the body, JSON bodies for every rejection,
//! failure limits (429 with Retry-After), equal timing for unknown and known ids, revoked and
//! rotated tokens, slow-header connections closed, security headers.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::raw::{Answer, get, loopback, request};
use common::{database_with_users, spawn};
use microneedling_core::KnowledgeBase;
use microneedling_server::AppState;
use microneedling_server::guard::AuthLimits;
use microneedling_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server of its own on database `name`, with `limits`: (address, clinician, viewer, db).
fn server_with(name: &str, limits: AuthLimits) -> (SocketAddr, String, String, std::path::PathBuf) {
    let (db, clinician, viewer) = database_with_users(name);
    let state =
        AppState::with_auth_limits(KnowledgeBase::embedded().expect("kb"), db.clone(), limits);
    (spawn(state, Duration::from_secs(1)), clinician, viewer, db)
}

fn no_limits() -> AuthLimits {
    AuthLimits {
        failures: usize::MAX,
        ..AuthLimits::default()
    }
}

/// A request (method, path, token, body) and the status it must get.
type Case<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, u16);

fn assert_json_error(answer: &Answer, status: u16, what: &str) {
    assert_eq!(answer.status, status, "{what}: {answer:?}");
    assert!(
        answer
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{what}: {answer:?}"
    );
    assert!(answer.json()["error"].is_string(), "{what}: {answer:?}");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Every records operation of the OpenAPI document, with `{code}` filled in.
async fn records_operations(addr: SocketAddr) -> Vec<(String, String)> {
    let doc = get(1, addr, "/api/openapi.json", None).await.json();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/records") {
            continue;
        }
        for method in item.as_object().expect("item").keys() {
            operations.push((method.to_uppercase(), path.replace("{code}", "P%FF")));
        }
    }
    assert!(operations.len() >= 10, "{operations:?}");
    operations
}

#[test]
fn every_records_route_checks_the_token_before_its_path_and_body() {
    let (addr, _, viewer, _) = server_with("sec-order", no_limits());
    runtime().block_on(async {
        let huge = format!("\"{}\"", "x".repeat(300 * 1024));
        for (method, path) in records_operations(addr).await {
            for body in ["{not json", "{\"code\": 5}", huge.as_str()] {
                for token in [None, Some("77.wrong"), Some("bad")] {
                    let answer = request(loopback(1), addr, &method, &path, token, Some(body))
                        .await
                        .expect("answer");
                    assert_json_error(&answer, 401, &format!("{method} {path} {token:?}"));
                    assert_eq!(answer.header("cache-control"), Some("no-store"));
                }
            }
            // A viewer writing is refused before the body is read, too.
            if method == "POST" {
                let answer = request(loopback(1), addr, &method, &path, Some(&viewer), Some("{"))
                    .await
                    .expect("answer");
                assert_json_error(&answer, 403, &format!("viewer {method} {path}"));
            }
        }
    });
}

#[test]
fn every_rejection_answers_the_json_error_body_and_every_answer_has_the_security_headers() {
    let (addr, clinician, _, _) = server_with("sec-json", no_limits());
    runtime().block_on(async {
        let huge = format!("{{\"patient\": \"{}\"}}", "x".repeat(300 * 1024));
        let cases: Vec<Case> = vec![
            ("GET", "/nowhere", None, None, 404),
            ("GET", "/api/docs/nothing-here.js", None, None, 404),
            ("GET", "/api/screen", None, None, 405),
            ("DELETE", "/api/records/export", None, None, 405),
            ("POST", "/api/screen", None, Some("{not json"), 400),
            ("POST", "/api/screen", None, Some("{\"patient\": 5}"), 422),
            ("POST", "/api/screen", None, Some(huge.as_str()), 413),
            ("GET", "/api/catalog/%FF", None, None, 400),
            (
                "GET",
                "/api/records/patients/%FF/history",
                Some(&clinician),
                None,
                400,
            ),
            (
                "POST",
                "/api/records/patients",
                Some(&clinician),
                Some("[]"),
                422,
            ),
        ];
        for (method, path, token, body, status) in cases {
            let answer = request(loopback(1), addr, method, path, token, body)
                .await
                .expect("answer");
            assert_json_error(&answer, status, &format!("{method} {path}"));
            assert_security_headers(&answer);
        }
        // Text answers too: the page, health, Swagger UI.
        for path in ["/", "/api/health", "/api/docs/"] {
            let answer = get(1, addr, path, None).await;
            assert_eq!(answer.status, 200, "{path}");
            assert_security_headers(&answer);
        }
        // Patient data is never cached: every records answer, a success included.
        let answer = get(1, addr, "/api/records/export", Some(&clinician)).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("cache-control"), Some("no-store"));
    });
}

fn assert_security_headers(answer: &Answer) {
    assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{answer:?}");
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(answer.header("referrer-policy"), Some("no-referrer"));
    let csp = answer.header("content-security-policy").expect("CSP");
    for part in [
        "default-src 'self'",
        "script-src 'self' 'sha256-",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(
        !csp.split(';')
            .any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")),
        "{csp}"
    );
}

#[test]
fn the_csp_allows_exactly_the_web_pages_inline_script() {
    let html = microneedling_server::layers::INDEX_HTML;
    let csp = microneedling_server::layers::CONTENT_SECURITY_POLICY.as_str();
    assert_eq!(
        csp.matches("'sha256-").count(),
        html.matches("<script>").count(),
        "{csp}"
    );
    assert!(
        !html.contains("<script src="),
        "no script file, inline only"
    );
}

#[test]
fn failures_are_limited_per_user_and_per_address_with_retry_after() {
    let (addr, clinician, viewer, _) = server_with("sec-limits", AuthLimits::default());
    let id = clinician.split_once('.').expect("token").0.to_string();
    runtime().block_on(async {
        let get = |from: u8, token: String| async move {
            request(
                loopback(from),
                addr,
                "GET",
                "/api/records/export",
                Some(&token),
                None,
            )
            .await
            .expect("answer")
        };
        // Five wrong secrets for the clinician's id, from 127.0.0.2: 401 each, then 429.
        for _ in 0..5 {
            assert_json_error(&get(2, format!("{id}.wrong")).await, 401, "wrong secret");
        }
        let limited = get(2, format!("{id}.wrong")).await;
        assert_json_error(&limited, 429, "sixth failure");
        let retry: u64 = limited
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!((1..=61).contains(&retry), "{retry}");
        // The user id is limited from any address, even with the right token…
        assert_json_error(&get(3, clinician.clone()).await, 429, "user limit");
        // …while another user from another address is served.
        assert_eq!(get(1, viewer.clone()).await.status, 200);

        // Five unknown ids from 127.0.0.4: that address is limited, for any token.
        for n in 0..5 {
            assert_json_error(
                &get(4, format!("{}.wrong", 9000 + n)).await,
                401,
                "unknown id",
            );
        }
        assert_json_error(&get(4, viewer.clone()).await, 429, "address limit");
        assert_eq!(
            get(5, viewer.clone()).await.status,
            200,
            "other addresses are served"
        );
    });
}

#[test]
fn unknown_and_known_ids_are_refused_alike_and_as_slowly() {
    let (addr, clinician, _, _) = server_with("sec-timing", no_limits());
    let id = clinician.split_once('.').expect("token").0.to_string();
    runtime().block_on(async {
        let timed = |token: String| async move {
            let start = Instant::now();
            let answer = get(1, addr, "/api/records/export", Some(&token)).await;
            (start.elapsed(), answer)
        };
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        // Interleaved, so that any slowdown of the machine hits both alike.
        for _ in 0..21 {
            let (t, a) = timed(format!("{id}.wrong")).await;
            known.push(t);
            let (t, b) = timed("424242.wrong".to_string()).await;
            unknown.push(t);
            assert_eq!((a.status, a.json()), (b.status, b.json()), "the same answer");
        }
        known.sort();
        unknown.sort();
        let ms = |t: &[Duration], i: usize| t[i].as_secs_f64() * 1e3;
        eprintln!(
            "refusal: known id min {:.1} ms median {:.1} ms, unknown id min {:.1} ms median {:.1} ms",
            ms(&known, 0),
            ms(&known, 10),
            ms(&unknown, 0),
            ms(&unknown, 10)
        );
        // The fastest of each is the check's own cost (the machine's noise only adds to it):
        // without the dummy check an unknown id would be refused in well under a tenth of it.
        let (k, u) = (ms(&known, 0), ms(&unknown, 0));
        assert!(u > k * 0.6 && u < k / 0.6, "known {k:.1} ms, unknown {u:.1} ms");
    });
}

#[test]
fn revoked_and_rotated_tokens_are_refused() {
    let (addr, clinician, viewer, db) = server_with("sec-revoke", no_limits());
    let id = |token: &str| {
        token
            .split_once('.')
            .expect("token")
            .0
            .parse::<i64>()
            .expect("id")
    };
    runtime().block_on(async {
        let status = |token: String| async move {
            get(1, addr, "/api/records/export", Some(&token))
                .await
                .status
        };
        assert_eq!(status(viewer.clone()).await, 200);
        let mut store = Store::open(&db, "admin").expect("store");
        store.revoke_user(id(&viewer)).expect("revoke");
        assert_eq!(status(viewer.clone()).await, 401, "revoked");

        let (secret, hash) = microneedling_server::auth::new_secret().expect("secret");
        store.rotate_user(id(&clinician), &hash).expect("rotate");
        assert_eq!(
            status(clinician.clone()).await,
            401,
            "the old token after rotation"
        );
        assert_eq!(
            status(format!("{}.{secret}", id(&clinician))).await,
            200,
            "the new one"
        );
    });
}

#[test]
fn slow_header_and_idle_connections_are_closed_after_the_header_timeout() {
    // This server's header-read timeout is 1 s.
    let (addr, _, _, _) = server_with("sec-slow", no_limits());
    runtime().block_on(async {
        for sent in ["GET /api/hea", ""] {
            let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.write_all(sent.as_bytes()).await.expect("write");
            let start = Instant::now();
            let mut rest = Vec::new();
            let read =
                tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
            let elapsed = start.elapsed();
            assert!(read.is_ok(), "{sent:?}: still open after 5 s");
            eprintln!("{sent:?} closed after {} ms", elapsed.as_millis());
            assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
            assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
        }
        // A complete request is still answered.
        let answer = get(1, addr, "/api/health", None).await;
        assert_eq!(answer.status, 200);
    });
}
