//! The SQL of permits: the register (`SELECT *` read into `PermitDbRow`), numbering, signing,
//! revocation, the print and handover register, expiry reminders, the office's documents and
//! signer, and the document templates.

use sqlx::Any;
use sqlx::Executor;
use sqlx::any::AnyQueryResult;

/// A `permits` row (the register reads `SELECT *`).
#[derive(sqlx::FromRow)]
pub struct PermitDbRow {
    pub id: String,
    pub office_id: String,
    pub application_id: String,
    pub applicant_id: String,
    pub permit_code: String,
    pub number: String,
    pub token: String,
    pub status: String,
    pub holder_name: String,
    pub nik_masked: String,
    pub practice_place: String,
    pub practice_address: String,
    pub issued_on: Option<String>,
    pub valid_until: Option<String>,
    pub signer_name: Option<String>,
    pub signer_position: Option<String>,
    pub pdf_sha256: Option<String>,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
    pub revoke_decree: Option<String>,
    pub replaced_by: Option<String>,
    pub renewal_of: Option<String>,
    pub change_of: Option<String>,
    /// A Surat Keputusan Pencabutan: the permit it revoked.
    pub cancels_permit: Option<String>,
}

/// The register's lookups by one value, each a `SELECT * FROM permits …` with one parameter.
pub const AWAITING_SIGNATURE: &str =
    "SELECT * FROM permits WHERE office_id = $1 AND status = 'awaiting_signature' ORDER BY created_at";
pub const FOR_APPLICANT: &str =
    "SELECT * FROM permits WHERE applicant_id = $1 AND status <> 'awaiting_signature' ORDER BY created_at DESC";
pub const BY_TOKEN: &str = "SELECT * FROM permits WHERE token = $1 AND status <> 'awaiting_signature'";
pub const BY_ID: &str = "SELECT * FROM permits WHERE id = $1";
pub const BY_APPLICATION: &str = "SELECT * FROM permits WHERE application_id = $1 AND status <> 'awaiting_signature'";
pub const BY_NUMBER: &str = "SELECT * FROM permits WHERE number = $1";

pub async fn permits_where(
    db: impl Executor<'_, Database = Any>,
    sql: &'static str,
    bind: &str,
) -> Result<Vec<PermitDbRow>, sqlx::Error> {
    sqlx::query_as(sql).bind(bind).fetch_all(db).await
}

pub async fn all_permits(db: impl Executor<'_, Database = Any>) -> Result<Vec<PermitDbRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM permits ORDER BY office_id, created_at")
        .fetch_all(db)
        .await
}

pub async fn office_archive(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Vec<PermitDbRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM permits WHERE office_id = $1 AND status <> 'awaiting_signature' ORDER BY created_at DESC LIMIT 500")
        .bind(office_id)
        .fetch_all(db)
        .await
}

pub async fn revoke(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    reason: &str,
    decree: &str,
    id: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query("UPDATE permits SET status = 'revoked', revoked_at = $1, revoke_reason = $2, revoke_decree = $3 WHERE id = $4 AND status = 'active'")
        .bind(now)
        .bind(reason)
        .bind(decree)
        .bind(id)
        .execute(db)
        .await
}

pub async fn insert_print(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    permit_id: &str,
    printed_by: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO permit_prints (office_id, permit_id, printed_by, printed_at) VALUES ($1, $2, $3, $4)")
        .bind(office_id)
        .bind(permit_id)
        .bind(printed_by)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// Records the handover on the permit's last print not handed over yet.
pub async fn record_handover(
    db: impl Executor<'_, Database = Any>,
    received_by: &str,
    handed_over_by: &str,
    now: &str,
    permit_id: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE permit_prints SET received_by = $1, handed_over_by = $2, handed_over_at = $3 WHERE id = (SELECT MAX(id) FROM permit_prints WHERE permit_id = $4) AND handed_over_at IS NULL",
    )
    .bind(received_by)
    .bind(handed_over_by)
    .bind(now)
    .bind(permit_id)
    .execute(db)
    .await
}

#[derive(sqlx::FromRow)]
pub struct PrintRow {
    pub printed_by: String,
    pub printed_at: String,
    pub received_by: Option<String>,
    pub handed_over_by: Option<String>,
    pub handed_over_at: Option<String>,
}

pub async fn prints(db: impl Executor<'_, Database = Any>, permit_id: &str) -> Result<Vec<PrintRow>, sqlx::Error> {
    sqlx::query_as("SELECT printed_by, printed_at, received_by, handed_over_by, handed_over_at FROM permit_prints WHERE permit_id = $1 ORDER BY id")
        .bind(permit_id)
        .fetch_all(db)
        .await
}

/// The validity end of a permit (NULL before it is signed).
pub async fn valid_until(
    db: impl Executor<'_, Database = Any>,
    id: &str,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("SELECT valid_until FROM permits WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The number of a filed change, renewal or cancellation of a permit still being worked on.
pub async fn open_change_or_renewal(
    db: impl Executor<'_, Database = Any>,
    permit_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE(registration_number, 'draf') FROM applications \
         WHERE (change_of = $1 OR renewal_of = $1 OR cancels_permit = $1) \
           AND status NOT IN ('draft', 'rejected', 'issued', 'withdrawn') LIMIT 1",
    )
    .bind(permit_id)
    .fetch_optional(db)
    .await
}

/// The applicant's cancellation draft for a permit, if one was started.
pub async fn cancellation_draft(
    db: impl Executor<'_, Database = Any>,
    applicant_id: &str,
    permit_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM applications WHERE applicant_id = $1 AND cancels_permit = $2 AND status = 'draft' LIMIT 1",
    )
    .bind(applicant_id)
    .bind(permit_id)
    .fetch_optional(db)
    .await
}

#[derive(sqlx::FromRow)]
pub struct ExpiringRow {
    pub office_id: String,
    pub id: String,
    pub number: String,
    pub valid_until: String,
    pub reminders: String,
    pub applicant_id: String,
    pub full_name: String,
}

/// Active permits ending between `since` and `horizon` (dates), with their holders.
pub async fn ending_between(
    db: impl Executor<'_, Database = Any>,
    since: &str,
    horizon: &str,
) -> Result<Vec<ExpiringRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.office_id, p.number, p.valid_until, p.reminders, p.applicant_id, a.full_name FROM permits p JOIN applicants a ON a.id = p.applicant_id \
         WHERE p.status = 'active' AND p.valid_until IS NOT NULL AND p.valid_until >= $1 AND p.valid_until <= $2",
    )
    .bind(since)
    .bind(horizon)
    .fetch_all(db)
    .await
}

pub async fn set_reminders(
    db: impl Executor<'_, Database = Any>,
    reminders: &str,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE permits SET reminders = $1 WHERE id = $2")
        .bind(reminders)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn number_pattern(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    permit_code: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT pattern FROM number_patterns WHERE office_id = $1 AND permit_code = $2")
        .bind(office_id)
        .bind(permit_code)
        .fetch_optional(db)
        .await
}

/// A permit waiting for its signature, as numbering creates it.
pub struct NewPermit<'a> {
    pub id: &'a str,
    pub office_id: &'a str,
    pub application_id: &'a str,
    pub applicant_id: &'a str,
    pub permit_code: &'a str,
    pub profession: &'a str,
    pub number: &'a str,
    pub token: &'a str,
    pub holder_name: &'a str,
    pub nik_masked: &'a str,
    pub practice_place: &'a str,
    pub practice_address: &'a str,
    pub renewal_of: Option<&'a str>,
    pub change_of: Option<&'a str>,
    pub cancels_permit: Option<&'a str>,
    pub now: &'a str,
}

pub async fn insert_permit(db: impl Executor<'_, Database = Any>, p: &NewPermit<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO permits (id, office_id, application_id, applicant_id, permit_code, profession, number, token, status, holder_name, nik_masked, \
           practice_place, practice_address, renewal_of, change_of, cancels_permit, reminders, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'awaiting_signature', $9, $10, $11, $12, $13, $14, $15, '[]', $16)",
    )
    .bind(p.id)
    .bind(p.office_id)
    .bind(p.application_id)
    .bind(p.applicant_id)
    .bind(p.permit_code)
    .bind(p.profession)
    .bind(p.number)
    .bind(p.token)
    .bind(p.holder_name)
    .bind(p.nik_masked)
    .bind(p.practice_place)
    .bind(p.practice_address)
    .bind(p.renewal_of)
    .bind(p.change_of)
    .bind(p.cancels_permit)
    .bind(p.now)
    .execute(db)
    .await?;
    Ok(())
}

/// The confirmed TOTP secret of an officer (None when TOTP is off).
pub async fn confirmed_totp_secret(
    db: impl Executor<'_, Database = Any>,
    officer_id: &str,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("SELECT totp_secret FROM officers WHERE id = $1 AND totp_enabled_at IS NOT NULL")
        .bind(officer_id)
        .fetch_optional(db)
        .await
}

/// What signing writes on the permit.
pub struct Signed<'a> {
    pub issued_on: &'a str,
    /// None for a letter without validity (a Surat Keputusan Pencabutan).
    pub valid_until: Option<&'a str>,
    pub signer_name: &'a str,
    pub signer_position: &'a str,
    pub pdf_sha256: &'a str,
    pub now: &'a str,
}

/// Marks a permit signed; no row changes when it was signed already.
pub async fn mark_signed(
    db: impl Executor<'_, Database = Any>,
    s: &Signed<'_>,
    id: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE permits SET status = 'active', issued_on = $1, valid_until = $2, signer_name = $3, signer_position = $4, pdf_sha256 = $5, signed_at = $6 \
         WHERE id = $7 AND status = 'awaiting_signature'",
    )
    .bind(s.issued_on)
    .bind(s.valid_until)
    .bind(s.signer_name)
    .bind(s.signer_position)
    .bind(s.pdf_sha256)
    .bind(s.now)
    .bind(id)
    .execute(db)
    .await
}

pub async fn mark_application_issued(
    db: impl Executor<'_, Database = Any>,
    now: &str,
    application_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET status = 'issued', updated_at = $1, lock_version = lock_version + 1 WHERE id = $2",
    )
    .bind(now)
    .bind(application_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn mark_replaced(
    db: impl Executor<'_, Database = Any>,
    replaced_by: &str,
    old_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE permits SET status = 'replaced', replaced_by = $1 WHERE id = $2 AND status = 'active'")
        .bind(replaced_by)
        .bind(old_id)
        .execute(db)
        .await?;
    Ok(())
}

/// An `office_documents` row (read with `SELECT *`).
#[derive(sqlx::FromRow)]
pub struct OfficeDocsRow {
    pub government: String,
    pub office_title: String,
    pub address: String,
    pub contact: String,
    pub place: String,
    pub layout: String,
    pub signer_kind: String,
    pub signer_name: String,
    pub signer_position: String,
    pub signer_nip: Option<String>,
    pub signer_cert_pem: Option<String>,
    pub signer_key_pem: Option<String>,
    pub ca_cert_pem: Option<String>,
    pub bsre_url: Option<String>,
    pub logo_sha256: Option<String>,
}

pub async fn office_docs(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Option<OfficeDocsRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM office_documents WHERE office_id = $1")
        .bind(office_id)
        .fetch_optional(db)
        .await
}

/// The name of the office's first active head of office.
pub async fn kadis_name(db: impl Executor<'_, Database = Any>, office_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT o.full_name FROM officers o JOIN officer_roles r ON r.officer_id = o.id WHERE r.office_id = $1 AND r.role = 'kadis' AND o.active = 1 ORDER BY o.created_at LIMIT 1",
    )
    .bind(office_id)
    .fetch_optional(db)
    .await
}

/// The values of an office's first document setup.
pub struct NewOfficeDocs<'a> {
    pub government: &'a str,
    pub office_title: &'a str,
    pub address: &'a str,
    pub contact: &'a str,
    pub place: &'a str,
    pub signer_kind: &'a str,
    pub signer_name: &'a str,
    pub signer_position: &'a str,
    pub signer_cert_pem: Option<&'a str>,
    pub signer_key_pem: Option<&'a str>,
    pub ca_cert_pem: Option<&'a str>,
}

/// The first document setup of an office; a parallel first use keeps the row written first.
pub async fn insert_office_docs(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    docs: &NewOfficeDocs<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO office_documents (office_id, government, office_title, address, contact, place, layout, signer_kind, signer_name, signer_position, \
           signer_nip, signer_cert_pem, signer_key_pem, ca_cert_pem, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'decree', $7, $8, $9, NULL, $10, $11, $12, $13) \
         ON CONFLICT (office_id) DO NOTHING",
    )
    .bind(office_id)
    .bind(docs.government)
    .bind(docs.office_title)
    .bind(docs.address)
    .bind(docs.contact)
    .bind(docs.place)
    .bind(docs.signer_kind)
    .bind(docs.signer_name)
    .bind(docs.signer_position)
    .bind(docs.signer_cert_pem)
    .bind(docs.signer_key_pem)
    .bind(docs.ca_cert_pem)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The kop surat, layout and signer block as the office admin saved them.
pub struct LetterheadUpdate<'a> {
    pub government: &'a str,
    pub office_title: &'a str,
    pub address: &'a str,
    pub contact: &'a str,
    pub place: &'a str,
    pub layout: &'a str,
    pub signer_name: &'a str,
    pub signer_position: &'a str,
    /// None when the signer has no NIP.
    pub signer_nip: Option<&'a str>,
}

pub async fn update_letterhead(
    db: impl Executor<'_, Database = Any>,
    v: &LetterheadUpdate<'_>,
    now: &str,
    office_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE office_documents SET government = $1, office_title = $2, address = $3, contact = $4, place = $5, layout = $6,            signer_name = $7, signer_position = $8, signer_nip = $9, updated_at = $10 WHERE office_id = $11",
    )
    .bind(v.government)
    .bind(v.office_title)
    .bind(v.address)
    .bind(v.contact)
    .bind(v.place)
    .bind(v.layout)
    .bind(v.signer_name)
    .bind(v.signer_position)
    .bind(v.signer_nip)
    .bind(now)
    .bind(office_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_logo(
    db: impl Executor<'_, Database = Any>,
    logo_sha256: Option<&str>,
    now: &str,
    office_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE office_documents SET logo_sha256 = $1, updated_at = $2 WHERE office_id = $3")
        .bind(logo_sha256)
        .bind(now)
        .bind(office_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The newest draft SK the desks saved for an application (JSON).
pub async fn draft_sk(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<_, String>(
        "SELECT data FROM application_products WHERE application_id = $1 AND product = 'draft_sk' ORDER BY at DESC LIMIT 1",
    )
    .bind(application_id)
    .fetch_optional(db)
    .await
}

pub async fn permit_number(db: impl Executor<'_, Database = Any>, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT number FROM permits WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The office's own certificate (PKCS#12, stored as `key`) replaces its signer.
pub async fn set_local_certificate(
    db: impl Executor<'_, Database = Any>,
    chain: &str,
    key: &str,
    signer_name: &str,
    position: &str,
    now: &str,
    office_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE office_documents SET signer_kind = 'local', signer_cert_pem = $1, signer_key_pem = $2, ca_cert_pem = NULL, signer_name = $3, signer_position = $4, updated_at = $5 WHERE office_id = $6",
    )
    .bind(chain)
    .bind(key)
    .bind(signer_name)
    .bind(position)
    .bind(now)
    .bind(office_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_signer(
    db: impl Executor<'_, Database = Any>,
    kind: &str,
    bsre_url: Option<&str>,
    now: &str,
    office_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE office_documents SET signer_kind = $1, bsre_url = $2, updated_at = $3 WHERE office_id = $4")
        .bind(kind)
        .bind(bsre_url)
        .bind(now)
        .bind(office_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The source of the office's template of a kind in force (NULL: the default was put back).
pub async fn template_source(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    kind: &str,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT source FROM document_templates WHERE office_id = $1 AND kind = $2 ORDER BY version DESC LIMIT 1",
    )
    .bind(office_id)
    .bind(kind)
    .fetch_optional(db)
    .await
}

/// A saved template version; `custom` is 0 for a version that put the default back.
#[derive(sqlx::FromRow)]
pub struct TemplateVersionRow {
    pub version: i64,
    pub custom: i64,
    pub created_at: String,
    pub who: String,
}

pub async fn template_versions(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    kind: &str,
) -> Result<Vec<TemplateVersionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.version, CAST(CASE WHEN t.source IS NULL THEN 0 ELSE 1 END AS BIGINT) AS custom, t.created_at, COALESCE(o.full_name, 'sistem') AS who \
         FROM document_templates t LEFT JOIN officers o ON o.id = t.created_by \
         WHERE t.office_id = $1 AND t.kind = $2 ORDER BY t.version DESC",
    )
    .bind(office_id)
    .bind(kind)
    .fetch_all(db)
    .await
}

pub async fn last_template_version(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
    kind: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(version) FROM document_templates WHERE office_id = $1 AND kind = $2")
        .bind(office_id)
        .bind(kind)
        .fetch_one(db)
        .await
}

pub struct NewTemplateVersion<'a> {
    pub office_id: &'a str,
    pub kind: &'a str,
    pub version: i64,
    pub source: Option<&'a str>,
    pub now: &'a str,
    pub created_by: &'a str,
}

/// Saves a template version; no row is written when another admin saved that version first.
pub async fn insert_template_version(
    db: impl Executor<'_, Database = Any>,
    t: &NewTemplateVersion<'_>,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "INSERT INTO document_templates (office_id, kind, version, source, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (office_id, kind, version) DO NOTHING",
    )
    .bind(t.office_id)
    .bind(t.kind)
    .bind(t.version)
    .bind(t.source)
    .bind(t.now)
    .bind(t.created_by)
    .execute(db)
    .await
}

// --- Retribusi (SKRD) ------------------------------------------------------------------------------

/// A `retributions` row.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct RetributionRow {
    pub id: String,
    pub office_id: String,
    pub application_id: String,
    pub number: String,
    pub amount: i64,
    pub legal_basis: String,
    pub issued_on: String,
    pub due_on: String,
    pub paid_at: Option<String>,
    pub paid_amount: Option<i64>,
    pub payment_reference: Option<String>,
    pub payment_channel: Option<String>,
    pub confirmed_by: Option<String>,
}

const RETRIBUTION_COLUMNS: &str = "id, office_id, application_id, number, amount, legal_basis, issued_on, due_on, \
     paid_at, paid_amount, payment_reference, payment_channel, confirmed_by";

/// An SKRD as issued.
pub struct NewRetribution<'a> {
    pub id: &'a str,
    pub office_id: &'a str,
    pub application_id: &'a str,
    pub number: &'a str,
    pub amount: i64,
    pub legal_basis: &'a str,
    pub issued_on: &'a str,
    pub due_on: &'a str,
    pub now: &'a str,
}

pub async fn insert_retribution(
    db: impl Executor<'_, Database = Any>,
    r: &NewRetribution<'_>,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "INSERT INTO retributions (id, office_id, application_id, number, amount, legal_basis, issued_on, due_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(r.id)
    .bind(r.office_id)
    .bind(r.application_id)
    .bind(r.number)
    .bind(r.amount)
    .bind(r.legal_basis)
    .bind(r.issued_on)
    .bind(r.due_on)
    .bind(r.now)
    .execute(db)
    .await
}

pub async fn retribution_of_application(
    db: impl Executor<'_, Database = Any>,
    application_id: &str,
) -> Result<Option<RetributionRow>, sqlx::Error> {
    let sql = format!("SELECT {RETRIBUTION_COLUMNS} FROM retributions WHERE application_id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(application_id)
        .fetch_optional(db)
        .await
}

pub async fn retribution_by_number(
    db: impl Executor<'_, Database = Any>,
    number: &str,
) -> Result<Option<RetributionRow>, sqlx::Error> {
    let sql = format!("SELECT {RETRIBUTION_COLUMNS} FROM retributions WHERE number = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(number)
        .fetch_optional(db)
        .await
}

pub async fn retribution_by_id(
    db: impl Executor<'_, Database = Any>,
    id: &str,
) -> Result<Option<RetributionRow>, sqlx::Error> {
    let sql = format!("SELECT {RETRIBUTION_COLUMNS} FROM retributions WHERE id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// An office's SKRDs: unpaid first (oldest due first), then the last 100 paid.
pub async fn office_retributions(
    db: impl Executor<'_, Database = Any>,
    office_id: &str,
) -> Result<Vec<RetributionRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {RETRIBUTION_COLUMNS} FROM retributions WHERE office_id = $1 \
         ORDER BY CASE WHEN paid_at IS NULL THEN 0 ELSE 1 END, CASE WHEN paid_at IS NULL THEN due_on ELSE '' END, \
         paid_at DESC LIMIT 300"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(office_id)
        .fetch_all(db)
        .await
}

/// What a confirmed payment records.
pub struct Payment<'a> {
    pub paid_at: &'a str,
    pub amount: i64,
    pub reference: &'a str,
    pub channel: &'a str,
    pub confirmed_by: &'a str,
}

/// Marks an SKRD paid; no row changes when it was paid already.
pub async fn mark_retribution_paid(
    db: impl Executor<'_, Database = Any>,
    p: &Payment<'_>,
    id: &str,
) -> Result<AnyQueryResult, sqlx::Error> {
    sqlx::query(
        "UPDATE retributions SET paid_at = $1, paid_amount = $2, payment_reference = $3, payment_channel = $4, \
           confirmed_by = $5 WHERE id = $6 AND paid_at IS NULL",
    )
    .bind(p.paid_at)
    .bind(p.amount)
    .bind(p.reference)
    .bind(p.channel)
    .bind(p.confirmed_by)
    .bind(id)
    .execute(db)
    .await
}
