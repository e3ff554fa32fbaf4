//! Withdrawing a submitted application (seed 000: the applicant may cancel): the office stops
//! working it, its clocks stop, and it frees its practice place. Not possible once the file is
//! ready for signature (it already has its permit number) or decided.

use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::applications::queries;
use crate::applications::view::load_owned;
use crate::applications::view::view;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::mail;
use crate::platform::mail::ApplicationWithdrawn;
use crate::state::AppState;
use izinkes_domain::status::ApplicationStatus;

/// Shortest reason accepted, in characters.
const MIN_REASON: usize = 10;

/// Withdraws the applicant's own submitted application with a reason (field `reason`).
pub async fn withdraw(state: &AppState, applicant_id: &str, id: &str, reason: &str) -> ServiceResult<()> {
    let app = load_owned(state, applicant_id, id).await?;
    if !app.status.may_be_withdrawn() {
        return Err(ServiceError::Refused(format!(
            "Permohonan berstatus {} tidak dapat dibatalkan.",
            app.status.label_id()
        )));
    }
    let reason = crate::platform::text::clean_text(reason, 500);
    if reason.chars().count() < MIN_REASON {
        return Err(ServiceError::field(
            "reason",
            format!("Tuliskan alasan pembatalan, paling sedikit {MIN_REASON} huruf."),
        ));
    }
    let v = view(state, app).await?;
    let number = v.app.registration_number.clone().unwrap_or_default();
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let done = queries::mark_withdrawn(&mut *tx, &now, &v.app.id).await?;
    if done.rows_affected() == 0 {
        return Err(ServiceError::Conflict(
            "Status permohonan baru saja berubah. Muat ulang halaman lalu coba lagi.".into(),
        ));
    }
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &v.office.id,
            application_id: &v.app.id,
            actor_kind: "applicant",
            actor_id: Some(applicant_id),
            actor_name: &v.app.data.name,
            actor_role: None,
            action: "dibatalkan_pemohon",
            from_status: Some(v.app.status.code()),
            to_status: ApplicationStatus::Withdrawn.code(),
            step: None,
            public_note: Some(&format!("Dibatalkan oleh pemohon: {reason}")),
            internal_note: None,
        },
    )
    .await?;
    let tz = v.office.tz();
    let mail = ApplicationWithdrawn {
        name: &v.app.data.name,
        permit_name: &v.permit().map(|p| p.name.clone()).unwrap_or_default(),
        number: &number,
        at: &izinkes_domain::format_id::timestamp_in(&now, tz),
        reason: &reason,
        base_url: state.config.base_url.trim_end_matches('/'),
    };
    let email = crate::accounts::profile::load_applicant(state, applicant_id)
        .await?
        .email;
    mail::enqueue(&mut tx, Some(&v.office.id), &email, &mail).await?;
    tx.commit().await?;
    state.desks_changed(&v.office.id);
    state.wake_outbox();
    Ok(())
}
