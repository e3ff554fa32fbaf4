//! Publishing an office's Standar Pelayanan for a permit type: checked against the catalog type,
//! the national maxima and the workflow new files start on, stored as the next version with its
//! audit row in one transaction. Files already submitted keep the version they were submitted
//! under (`crate::catalog::standards`).

use crate::catalog::queries;
use crate::catalog::queries::NewStandard;
use crate::catalog::standards;
use crate::catalog::standards::PublishedStandard;
use crate::desks::workflows;
use crate::office_admin::staff::Actor;
use crate::office_admin::staff::audit;
use crate::platform::db::is_unique_violation;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::state::AppState;
use izinkes_domain::format_id::thousands;
use izinkes_domain::standard::ServiceStandard;

/// Publishes `standard` as the next version of the office's standard for `permit_code`.
pub async fn publish(
    state: &AppState,
    office_id: &str,
    actor: Actor<'_>,
    permit_code: &str,
    standard: ServiceStandard,
) -> ServiceResult<PublishedStandard> {
    let (_, catalog) = state.current_catalog().await?;
    let permit = catalog.get(permit_code).ok_or(ServiceError::NotFound)?;
    let standard = standard.tidy();
    let workflow = workflows::current_workflow(state, office_id, permit_code).await?;
    let errors = standard.check(permit, &workflow.definition);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let body = serde_json::to_string(&standard)?;
    let id = new_id();
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let new = NewStandard {
        id: &id,
        office_id,
        permit_code,
        body: &body,
        published_at: &now,
        published_by: Some(actor.name()),
    };
    let version = queries::insert_standard(&mut tx, &new).await.map_err(|e| {
        if is_unique_violation(&e) {
            ServiceError::Conflict(
                "Standar pelayanan ini baru saja diterbitkan oleh orang lain; muat ulang halaman.".into(),
            )
        } else {
            e.into()
        }
    })?;
    let detail = format!(
        "Versi {version}: {} hari kerja, Rp {}",
        standard.sla_working_days,
        thousands(i64::try_from(standard.fee_rupiah).unwrap_or(i64::MAX))
    );
    audit(
        &mut tx,
        office_id,
        actor,
        "standar_terbit",
        (None, &permit.name),
        &detail,
    )
    .await?;
    tx.commit().await?;
    state.standards.forget(office_id);
    Ok(PublishedStandard {
        id,
        permit_code: permit_code.to_string(),
        version,
        published_at: now,
        published_by: Some(actor.name().to_string()),
        standard,
    })
}

/// One row of the admin's list: a type the office offers and the standard it is served on.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StandardSummary {
    pub permit_code: String,
    pub permit_name: String,
    /// 0: the catalog's values (nothing published yet).
    pub version: i64,
    pub sla_working_days: u32,
    pub fee_rupiah: u64,
    /// A national maximum the standard in force breaks (the catalog's 12 days for a SIP under
    /// the SKB of 2025), to be mended by publishing a standard.
    pub problem: Option<String>,
}

/// The types the office offers, each with the standard it is served on.
pub async fn summaries(state: &AppState, office_id: &str) -> ServiceResult<Vec<StandardSummary>> {
    let (_, catalog) = state.current_catalog().await?;
    let mut out = Vec::new();
    for p in crate::catalog::service::offered(state, office_id, &catalog).await? {
        let f = standards::in_force(state, office_id, p).await?;
        let problem = izinkes_domain::standard::national_maximum(p)
            .filter(|m| f.standard.sla_working_days > m.days)
            .map(|m| format!("Melebihi batas nasional {} hari kerja ({}).", m.days, m.rule));
        out.push(StandardSummary {
            permit_code: p.code.clone(),
            permit_name: p.name.clone(),
            version: f.published.as_ref().map_or(0, |x| x.version),
            sla_working_days: f.standard.sla_working_days,
            fee_rupiah: f.standard.fee_rupiah,
            problem,
        });
    }
    Ok(out)
}
