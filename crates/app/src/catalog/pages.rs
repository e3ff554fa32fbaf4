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
use izinkes_domain::format_id::thousands;
use izinkes_domain::standard::ServiceStandard;
use izinkes_domain::wilayah::ODBL_CREDIT;
use izinkes_domain::wilayah::Wilayah;

/// The lowest and highest SLA and fee of a type across the open offices' standards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub sla: (u32, u32),
    pub fee: (u64, u64),
}

impl Span {
    fn of(s: &ServiceStandard) -> Span {
        Span {
            sla: (s.sla_working_days, s.sla_working_days),
            fee: (s.fee_rupiah, s.fee_rupiah),
        }
    }

    fn widen(self, o: Span) -> Span {
        Span {
            sla: (self.sla.0.min(o.sla.0), self.sla.1.max(o.sla.1)),
            fee: (self.fee.0.min(o.fee.0), self.fee.1.max(o.fee.1)),
        }
    }

    pub fn sla_label(&self) -> String {
        let (lo, hi) = self.sla;
        range_label(u64::from(lo), u64::from(hi), |d| d.to_string()) + " hari kerja"
    }

    pub fn fee_label(&self) -> String {
        match self.fee {
            (0, 0) => "Tidak dipungut biaya".into(),
            (lo, hi) => format!(
                "Rp {}",
                range_label(lo, hi, |f| thousands(i64::try_from(f).unwrap_or(i64::MAX)))
            ),
        }
    }
}

/// Each type's [`Span`] over the offices' standards in force (the catalog's values for an office
/// that has published none; with no office at all, the catalog's).
pub async fn spans(
    state: &AppState,
    offices: &[Office],
    permits: &[&PermitType],
) -> crate::platform::error::ServiceResult<std::collections::HashMap<String, Span>> {
    let mut out: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
    let mut published = Vec::new();
    for o in offices {
        published.push(catalog::standards::office_standards(state, &o.id).await?);
    }
    for p in permits {
        let catalog_span = Span::of(&ServiceStandard::from_catalog(p));
        let mut span: Option<Span> = None;
        for m in &published {
            let this = m.get(&p.code).map_or(catalog_span, |x| Span::of(&x.standard));
            span = Some(span.map_or(this, |s| s.widen(this)));
        }
        out.insert(p.code.clone(), span.unwrap_or(catalog_span));
    }
    Ok(out)
}

/// The services by category, in catalog order, keeping those whose name, short name, profession
/// or code holds every word of `q` (case-insensitive; empty `q`: all).
pub fn group_services(
    permits: &[&PermitType],
    spans: &std::collections::HashMap<String, Span>,
    q: &str,
) -> Vec<ServiceGroup> {
    let q = q.trim().to_lowercase();
    let mut groups: Vec<ServiceGroup> = Vec::new();
    for p in permits {
        if !q.is_empty() {
            let hay = format!("{} {} {} {}", p.name, p.short_name, p.profession, p.code).to_lowercase();
            if !q.split_whitespace().all(|w| hay.contains(w)) {
                continue;
            }
        }
        let span = spans
            .get(&p.code)
            .copied()
            .unwrap_or_else(|| Span::of(&ServiceStandard::from_catalog(p)));
        let card = ServiceCard::of(p, span);
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
    let offices = catalog::offices::list(&state).await?;
    let spans = spans(&state, &offices, &permits).await?;
    let free = spans.values().all(|s| s.fee.1 == 0);
    let groups = group_services(&permits, &spans, &sq.q);
    let total = groups.iter().map(|g| g.items.len()).sum();
    Ok(page(&HomePage {
        ctx: v.ctx(&state, "Layanan Perizinan Kesehatan", "layanan"),
        q: sq.q.chars().take(100).collect(),
        groups,
        total,
        offices,
        free,
    }))
}

pub(crate) async fn service_page(State(state): State<AppState>, v: Visitor, Path(code): Path<String>) -> PageResult {
    let (_, catalog) = state.current_catalog().await?;
    let permit = catalog.get(&code).ok_or(WebError::NotFound)?.clone();
    let mut serving = Vec::new();
    for o in catalog::offices::list(&state).await? {
        if catalog::service::is_enabled(&state, &o.id, &permit.code).await? {
            let standard = catalog::standards::in_force(&state, &o.id, &permit).await?.standard;
            let settings = crate::complaints::settings::settings(&state, &o.id).await?;
            serving.push(OfficeStandard {
                channels: settings.lines(&o.id),
                fee: standard.fee_text(),
                standard,
                office: o,
            });
        }
    }
    Ok(page(&ServicePage {
        ctx: v.ctx(&state, &permit.name, "layanan"),
        permit,
        serving,
    }))
}

/// A range as a list shows it: "7 hari kerja", "5–12 hari kerja".
fn range_label(lo: u64, hi: u64, one: impl Fn(u64) -> String) -> String {
    if lo == hi {
        one(lo)
    } else {
        format!("{}–{}", one(lo), one(hi))
    }
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
    /// "7 hari kerja", or "5–12 hari kerja" where offices differ.
    pub sla: String,
    /// "Tidak dipungut biaya", "Rp 150.000" or a range.
    pub fee: String,
    pub requirement_count: usize,
}

impl ServiceCard {
    fn of(p: &PermitType, span: Span) -> ServiceCard {
        ServiceCard {
            code: p.code.clone(),
            name: p.name.clone(),
            sla: span.sla_label(),
            fee: span.fee_label(),
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
    /// No office charges for any type.
    pub free: bool,
}

/// A serving office with its standard for the type and its complaint channels.
pub struct OfficeStandard {
    pub office: Office,
    pub standard: std::sync::Arc<ServiceStandard>,
    pub fee: String,
    pub channels: Vec<crate::complaints::settings::ChannelLine>,
}

#[derive(Template)]
#[template(path = "catalog/service.html")]
pub struct ServicePage {
    pub ctx: PageCtx,
    pub permit: PermitType,
    pub serving: Vec<OfficeStandard>,
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
