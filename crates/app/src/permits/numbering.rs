//! Permit numbers: from the office's pattern, once, when the file becomes ready to sign.

use crate::applications::view::ApplicationView;
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
    let stored: Option<String> =
        sqlx::query_scalar("SELECT pattern FROM number_patterns WHERE office_id = $1 AND permit_code = $2")
            .bind(&office.id)
            .bind(&v.app.permit_code)
            .fetch_optional(&mut **tx)
            .await?;
    let pattern = pattern_for(&v.app.permit_code, stored);
    let seq = next_counter(tx, &office.id, &format!("sk:{}", v.app.permit_code), &year.to_string()).await?;
    let number = pattern.format(seq, year, &v.app.permit_code, &office.code);
    let profession = v.permit().map(|p| p.profession.clone()).unwrap_or_default();
    sqlx::query(
        "INSERT INTO permits (id, office_id, application_id, applicant_id, permit_code, profession, number, token, status, holder_name, nik_masked, \
           practice_place, practice_address, renewal_of, change_of, reminders, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'awaiting_signature', $9, $10, $11, $12, $13, $14, '[]', $15)",
    )
    .bind(new_id())
    .bind(&office.id)
    .bind(&v.app.id)
    .bind(&v.app.applicant_id)
    .bind(&v.app.permit_code)
    .bind(profession)
    .bind(&number)
    .bind(new_token())
    .bind(holder_name)
    .bind(applicant_identity_masked)
    .bind(&v.app.data.facility_name)
    .bind(format!("{}, {}", v.app.data.location_address, izinkes_domain::format_id::area_label(&v.app.data.location_village_code)))
    .bind(v.app.renewal_of.as_deref())
    .bind(v.app.change_of.as_deref())
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(number)
}
