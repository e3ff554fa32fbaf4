//! The catalog over the API: the offices, the permit types they offer with their forms and
//! requirements, and the Kemendagri areas.

use crate::state::AppState;
use crate::web::error::WebError;
use axum::extract::Path;
use axum::extract::State;
use izinkes_domain::wilayah::Wilayah;
use serde_json::Value;
use serde_json::json;
// ---------------------------------------------------------------------------------------------
// The desks (Tugas Saya, the file, its actions, the supervisors' summary) for officer tokens.
use crate::web::api::ApiResult;
use crate::web::api::ok;

pub(crate) async fn list_offices(State(state): State<AppState>) -> ApiResult {
    Ok(ok(json!({"offices": crate::catalog::offices::list(&state).await?})))
}

pub(crate) async fn catalog(State(state): State<AppState>) -> ApiResult {
    let (version, c) = state.current_catalog().await?;
    Ok(ok(json!({"version": version, "permit_types": c.permit_types})))
}

pub(crate) async fn catalog_item(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult {
    let (_, c) = state.current_catalog().await?;
    let p = c.get(&code).ok_or(WebError::NotFound)?;
    Ok(ok(json!(p)))
}

pub(crate) async fn areas(Path(code): Path<String>) -> ApiResult {
    let w = Wilayah::builtin();
    if code != "root" && w.get(&code).is_none() {
        return Err(WebError::NotFound.into());
    }
    let list = if code == "root" {
        w.provinces()
    } else {
        w.children(&code)
    };
    let items: Vec<Value> = list
        .iter()
        .map(|a| json!({"code": a.code, "name": w.display_name(&a.code).unwrap_or_else(|| a.name.clone()), "level": a.level}))
        .collect();
    Ok(ok(json!({"areas": items})))
}
