//! Layers every response goes through: error bodies made JSON (axum's own rejections, 404, 405,
//! 413, timeouts) and the security headers.

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::response::Response;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ErrorBody;

/// Largest error body read back to be wrapped as JSON (axum's messages are one line).
const MAX_ERROR_TEXT: usize = 16 * 1024;

/// Turns every 4xx or 5xx answer that is not JSON yet (axum's JSON, path and length rejections,
/// 405, the timeout's 503) into the documented `{"error": …}` body; other headers (`Allow`,
/// `Retry-After`) are kept.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_ERROR_TEXT)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let error = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("request refused")
            .to_lowercase()
    } else {
        text
    };
    let body = ErrorBody {
        error,
        field: None,
        value: None,
        accepted: None,
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{\"error\":\"error\"}".to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(bytes))
}

/// The web page, embedded.
pub const INDEX_HTML: &str = include_str!("../web/index.html");

/// Standard base64 of `bytes` (for the CSP's script hash): the base64 crate, which the image
/// uploads already need.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The `sha256-…` source of every inline `<script>` of `html`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    html.split("<script>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</script>"))
        .map(|(script, _)| format!("'sha256-{}'", base64(&Sha256::digest(script.as_bytes()))))
        .collect()
}

/// The Content-Security-Policy of every response. Scripts: files from this server (Swagger UI)
/// and the web page's one inline script by its hash, nothing else (no `unsafe-inline`, no
/// `eval`). Styles may be inline: the page and the plan report (shown in a `srcdoc` frame) carry
/// `<style>` blocks and `style` attributes. Images from here, `data:` (Swagger UI's icons) or
/// `blob:` (the record's photos, which the page fetches with the token and shows from memory). No
/// plugins, no `<base>`, forms only to here, and no other site may frame these pages.
pub static CONTENT_SECURITY_POLICY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "default-src 'self'; script-src 'self' {}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        inline_script_hashes(INDEX_HTML).join(" ")
    )
});

/// The headers every response carries (unless a handler set them).
pub fn security_headers() -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let csp = HeaderValue::from_str(&CONTENT_SECURITY_POLICY)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let set =
        |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::if_not_present(name, value);
    vec![
        set(header::CONTENT_SECURITY_POLICY, csp),
        set(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        set(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        set(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ]
}

/// `Cache-Control: no-store`: patient data is never kept by a browser or a proxy.
pub fn no_store() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_the_rfc_4648_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
