//! The applicant's profile (identity, address, education, STR) and photo.

use crate::accounts::queries;
use crate::accounts::registration::IdentityType;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::text::clean_text;
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_domain::catalog::FieldErrors;
use izinkes_domain::nik::Nik;
use izinkes_domain::nik::Sex;
use izinkes_domain::wilayah::VillageCode;
use izinkes_domain::wilayah::Wilayah;
use serde::Deserialize;
use serde::Serialize;

/// The profile of seed 001 "Akun Profile".
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Profile {
    pub birth_place: String,
    pub birth_date: String,
    pub sex: String,
    pub religion: String,
    pub marital_status: String,
    pub ktp_street: String,
    pub ktp_rt: String,
    pub ktp_rw: String,
    pub ktp_village_code: String,
    pub domicile_street: String,
    pub domicile_rt: String,
    pub domicile_rw: String,
    pub domicile_village_code: String,
    pub occupation: String,
    pub education: String,
    pub graduation_year: String,
    pub str_number: String,
    /// "seumur_hidup" (lifetime, the default since UU 17/2023) or "berjangka" (old-style / temporary / foreign).
    pub str_kind: String,
    pub str_expiry: String,
}

pub const RELIGIONS: [&str; 7] = [
    "Islam",
    "Kristen",
    "Katolik",
    "Hindu",
    "Buddha",
    "Konghucu",
    "Kepercayaan terhadap Tuhan YME",
];

pub const MARITAL: [&str; 4] = ["Belum Kawin", "Kawin", "Cerai Hidup", "Cerai Mati"];

pub const EDUCATION: [&str; 8] = ["SMA/SMK", "D3", "D4", "S1", "Profesi", "S2", "Spesialis", "S3"];

#[derive(Clone, Debug)]
pub struct Applicant {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub identity_type: IdentityType,
    pub identity_number: String,
    pub phone: String,
    pub address: String,
    pub village_code: String,
    pub profile: Profile,
    pub photo_sha256: Option<String>,
}

impl Applicant {
    pub fn nik(&self) -> Option<Nik> {
        (self.identity_type == IdentityType::Ktp)
            .then(|| Nik::parse(&self.identity_number).ok())
            .flatten()
    }
    pub fn masked_identity(&self) -> String {
        match self.nik() {
            Some(n) => n.masked(),
            None => {
                let n = &self.identity_number;
                let keep = n.len().saturating_sub(4);
                format!("{}{}", "*".repeat(keep), &n[keep..])
            }
        }
    }
}

pub async fn load_applicant(state: &AppState, id: &str) -> ServiceResult<Applicant> {
    let row = queries::applicant(&state.db.pool, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(Applicant {
        id: row.id,
        email: row.email,
        full_name: row.full_name,
        identity_type: IdentityType::parse(&row.identity_type).unwrap_or(IdentityType::Ktp),
        identity_number: row.identity_number,
        phone: row.phone,
        address: row.address,
        village_code: row.village_code,
        profile: serde_json::from_str(&row.profile).unwrap_or_default(),
        photo_sha256: row.photo_sha256,
    })
}

fn check_village(errors: &mut FieldErrors, key: &str, code: &str, required: bool) -> String {
    let code = code.trim();
    if code.is_empty() {
        if required {
            errors.insert(key.into(), "Pilih sampai kelurahan/desa.".into());
        }
        return String::new();
    }
    match VillageCode::parse(Wilayah::builtin(), code) {
        Ok(v) => v.as_str().to_string(),
        Err(_) => {
            errors.insert(key.into(), "Kelurahan/desa tidak ditemukan; pilih dari daftar.".into());
            String::new()
        }
    }
}

fn check_rt_rw(errors: &mut FieldErrors, key: &str, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return String::new();
    }
    if v.len() <= 3 && v.bytes().all(|b| b.is_ascii_digit()) {
        format!("{:0>3}", v)
    } else {
        errors.insert(
            key.into(),
            "RT/RW berupa angka, paling banyak 3 digit (contoh: 004).".into(),
        );
        v.to_string()
    }
}

/// Validates and saves the profile. Sex and birth date must agree with the NIK (DOMAIN rule 11).
pub async fn update_profile(state: &AppState, applicant: &Applicant, input: &Profile) -> ServiceResult<Profile> {
    let mut errors = FieldErrors::new();
    let mut p = Profile {
        birth_place: clean_text(&input.birth_place, 80),
        birth_date: input.birth_date.trim().to_string(),
        sex: input.sex.trim().to_string(),
        religion: input.religion.trim().to_string(),
        marital_status: input.marital_status.trim().to_string(),
        ktp_street: clean_text(&input.ktp_street, 200),
        domicile_street: clean_text(&input.domicile_street, 200),
        occupation: clean_text(&input.occupation, 100),
        education: input.education.trim().to_string(),
        graduation_year: input.graduation_year.trim().to_string(),
        str_number: clean_text(&input.str_number, 40),
        str_kind: input.str_kind.trim().to_string(),
        str_expiry: input.str_expiry.trim().to_string(),
        ..Profile::default()
    };
    p.ktp_rt = check_rt_rw(&mut errors, "ktp_rt", &input.ktp_rt);
    p.ktp_rw = check_rt_rw(&mut errors, "ktp_rw", &input.ktp_rw);
    p.domicile_rt = check_rt_rw(&mut errors, "domicile_rt", &input.domicile_rt);
    p.domicile_rw = check_rt_rw(&mut errors, "domicile_rw", &input.domicile_rw);
    p.ktp_village_code = check_village(&mut errors, "ktp_village_code", &input.ktp_village_code, false);
    p.domicile_village_code = check_village(
        &mut errors,
        "domicile_village_code",
        &input.domicile_village_code,
        false,
    );
    check_against_nik(&mut errors, &p, applicant.nik().as_ref());
    check_choices(&mut errors, &mut p);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    queries::set_profile(&state.db.pool, &serde_json::to_string(&p)?, &now_text(), &applicant.id).await?;
    Ok(p)
}

/// Birth date and sex, when given, must be valid and agree with the NIK (DOMAIN rule 11).
fn check_against_nik(errors: &mut FieldErrors, p: &Profile, nik: Option<&Nik>) {
    let birth = if p.birth_date.is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(&p.birth_date, "%Y-%m-%d") {
            Ok(d) if d <= Utc::now().date_naive() => Some(d),
            _ => {
                errors.insert(
                    "birth_date".into(),
                    "Tanggal lahir tidak valid (format TTTT-BB-HH, tidak di masa depan).".into(),
                );
                None
            }
        }
    };
    if let (Some(nik), Some(birth)) = (nik, birth)
        && nik.birth_date() != birth
    {
        errors.insert(
            "birth_date".into(),
            format!(
                "Tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan {}). Periksa kembali tanggal lahir atau NIK Anda.",
                izinkes_domain::format_id::date_id(nik.birth_date())
            ),
        );
    }
    if !p.sex.is_empty() {
        match Sex::from_code(&p.sex) {
            None => {
                errors.insert("sex".into(), "Pilih jenis kelamin.".into());
            }
            Some(sex) => {
                if let Some(nik) = nik
                    && nik.sex() != sex
                {
                    errors.insert(
                        "sex".into(),
                        format!(
                            "Jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan {}).",
                            nik.sex().label_id()
                        ),
                    );
                }
            }
        }
    }
}

/// The answers picked from lists, the graduation year and the STR's kind and expiry.
fn check_choices(errors: &mut FieldErrors, p: &mut Profile) {
    if !p.religion.is_empty() && !RELIGIONS.contains(&p.religion.as_str()) {
        errors.insert("religion".into(), "Pilih agama dari daftar.".into());
    }
    if !p.marital_status.is_empty() && !MARITAL.contains(&p.marital_status.as_str()) {
        errors.insert("marital_status".into(), "Pilih status perkawinan dari daftar.".into());
    }
    if !p.education.is_empty() && !EDUCATION.contains(&p.education.as_str()) {
        errors.insert("education".into(), "Pilih pendidikan terakhir dari daftar.".into());
    }
    if !p.graduation_year.is_empty() {
        let this_year = chrono::Datelike::year(&Utc::now().date_naive());
        match p.graduation_year.parse::<i32>() {
            Ok(y) if (1950..=this_year).contains(&y) => {}
            _ => {
                errors.insert(
                    "graduation_year".into(),
                    format!("Tahun lulus berupa 4 angka antara 1950 dan {this_year}."),
                );
            }
        }
    }
    match p.str_kind.as_str() {
        "" | "seumur_hidup" => {
            // Lifetime STR (DOMAIN rule 3): no expiry is asked.
            p.str_expiry.clear();
        }
        "berjangka" => match NaiveDate::parse_from_str(&p.str_expiry, "%Y-%m-%d") {
            Ok(_) => {}
            Err(_) => {
                errors.insert(
                    "str_expiry".into(),
                    "Untuk STR berjangka, isi tanggal berakhirnya STR.".into(),
                );
            }
        },
        _ => {
            errors.insert("str_kind".into(), "Pilih jenis STR.".into());
        }
    }
}

/// Sets the profile photo (a JPG or PNG up to 1 MB, judged by content).
pub async fn set_photo(state: &AppState, applicant: &Applicant, bytes: &[u8]) -> ServiceResult<()> {
    use izinkes_domain::catalog::FileFormat;
    if bytes.is_empty() {
        return Err(ServiceError::field("photo", "Pilih foto terlebih dahulu."));
    }
    if bytes.len() > 1024 * 1024 {
        return Err(ServiceError::field("photo", "Ukuran foto paling besar 1 MB."));
    }
    let format = crate::platform::files::sniff(bytes);
    if !matches!(format, Some(FileFormat::Jpg) | Some(FileFormat::Png)) {
        return Err(ServiceError::field("photo", "Foto harus berupa gambar JPG atau PNG."));
    }
    let sha =
        crate::platform::uploads::store_blob(state, bytes, format.map(|f| f.mime()).unwrap_or("image/jpeg")).await?;
    queries::set_photo(&state.db.pool, &sha, &now_text(), &applicant.id).await?;
    Ok(())
}
