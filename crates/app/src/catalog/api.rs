//! The catalog over the API: the offices, the permit types they offer with their forms and
//! requirements, and the Kemendagri areas.

use crate::catalog::offices::Office;
use crate::state::AppState;
use crate::web::api::ApiResult;
use crate::web::api::Internal;
use crate::web::api::NotFound;
use crate::web::api::ok;
use crate::web::error::WebError;
use axum::extract::Path;
use axum::extract::State;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::standard::ServiceStandard;
use izinkes_domain::standard::StepDays;
use izinkes_domain::wilayah::AreaLevel;
use izinkes_domain::wilayah::Wilayah;
use serde::Deserialize;
use serde::Serialize;
use utoipa::ToSchema;

/// The schemas of the catalog's own types (the domain crate's and the offices'), as they are
/// serialised; the schema test holds them to the real bodies.
#[allow(dead_code)]
pub(crate) mod schema {
    use utoipa::ToSchema;

    /// A licensing office (DPMPTSP).
    #[derive(ToSchema)]
    #[schema(as = Office)]
    pub(crate) struct Office {
        pub id: String,
        pub code: String,
        pub name: String,
        pub short_name: String,
        /// Kemendagri code of the office's regency or city.
        pub regency_code: String,
        pub address: String,
        pub phone: String,
        pub email: String,
        /// `WIB`, `WITA` or `WIT`.
        pub timezone: String,
        /// The office's website (http or https), or empty.
        pub website: String,
        /// Service hours as the office writes them.
        pub service_hours: String,
    }

    /// One field of Tahap 2 (Data Formulir).
    #[derive(ToSchema)]
    #[schema(as = FormField)]
    pub(crate) struct FormField {
        pub key: String,
        pub label: String,
        pub kind: FieldKind,
        pub required: bool,
        pub example: Option<String>,
        pub hint: Option<String>,
        /// The choices of a `select` field (absent otherwise).
        pub options: Option<Vec<String>>,
        /// Filled from the profile: `birth_place`, `birth_date`, `full_name` or `str_number`.
        pub prefill: Option<String>,
    }

    /// How a field is entered.
    #[derive(ToSchema)]
    #[schema(rename_all = "snake_case")]
    pub(crate) enum FieldKind {
        Text,
        Number,
        Date,
        Select,
        Textarea,
        Days,
        TimeRange,
    }

    /// When a requirement is needed: always, optionally, or when an answer equals a value.
    #[derive(ToSchema)]
    #[schema(as = Need)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub(crate) enum Need {
        Required,
        Optional,
        When { field: String, equals: String },
    }

    /// A file format a requirement accepts (checked by content).
    #[derive(ToSchema)]
    #[schema(as = FileFormat)]
    #[serde(rename_all = "lowercase")]
    pub(crate) enum FileFormat {
        Pdf,
        Jpg,
        Png,
    }

    /// A document of Tahap 3 (Data Syarat).
    #[derive(ToSchema)]
    #[schema(as = Requirement)]
    pub(crate) struct Requirement {
        pub key: String,
        pub label: String,
        pub need: Need,
        pub formats: Vec<FileFormat>,
        pub max_size_kb: u64,
        /// Present (true) when the office may choose whether to ask for it.
        pub local_choice: Option<bool>,
        pub hint: Option<String>,
    }

    /// How long an issued permit is valid.
    #[derive(ToSchema)]
    pub(crate) struct Validity {
        pub years: u64,
        /// The permit ends with the holder's STR.
        pub ends_with_str: bool,
    }

    /// A permit type with its Standar Pelayanan, form and requirements.
    #[derive(ToSchema)]
    #[schema(as = PermitType)]
    pub(crate) struct PermitType {
        pub code: String,
        pub name: String,
        pub short_name: String,
        pub profession: String,
        pub category: String,
        pub description: String,
        pub fields: Vec<FormField>,
        pub requirements: Vec<Requirement>,
        pub sla_working_days: u64,
        pub fee_rupiah: u64,
        pub product: String,
        pub legal_basis: Vec<String>,
        pub validity: Validity,
        pub max_active_per_person: u64,
        /// Days before a permit's end from which it may be renewed.
        pub renewal_window_days: u64,
        pub procedure: Vec<String>,
        pub complaint_channels: Vec<String>,
        /// Who holds the permit; absent means `person`.
        pub holder: Option<Holder>,
        /// What the technical team must record before the file leaves its desk; absent means
        /// `none`.
        pub inspection: Option<Inspection>,
        /// A cancellation type (pencabutan): the codes of the types whose permits it cancels.
        /// Started from the permit (`POST /api/v1/permits/{id}/cancel`), not as a new draft.
        pub cancels: Option<Vec<String>>,
    }

    /// A person's practice permit, or an establishment's (a business with an NIB).
    #[derive(ToSchema)]
    #[schema(rename_all = "snake_case")]
    pub(crate) enum Holder {
        Person,
        Establishment,
    }

    /// `required`: a field inspection with its Berita Acara; `with_lab`: and laboratory
    /// results of its samples.
    #[derive(ToSchema)]
    #[schema(rename_all = "snake_case")]
    pub(crate) enum Inspection {
        None,
        Required,
        WithLab,
    }
}

/// The offices.
#[derive(Serialize, ToSchema)]
pub(crate) struct OfficeList {
    #[schema(value_type = Vec<schema::Office>)]
    offices: Vec<Office>,
}

/// Offices
#[utoipa::path(get, path = "/api/v1/offices", operation_id = "listOffices", tag = "Catalog",
    responses((status = 200, description = "OK", body = OfficeList), (status = 500, response = Internal)))]
pub(crate) async fn list_offices(State(state): State<AppState>) -> ApiResult {
    Ok(ok(OfficeList {
        offices: crate::catalog::offices::list(&state).await?,
    }))
}

/// The current catalog.
#[derive(Serialize, ToSchema)]
pub(crate) struct Catalog<'a> {
    /// Applications keep the version they started on.
    version: i64,
    #[schema(value_type = Vec<schema::PermitType>)]
    permit_types: &'a [PermitType],
}

/// The current catalog of permit types
#[utoipa::path(get, path = "/api/v1/catalog", operation_id = "getCatalog", tag = "Catalog",
    responses((status = 200, description = "OK", body = Catalog), (status = 500, response = Internal)))]
pub(crate) async fn catalog(State(state): State<AppState>) -> ApiResult {
    let (version, c) = state.current_catalog().await?;
    Ok(ok(Catalog {
        version,
        permit_types: &c.permit_types,
    }))
}

/// One permit type
#[utoipa::path(get, path = "/api/v1/catalog/{code}", operation_id = "getPermitType", tag = "Catalog",
    params(("code" = String, Path, description = "Permit type code.", example = "SIP-DRSP")),
    responses(
        (status = 200, description = "OK", body = schema::PermitType),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn catalog_item(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult {
    let (_, c) = state.current_catalog().await?;
    let p = c.get(&code).ok_or(WebError::NotFound)?;
    Ok(ok(p))
}

/// A Kemendagri area.
#[derive(Serialize, ToSchema)]
pub(crate) struct Area {
    code: String,
    name: String,
    level: Level,
}

/// The level of an area.
#[derive(Serialize, ToSchema)]
#[schema(as = AreaLevel)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Level {
    Province,
    Regency,
    District,
    Village,
}

impl From<AreaLevel> for Level {
    fn from(l: AreaLevel) -> Level {
        match l {
            AreaLevel::Province => Level::Province,
            AreaLevel::Regency => Level::Regency,
            AreaLevel::District => Level::District,
            AreaLevel::Village => Level::Village,
        }
    }
}

/// The areas one level below.
#[derive(Serialize, ToSchema)]
pub(crate) struct AreaList {
    areas: Vec<Area>,
}

/// Areas below a Kemendagri area code
#[utoipa::path(get, path = "/api/v1/areas/{code}", operation_id = "listAreas", tag = "Catalog",
    params(("code" = String, Path, description = "An area code, or `root` for the provinces.", example = "51.01")),
    responses(
        (status = 200, description = "The children of the area (provinces for `root`).", body = AreaList),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
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
    let areas = list
        .iter()
        .map(|a| Area {
            code: a.code.clone(),
            name: w.display_name(&a.code).unwrap_or_else(|| a.name.clone()),
            level: a.level.into(),
        })
        .collect();
    Ok(ok(AreaList { areas }))
}

/// One desk's working days.
#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct StepDaysJson {
    /// The workflow step's key.
    step: String,
    days: u32,
}

/// A service standard, as sent and as returned.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StandardJson {
    /// Working days from the file being complete; 1–60, at most 5 for a SIP (SKB 9 Sep 2025).
    sla_working_days: u32,
    /// Days per desk of the workflow new files start on, in its order, adding up to the SLA;
    /// empty: split by the workflow's shares.
    #[serde(default)]
    step_days: Vec<StepDaysJson>,
    /// Rupiah; 0: not charged.
    fee_rupiah: u64,
    /// The regulation setting the fee; required when the fee is not zero.
    #[serde(default)]
    fee_legal_basis: String,
    product: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    complaint_channels: Vec<String>,
    #[serde(default)]
    requirement_notes: String,
}

impl From<&ServiceStandard> for StandardJson {
    fn from(s: &ServiceStandard) -> StandardJson {
        StandardJson {
            sla_working_days: s.sla_working_days,
            step_days: s
                .step_days
                .iter()
                .map(|d| StepDaysJson {
                    step: d.step.clone(),
                    days: d.days,
                })
                .collect(),
            fee_rupiah: s.fee_rupiah,
            fee_legal_basis: s.fee_legal_basis.clone(),
            product: s.product.clone(),
            contact: s.contact.clone(),
            complaint_channels: s.complaint_channels.clone(),
            requirement_notes: s.requirement_notes.clone(),
        }
    }
}

impl From<StandardJson> for ServiceStandard {
    fn from(b: StandardJson) -> ServiceStandard {
        ServiceStandard {
            sla_working_days: b.sla_working_days,
            step_days: b
                .step_days
                .into_iter()
                .map(|d| StepDays {
                    step: d.step,
                    days: d.days,
                })
                .collect(),
            fee_rupiah: b.fee_rupiah,
            fee_legal_basis: b.fee_legal_basis,
            product: b.product,
            contact: b.contact,
            complaint_channels: b.complaint_channels,
            requirement_notes: b.requirement_notes,
        }
    }
}

/// An office's Standar Pelayanan for a permit type
///
/// What new applications of the type at the office are served on: its published standard, or the
/// catalog's values until it publishes one.
#[utoipa::path(get, path = "/api/v1/offices/{office}/standards/{code}", operation_id = "getOfficeStandard", tag = "Catalog",
    params(
        ("office" = String, Path, description = "Office id."),
        ("code" = String, Path, description = "Permit type code.", example = "SIP-BDN"),
    ),
    responses(
        (status = 200, description = "OK", body = StandardJson),
        (status = 404, response = NotFound),
        (status = 500, response = Internal),
    ))]
pub(crate) async fn office_standard(
    State(state): State<AppState>,
    Path((office, code)): Path<(String, String)>,
) -> ApiResult {
    let (_, c) = state.current_catalog().await?;
    let p = c.get(&code).ok_or(WebError::NotFound)?;
    let open = crate::catalog::offices::list(&state)
        .await?
        .iter()
        .any(|o| o.id == office);
    if !open || !crate::catalog::service::is_enabled(&state, &office, &code).await? {
        return Err(WebError::NotFound.into());
    }
    let f = crate::catalog::standards::in_force(&state, &office, p).await?;
    Ok(ok(StandardJson::from(f.standard.as_ref())))
}
