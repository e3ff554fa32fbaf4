//! Retribusi: when a file whose service standard has a fee is through the desks, the office
//! issues an SKRD (number, amount, legal basis, due date) in the same transaction as the permit
//! number; the Kepala Dinas signs the permit only once it is paid. A payment is confirmed by the
//! cashier (Role::Kasir) by hand, or by the payment gateway's HMAC-signed callback; a repeated
//! callback changes nothing.

use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::applications::view::ApplicationView;
use crate::auth::officer::Officer;
use crate::notifications;
use crate::notifications::service::Notice;
use crate::permits::queries;
use crate::permits::queries::NewRetribution;
use crate::permits::queries::Payment;
use crate::permits::queries::RetributionRow;
use crate::platform::db::Tx;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::platform::mail::RetributionDue;
use crate::platform::mail::RetributionPaid;
use crate::state::AppState;
use chrono::NaiveDate;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::format_id::iso_date_id;
use izinkes_domain::retribution as rules;
use izinkes_domain::roles::Role;

/// An SKRD as the pages show it.
#[derive(Clone, Debug, Default)]
pub struct Retribution {
    pub id: String,
    pub application_id: String,
    pub number: String,
    pub amount: u64,
    /// "Rp 150.000"
    pub amount_label: String,
    pub legal_basis: String,
    pub issued_on: String,
    pub due_on: String,
    /// Unpaid past its due date.
    pub overdue: bool,
    pub paid: bool,
    pub paid_on: String,
    /// The same dates as stored, for the API: `YYYY-MM-DD`, and the payment time (UTC).
    pub issued_on_iso: String,
    pub due_on_iso: String,
    pub paid_at_iso: Option<String>,
    pub reference: String,
    pub channel: String,
    pub confirmed_by: String,
}

impl Retribution {
    fn of(r: RetributionRow, today: NaiveDate) -> Retribution {
        let amount = u64::try_from(r.amount).unwrap_or(0);
        let due = NaiveDate::parse_from_str(&r.due_on, "%Y-%m-%d").ok();
        Retribution {
            overdue: r.paid_at.is_none() && due.is_some_and(|d| d < today),
            paid: r.paid_at.is_some(),
            paid_on: r
                .paid_at
                .as_deref()
                .map(|d| iso_date_id(d.get(..10).unwrap_or(d)))
                .unwrap_or_default(),
            issued_on_iso: r.issued_on.clone(),
            due_on_iso: r.due_on.clone(),
            paid_at_iso: r.paid_at.clone(),
            reference: r.payment_reference.unwrap_or_default(),
            channel: r
                .payment_channel
                .as_deref()
                .map(|c| rules::channel_label(c).to_string())
                .unwrap_or_default(),
            confirmed_by: r.confirmed_by.unwrap_or_default(),
            amount_label: rules::rupiah(amount),
            amount,
            issued_on: iso_date_id(&r.issued_on),
            due_on: iso_date_id(&r.due_on),
            id: r.id,
            application_id: r.application_id,
            number: r.number,
            legal_basis: r.legal_basis,
        }
    }

    /// The line the permit prints: "Retribusi daerah Rp 150.000 telah dibayar …".
    pub fn permit_line(&self) -> String {
        format!(
            "Retribusi daerah sebesar {} telah dibayar pada {} (SKRD nomor {}, {}).",
            self.amount_label, self.paid_on, self.number, self.legal_basis
        )
    }
}

/// In the transaction that makes a file ready to sign: issues its SKRD when the office's
/// standard has a fee (once per application), and tells the applicant what to pay by when.
pub async fn issue_in_tx(tx: &mut Tx, state: &AppState, v: &ApplicationView) -> ServiceResult<()> {
    let standard = &v.standard.standard;
    let fee = standard.fee_rupiah;
    if fee == 0
        || queries::retribution_of_application(&mut **tx, &v.app.id)
            .await?
            .is_some()
    {
        return Ok(());
    }
    let today = crate::catalog::offices::today(&v.office);
    let year = chrono::Datelike::year(&today);
    let seq = crate::platform::db::next_counter(tx, &v.office.id, "skrd", &year.to_string()).await?;
    let number = rules::skrd_number(&v.office.code, year, seq);
    let due = rules::due_on(today);
    queries::insert_retribution(
        &mut **tx,
        &NewRetribution {
            id: &new_id(),
            office_id: &v.office.id,
            application_id: &v.app.id,
            number: &number,
            amount: i64::try_from(fee).unwrap_or(i64::MAX),
            legal_basis: &standard.fee_legal_basis,
            issued_on: &today.format("%Y-%m-%d").to_string(),
            due_on: &due.format("%Y-%m-%d").to_string(),
            now: &now_text(),
        },
    )
    .await?;
    let amount = rules::rupiah(fee);
    let due_label = izinkes_domain::format_id::date_id(due);
    let base_url = state.config.base_url.trim_end_matches('/');
    let permit_name = v.permit().map(|p| p.name.clone()).unwrap_or_default();
    let mail = RetributionDue {
        holder_name: &v.app.data.name,
        permit_name: &permit_name,
        registration_number: v.app.registration_number.as_deref().unwrap_or_default(),
        number: &number,
        amount: &amount,
        due_on: &due_label,
        legal_basis: &standard.fee_legal_basis,
        office_name: &v.office.name,
        base_url,
        application_id: &v.app.id,
    };
    let text =
        format!("Bayar retribusi {amount} (SKRD {number}) sebelum {due_label}; setelah itu izin Anda ditandatangani.");
    let link = format!("{base_url}/permohonan/{}", v.app.id);
    let notice = Notice::new("retribution", &mail, text, link)?.about(&v.app.id);
    notifications::service::to_applicant(tx, &v.office.id, &v.app.applicant_id, &notice).await
}

/// The SKRD of an application, if it has one.
pub async fn of_application(
    state: &AppState,
    application_id: &str,
    today: NaiveDate,
) -> ServiceResult<Option<Retribution>> {
    Ok(queries::retribution_of_application(&state.db.pool, application_id)
        .await?
        .map(|r| Retribution::of(r, today)))
}

/// The SKRD of the applicant's own application (someone else's is "not found").
pub async fn of_own_application(
    state: &AppState,
    applicant_id: &str,
    application_id: &str,
) -> ServiceResult<Option<Retribution>> {
    let app = crate::applications::view::load_owned(state, applicant_id, application_id).await?;
    let office = crate::catalog::offices::get(state, &app.office_id).await?;
    of_application(state, &app.id, crate::catalog::offices::today(&office)).await
}

/// Why the permit of an application may not be signed yet: its SKRD is unpaid.
pub async fn unpaid_refusal(state: &AppState, application_id: &str) -> ServiceResult<Option<String>> {
    let row = queries::retribution_of_application(&state.db.pool, application_id).await?;
    Ok(row.filter(|r| r.paid_at.is_none()).map(|r| {
        format!(
            "Retribusi SKRD {} sebesar {} belum dibayar; izin ditandatangani setelah pembayaran dikonfirmasi.",
            r.number,
            rules::rupiah(u64::try_from(r.amount).unwrap_or(0))
        )
    }))
}

/// The office's SKRDs for the cashier: unpaid first.
pub async fn for_office(state: &AppState, office_id: &str, today: NaiveDate) -> ServiceResult<Vec<Retribution>> {
    Ok(queries::office_retributions(&state.db.pool, office_id)
        .await?
        .into_iter()
        .map(|r| Retribution::of(r, today))
        .collect())
}

/// What the cashier records of a payment.
#[derive(Clone, Debug, Default)]
pub struct PaymentInput {
    /// The bank's or the gateway's reference (nomor bukti setor / NTPD).
    pub reference: String,
    /// `YYYY-MM-DD`.
    pub paid_on: String,
    /// One of [`rules::CHANNELS`].
    pub channel: String,
}

/// The cashier confirms the payment of a file's SKRD by hand (`application_id`: the file).
pub async fn confirm_by_hand(
    state: &AppState,
    officer: &Officer,
    application_id: &str,
    input: &PaymentInput,
) -> ServiceResult<()> {
    if !(officer.has(Role::Kasir) || officer.has(Role::Admin)) {
        return Err(ServiceError::Forbidden);
    }
    let office = crate::applications::queries::office_of(&state.db.pool, application_id).await?;
    if office.as_deref() != Some(officer.office_id.as_str()) {
        return Err(ServiceError::NotFound);
    }
    let row = queries::retribution_of_application(&state.db.pool, application_id)
        .await?
        .ok_or_else(|| ServiceError::Refused("Berkas ini tidak punya SKRD yang menunggu pembayaran.".into()))?;
    if row.paid_at.is_some() {
        return Err(ServiceError::Refused(format!("SKRD {} sudah lunas.", row.number)));
    }
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    let today = crate::catalog::offices::today(&office);
    let mut errors = FieldErrors::new();
    let reference = crate::platform::text::clean_text(&input.reference, 100);
    if reference.chars().count() < 4 {
        errors.insert(
            "reference".into(),
            "Tuliskan nomor bukti pembayaran (nomor bukti setor, NTPD atau referensi transaksi).".into(),
        );
    }
    let paid_on = NaiveDate::parse_from_str(input.paid_on.trim(), "%Y-%m-%d").ok();
    let issued = NaiveDate::parse_from_str(&row.issued_on, "%Y-%m-%d").ok();
    match paid_on {
        Some(d) if d <= today && issued.is_none_or(|i| d >= i) => {}
        _ => {
            errors.insert(
                "paid_on".into(),
                "Tanggal bayar tidak sah: paling awal tanggal SKRD dan tidak di masa depan.".into(),
            );
        }
    }
    if !rules::CHANNELS.iter().any(|(c, _)| *c == input.channel) {
        errors.insert("channel".into(), "Pilih cara pembayaran.".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let paid_at = format!("{}T00:00:00.000000Z", input.paid_on.trim());
    let payment = Payment {
        paid_at: &paid_at,
        amount: row.amount,
        reference: &reference,
        channel: &input.channel,
        confirmed_by: &officer.name,
    };
    record(
        state,
        &row,
        &payment,
        ("officer", Some(officer.id.as_str()), officer.name.as_str()),
    )
    .await
}

/// A payment gateway's notice that an SKRD was paid (`POST /api/hooks/payment`).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct PaymentNotice {
    pub skrd_number: String,
    pub amount: u64,
    pub reference: String,
    /// RFC 3339 time of payment.
    pub paid_at: String,
    #[serde(default)]
    pub channel: String,
}

/// What a callback did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackOutcome {
    Paid,
    /// The same payment was reported before: nothing changed.
    AlreadyPaid,
}

/// The gateway confirms a payment. Idempotent: the same reference again answers `AlreadyPaid`;
/// another payment of a paid SKRD, or a wrong amount, is refused.
pub async fn confirm_by_callback(state: &AppState, notice: &PaymentNotice) -> ServiceResult<CallbackOutcome> {
    let row = queries::retribution_by_number(&state.db.pool, notice.skrd_number.trim())
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reference = crate::platform::text::clean_text(&notice.reference, 100);
    if row.paid_at.is_some() {
        return if row.payment_reference.as_deref() == Some(reference.as_str()) {
            Ok(CallbackOutcome::AlreadyPaid)
        } else {
            Err(ServiceError::Conflict(format!(
                "SKRD {} sudah lunas dengan referensi lain.",
                row.number
            )))
        };
    }
    rules::check_amount(u64::try_from(row.amount).unwrap_or(0), notice.amount)
        .map_err(|m| ServiceError::field("amount", m))?;
    let paid_at = chrono::DateTime::parse_from_rfc3339(notice.paid_at.trim())
        .map_err(|_| ServiceError::field("paid_at", "Waktu bayar harus berformat RFC 3339."))?
        .with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string();
    if reference.is_empty() {
        return Err(ServiceError::field("reference", "Referensi pembayaran wajib ada."));
    }
    let channel = if notice.channel.trim().is_empty() {
        "transfer".to_string()
    } else {
        crate::platform::text::clean_text(&notice.channel, 40)
    };
    let payment = Payment {
        paid_at: &paid_at,
        amount: row.amount,
        reference: &reference,
        channel: &channel,
        confirmed_by: "Kanal pembayaran",
    };
    match record(state, &row, &payment, ("system", None, "Kanal pembayaran")).await {
        Ok(()) => Ok(CallbackOutcome::Paid),
        // A parallel delivery of the same notice recorded it first.
        Err(ServiceError::Conflict(_)) if is_paid_with(state, &row.id, &reference).await? => {
            Ok(CallbackOutcome::AlreadyPaid)
        }
        Err(e) => Err(e),
    }
}

async fn is_paid_with(state: &AppState, id: &str, reference: &str) -> ServiceResult<bool> {
    Ok(queries::retribution_by_id(&state.db.pool, id)
        .await?
        .is_some_and(|r| r.payment_reference.as_deref() == Some(reference)))
}

/// Records a payment with its history entry and the applicant's notice, in one transaction.
async fn record(
    state: &AppState,
    row: &RetributionRow,
    payment: &Payment<'_>,
    (actor_kind, actor_id, actor_name): (&str, Option<&str>, &str),
) -> ServiceResult<()> {
    let mut tx = state.db.begin().await?;
    let done = match queries::mark_retribution_paid(&mut *tx, payment, &row.id).await {
        Ok(done) => done,
        Err(e) if crate::platform::db::is_unique_violation(&e) => {
            return Err(ServiceError::field(
                "reference",
                "Nomor referensi ini sudah tercatat untuk pembayaran SKRD lain.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ServiceError::Conflict(format!(
            "SKRD {} baru saja dicatat lunas.",
            row.number
        )));
    }
    let amount = rules::rupiah(u64::try_from(row.amount).unwrap_or(0));
    let paid_on = iso_date_id(payment.paid_at.get(..10).unwrap_or(payment.paid_at));
    append_history(
        &mut tx,
        &NewHistory {
            office_id: &row.office_id,
            application_id: &row.application_id,
            actor_kind,
            actor_id,
            actor_name,
            actor_role: Some("Kasir"),
            action: "bayar_retribusi",
            from_status: Some("ready_to_sign"),
            to_status: "ready_to_sign",
            step: None,
            public_note: Some(&format!(
                "Pembayaran retribusi SKRD {} sebesar {amount} diterima ({}, referensi {}).",
                row.number,
                rules::channel_label(payment.channel),
                payment.reference
            )),
            internal_note: None,
        },
    )
    .await?;
    let (applicant_id, holder_name) = crate::applications::queries::applicant_of(&mut *tx, &row.application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let office = crate::catalog::offices::get(state, &row.office_id).await?;
    let base_url = state.config.base_url.trim_end_matches('/');
    let mail = RetributionPaid {
        holder_name: &holder_name,
        number: &row.number,
        amount: &amount,
        paid_on: &paid_on,
        reference: payment.reference,
        office_name: &office.name,
        base_url,
        application_id: &row.application_id,
    };
    let text = format!(
        "Pembayaran retribusi {amount} (SKRD {}) diterima. Izin Anda menunggu tanda tangan.",
        row.number
    );
    let notice = Notice::new(
        "retribution",
        &mail,
        text,
        format!("{base_url}/permohonan/{}", row.application_id),
    )?
    .about(&row.application_id);
    notifications::service::to_applicant(&mut tx, &row.office_id, &applicant_id, &notice).await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(())
}
