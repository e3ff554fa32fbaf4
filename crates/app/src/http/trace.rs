//! What every request carries from the first layer on: its client address (`ClientAddr`,
//! trusting forwarded headers only from `TRUSTED_PROXIES`) and its id (`RequestId`), which is
//! in the span of every log line of the request, in the `X-Request-Id` response header, and
//! the reference of its 500 page or JSON.

use crate::state::AppState;
use crate::web::error::RequestId;
use crate::web::extract::ClientAddr;
use crate::web::extract::peer_ip;
use axum::extract::Request;
use axum::extract::State;
use axum::http::HeaderName;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::classify::ServerErrorsAsFailures;
use tower_http::classify::SharedClassifier;
use tower_http::trace::TraceLayer;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The outermost layer: resolves the client and the id, runs the request with its id in the
/// task (for `log_internal`), and returns the id as `X-Request-Id`. An incoming `X-Request-Id`
/// is taken only from a trusted proxy (so the proxy's log and ours share it), and only when
/// well formed; anyone else gets a fresh id.
pub async fn request_context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let trusted = &state.config.trusted_proxies;
    let peer = peer_ip(req.extensions());
    let client = ClientAddr::resolve(peer, req.headers(), trusted);
    let incoming = match peer {
        Some(p) if trusted.contains(p) => req
            .headers()
            .get(&X_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .and_then(RequestId::accept),
        _ => None,
    };
    let id = incoming.unwrap_or_else(RequestId::generate);
    let header = HeaderValue::from_str(&id.0).ok();
    req.extensions_mut().insert(client);
    req.extensions_mut().insert(id.clone());
    let mut response = id.scope(next.run(req)).await;
    if let Some(v) = header {
        response.headers_mut().insert(X_REQUEST_ID, v);
    }
    response
}

/// tower-http's trace layer with the request's span named by its id and client: every event
/// logged while serving the request carries both. 5xx responses are logged as errors there;
/// other responses at debug (`IZINKES_LOG=info,tower_http=debug` shows each request).
pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, fn(&Request) -> tracing::Span> {
    TraceLayer::new_for_http().make_span_with(request_span as fn(&Request) -> tracing::Span)
}

fn request_span(req: &Request) -> tracing::Span {
    let id = req.extensions().get::<RequestId>().map_or("", |r| r.0.as_str());
    let client = req.extensions().get::<ClientAddr>().map_or("", |c| c.0.as_str());
    // The path only: a query may hold a token (password reset links).
    tracing::info_span!("request", id = %id, client = %client, method = %req.method(), path = %req.uri().path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use std::sync::Arc;
    use std::sync::Mutex;
    use tower::ServiceExt;

    /// The log lines written during a test.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_log_line_inside_a_request_names_its_id_and_client() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = Router::new()
            .route(
                "/",
                get(|| async {
                    tracing::warn!("inside the handler");
                    "ok"
                }),
            )
            .layer(trace_layer());
        let mut req = Request::new(Body::empty());
        req.extensions_mut().insert(RequestId("ABCDE12345".into()));
        req.extensions_mut().insert(ClientAddr("203.0.113.7".into()));
        app.oneshot(req).await.unwrap();
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains("inside the handler"))
            .unwrap_or_default();
        assert!(
            line.contains("id=ABCDE12345") && line.contains("client=203.0.113.7"),
            "{text}"
        );
    }
}
