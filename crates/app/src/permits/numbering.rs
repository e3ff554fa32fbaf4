//! Permit numbers: from the office's pattern, once, when the file becomes ready to sign.

use crate::applications::view::ApplicationView;
use crate::permits::queries;
use crate::permits::queries::NewPermit;
use crate::platform::db::Tx;
use crate::platform::db::next_counter;
use crate::platform::db::now_text;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::platform::ids::new_token;
use chrono::Datelike;
use chrono::Utc;
use izinkes_domain::numbering::NumberPattern;

fn pattern_for(code: &str, stored: Option<String>) -> NumberPattern {
    stored.and_then(|p| NumberPattern::parse(&p).ok()).unwrap_or_else(|| {
        let _ = code;
        NumberPattern::default_pattern()
    })
}

/// Assigns the permit number in the caller's transaction, when a file becomes ready to sign.
/// Per office, permit type and year; the upsert counter makes it unique and gapless under
/// concurrency; once assigned it is never reused, even if the file is later cancelled.
pub async fn assign_in_tx(
    tx: &mut Tx,
    v: &ApplicationView,
    applicant_identity_masked: &str,
    holder_name: &str,
) -> ServiceResult<String> {
    let office = &v.office;
    let year = Utc::now().with_timezone(&office.tz().offset()).year();
    let stored = queries::number_pattern(&mut **tx, &office.id, &v.app.permit_code).await?;
    let pattern = pattern_for(&v.app.permit_code, stored);
    let seq = next_counter(tx, &office.id, &format!("sk:{}", v.app.permit_code), &year.to_string()).await?;
    let number = pattern.format(seq, year, &v.app.permit_code, &office.code);
    let profession = v.permit().map(|p| p.profession.clone()).unwrap_or_default();
    // An establishment's permit is the business's: the register and the public page name it.
    let holder_name = match v.permit().map(|p| p.holder) {
        Some(izinkes_domain::catalog::Holder::Establishment) if !v.app.data.company_name.is_empty() => {
            v.app.data.company_name.as_str()
        }
        _ => holder_name,
    };
    let permit = NewPermit {
        id: &new_id(),
        office_id: &office.id,
        application_id: &v.app.id,
        applicant_id: &v.app.applicant_id,
        permit_code: &v.app.permit_code,
        profession: &profession,
        number: &number,
        token: &new_token(),
        holder_name,
        nik_masked: applicant_identity_masked,
        practice_place: &v.app.data.facility_name,
        practice_address: &format!(
            "{}, {}",
            v.app.data.location_address,
            izinkes_domain::format_id::area_label(&v.app.data.location_village_code)
        ),
        renewal_of: v.app.renewal_of.as_deref(),
        change_of: v.app.change_of.as_deref(),
        cancels_permit: v.app.cancels_permit.as_deref(),
        now: &now_text(),
    };
    queries::insert_permit(&mut **tx, &permit).await?;
    Ok(number)
}

/// Numbers the permit and, when the office's standard has a fee, issues the SKRD: both in the
/// caller's transaction, when the file becomes ready to sign.
pub async fn ready_to_sign_in_tx(
    tx: &mut Tx,
    state: &crate::state::AppState,
    v: &ApplicationView,
    applicant_identity_masked: &str,
    holder_name: &str,
) -> ServiceResult<String> {
    let number = assign_in_tx(tx, v, applicant_identity_masked, holder_name).await?;
    crate::permits::retribution::issue_in_tx(tx, state, v).await?;
    Ok(number)
}
