//! Registering an applicant: the form checked field by field (NIK or passport, phone, area,
//! password), the account written only when everything is valid, and the e-mail confirmation.

use crate::accounts::queries;
use crate::accounts::queries::IdName;
use crate::accounts::queries::NewApplicant;
use crate::auth::passwords::hash_password;
use crate::platform::db::Tx;
use crate::platform::db::is_unique_violation;
use crate::platform::db::now_text;
use crate::platform::db::ts;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::ids::new_id;
use crate::platform::ids::new_token;
use crate::platform::ids::sha256_hex;
use crate::platform::mail;
use crate::platform::mail::AccountVerification;
use crate::platform::text::clean_text;
use crate::state::AppState;
use chrono::Duration;
use chrono::Utc;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::email::Email;
use izinkes_domain::nik::Nik;
use izinkes_domain::password::Password;
use izinkes_domain::phone::PhoneE164;
use izinkes_domain::wilayah::VillageCode;
use izinkes_domain::wilayah::Wilayah;
use serde::Deserialize;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityType {
    #[serde(rename = "KTP")]
    Ktp,
    #[serde(rename = "PASPOR")]
    Paspor,
}

impl IdentityType {
    pub fn parse(s: &str) -> Option<IdentityType> {
        match s.trim().to_ascii_uppercase().as_str() {
            "KTP" => Some(IdentityType::Ktp),
            "PASPOR" | "PASPORT" | "PASSPORT" => Some(IdentityType::Paspor),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            IdentityType::Ktp => "KTP",
            IdentityType::Paspor => "PASPOR",
        }
    }
}

/// What the registration form sends, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RegisterInput {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub identity_type: String,
    #[serde(default)]
    pub identity_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub village_code: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
    /// The applicant agreed to the privacy notice (UU 27/2022).
    #[serde(default)]
    pub consent: bool,
}

fn parse_identity(kind: IdentityType, number: &str) -> Result<String, String> {
    match kind {
        IdentityType::Ktp => Nik::parse(number)
            .map(|n| n.as_str().to_string())
            .map_err(|e| e.to_string()),
        IdentityType::Paspor => {
            let n = number.trim().to_ascii_uppercase();
            if (6..=12).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric()) {
                Ok(n)
            } else {
                Err("Nomor paspor terdiri dari 6–12 huruf atau angka tanpa spasi.".into())
            }
        }
    }
}

/// A registration whose every field parsed.
struct Registration {
    full_name: String,
    identity_type: IdentityType,
    identity_number: String,
    phone: PhoneE164,
    address: String,
    village: VillageCode,
    email: Email,
    password: Password,
}

/// The password, checked against the applicant's own name, e-mail and identity number, and its
/// confirmation.
fn parse_password(
    errors: &mut FieldErrors,
    input: &RegisterInput,
    full_name: &str,
    email: Option<&Email>,
    identity_number: Option<&str>,
) -> Option<Password> {
    let local_part = email.map(|e| e.as_str().split('@').next().unwrap_or("").to_string());
    let context: Vec<&str> = [
        Some(full_name),
        email.map(Email::as_str),
        local_part.as_deref(),
        identity_number,
    ]
    .into_iter()
    .flatten()
    .collect();
    let password = match Password::parse(&input.password, &context) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert("password".into(), e.to_string());
            None
        }
    };
    if input.password != input.password_confirm && !errors.contains_key("password") {
        errors.insert(
            "password_confirm".into(),
            "Konfirmasi kata sandi tidak sama dengan kata sandi.".into(),
        );
    }
    password
}

/// Parses the form; every problem is reported at once, next to its field.
fn parse_registration(input: &RegisterInput) -> Result<Registration, FieldErrors> {
    let mut errors = FieldErrors::new();
    let full_name = clean_text(&input.full_name, 120);
    if full_name.chars().count() < 3 {
        errors.insert(
            "full_name".into(),
            "Nama lengkap wajib diisi sesuai identitas (minimal 3 huruf).".into(),
        );
    }
    let identity_type = IdentityType::parse(&input.identity_type);
    let identity_number = match identity_type {
        None => {
            errors.insert("identity_type".into(), "Pilih tipe identitas: KTP atau Paspor.".into());
            None
        }
        Some(kind) => match parse_identity(kind, &input.identity_number) {
            Ok(n) => Some(n),
            Err(msg) => {
                errors.insert("identity_number".into(), msg);
                None
            }
        },
    };
    let phone = match PhoneE164::parse(&input.phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert("phone".into(), e.to_string());
            None
        }
    };
    let address = clean_text(&input.address, 300);
    if address.chars().count() < 5 {
        errors.insert(
            "address".into(),
            "Alamat wajib diisi (nama jalan, nomor, RT/RW).".into(),
        );
    }
    let village = match VillageCode::parse(Wilayah::builtin(), input.village_code.trim()) {
        Ok(v) => Some(v),
        Err(_) => {
            errors.insert(
                "village_code".into(),
                "Pilih provinsi, kabupaten/kota, kecamatan dan kelurahan/desa alamat Anda.".into(),
            );
            None
        }
    };
    let email = match Email::parse(&input.email) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.insert("email".into(), e.to_string());
            None
        }
    };
    let password = parse_password(
        &mut errors,
        input,
        &full_name,
        email.as_ref(),
        identity_number.as_deref(),
    );
    if !input.consent {
        errors.insert(
            "consent".into(),
            "Anda perlu menyetujui pemberitahuan privasi agar data Anda dapat diproses.".into(),
        );
    }
    let (Some(identity_type), Some(identity_number), Some(phone), Some(village), Some(email), Some(password)) =
        (identity_type, identity_number, phone, village, email, password)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Registration {
        full_name,
        identity_type,
        identity_number,
        phone,
        address,
        village,
        email,
        password,
    })
}

/// Friendly messages for an e-mail or identity number already registered.
async fn check_not_taken(state: &AppState, email: &Email, identity_number: &str) -> ServiceResult<()> {
    let mut errors = FieldErrors::new();
    // Before the expensive hash; the unique indexes remain the guarantee under races.
    let taken = queries::taken(&state.db.pool, email.as_str(), identity_number).await?;
    for row in &taken {
        if row.email == email.as_str() {
            errors.insert(
                "email".into(),
                "Email ini sudah terdaftar. Silakan masuk atau gunakan Lupa Kata Sandi.".into(),
            );
        }
        if row.identity_number == identity_number {
            errors.insert(
                "identity_number".into(),
                "Nomor identitas ini sudah memiliki akun (satu pemohon hanya boleh satu akun).".into(),
            );
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok(())
}

/// Registers an applicant and queues the verification email. Nothing is written unless
/// everything is valid.
pub async fn register(state: &AppState, input: &RegisterInput) -> ServiceResult<String> {
    let Registration {
        full_name,
        identity_type,
        identity_number,
        phone,
        address,
        village,
        email,
        password,
    } = parse_registration(input).map_err(ServiceError::Invalid)?;
    check_not_taken(state, &email, &identity_number).await?;
    let password_hash = hash_password(password.expose().to_string()).await?;
    let id = new_id();
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let applicant = NewApplicant {
        id: &id,
        email: email.as_str(),
        password_hash: &password_hash,
        full_name: &full_name,
        identity_type: identity_type.code(),
        identity_number: &identity_number,
        phone: phone.as_str(),
        address: &address,
        village_code: village.as_str(),
        now: &now,
    };
    let inserted = queries::insert_applicant(&mut *tx, &applicant).await;
    if let Err(e) = inserted {
        if is_unique_violation(&e) {
            return Err(ServiceError::field(
                "email",
                "Email atau nomor identitas ini sudah terdaftar. Silakan masuk.",
            ));
        }
        return Err(e.into());
    }
    queue_verification(state, &mut tx, &id, email.as_str(), &full_name).await?;
    tx.commit().await?;
    state.wake_outbox();
    Ok(id)
}

async fn queue_verification(
    state: &AppState,
    tx: &mut Tx,
    applicant_id: &str,
    email: &str,
    name: &str,
) -> ServiceResult<()> {
    let token = new_token();
    let now = Utc::now();
    queries::insert_verify_token(
        &mut **tx,
        &sha256_hex(token.as_bytes()),
        applicant_id,
        &ts(now),
        &ts(now + Duration::days(3)),
    )
    .await?;
    let link = format!(
        "{}/verifikasi?token={token}",
        state.config.base_url.trim_end_matches('/')
    );
    mail::enqueue(tx, None, email, &AccountVerification { name, link: &link }).await?;
    Ok(())
}

/// Sends a new verification link to an unverified account; silent for unknown addresses.
pub async fn resend_verification(state: &AppState, email: &str) -> ServiceResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Err(ServiceError::field("email", "Masukkan alamat email yang valid."));
    };
    let row = queries::unverified_by_email(&state.db.pool, email.as_str()).await?;
    if let Some(IdName { id, full_name: name }) = row {
        let mut tx = state.db.begin().await?;
        queue_verification(state, &mut tx, &id, email.as_str(), &name).await?;
        tx.commit().await?;
        state.wake_outbox();
    }
    Ok(())
}

/// Consumes a single-use token of the given purpose; returns the applicant id.
pub(crate) async fn take_token(tx: &mut Tx, token: &str, purpose: &str) -> ServiceResult<String> {
    let now = now_text();
    let applicant_id = queries::take_token(&mut **tx, &now, &sha256_hex(token.trim().as_bytes()), purpose).await?;
    applicant_id.ok_or_else(|| {
        ServiceError::Refused(
            "Tautan tidak berlaku: sudah dipakai, kedaluwarsa, atau tidak lengkap. Minta tautan baru.".into(),
        )
    })
}

pub async fn verify_email(state: &AppState, token: &str) -> ServiceResult<()> {
    let mut tx = state.db.begin().await?;
    let id = take_token(&mut tx, token, "verify").await?;
    queries::mark_verified(&mut *tx, &now_text(), &id).await?;
    tx.commit().await?;
    Ok(())
}
