//! The catalog of permit types (jenis izin): what each asks on its form, which documents it
//! needs and when, its service standard (SLA, product, procedure, complaint channels) and the
//! rules that check an applicant's answers.
//!
//! The catalog is data (`data/catalog/catalog.json`) so an office can change it; everything that
//! reads it goes through [`Catalog::from_json`], which refuses an inconsistent catalog, so a
//! `Catalog` in hand is internally consistent.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Answers as the applicant typed them, keyed by field key. The app adds the applicant-step
/// pseudo fields ([`PSEUDO_FIELDS`]).
pub type Answers = BTreeMap<String, String>;
/// Field key → Indonesian message. Empty means the answers are acceptable.
pub type FieldErrors = BTreeMap<String, String>;

/// Pseudo fields that the app fills from the applicant step, usable in [`Need::When`]:
/// `"ya"` or `"tidak"`.
pub const PSEUDO_FIELDS: [&str; 2] = ["pemohon.kuasa", "pemohon.perusahaan"];
/// The values a pseudo field takes.
pub const PSEUDO_VALUES: [&str; 2] = ["ya", "tidak"];
/// Profile keys a form field may be prefilled from.
pub const PREFILL_KEYS: [&str; 4] = ["birth_place", "birth_date", "full_name", "str_number"];
/// Days of the week in week order, as written on a permit.
pub const DAYS: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];

const TEXT_MAX_CHARS: usize = 200;
const TEXTAREA_MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("katalog bukan JSON yang sah: {0}")]
    Json(String),
    #[error("katalog tidak konsisten: {0}")]
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub version: u32,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    pub permit_types: Vec<PermitType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermitType {
    /// Stable id, e.g. `SIP-DRSP`: uppercase letters, digits and hyphens.
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// Rule 1 counts active permits per person per profession.
    pub profession: String,
    pub category: String,
    /// One plain-language sentence for the public catalog.
    pub description: String,
    pub fields: Vec<FormField>,
    pub requirements: Vec<Requirement>,
    pub sla_working_days: u32,
    pub fee_rupiah: u64,
    pub product: String,
    pub legal_basis: Vec<String>,
    pub validity: Validity,
    pub max_active_per_person: u32,
    /// How many days before a permit ends its holder may ask to renew it (the holder is
    /// reminded 90, 60 and 30 days before).
    #[serde(default = "default_renewal_window_days")]
    pub renewal_window_days: u32,
    /// "Sistem, mekanisme dan prosedur" of the Standar Pelayanan.
    pub procedure: Vec<String>,
    /// "Penanganan pengaduan" of the Standar Pelayanan.
    pub complaint_channels: Vec<String>,
    /// Who holds the permit: a person (practice permits) or an establishment (a business).
    #[serde(default, skip_serializing_if = "Holder::is_person")]
    pub holder: Holder,
    /// Whether the technical team must record a field inspection (and laboratory results)
    /// before the file may leave its desk.
    #[serde(default, skip_serializing_if = "Inspection::is_none")]
    pub inspection: Inspection,
    /// A cancellation type (pencabutan): the codes of the permit types whose active permits it
    /// cancels. Empty for every other type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancels: Vec<String>,
}

/// Who a permit is issued to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// A health worker's own permit (SIP, SIK, STPT): counted per person per profession.
    #[default]
    Person,
    /// A business with an NIB, its owner, address and the person in charge (SLHS, pest
    /// control): no per-person cap.
    Establishment,
}

impl Holder {
    pub fn is_person(&self) -> bool {
        *self == Holder::Person
    }
}

/// What the technical team must record before a file leaves its desk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inspection {
    /// An inspection only when the team judges it needed.
    #[default]
    None,
    /// A field inspection with its Berita Acara.
    Required,
    /// A field inspection and the laboratory results of its samples (SLHS).
    WithLab,
}

impl Inspection {
    pub fn is_none(&self) -> bool {
        *self == Inspection::None
    }

    pub fn is_required(&self) -> bool {
        *self != Inspection::None
    }

    pub fn needs_lab(&self) -> bool {
        *self == Inspection::WithLab
    }
}

/// The renewal window when a type names none: from the first reminder, 90 days before the end.
pub const DEFAULT_RENEWAL_WINDOW_DAYS: u32 = 90;

fn default_renewal_window_days() -> u32 {
    DEFAULT_RENEWAL_WINDOW_DAYS
}

/// Rule 2: a permit runs `years` from issue; with `ends_with_str` it ends earlier when it was
/// issued on an old-style STR that ends earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validity {
    pub years: u32,
    pub ends_with_str: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// snake_case, unique within the permit type.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Shown as "Contoh : …".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The choices of a `Select`; empty for every other kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Profile key to prefill from, one of [`PREFILL_KEYS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Select,
    Textarea,
    Days,
    TimeRange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// snake_case, unique within the permit type.
    pub key: String,
    pub label: String,
    pub need: Need,
    pub formats: Vec<FileFormat>,
    pub max_size_kb: u32,
    /// Not a national legal minimum but the office's own choice, so an office may drop it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub local_choice: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// In JSON: `{"kind": "required"}`, `{"kind": "optional"}` or
/// `{"kind": "when", "field": "pemohon.kuasa", "equals": "ya"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "NeedRepr")]
pub enum Need {
    Required,
    Optional,
    /// Needed when the answer to `field` (a field key of the same permit type or one of
    /// [`PSEUDO_FIELDS`]) equals `equals`, ignoring case.
    When {
        field: String,
        equals: String,
    },
}

/// What a `Need` is read through: serde ignores stray keys next to the tag of an internally
/// tagged unit variant even with `deny_unknown_fields`, and a stray `field` on a `required`
/// need would hide a mistake in the catalog.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NeedRepr {
    kind: NeedKind,
    field: Option<String>,
    equals: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum NeedKind {
    Required,
    Optional,
    When,
}

impl TryFrom<NeedRepr> for Need {
    type Error = String;

    fn try_from(repr: NeedRepr) -> Result<Need, String> {
        match (repr.kind, repr.field, repr.equals) {
            (NeedKind::Required, None, None) => Ok(Need::Required),
            (NeedKind::Optional, None, None) => Ok(Need::Optional),
            (NeedKind::When, Some(field), Some(equals)) => Ok(Need::When { field, equals }),
            (NeedKind::When, _, _) => Err("kebutuhan \"when\" memerlukan `field` dan `equals`".into()),
            _ => Err("`field` dan `equals` hanya untuk kebutuhan \"when\"".into()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Pdf,
    Jpg,
    Png,
}

impl FileFormat {
    pub fn mime(&self) -> &'static str {
        match self {
            FileFormat::Pdf => "application/pdf",
            FileFormat::Jpg => "image/jpeg",
            FileFormat::Png => "image/png",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            FileFormat::Pdf => "PDF",
            FileFormat::Jpg => "JPG",
            FileFormat::Png => "PNG",
        }
    }
}

impl Catalog {
    /// Parses a catalog and checks its integrity (see [`Catalog::check_integrity`]).
    pub fn from_json(s: &str) -> Result<Catalog, CatalogError> {
        let catalog: Catalog = serde_json::from_str(s).map_err(|e| CatalogError::Json(e.to_string()))?;
        catalog.check_integrity()?;
        Ok(catalog)
    }

    #[allow(
        clippy::expect_used,
        reason = "a catalog holds only strings, numbers, booleans and lists"
    )]
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("a catalog holds only strings, numbers, booleans and lists, which always serialise")
    }

    pub fn get(&self, code: &str) -> Option<&PermitType> {
        self.permit_types.iter().find(|p| p.code == code)
    }

    /// The catalog shipped with izinkes.
    #[allow(
        clippy::expect_used,
        reason = "the built-in catalog is compiled in and checked by this module's tests"
    )]
    pub fn builtin() -> Catalog {
        Catalog::from_json(include_str!("../../../data/catalog/catalog.json"))
            .expect("the built-in catalog is proven valid by the tests of this module")
    }

    /// Every problem that would make the catalog unusable, all reported at once so an
    /// administrator fixes them in one pass.
    pub fn check_integrity(&self) -> Result<(), CatalogError> {
        let mut problems = Vec::new();
        if self.version == 0 {
            problems.push("versi harus 1 atau lebih".to_string());
        }
        if parse_iso_date(&self.published).is_none() {
            problems.push(format!(
                "tanggal terbit \"{}\" bukan tanggal TTTT-BB-HH",
                self.published
            ));
        }
        let mut codes = BTreeSet::new();
        for permit in &self.permit_types {
            if !codes.insert(permit.code.as_str()) {
                problems.push(format!("{}: kode jenis izin dipakai lebih dari sekali", permit.code));
            }
            permit.collect_problems(&mut problems);
        }
        for permit in self.permit_types.iter().filter(|p| p.is_cancellation()) {
            for target in &permit.cancels {
                match self.get(target) {
                    None => problems.push(format!(
                        "{}: izin yang dicabut \"{target}\" tidak ada dalam katalog",
                        permit.code
                    )),
                    Some(t)
                        if t.is_cancellation() || t.holder != Holder::Person || t.profession != permit.profession =>
                    {
                        problems.push(format!(
                            "{}: \"{target}\" bukan izin praktik profesi {} yang dapat dicabut",
                            permit.code, permit.profession
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CatalogError::Invalid(problems.join("; ")))
        }
    }
}

impl PermitType {
    /// The first day a permit ending on `valid_until` may be renewed.
    pub fn renewal_opens(&self, valid_until: chrono::NaiveDate) -> chrono::NaiveDate {
        valid_until
            .checked_sub_days(chrono::Days::new(u64::from(self.renewal_window_days)))
            .unwrap_or(valid_until)
    }

    pub fn field(&self, key: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn requirement(&self, key: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.key == key)
    }

    /// Checks the answers against the form; unknown keys are ignored. Empty result = acceptable.
    pub fn check_answers(&self, answers: &Answers) -> FieldErrors {
        let mut errors = FieldErrors::new();
        for field in &self.fields {
            let value = answers.get(&field.key).map_or("", |v| v.trim());
            let problem = if value.is_empty() {
                field.required.then(|| format!("{} wajib diisi.", field.label))
            } else {
                field.check_value(value)
            };
            if let Some(message) = problem {
                errors.insert(field.key.clone(), message);
            }
        }
        errors
    }

    /// The documents the applicant must upload for these answers: the required ones and the
    /// conditional ones whose condition holds. Optional documents are not included.
    pub fn needed_requirements(&self, answers: &Answers) -> Vec<&Requirement> {
        self.requirements
            .iter()
            .filter(|r| self.is_triggered(r, answers))
            .collect()
    }

    pub fn is_triggered(&self, req: &Requirement, answers: &Answers) -> bool {
        match &req.need {
            Need::Required => true,
            Need::Optional => false,
            Need::When { field, equals } => answers
                .get(field)
                .is_some_and(|v| v.trim().to_lowercase() == equals.trim().to_lowercase()),
        }
    }

    fn collect_problems(&self, problems: &mut Vec<String>) {
        let code = &self.code;
        if !is_permit_code(code) {
            problems.push(format!(
                "{code}: kode jenis izin hanya boleh huruf besar, angka dan tanda hubung"
            ));
        }
        for (what, value) in [
            ("nama", &self.name),
            ("nama singkat", &self.short_name),
            ("profesi", &self.profession),
            ("kategori", &self.category),
            ("produk", &self.product),
        ] {
            if value.trim().is_empty() {
                problems.push(format!("{code}: {what} kosong"));
            }
        }
        if self.sla_working_days == 0 {
            problems.push(format!("{code}: jangka waktu layanan harus 1 hari kerja atau lebih"));
        }
        self.collect_kind_problems(problems);

        let mut keys = BTreeSet::new();
        for field in &self.fields {
            let key = &field.key;
            if !keys.insert(key.as_str()) {
                problems.push(format!("{code}: kunci isian \"{key}\" dipakai lebih dari sekali"));
            }
            if !is_snake_case(key) {
                problems.push(format!("{code}: kunci isian \"{key}\" harus snake_case"));
            }
            if field.label.trim().is_empty() {
                problems.push(format!("{code}: isian \"{key}\" tidak berlabel"));
            }
            match field.kind {
                FieldKind::Select if field.options.is_empty() => problems.push(format!(
                    "{code}: pilihan \"{key}\" harus punya paling sedikit satu opsi"
                )),
                FieldKind::Select => {
                    let distinct: BTreeSet<String> = field.options.iter().map(|o| o.trim().to_lowercase()).collect();
                    if distinct.len() != field.options.len() || field.options.iter().any(|o| o.trim().is_empty()) {
                        problems.push(format!("{code}: opsi \"{key}\" harus berisi dan tidak boleh ganda"));
                    }
                }
                _ if !field.options.is_empty() => problems.push(format!(
                    "{code}: isian \"{key}\" bukan pilihan, jadi tidak boleh punya opsi"
                )),
                _ => {}
            }
            if let Some(prefill) = &field.prefill
                && !PREFILL_KEYS.contains(&prefill.as_str())
            {
                problems.push(format!(
                    "{code}: isian \"{key}\" diisi otomatis dari \"{prefill}\" yang tidak dikenal"
                ));
            }
        }

        let mut req_keys = BTreeSet::new();
        for req in &self.requirements {
            let key = &req.key;
            if !req_keys.insert(key.as_str()) {
                problems.push(format!("{code}: kunci syarat \"{key}\" dipakai lebih dari sekali"));
            }
            if !is_snake_case(key) {
                problems.push(format!("{code}: kunci syarat \"{key}\" harus snake_case"));
            }
            if req.label.trim().is_empty() {
                problems.push(format!("{code}: syarat \"{key}\" tidak berlabel"));
            }
            if req.formats.is_empty() {
                problems.push(format!("{code}: syarat \"{key}\" harus punya format berkas"));
            }
            if req.max_size_kb == 0 {
                problems.push(format!("{code}: ukuran maksimal syarat \"{key}\" harus lebih dari 0"));
            }
            if let Need::When { field, equals } = &req.need {
                self.check_condition(key, field, equals, problems);
            }
        }
    }

    /// The rules of the holder and cancellation kinds: a person's permit has a per-person cap
    /// and a validity; an establishment's has no cap and no STR; a cancellation issues a letter
    /// without validity or cap, for the permits of one profession.
    fn collect_kind_problems(&self, problems: &mut Vec<String>) {
        let code = &self.code;
        if self.is_cancellation() {
            if self.max_active_per_person != 0 || self.validity.years != 0 || self.validity.ends_with_str {
                problems.push(format!(
                    "{code}: jenis pencabutan tidak punya batas izin per orang maupun masa berlaku (isi 0)"
                ));
            }
            if self.holder != Holder::Person || self.inspection != Inspection::None {
                problems.push(format!(
                    "{code}: jenis pencabutan berlaku untuk izin perorangan dan tanpa pemeriksaan lapangan"
                ));
            }
            let distinct: BTreeSet<&str> = self.cancels.iter().map(String::as_str).collect();
            if distinct.len() != self.cancels.len() || distinct.contains(code.as_str()) {
                problems.push(format!(
                    "{code}: daftar izin yang dicabut berisi kode ganda atau dirinya sendiri"
                ));
            }
            return;
        }
        match self.holder {
            Holder::Person if self.max_active_per_person == 0 => {
                problems.push(format!("{code}: batas izin aktif per orang harus 1 atau lebih"));
            }
            Holder::Establishment if self.max_active_per_person != 0 || self.validity.ends_with_str => {
                problems.push(format!(
                    "{code}: izin usaha tidak dibatasi per orang dan tidak mengikuti STR (batas 0, ends_with_str false)"
                ));
            }
            _ => {}
        }
        if self.validity.years == 0 {
            problems.push(format!("{code}: masa berlaku harus 1 tahun atau lebih"));
        }
    }

    /// A cancellation type (pencabutan).
    pub fn is_cancellation(&self) -> bool {
        !self.cancels.is_empty()
    }

    /// Whether a permit of this type counts against its holder's per-person cap.
    pub fn has_person_cap(&self) -> bool {
        self.holder == Holder::Person && !self.is_cancellation() && self.max_active_per_person > 0
    }

    fn check_condition(&self, req_key: &str, field: &str, equals: &str, problems: &mut Vec<String>) {
        let code = &self.code;
        let wanted = equals.trim().to_lowercase();
        if PSEUDO_FIELDS.contains(&field) {
            if !PSEUDO_VALUES.contains(&wanted.as_str()) {
                problems.push(format!(
                    "{code}: syarat \"{req_key}\" menunggu {field} = \"{equals}\", padahal nilainya hanya \"ya\" atau \"tidak\""
                ));
            }
            return;
        }
        match self.field(field) {
            None => problems.push(format!(
                "{code}: syarat \"{req_key}\" bergantung pada isian \"{field}\" yang tidak ada"
            )),
            Some(f) if f.kind == FieldKind::Select => {
                if !f.options.iter().any(|o| o.trim().to_lowercase() == wanted) {
                    problems.push(format!(
                        "{code}: syarat \"{req_key}\" menunggu \"{equals}\" yang bukan opsi isian \"{field}\""
                    ));
                }
            }
            Some(_) if wanted.is_empty() => problems.push(format!(
                "{code}: syarat \"{req_key}\" menunggu nilai kosong pada isian \"{field}\""
            )),
            Some(_) => {}
        }
    }
}

impl FormField {
    /// The problem with a non-empty, trimmed answer, if any.
    fn check_value(&self, value: &str) -> Option<String> {
        let label = &self.label;
        match self.kind {
            FieldKind::Text => check_length(label, value, TEXT_MAX_CHARS),
            FieldKind::Textarea => check_length(label, value, TEXTAREA_MAX_CHARS),
            FieldKind::Number => check_number(label, value),
            FieldKind::Date => check_date(label, value),
            FieldKind::Select => {
                let wanted = value.to_lowercase();
                (!self.options.iter().any(|o| o.trim().to_lowercase() == wanted))
                    .then(|| format!("{label} harus salah satu dari: {}.", self.options.join(", ")))
            }
            FieldKind::Days => parse_days(value).err().map(|e| e.message(label)),
            FieldKind::TimeRange => check_time_range(label, value),
        }
    }
}

fn check_length(label: &str, value: &str, max: usize) -> Option<String> {
    let chars = value.chars().count();
    (chars > max).then(|| format!("{label} paling banyak {max} karakter (sekarang {chars})."))
}

fn check_number(label: &str, value: &str) -> Option<String> {
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "{label} harus berupa angka bulat tanpa tanda atau spasi, misalnya 1."
        ));
    }
    let significant = value.trim_start_matches('0');
    if significant.is_empty() {
        return Some(format!("{label} paling kecil 1."));
    }
    if significant.len() > 18 {
        return Some(format!("{label} terlalu besar."));
    }
    None
}

fn check_date(label: &str, value: &str) -> Option<String> {
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Some(format!(
            "{label} harus berupa tanggal dengan format TTTT-BB-HH, misalnya 1985-08-17."
        ));
    }
    parse_iso_date(value)
        .is_none()
        .then(|| format!("{label}: {value} bukan tanggal yang ada di kalender."))
}

/// A `YYYY-MM-DD` real calendar date.
fn parse_iso_date(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(range)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

fn is_permit_code(code: &str) -> bool {
    !code.is_empty()
        && !code.starts_with('-')
        && !code.ends_with('-')
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

fn is_snake_case(key: &str) -> bool {
    key.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

enum DaysError {
    NoDay,
    Unknown(String),
    Twice(&'static str),
}

impl DaysError {
    fn message(&self, label: &str) -> String {
        match self {
            DaysError::NoDay => {
                format!("{label} harus berisi paling sedikit satu hari, dipisahkan koma, misalnya Senin, Rabu.")
            }
            DaysError::Unknown(word) if word.contains('-') => format!(
                "{label}: tulis setiap hari satu per satu, dipisahkan koma, misalnya Senin, Selasa, Rabu (bukan \"{word}\")."
            ),
            DaysError::Unknown(word) => format!(
                "{label}: \"{word}\" bukan nama hari. Gunakan Senin, Selasa, Rabu, Kamis, Jumat, Sabtu atau Minggu, dipisahkan koma."
            ),
            DaysError::Twice(day) => format!("{label}: hari {day} tertulis lebih dari sekali."),
        }
    }
}

/// The week-order indices of a comma-separated list of day names (any case; "Jum'at" allowed).
/// Empty items (a trailing comma) are ignored.
fn parse_days(value: &str) -> Result<Vec<usize>, DaysError> {
    let mut seen = [false; 7];
    for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let day = day_index(item).ok_or_else(|| DaysError::Unknown(shorten(item, 30)))?;
        if seen[day] {
            return Err(DaysError::Twice(DAYS[day]));
        }
        seen[day] = true;
    }
    let days: Vec<usize> = (0..7).filter(|&d| seen[d]).collect();
    if days.is_empty() {
        return Err(DaysError::NoDay);
    }
    Ok(days)
}

fn day_index(word: &str) -> Option<usize> {
    let normal: String = word
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | '`'))
        .collect();
    DAYS.iter().position(|d| d.to_lowercase() == normal)
}

fn shorten(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// Normalises a list of days for display: `"rabu, senin"` → `"Senin, Rabu"` (week order, one
/// each). Words that are not days are kept, after the days, as typed.
pub fn format_days(days: &str) -> String {
    let mut seen = [false; 7];
    let mut others: Vec<&str> = Vec::new();
    for item in days.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        match day_index(item) {
            Some(d) => seen[d] = true,
            None if !others.contains(&item) => others.push(item),
            None => {}
        }
    }
    (0..7)
        .filter(|&d| seen[d])
        .map(|d| DAYS[d])
        .chain(others)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Start and end in minutes after midnight. Accepts `HH:MM-HH:MM` and the forms people copy
/// from the example: `08.00 - 12.00`, `Pukul 08:00 s/d 12:00 WITA`.
fn parse_time_range(s: &str) -> Option<(u32, u32)> {
    let lower = s.trim().to_lowercase();
    let mut rest = lower.strip_prefix("pukul").unwrap_or(&lower).trim();
    for zone in ["wita", "wib", "wit"] {
        if let Some(stripped) = rest.strip_suffix(zone) {
            rest = stripped.trim_end();
            break;
        }
    }
    let (start, end) = rest
        .split_once("s/d")
        .or_else(|| rest.split_once('-'))
        .or_else(|| rest.split_once('–'))?;
    Some((parse_clock(start.trim())?, parse_clock(end.trim())?))
}

fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':').or_else(|| s.split_once('.'))?;
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || h.len() > 2 || !digits(m) || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn check_time_range(label: &str, value: &str) -> Option<String> {
    match parse_time_range(value) {
        None => Some(format!(
            "{label} harus berisi jam mulai dan jam selesai dalam format 24 jam, misalnya 08:00-12:00."
        )),
        Some((start, end)) if start >= end => Some(format!(
            "{label}: jam mulai ({}) harus lebih awal dari jam selesai ({}).",
            clock(start),
            clock(end)
        )),
        Some(_) => None,
    }
}

/// `"08:00-12:00"` → `"08:00 s/d 12:00"`. Input that is not a time range is returned trimmed.
pub fn format_time_range(s: &str) -> String {
    match parse_time_range(s) {
        Some((start, end)) => format!("{} s/d {}", clock(start), clock(end)),
        None => s.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static BUILTIN: LazyLock<Catalog> = LazyLock::new(Catalog::builtin);

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// key, label, kind, required, example, prefill
    type FieldRow<'a> = (&'a str, &'a str, FieldKind, bool, Option<&'a str>, Option<&'a str>);

    fn drsp() -> &'static PermitType {
        BUILTIN.get("SIP-DRSP").expect("SIP-DRSP is in the catalog")
    }

    fn labels(reqs: &[&Requirement]) -> Vec<String> {
        reqs.iter().map(|r| r.label.clone()).collect()
    }

    fn field(key: &str, kind: FieldKind, required: bool) -> FormField {
        FormField {
            key: key.to_string(),
            label: key.to_string(),
            kind,
            required,
            example: None,
            hint: None,
            options: if kind == FieldKind::Select {
                vec!["A".to_string(), "B".to_string()]
            } else {
                Vec::new()
            },
            prefill: None,
        }
    }

    fn requirement(key: &str, need: Need) -> Requirement {
        Requirement {
            key: key.to_string(),
            label: key.to_string(),
            need,
            formats: vec![FileFormat::Pdf],
            max_size_kb: 2048,
            local_choice: false,
            hint: None,
        }
    }

    /// A small valid catalog with one field of every kind, for rule tests that must not depend
    /// on the shipped data.
    fn sample() -> Catalog {
        Catalog {
            version: 1,
            published: "2026-01-02".to_string(),
            permit_types: vec![PermitType {
                code: "SIP-X1".to_string(),
                name: "Surat Izin Praktik Contoh".to_string(),
                short_name: "SIP Contoh".to_string(),
                profession: "Contoh".to_string(),
                category: "Kesehatan".to_string(),
                description: "Contoh.".to_string(),
                fields: vec![
                    field("teks", FieldKind::Text, true),
                    field("angka", FieldKind::Number, false),
                    field("tanggal", FieldKind::Date, false),
                    field("pilihan", FieldKind::Select, false),
                    field("uraian", FieldKind::Textarea, false),
                    field("hari", FieldKind::Days, false),
                    field("jam", FieldKind::TimeRange, false),
                ],
                requirements: vec![
                    requirement("wajib", Need::Required),
                    requirement("pilihan_saja", Need::Optional),
                    requirement(
                        "bila_b",
                        Need::When {
                            field: "pilihan".to_string(),
                            equals: "B".to_string(),
                        },
                    ),
                    requirement(
                        "kuasa",
                        Need::When {
                            field: "pemohon.kuasa".to_string(),
                            equals: "ya".to_string(),
                        },
                    ),
                ],
                sla_working_days: 5,
                fee_rupiah: 0,
                product: "SK Surat Izin Praktik Contoh".to_string(),
                legal_basis: vec![],
                validity: Validity {
                    years: 5,
                    ends_with_str: true,
                },
                max_active_per_person: 3,
                renewal_window_days: DEFAULT_RENEWAL_WINDOW_DAYS,
                procedure: vec![],
                complaint_channels: vec![],
                holder: Holder::Person,
                inspection: Inspection::None,
                cancels: vec![],
            }],
        }
    }

    fn sample_type() -> PermitType {
        sample().permit_types.remove(0)
    }

    /// The error for one answer to the sample form (the required text is filled).
    fn error_for(key: &str, value: &str) -> Option<String> {
        let mut a = answers(&[("teks", "isi"), (key, value)]);
        if key == "teks" {
            a.insert("teks".to_string(), value.to_string());
        }
        sample_type().check_answers(&a).remove(key)
    }

    fn invalid_after(change: impl FnOnce(&mut Catalog)) -> String {
        let mut catalog = sample();
        change(&mut catalog);
        match Catalog::from_json(&catalog.to_json_pretty()) {
            Err(CatalogError::Invalid(msg)) => msg,
            other => panic!("expected CatalogError::Invalid, got {other:?}"),
        }
    }

    // --- holder and cancellation kinds ---

    /// The sample with a second type: a cancellation of the first.
    fn with_cancellation() -> Catalog {
        let mut c = sample();
        let mut cancel = sample_type();
        cancel.code = "CABUT-SIP-X1".into();
        cancel.name = "Pencabutan Surat Izin Praktik Contoh".into();
        cancel.cancels = vec!["SIP-X1".into()];
        cancel.max_active_per_person = 0;
        cancel.validity = Validity {
            years: 0,
            ends_with_str: false,
        };
        c.permit_types.push(cancel);
        c
    }

    fn establishment(c: &mut Catalog) {
        let p = &mut c.permit_types[0];
        p.holder = Holder::Establishment;
        p.inspection = Inspection::WithLab;
        p.max_active_per_person = 0;
        p.validity.ends_with_str = false;
    }

    #[test]
    fn an_establishment_type_has_no_per_person_cap_and_no_str_end() {
        let mut c = sample();
        establishment(&mut c);
        let parsed = Catalog::from_json(&c.to_json_pretty()).unwrap_or_else(|e| panic!("{e}"));
        let p = &parsed.permit_types[0];
        assert_eq!(p.holder, Holder::Establishment);
        assert!(p.inspection.needs_lab());
        assert!(!p.has_person_cap());
        let msg = invalid_after(|c| {
            establishment(c);
            c.permit_types[0].max_active_per_person = 2;
        });
        assert!(msg.contains("tidak dibatasi per orang"), "{msg}");
    }

    #[test]
    fn a_person_type_still_needs_its_cap() {
        let msg = invalid_after(|c| c.permit_types[0].max_active_per_person = 0);
        assert!(msg.contains("batas izin aktif per orang"), "{msg}");
        assert!(sample_type().has_person_cap());
    }

    #[test]
    fn a_cancellation_names_existing_permits_of_its_profession() {
        let c = with_cancellation();
        let parsed = Catalog::from_json(&c.to_json_pretty()).unwrap_or_else(|e| panic!("{e}"));
        let cancel = parsed.get("CABUT-SIP-X1").unwrap_or_else(|| panic!("cancellation"));
        assert!(cancel.is_cancellation());
        assert!(!cancel.has_person_cap());
        let missing = {
            let mut c = with_cancellation();
            c.permit_types[1].cancels = vec!["SIP-NONE".into()];
            Catalog::from_json(&c.to_json_pretty())
        };
        assert!(matches!(missing, Err(CatalogError::Invalid(m)) if m.contains("tidak ada dalam katalog")));
        let other_profession = {
            let mut c = with_cancellation();
            c.permit_types[1].profession = "Bidan".into();
            Catalog::from_json(&c.to_json_pretty())
        };
        assert!(matches!(other_profession, Err(CatalogError::Invalid(m)) if m.contains("bukan izin praktik profesi")));
        let with_validity = {
            let mut c = with_cancellation();
            c.permit_types[1].validity.years = 5;
            Catalog::from_json(&c.to_json_pretty())
        };
        assert!(matches!(with_validity, Err(CatalogError::Invalid(m)) if m.contains("jenis pencabutan")));
    }

    #[test]
    fn a_person_type_keeps_its_json_without_the_new_keys() {
        let json = sample().to_json_pretty();
        assert!(!json.contains("\"holder\""));
        assert!(!json.contains("\"inspection\""));
        assert!(!json.contains("\"cancels\""));
    }

    // --- the shipped catalog ---

    #[test]
    fn builtin_catalog_has_the_38_types_in_domain_order() {
        let codes: Vec<&str> = BUILTIN.permit_types.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "SIP-APT",
                "SIP-PRWT",
                "SIP-DRSP",
                "SIP-DRG",
                "SIP-DR",
                "SIP-ATLM",
                "SIP-TTK",
                "SIP-BDN",
                "SIK-RAD",
                "SIP-TGM",
                "SIK-GIZI",
                "SIP-FT",
                "SIP-DRGSP",
                "SIP-EM",
                "SIK-SAN",
                "SIP-PA",
                "SIK-RMIK",
                "SIP-OT",
                "SIK-KESMAS",
                "SIP-PSI",
                "SIK-TW",
                "SIP-APT-DIST",
                "SIK-RO",
                "SIP-AKP",
                "SIK-PRWT",
                "IZIN-TG",
                "SIP-TKT",
                "STPT",
                "IO-PEST",
                "CABUT-SIP-DR",
                "CABUT-SIP-APT",
                "CABUT-SIP-APT-DIST",
                "CABUT-SIP-TTK",
                "SLHS-RM",
                "SLHS-JB",
                "SLHS-DAM",
                "SLHS-HTL",
                "SLHS-SPA",
            ]
        );
        assert_eq!(BUILTIN.version, 3);
        assert_eq!(
            BUILTIN.get("SIP-OT").map(|p| p.name.as_str()),
            Some("Surat Izin Kerja Okupasi Terapis")
        );
    }

    #[test]
    fn renewal_opens_ninety_days_before_the_end_unless_the_type_says_otherwise() {
        let mut p = BUILTIN.get("SIP-DR").expect("SIP-DR").clone();
        let end = chrono::NaiveDate::from_ymd_opt(2031, 3, 17).expect("date");
        assert_eq!(p.renewal_window_days, 90, "the default of a type that names none");
        assert_eq!(
            p.renewal_opens(end),
            chrono::NaiveDate::from_ymd_opt(2030, 12, 17).expect("date")
        );
        p.renewal_window_days = 0;
        assert_eq!(p.renewal_opens(end), end);
    }

    #[test]
    fn builtin_catalog_round_trips_through_json() {
        assert_eq!(Catalog::from_json(&BUILTIN.to_json_pretty()).as_ref(), Ok(&*BUILTIN));
    }

    /// Registrations of people who are not health workers under UU 17/2023 (no STR, no
    /// three-place rule): their own regulation sets validity and cap.
    const REGISTRATIONS: [&str; 2] = ["IZIN-TG", "STPT"];

    /// A health worker's own practice permits: not a registration, an establishment's permit or
    /// a cancellation.
    fn health_worker_types() -> impl Iterator<Item = &'static PermitType> {
        BUILTIN
            .permit_types
            .iter()
            .filter(|p| !REGISTRATIONS.contains(&p.code.as_str()) && p.has_person_cap() && p.holder == Holder::Person)
    }

    #[test]
    fn the_seed_001_establishments_are_inspected_and_not_capped() {
        let establishments: Vec<&PermitType> = BUILTIN
            .permit_types
            .iter()
            .filter(|p| p.holder == Holder::Establishment)
            .collect();
        let codes: Vec<&str> = establishments.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            ["IO-PEST", "SLHS-RM", "SLHS-JB", "SLHS-DAM", "SLHS-HTL", "SLHS-SPA"]
        );
        for p in establishments {
            assert!(!p.has_person_cap(), "{}", p.code);
            assert!(p.inspection.is_required(), "{}", p.code);
            assert!(p.validity.years > 0 && !p.validity.ends_with_str, "{}", p.code);
            assert!(
                p.legal_basis.iter().any(|l| l.contains("Nomor 17 Tahun 2023")),
                "{}",
                p.code
            );
            assert!(
                !p.procedure.is_empty() && !p.complaint_channels.is_empty(),
                "{}",
                p.code
            );
            assert!(p.field("nomor_str").is_none(), "{}: a business has no STR", p.code);
            if p.code.starts_with("SLHS-") {
                // An SLHS rests on the laboratory results of the samples (Permenkes 2/2023).
                assert!(p.inspection.needs_lab(), "{}", p.code);
                assert!(
                    p.requirements
                        .iter()
                        .any(|r| r.key.starts_with("hasil_uji") && r.need == Need::Required),
                    "{}: a required laboratory result",
                    p.code
                );
            }
        }
    }

    #[test]
    fn the_seed_001_cancellations_each_cancel_one_practice_permit() {
        for (code, target) in [
            ("CABUT-SIP-DR", "SIP-DR"),
            ("CABUT-SIP-APT", "SIP-APT"),
            ("CABUT-SIP-APT-DIST", "SIP-APT-DIST"),
            ("CABUT-SIP-TTK", "SIP-TTK"),
        ] {
            let p = BUILTIN.get(code).unwrap_or_else(|| panic!("{code}"));
            assert!(p.is_cancellation() && !p.has_person_cap(), "{code}");
            assert_eq!(p.cancels, [target], "{code}");
            assert_eq!(p.validity.years, 0, "{code}");
            assert!(p.field("alasan_pencabutan").is_some_and(|f| f.required), "{code}");
            assert!(p.requirement("surat_kuasa").is_some(), "{code}");
        }
    }

    #[test]
    fn every_health_worker_type_is_free_five_years_three_per_person_with_a_service_standard() {
        for p in health_worker_types() {
            assert_eq!(p.fee_rupiah, 0, "{}", p.code);
            assert_eq!(
                p.validity,
                Validity {
                    years: 5,
                    ends_with_str: true
                },
                "{}",
                p.code
            );
            assert_eq!(p.max_active_per_person, 3, "{}", p.code);
            assert_eq!(p.category, "Kesehatan", "{}", p.code);
            assert!(p.sla_working_days > 0, "{}", p.code);
            assert!(
                !p.procedure.is_empty() && !p.complaint_channels.is_empty(),
                "{}",
                p.code
            );
            assert!(
                p.legal_basis.iter().any(|l| l.contains("Nomor 17 Tahun 2023")),
                "{}",
                p.code
            );
            assert!(
                p.legal_basis.iter().any(|l| l.contains("Nomor 28 Tahun 2024")),
                "{}",
                p.code
            );
            assert!(!p.description.is_empty() && p.description.ends_with('.'), "{}", p.code);
        }
    }

    #[test]
    fn registrations_run_two_years_at_one_place_without_an_str() {
        for (code, rule) in [("IZIN-TG", "Nomor 39 Tahun 2014"), ("STPT", "Nomor 61 Tahun 2016")] {
            let p = BUILTIN.get(code).unwrap_or_else(|| panic!("{code}"));
            assert_eq!(
                p.validity,
                Validity {
                    years: 2,
                    ends_with_str: false
                },
                "{code}"
            );
            assert_eq!(p.max_active_per_person, 1, "{code}");
            assert_eq!(p.fee_rupiah, 0, "{code}");
            assert!(
                p.field("nomor_str").is_none() && p.requirement("str").is_none(),
                "{code}"
            );
            assert!(p.legal_basis.iter().any(|l| l.contains(rule)), "{code}");
            assert!(!p.procedure.is_empty() && !p.complaint_channels.is_empty(), "{code}");
        }
        // PP 103/2014 Pasal 39: an STPT is renewed by attaching the expired one.
        let stpt = BUILTIN.get("STPT").expect("STPT");
        assert!(stpt.requirement("stpt_lama").is_some_and(|r| r.need == Need::Optional));
        // Permenkes 39/2014: only a tukang gigi registered before may hold the permit.
        let tg = BUILTIN.get("IZIN-TG").expect("IZIN-TG");
        assert!(tg.requirement("izin_lama").is_some_and(|r| r.need == Need::Required));
    }

    #[test]
    fn every_health_worker_type_requires_the_legal_minimum_str_and_practice_place_letter() {
        for p in health_worker_types() {
            for key in ["str", "keterangan_tempat_praktik"] {
                let r = p.requirement(key).unwrap_or_else(|| panic!("{}: no {key}", p.code));
                assert_eq!(r.need, Need::Required, "{} {key}", p.code);
                assert!(!r.local_choice, "{} {key} is a legal minimum", p.code);
            }
            assert!(
                p.requirement("str")
                    .is_some_and(|r| r.label.contains("Surat Tanda Registrasi"))
            );
            let str_field = p.field("nomor_str").expect("every type asks the STR number");
            assert_eq!(str_field.prefill.as_deref(), Some("str_number"));
            // The practice place's name and address are asked in Tahap 1 (Lokasi Izin), not here.
            assert!(p.field("nama_fasyankes").is_none());
        }
    }

    #[test]
    fn professional_organisation_recommendation_is_never_demanded() {
        for p in health_worker_types() {
            let f = p.field("nomor_rekomendasi_op").expect("kept as an optional field");
            assert!(!f.required, "{}", p.code);
            if let Some(r) = p.requirement("rekomendasi_organisasi_profesi") {
                assert_eq!(r.need, Need::Optional, "{}", p.code);
                assert!(r.local_choice, "{}", p.code);
            }
        }
    }

    #[test]
    fn photos_are_images_of_at_most_1_mb_and_documents_pdfs_of_at_most_2_mb() {
        for p in BUILTIN.permit_types.iter().filter(|p| p.holder == Holder::Person) {
            for r in &p.requirements {
                if r.key == "pas_foto" {
                    assert!(!r.formats.contains(&FileFormat::Pdf), "{}", p.code);
                    assert_eq!(r.max_size_kb, 1024, "{}", p.code);
                } else {
                    assert_eq!(r.formats, [FileFormat::Pdf], "{} {}", p.code, r.key);
                    assert_eq!(r.max_size_kb, 2048, "{} {}", p.code, r.key);
                }
            }
        }
    }

    #[test]
    fn an_establishment_asks_documents_of_at_most_4_mb_and_plans_may_be_images() {
        for p in BUILTIN
            .permit_types
            .iter()
            .filter(|p| p.holder == Holder::Establishment)
        {
            for r in &p.requirements {
                assert!(r.max_size_kb <= 4096, "{} {}", p.code, r.key);
                assert!(r.formats.contains(&FileFormat::Pdf), "{} {}", p.code, r.key);
            }
        }
    }

    #[test]
    fn a_proxy_filing_always_needs_the_power_of_attorney() {
        let by_proxy = answers(&[("pemohon.kuasa", "ya")]);
        let in_person = answers(&[("pemohon.kuasa", "tidak")]);
        for p in &BUILTIN.permit_types {
            let kuasa = p.requirement("surat_kuasa").expect("every type has surat_kuasa");
            assert!(p.is_triggered(kuasa, &by_proxy), "{}", p.code);
            assert!(!p.is_triggered(kuasa, &in_person), "{}", p.code);
        }
    }

    #[test]
    fn sip_dokter_spesialis_form_is_the_one_of_the_seed() {
        let p = drsp();
        assert_eq!(p.name, "Surat Izin Praktik Dokter Spesialis");
        assert_eq!(p.short_name, "SIP Dokter Spesialis");
        assert_eq!(p.profession, "Dokter Spesialis");
        assert_eq!(p.product, "SK Surat Izin Praktik Dokter Spesialis");
        let got: Vec<FieldRow> = p
            .fields
            .iter()
            .map(|f| {
                (
                    f.key.as_str(),
                    f.label.as_str(),
                    f.kind,
                    f.required,
                    f.example.as_deref(),
                    f.prefill.as_deref(),
                )
            })
            .collect();
        use FieldKind::*;
        assert_eq!(
            got,
            [
                (
                    "tempat_lahir",
                    "Tempat Lahir",
                    Text,
                    true,
                    Some("Denpasar"),
                    Some("birth_place")
                ),
                ("tanggal_lahir", "Tanggal Lahir", Date, true, None, Some("birth_date")),
                (
                    "nama_sesuai_ijazah",
                    "Nama Lengkap (Sesuai Ijazah)",
                    Text,
                    true,
                    Some("dr. Ida Bagus Dika Pratama, S.Ked"),
                    Some("full_name"),
                ),
                (
                    "hari_praktik",
                    "Hari Praktik",
                    Days,
                    true,
                    Some("Senin, Selasa, Rabu"),
                    None
                ),
                (
                    "waktu_praktik",
                    "Waktu Praktik",
                    TimeRange,
                    true,
                    Some("Pukul 08:00 s/d 12:00 WITA"),
                    None,
                ),
                ("permohonan_ke", "Permohonan SIP yang Ke", Select, true, None, None),
                (
                    "nomor_str",
                    "Nomor STR (Surat Tanda Registrasi)",
                    Text,
                    true,
                    Some("5121103318134121"),
                    Some("str_number"),
                ),
                (
                    "nomor_rekomendasi_op",
                    "Nomor Rekomendasi Organisasi Profesi",
                    Text,
                    false,
                    Some("21/PKB01-BALI.N.IT/2021"),
                    None,
                ),
                ("jenis_tempat_praktik", "Jenis Tempat Praktik", Select, true, None, None),
            ]
        );
        assert_eq!(
            p.field("permohonan_ke").map(|f| f.options.clone()),
            Some(vec!["1".into(), "2".into(), "3".into()])
        );
        assert_eq!(
            p.field("jenis_tempat_praktik").map(|f| f.options.clone()),
            Some(vec!["Fasilitas Pelayanan Kesehatan".into(), "Praktik Mandiri".into()])
        );
        let op_hint = p
            .field("nomor_rekomendasi_op")
            .and_then(|f| f.hint.as_deref())
            .unwrap_or("");
        assert!(op_hint.contains("UU 17/2023"));
    }

    #[test]
    fn sip_dokter_spesialis_documents_are_the_seed_ones_plus_the_legal_minimum() {
        let p = drsp();
        let got: Vec<(&str, &str, &Need, &[FileFormat], u32)> = p
            .requirements
            .iter()
            .map(|r| {
                (
                    r.key.as_str(),
                    r.label.as_str(),
                    &r.need,
                    r.formats.as_slice(),
                    r.max_size_kb,
                )
            })
            .collect();
        let pdf: &[FileFormat] = &[FileFormat::Pdf];
        let photo: &[FileFormat] = &[FileFormat::Jpg, FileFormat::Png];
        let when = |field: &str, equals: &str| Need::When {
            field: field.into(),
            equals: equals.into(),
        };
        assert_eq!(
            got,
            [
                ("ktp", "Scan KTP Pemohon/Penanggung Jawab", &Need::Required, pdf, 2048),
                (
                    "rekomendasi_dinkes",
                    "Scan Rekomendasi dari Dinas Kesehatan Perihal SIP Dokter Spesialis",
                    &Need::Required,
                    pdf,
                    2048,
                ),
                ("pas_foto", "Pas Foto Berwarna 4 x 6 cm", &Need::Required, photo, 1024),
                (
                    "izin_operasional_fasyankes",
                    "Scan Izin Operasional Fasyankes (Rumah Sakit / Klinik / Apotik)",
                    &when("jenis_tempat_praktik", "Fasilitas Pelayanan Kesehatan"),
                    pdf,
                    2048,
                ),
                (
                    "bpjs_kesehatan",
                    "Scan Kepesertaan BPJS Kesehatan",
                    &Need::Required,
                    pdf,
                    2048
                ),
                (
                    "surat_kuasa",
                    "Scan Surat Kuasa Pengurusan Izin",
                    &when("pemohon.kuasa", "ya"),
                    pdf,
                    2048,
                ),
                (
                    "str",
                    "Scan Surat Tanda Registrasi (STR) Dokter Spesialis",
                    &Need::Required,
                    pdf,
                    2048,
                ),
                (
                    "keterangan_tempat_praktik",
                    "Surat Keterangan dari Pimpinan Fasilitas Pelayanan Kesehatan Tempat Praktik",
                    &Need::Required,
                    pdf,
                    2048,
                ),
            ]
        );
        let local: Vec<&str> = p
            .requirements
            .iter()
            .filter(|r| r.local_choice)
            .map(|r| r.key.as_str())
            .collect();
        assert_eq!(
            local,
            [
                "ktp",
                "rekomendasi_dinkes",
                "pas_foto",
                "izin_operasional_fasyankes",
                "bpjs_kesehatan"
            ]
        );
    }

    #[test]
    fn sip_akupunktur_follows_the_cilegon_standard() {
        let p = BUILTIN.get("SIP-AKP").expect("SIP-AKP is in the catalog");
        assert_eq!(p.sla_working_days, 12);
        assert_eq!(p.product, "SK Surat Izin Praktik Akupuntur");
        assert_eq!(p.procedure.len(), 11);
        assert!(p.procedure[0].starts_with("Mengajukan permohonan pendaftaran secara online"));
        assert_eq!(
            p.procedure[10],
            "Menyerahkan SK. Izin kepada Pemohon dan Mencatat dalam Register"
        );
        let seed: Vec<&Requirement> = p.requirements.iter().filter(|r| r.key != "surat_kuasa").collect();
        assert_eq!(seed.len(), 9);
        assert!(seed.iter().all(|r| r.label.starts_with("Unggah ")));
        let foto = p.requirement("pas_foto").expect("pas foto");
        assert_eq!(
            (foto.formats.as_slice(), foto.max_size_kb),
            (&[FileFormat::Jpg][..], 1024)
        );
        let letter = p.requirement("keterangan_tempat_praktik").expect("facility letter");
        assert!(letter.label.contains("bermaterai Rp.10.000,-"));
        let company = p.requirement("bpjs_ketenagakerjaan").expect("BPJS Ketenagakerjaan");
        assert_eq!(
            company.need,
            Need::When {
                field: "pemohon.perusahaan".into(),
                equals: "ya".into()
            }
        );
    }

    #[test]
    fn perekam_medis_asks_four_documents_only_for_private_practice() {
        let p = BUILTIN.get("SIK-RMIK").expect("SIK-RMIK is in the catalog");
        assert_eq!(p.sla_working_days, 7);
        assert_eq!(p.procedure.len(), 17);
        let seed_labels = [
            "Scan Ijazah yang dilegalisir",
            "Scan Surat Tanda Registrasi (STR)",
            "Scan KTP Asli",
            "Pas Foto Berwarna (diutamakan latar merah)",
            "Surat Keterangan Sehat Fisik",
            "Surat Rekomendasi Dari Organisasi Profesi Sesuai Tempat Kerja",
            "SOP (Standar Operasional Prosedur) untuk Praktik Pribadi/Mandiri",
            "MoU Pembuangan Sampah Medis (untuk Praktik Pribadi/Mandiri)",
            "Daftar Alat Kesehatan di Ruangan (untuk Praktik Pribadi/Mandiri)",
            "Denah Lokasi Tempat Praktik (untuk praktik pribadi/mandiri)",
        ];
        let first_ten: Vec<&str> = p.requirements.iter().take(10).map(|r| r.label.as_str()).collect();
        assert_eq!(first_ten, seed_labels);

        let base = answers(&[("jenis_tempat_praktik", "Fasilitas Pelayanan Kesehatan")]);
        let mandiri = answers(&[("jenis_tempat_praktik", "praktik mandiri")]);
        let at_facility = p.needed_requirements(&base);
        let private = p.needed_requirements(&mandiri);
        assert_eq!(private.len(), at_facility.len() + 4);
        let extra: Vec<String> = labels(&private)
            .into_iter()
            .filter(|l| !labels(&at_facility).contains(l))
            .collect();
        assert_eq!(extra, seed_labels[6..]);
    }

    #[test]
    fn needed_requirements_exclude_optional_and_untriggered_ones() {
        let p = drsp();
        let needed = p.needed_requirements(&answers(&[
            ("jenis_tempat_praktik", "Praktik Mandiri"),
            ("pemohon.kuasa", "tidak"),
        ]));
        let keys: Vec<&str> = needed.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "ktp",
                "rekomendasi_dinkes",
                "pas_foto",
                "bpjs_kesehatan",
                "str",
                "keterangan_tempat_praktik"
            ]
        );
        let ap = BUILTIN.get("SIP-APT").expect("SIP-APT");
        assert!(
            !ap.needed_requirements(&Answers::new())
                .iter()
                .any(|r| r.key == "rekomendasi_organisasi_profesi")
        );
    }

    #[test]
    fn a_complete_sip_dokter_spesialis_form_passes() {
        let good = answers(&[
            ("tempat_lahir", "Denpasar"),
            ("tanggal_lahir", "1985-08-17"),
            ("nama_sesuai_ijazah", "dr. Ida Bagus Dika Pratama, Sp.PD"),
            ("hari_praktik", "senin, Rabu,jumat"),
            ("waktu_praktik", "08:00-12:00"),
            ("permohonan_ke", "2"),
            ("nomor_str", "5121103318134121"),
            ("jenis_tempat_praktik", "Fasilitas Pelayanan Kesehatan"),
            ("pemohon.kuasa", "tidak"),
            ("something_else", "ignored"),
        ]);
        assert_eq!(drsp().check_answers(&good), FieldErrors::new());
    }

    #[test]
    fn an_empty_form_names_every_required_field() {
        let errors = drsp().check_answers(&Answers::new());
        assert_eq!(
            errors.get("tempat_lahir").map(String::as_str),
            Some("Tempat Lahir wajib diisi.")
        );
        assert_eq!(
            errors.get("nomor_str").map(String::as_str),
            Some("Nomor STR (Surat Tanda Registrasi) wajib diisi.")
        );
        assert!(!errors.contains_key("nomor_rekomendasi_op"), "optional field");
        assert_eq!(errors.len(), 8);
        let blank = answers(&[("tempat_lahir", "   ")]);
        assert!(drsp().check_answers(&blank).contains_key("tempat_lahir"));
    }

    // --- rules per kind, on the sample form ---

    #[test]
    fn text_is_at_most_200_characters_and_textarea_2000() {
        assert_eq!(error_for("teks", &"é".repeat(200)), None);
        assert_eq!(
            error_for("teks", &"a".repeat(201)).as_deref(),
            Some("teks paling banyak 200 karakter (sekarang 201).")
        );
        assert_eq!(error_for("uraian", &"a".repeat(2000)), None);
        assert!(error_for("uraian", &"a".repeat(2001)).is_some());
    }

    #[test]
    fn number_is_a_positive_whole_number() {
        for good in ["1", "3", "0012", "999999999999999999"] {
            assert_eq!(error_for("angka", good), None, "{good}");
        }
        for bad in [
            "0",
            "000",
            "-1",
            "1.5",
            "1,5",
            "satu",
            "+2",
            "1 2",
            "1234567890123456789",
        ] {
            assert!(error_for("angka", bad).is_some(), "{bad}");
        }
        assert_eq!(error_for("angka", "0").as_deref(), Some("angka paling kecil 1."));
    }

    #[test]
    fn date_is_a_real_iso_date() {
        for good in ["1985-08-17", "2024-02-29", " 2000-01-01 "] {
            assert_eq!(error_for("tanggal", good), None, "{good}");
        }
        for bad in [
            "17-08-1985",
            "1985-8-17",
            "1985/08/17",
            "2023-02-29",
            "1985-13-01",
            "1985-00-10",
            "kemarin",
        ] {
            assert!(error_for("tanggal", bad).is_some(), "{bad}");
        }
        assert_eq!(
            error_for("tanggal", "2023-02-30").as_deref(),
            Some("tanggal: 2023-02-30 bukan tanggal yang ada di kalender.")
        );
    }

    #[test]
    fn select_accepts_only_its_options() {
        assert_eq!(error_for("pilihan", "A"), None);
        assert_eq!(error_for("pilihan", "b"), None);
        assert_eq!(
            error_for("pilihan", "C").as_deref(),
            Some("pilihan harus salah satu dari: A, B.")
        );
    }

    #[test]
    fn days_are_distinct_week_days() {
        for good in ["Senin", "senin, RABU", "Jum'at, Sabtu, Minggu", "Senin, Selasa,"] {
            assert_eq!(error_for("hari", good), None, "{good}");
        }
        assert_eq!(
            error_for("hari", "Senin, Senen").as_deref(),
            Some(
                "hari: \"Senen\" bukan nama hari. Gunakan Senin, Selasa, Rabu, Kamis, Jumat, Sabtu atau Minggu, dipisahkan koma."
            )
        );
        assert_eq!(
            error_for("hari", "Senin, senin").as_deref(),
            Some("hari: hari Senin tertulis lebih dari sekali.")
        );
        assert!(error_for("hari", " , ,").is_some_and(|m| m.contains("paling sedikit satu hari")));
        assert!(error_for("hari", "Senin-Rabu").is_some_and(|m| m.contains("satu per satu")));
        assert!(error_for("hari", "Senin Rabu").is_some());
    }

    #[test]
    fn time_range_is_24_hour_start_before_end() {
        for good in [
            "08:00-12:00",
            "8:00 - 12:30",
            "07.30-09.00",
            "Pukul 08:00 s/d 12:00 WITA",
            "00:00-23:59",
        ] {
            assert_eq!(error_for("jam", good), None, "{good}");
        }
        for bad in [
            "08:00",
            "8-12",
            "08:00-24:00",
            "25:00-26:00",
            "08:60-09:00",
            "08:00-12:0",
            "siang",
        ] {
            assert!(
                error_for("jam", bad).is_some_and(|m| m.contains("format 24 jam")),
                "{bad}"
            );
        }
        assert_eq!(
            error_for("jam", "12:00-08:00").as_deref(),
            Some("jam: jam mulai (12:00) harus lebih awal dari jam selesai (08:00).")
        );
        assert!(error_for("jam", "10:00-10:00").is_some());
    }

    #[test]
    fn optional_fields_may_stay_empty_and_unknown_keys_are_ignored() {
        let errors = sample_type().check_answers(&answers(&[("teks", "x"), ("tidak_ada", "??")]));
        assert_eq!(errors, FieldErrors::new());
    }

    #[test]
    fn conditions_trigger_on_equal_answers_ignoring_case() {
        let p = sample_type();
        let bila_b = p.requirement("bila_b").expect("bila_b");
        let kuasa = p.requirement("kuasa").expect("kuasa");
        assert!(p.is_triggered(bila_b, &answers(&[("pilihan", "B")])));
        assert!(p.is_triggered(bila_b, &answers(&[("pilihan", " b ")])));
        assert!(!p.is_triggered(bila_b, &answers(&[("pilihan", "A")])));
        assert!(!p.is_triggered(bila_b, &Answers::new()));
        assert!(p.is_triggered(kuasa, &answers(&[("pemohon.kuasa", "YA")])));
        assert!(!p.is_triggered(kuasa, &answers(&[("pemohon.kuasa", "tidak")])));
        assert!(p.is_triggered(p.requirement("wajib").expect("wajib"), &Answers::new()));
        assert!(!p.is_triggered(p.requirement("pilihan_saja").expect("optional"), &Answers::new()));
        let keys: Vec<&str> = p
            .needed_requirements(&answers(&[("pilihan", "B"), ("pemohon.kuasa", "ya")]))
            .iter()
            .map(|r| r.key.as_str())
            .collect();
        assert_eq!(keys, ["wajib", "bila_b", "kuasa"]);
    }

    // --- display helpers ---

    #[test]
    fn days_are_shown_in_week_order() {
        assert_eq!(format_days("senin, rabu"), "Senin, Rabu");
        assert_eq!(format_days("JUMAT,senin , Jum'at"), "Senin, Jumat");
        assert_eq!(
            format_days("minggu, Sabtu, kamis, rabu, selasa, senin, jumat"),
            DAYS.join(", ")
        );
        assert_eq!(format_days(""), "");
        assert_eq!(format_days("Senin, libur"), "Senin, libur");
    }

    #[test]
    fn time_ranges_are_shown_with_s_d() {
        assert_eq!(format_time_range("08:00-12:00"), "08:00 s/d 12:00");
        assert_eq!(format_time_range("8.00 - 12.30"), "08:00 s/d 12:30");
        assert_eq!(format_time_range("Pukul 08:00 s/d 12:00 WITA"), "08:00 s/d 12:00");
        assert_eq!(format_time_range(" sore "), "sore");
    }

    #[test]
    fn file_formats_have_a_mime_type_and_a_label() {
        assert_eq!(FileFormat::Pdf.mime(), "application/pdf");
        assert_eq!(FileFormat::Jpg.mime(), "image/jpeg");
        assert_eq!(FileFormat::Png.mime(), "image/png");
        let labels: Vec<&str> = [FileFormat::Pdf, FileFormat::Jpg, FileFormat::Png]
            .iter()
            .map(FileFormat::label)
            .collect();
        assert_eq!(labels, ["PDF", "JPG", "PNG"]);
    }

    // --- integrity ---

    #[test]
    fn the_sample_catalog_is_valid() {
        assert_eq!(Catalog::from_json(&sample().to_json_pretty()), Ok(sample()));
    }

    #[test]
    fn malformed_json_and_unknown_fields_are_json_errors() {
        assert!(matches!(Catalog::from_json("{"), Err(CatalogError::Json(_))));
        let extra = sample()
            .to_json_pretty()
            .replacen("\"version\": 1", "\"version\": 1, \"versi\": 2", 1);
        assert!(matches!(Catalog::from_json(&extra), Err(CatalogError::Json(_))));
        let extra_need =
            sample()
                .to_json_pretty()
                .replacen("\"kind\": \"required\"", "\"kind\": \"required\", \"x\": 1", 1);
        assert!(matches!(Catalog::from_json(&extra_need), Err(CatalogError::Json(_))));
        let field_on_required = sample().to_json_pretty().replacen(
            "\"kind\": \"required\"",
            "\"kind\": \"required\", \"field\": \"teks\"",
            1,
        );
        assert!(matches!(
            Catalog::from_json(&field_on_required),
            Err(CatalogError::Json(_))
        ));
        let when_without_equals = sample().to_json_pretty().replacen("\"equals\": \"B\"", "\"x\": 1", 1);
        assert!(matches!(
            Catalog::from_json(&when_without_equals),
            Err(CatalogError::Json(_))
        ));
        let when_half = sample()
            .to_json_pretty()
            .replacen(",\n            \"equals\": \"B\"", "", 1);
        assert!(
            matches!(Catalog::from_json(&when_half), Err(CatalogError::Json(_))),
            "{when_half}"
        );
        let bad_kind = sample()
            .to_json_pretty()
            .replacen("\"kind\": \"text\"", "\"kind\": \"email\"", 1);
        assert!(matches!(Catalog::from_json(&bad_kind), Err(CatalogError::Json(_))));
    }

    #[test]
    fn duplicate_codes_and_keys_are_refused() {
        assert!(
            invalid_after(|c| {
                let copy = c.permit_types[0].clone();
                c.permit_types.push(copy);
            })
            .contains("kode jenis izin dipakai lebih dari sekali")
        );
        assert!(
            invalid_after(|c| {
                let copy = c.permit_types[0].fields[0].clone();
                c.permit_types[0].fields.push(copy);
            })
            .contains("kunci isian \"teks\" dipakai lebih dari sekali")
        );
        assert!(
            invalid_after(|c| {
                let copy = c.permit_types[0].requirements[0].clone();
                c.permit_types[0].requirements.push(copy);
            })
            .contains("kunci syarat \"wajib\" dipakai lebih dari sekali")
        );
    }

    #[test]
    fn select_options_must_match_the_kind() {
        assert!(invalid_after(|c| c.permit_types[0].fields[3].options.clear()).contains("paling sedikit satu opsi"));
        assert!(
            invalid_after(|c| c.permit_types[0].fields[0].options.push("x".into())).contains("tidak boleh punya opsi")
        );
        assert!(invalid_after(|c| c.permit_types[0].fields[3].options.push("a".into())).contains("tidak boleh ganda"));
    }

    #[test]
    fn conditions_must_point_at_a_real_field_and_option() {
        let set_need = |field: &str, equals: &str| {
            let (field, equals) = (field.to_string(), equals.to_string());
            invalid_after(move |c| c.permit_types[0].requirements[2].need = Need::When { field, equals })
        };
        assert!(set_need("tidak_ada", "B").contains("isian \"tidak_ada\" yang tidak ada"));
        assert!(set_need("pilihan", "C").contains("bukan opsi isian \"pilihan\""));
        assert!(set_need("pemohon.kuasa", "mungkin").contains("\"ya\" atau \"tidak\""));
        assert!(set_need("teks", " ").contains("nilai kosong"));
        let mut ok = sample();
        ok.permit_types[0].requirements[2].need = Need::When {
            field: "pemohon.perusahaan".into(),
            equals: "Tidak".into(),
        };
        assert!(Catalog::from_json(&ok.to_json_pretty()).is_ok());
    }

    #[test]
    fn numbers_and_formats_must_be_usable() {
        assert!(
            invalid_after(|c| c.permit_types[0].requirements[0].formats.clear()).contains("harus punya format berkas")
        );
        assert!(invalid_after(|c| c.permit_types[0].requirements[0].max_size_kb = 0).contains("ukuran maksimal"));
        assert!(invalid_after(|c| c.permit_types[0].sla_working_days = 0).contains("jangka waktu"));
        assert!(invalid_after(|c| c.permit_types[0].max_active_per_person = 0).contains("batas izin aktif"));
        assert!(invalid_after(|c| c.permit_types[0].validity.years = 0).contains("masa berlaku"));
    }

    #[test]
    fn names_codes_keys_and_dates_must_be_well_formed() {
        assert!(invalid_after(|c| c.permit_types[0].code = "sip-x".into()).contains("huruf besar"));
        assert!(invalid_after(|c| c.permit_types[0].code = "SIP X".into()).contains("huruf besar"));
        assert!(invalid_after(|c| c.permit_types[0].fields[0].key = "Teks".into()).contains("snake_case"));
        assert!(invalid_after(|c| c.permit_types[0].requirements[0].key = "wajib-1".into()).contains("snake_case"));
        assert!(invalid_after(|c| c.permit_types[0].fields[0].prefill = Some("nik".into())).contains("\"nik\""));
        assert!(invalid_after(|c| c.published = "2026-02-30".into()).contains("tanggal terbit"));
        assert!(invalid_after(|c| c.permit_types[0].name = " ".into()).contains("nama kosong"));
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let msg = invalid_after(|c| {
            c.permit_types[0].sla_working_days = 0;
            c.permit_types[0].requirements[0].formats.clear();
        });
        assert!(msg.contains("jangka waktu") && msg.contains("format berkas"), "{msg}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn check_answers_never_panics(values in proptest::collection::vec(any::<String>(), 12)) {
            for p in &BUILTIN.permit_types {
                let a: Answers = p
                    .fields
                    .iter()
                    .map(|f| f.key.clone())
                    .chain(PSEUDO_FIELDS.iter().map(|k| k.to_string()))
                    .zip(values.iter().cycle().cloned())
                    .collect();
                let errors = p.check_answers(&a);
                prop_assert!(errors.keys().all(|k| p.field(k).is_some()));
                let _ = p.needed_requirements(&a);
            }
            let sample = sample_type();
            for v in &values {
                let a: Answers = sample.fields.iter().map(|f| (f.key.clone(), v.clone())).collect();
                let _ = sample.check_answers(&a);
                let _ = format_days(v);
                let _ = format_time_range(v);
            }
        }

        #[test]
        fn shaped_inputs_never_panic(
            day_list in "[A-Za-z' ,-]{0,40}",
            range in "[0-9:.s/d -]{0,20}",
            date in "[0-9-]{0,12}",
        ) {
            let sample = sample_type();
            let a = answers(&[("teks", "x"), ("hari", &day_list), ("jam", &range), ("tanggal", &date), ("angka", &date)]);
            let _ = sample.check_answers(&a);
            let _ = format_days(&day_list);
            let _ = format_time_range(&range);
        }

        #[test]
        fn accepted_days_format_to_known_day_names(
            picks in proptest::sample::subsequence(DAYS.to_vec(), 1..=7),
        ) {
            let typed = picks.iter().rev().map(|d| d.to_uppercase()).collect::<Vec<_>>().join(" , ");
            prop_assert_eq!(error_for("hari", &typed), None);
            prop_assert_eq!(format_days(&typed), picks.join(", "));
        }
    }
}
