//! The public pages: the home page with the services grouped and searchable, each service's
//! Standar Pelayanan, the about page, and the area picker's next level (`/wilayah/{code}`).

use crate::catalog;
use crate::catalog::offices::Office;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::Visitor;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use askama::Template;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::catalog::Requirement;
use izinkes_domain::wilayah::ODBL_CREDIT;
use izinkes_domain::wilayah::Wilayah;

/// The services by category, in catalog order, keeping those whose name, short name, profession
/// or code holds every word of `q` (case-insensitive; empty `q`: all).
pub fn group_services(permits: &[&PermitType], q: &str) -> Vec<ServiceGroup> {
    let q = q.trim().to_lowercase();
    let mut groups: Vec<ServiceGroup> = Vec::new();
    for p in permits {
        if !q.is_empty() {
            let hay = format!("{} {} {} {}", p.name, p.short_name, p.profession, p.code).to_lowercase();
            if !q.split_whitespace().all(|w| hay.contains(w)) {
                continue;
            }
        }
        let card = ServiceCard::of(p);
        match groups.iter_mut().find(|g| g.category == p.category) {
            Some(g) => g.items.push(card),
            None => groups.push(ServiceGroup {
                category: p.category.clone(),
                items: vec![card],
            }),
        }
    }
    groups
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub(crate) async fn home(State(state): State<AppState>, v: Visitor, Query(sq): Query<SearchQuery>) -> PageResult {
    let (_, catalog) = state.current_catalog().await?;
    let permits: Vec<&PermitType> = catalog.permit_types.iter().collect();
    let groups = group_services(&permits, &sq.q);
    let total = groups.iter().map(|g| g.items.len()).sum();
    Ok(page(&HomePage {
        ctx: v.ctx(&state, "Layanan Perizinan Kesehatan", "layanan"),
        q: sq.q.chars().take(100).collect(),
        groups,
        total,
        offices: catalog::offices::list(&state).await?,
    }))
}

pub(crate) async fn service_page(State(state): State<AppState>, v: Visitor, Path(code): Path<String>) -> PageResult {
    let (_, catalog) = state.current_catalog().await?;
    let permit = catalog.get(&code).ok_or(WebError::NotFound)?.clone();
    let mut serving = Vec::new();
    for o in catalog::offices::list(&state).await? {
        if catalog::service::is_enabled(&state, &o.id, &permit.code).await? {
            serving.push(o);
        }
    }
    let mut complaint_channels = Vec::new();
    for o in &serving {
        let settings = crate::complaints::settings::settings(&state, &o.id).await?;
        complaint_channels.push((o.name.clone(), settings.lines(&o.id)));
    }
    Ok(page(&ServicePage {
        ctx: v.ctx(&state, &permit.name, "layanan"),
        permit,
        offices: serving,
        complaint_channels,
    }))
}

pub(crate) async fn about(State(state): State<AppState>, v: Visitor) -> PageResult {
    Ok(page(&AboutPage {
        ctx: v.ctx(&state, "Tentang izinkes", ""),
        credit: ODBL_CREDIT,
    }))
}

#[derive(serde::Serialize)]
pub(crate) struct AreaJson {
    code: String,
    name: String,
}

/// Children of an area code as JSON for the pickers (`/wilayah/51.01`); `/wilayah/root` lists provinces.
pub(crate) async fn area_children(Path(code): Path<String>) -> Response {
    let w = Wilayah::builtin();
    let list = if code == "root" {
        w.provinces()
    } else {
        w.children(&code)
    };
    let out: Vec<AreaJson> = list
        .iter()
        .map(|a| AreaJson {
            code: a.code.clone(),
            name: w.display_name(&a.code).unwrap_or_else(|| a.name.clone()),
        })
        .collect();
    ([(header::CACHE_CONTROL, "public, max-age=86400")], axum::Json(out)).into_response()
}

pub struct ServiceGroup {
    pub category: String,
    pub items: Vec<ServiceCard>,
}

/// What a list of services shows of one (not the whole type: the home page is the busiest page).
pub struct ServiceCard {
    pub code: String,
    pub name: String,
    pub sla_working_days: u32,
    pub requirement_count: usize,
}

impl ServiceCard {
    fn of(p: &PermitType) -> ServiceCard {
        ServiceCard {
            code: p.code.clone(),
            name: p.name.clone(),
            sla_working_days: p.sla_working_days,
            requirement_count: p.requirements.len(),
        }
    }
}

#[derive(Template)]
#[template(path = "catalog/home.html")]
pub struct HomePage {
    pub ctx: PageCtx,
    pub q: String,
    pub groups: Vec<ServiceGroup>,
    pub total: usize,
    pub offices: Vec<Office>,
}

#[derive(Template)]
#[template(path = "catalog/service.html")]
pub struct ServicePage {
    pub ctx: PageCtx,
    pub permit: PermitType,
    pub offices: Vec<Office>,
    /// Each serving office's own complaint channels (office name, its lines).
    pub complaint_channels: Vec<(String, Vec<crate::complaints::settings::ChannelLine>)>,
}

impl ServicePage {
    pub fn need_label(&self, r: &Requirement) -> String {
        need_label(&self.permit, r)
    }
    pub fn formats(&self, r: &Requirement) -> String {
        formats_label(r)
    }
}

pub fn need_label(permit: &PermitType, r: &Requirement) -> String {
    use izinkes_domain::catalog::Need;
    match &r.need {
        Need::Required => "Wajib".into(),
        Need::Optional => "Tidak wajib".into(),
        Need::When { field, equals } => {
            let what = match field.as_str() {
                "pemohon.kuasa" => "diajukan oleh kuasa".to_string(),
                "pemohon.perusahaan" => "permohonan dari perusahaan".to_string(),
                f => {
                    let label = permit
                        .fields
                        .iter()
                        .find(|x| x.key == f)
                        .map(|x| x.label.clone())
                        .unwrap_or_else(|| f.to_string());
                    format!("{label}: {equals}")
                }
            };
            format!("Wajib jika {what}")
        }
    }
}

pub fn formats_label(r: &Requirement) -> String {
    let f = r.formats.iter().map(|f| f.label()).collect::<Vec<_>>().join("/");
    format!(
        "{f}, maks. {}",
        crate::platform::uploads::human_size(i64::from(r.max_size_kb) * 1024)
    )
}

pub fn accept_attr(r: &Requirement) -> String {
    r.formats
        .iter()
        .flat_map(|f| match f.label() {
            "PDF" => vec![".pdf", "application/pdf"],
            "JPG" => vec![".jpg", ".jpeg", "image/jpeg"],
            _ => vec![".png", "image/png"],
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(Template)]
#[template(path = "catalog/about.html")]
pub struct AboutPage {
    pub ctx: PageCtx,
    pub credit: &'static str,
}
