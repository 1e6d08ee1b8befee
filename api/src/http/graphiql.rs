//! GraphiQL, served entirely by the hub: `GET /graphql` (the page) and
//! `GET /graphql/assets/{digest}/{name}` (its scripts and stylesheets).
//!
//! The page must work where there is no internet and under a strict content-security policy
//! (both usual in public administration), so nothing comes from a CDN: GraphiQL's UMD bundle and
//! React's production builds are vendored from npm at pinned versions
//! (`api/assets/graphiql/vendor/`, re-created by `scripts/vendor-graphiql`) and compiled into
//! the binary. The page itself has no inline script or style, so its policy can allow scripts
//! and styles from the hub's own origin only.
//!
//! Each asset's URL carries a digest of its contents, so it can be cached for a year as
//! immutable: a deploy with other files hands out other URLs, and the page, which is never
//! cached, always names the current ones.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// What the page may load and do. Everything comes from the hub itself; `data:` only for the
/// fonts and images GraphiQL's stylesheet embeds and the page's empty favicon. The one inline
/// style GraphiQL needs is allowed by its hash: its dialogs (settings, short keys) lock the
/// page's scrolling with a `<style>` element (react-remove-scroll), whose text is the same
/// wherever the page does not scroll, as this one never does; the browser test opens a dialog
/// and fails on a refused style, so a GraphiQL version with other text is noticed. `connect-src
/// 'self'` covers the WebSocket to `/graphql/ws` too: CSP level 3 matches `ws:`/`wss:` on the
/// page's own host and port against `'self'`. The page is never framed, so a hostile site cannot
/// trick a user into clicking through GraphiQL (`frame-ancestors 'none'`).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'sha256-nzTgYzXYDNe6BAHiiI7NNlfK8n/auuOAhh2t92YvuXo='; \
     font-src 'self' data:; img-src 'self' data:; connect-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Where the asset routes are mounted; the page names its assets relative to itself
/// (`graphql/assets/…` from `/graphql`), so a path prefix in front of the hub keeps working.
pub const ASSETS_ROUTE: &str = "/graphql/assets/{digest}/{name}";

const PAGE: &str = include_str!("../../assets/graphiql/page.html");

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The files the page loads, in the order it loads them.
const ASSETS: [Asset; 6] = [
    Asset {
        name: "graphiql.min.css",
        content_type: CSS,
        body: include_bytes!("../../assets/graphiql/vendor/graphiql.min.css"),
    },
    Asset {
        name: "page.css",
        content_type: CSS,
        body: include_bytes!("../../assets/graphiql/page.css"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: JS,
        body: include_bytes!("../../assets/graphiql/vendor/react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: JS,
        body: include_bytes!("../../assets/graphiql/vendor/react-dom.production.min.js"),
    },
    Asset {
        name: "graphiql.min.js",
        content_type: JS,
        body: include_bytes!("../../assets/graphiql/vendor/graphiql.min.js"),
    },
    Asset {
        name: "start.js",
        content_type: JS,
        body: include_bytes!("../../assets/graphiql/start.js"),
    },
];

/// Each asset's digest (the first 16 hex digits of its SHA-256), computed once.
static DIGESTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            Sha256::digest(a.body)
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect()
});

/// The page with each `{{name}}` replaced by that asset's URL relative to `/graphql`.
static RENDERED: LazyLock<String> = LazyLock::new(|| {
    ASSETS
        .iter()
        .zip(DIGESTS.iter())
        .fold(PAGE.to_owned(), |page, (asset, digest)| {
            page.replace(
                &format!("{{{{{}}}}}", asset.name),
                &format!("graphql/assets/{digest}/{}", asset.name),
            )
        })
});

/// The GraphiQL page. Not cached, so it always names the assets of the running version.
pub fn page() -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        RENDERED.as_str(),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// One asset, by the digest and name the page gave it; any other pair is 404, so a URL never
/// answers with contents other than those it was handed out for.
pub async fn asset(Path((digest, name)): Path<(String, String)>) -> Response {
    let found = ASSETS
        .iter()
        .zip(DIGESTS.iter())
        .find(|(asset, d)| asset.name == name && **d == digest);
    let Some((asset, _)) = found else {
        return super::not_found().await.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        asset.body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_every_asset_and_has_no_inline_script_or_style() {
        let page = RENDERED.as_str();
        assert!(!page.contains("{{"), "an asset placeholder is left: {page}");
        for (asset, digest) in ASSETS.iter().zip(DIGESTS.iter()) {
            let url = format!("graphql/assets/{digest}/{}", asset.name);
            assert!(page.contains(&url), "{url} is not on the page");
        }
        // Under `script-src 'self'` an inline script would not run, and under
        // `style-src 'self'` an inline style would not apply.
        assert_eq!(
            page.matches("<script").count(),
            page.matches("<script src=").count()
        );
        assert!(!page.contains("<style") && !page.contains("style="));
    }

    #[test]
    fn nothing_on_the_page_comes_from_elsewhere() {
        for (asset, _) in ASSETS.iter().zip(DIGESTS.iter()) {
            let body = String::from_utf8_lossy(asset.body);
            assert!(
                !body.contains("unpkg.com") && !body.contains("cdn.jsdelivr"),
                "{} names a CDN",
                asset.name
            );
        }
        assert!(!RENDERED.contains("//"), "no absolute URL on the page");
    }
}
