//! The applicant-visible status of an application (seed 003 "Memantau Status Perizinan") and
//! the registration number given on submission.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Being filled in by the applicant; nothing has reached the office.
    Draft,
    /// Submitted, waiting for the front office's completeness check.
    Submitted,
    /// Being worked on by the office's desks.
    InProcess,
    /// Returned to the applicant with notes.
    NeedsRevision,
    /// Through the desks and waiting for the head of office's signature.
    ReadyToSign,
    /// The permit has been issued.
    Issued,
    /// Refused, with a reason.
    Rejected,
    /// Withdrawn by the applicant, with a reason; the office no longer works it.
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Submitted,
        ApplicationStatus::InProcess,
        ApplicationStatus::NeedsRevision,
        ApplicationStatus::ReadyToSign,
        ApplicationStatus::Issued,
        ApplicationStatus::Rejected,
        ApplicationStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::InProcess => "in_process",
            ApplicationStatus::NeedsRevision => "needs_revision",
            ApplicationStatus::ReadyToSign => "ready_to_sign",
            ApplicationStatus::Issued => "issued",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<ApplicationStatus> {
        ApplicationStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The words the applicant sees (status as words, never only a colour).
    pub fn label_id(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "Draf",
            ApplicationStatus::Submitted => "Menunggu Verifikasi",
            ApplicationStatus::InProcess => "Sedang Diproses",
            ApplicationStatus::NeedsRevision => "Perlu Perbaikan",
            ApplicationStatus::ReadyToSign => "Sedang Diproses",
            ApplicationStatus::Issued => "Izin Terbit",
            ApplicationStatus::Rejected => "Ditolak",
            ApplicationStatus::Withdrawn => "Dibatalkan Pemohon",
        }
    }

    /// The words officers see: the same, but precise about the last stage.
    pub fn label_officer(self) -> &'static str {
        match self {
            ApplicationStatus::ReadyToSign => "Siap Ditandatangani",
            other => other.label_id(),
        }
    }

    /// Counts toward the cap of active permits per person per profession (DOMAIN rule 1):
    /// everything submitted and not refused.
    pub fn counts_as_active(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Submitted
                | ApplicationStatus::InProcess
                | ApplicationStatus::NeedsRevision
                | ApplicationStatus::ReadyToSign
                | ApplicationStatus::Issued
        )
    }

    /// Whether the applicant may still withdraw it: filed, and not yet through the desks (a file
    /// ready to sign already has its permit number).
    pub fn may_be_withdrawn(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Submitted | ApplicationStatus::InProcess | ApplicationStatus::NeedsRevision
        )
    }

    /// Whether the applicant may still edit the file.
    pub fn is_editable_by_applicant(self) -> bool {
        matches!(self, ApplicationStatus::Draft | ApplicationStatus::NeedsRevision)
    }
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_id())
    }
}

/// A registration number, unique per office: `{OFFICE}-{YEAR}-{SEQ:06}`, e.g. `JBR-2026-000042`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegistrationNumber(String);

impl RegistrationNumber {
    pub fn new(office_code: &str, year: i32, seq: i64) -> RegistrationNumber {
        RegistrationNumber(format!("{}-{year:04}-{seq:06}", office_code.to_ascii_uppercase()))
    }

    /// Parses what a person typed (spaces trimmed, any case).
    pub fn parse(input: &str) -> Option<RegistrationNumber> {
        let s = input.trim().to_ascii_uppercase();
        let mut parts = s.split('-');
        let (office, year, seq) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let office_ok =
            (2..=8).contains(&office.len()) && office.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let year_ok = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
        let seq_ok = seq.len() >= 6 && seq.len() <= 9 && seq.bytes().all(|b| b.is_ascii_digit());
        (office_ok && year_ok && seq_ok).then_some(RegistrationNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegistrationNumber {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        RegistrationNumber::parse(&s).ok_or_else(|| "nomor registrasi tidak valid".to_string())
    }
}

impl From<RegistrationNumber> for String {
    fn from(r: RegistrationNumber) -> String {
        r.0
    }
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn status_codes_round_trip_and_have_indonesian_labels() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(ApplicationStatus::Submitted.label_id(), "Menunggu Verifikasi");
        assert_eq!(ApplicationStatus::NeedsRevision.label_id(), "Perlu Perbaikan");
        assert!(!ApplicationStatus::Rejected.counts_as_active());
        assert!(!ApplicationStatus::Draft.counts_as_active());
    }

    #[test]
    fn registration_number_is_office_year_and_sequence() {
        let r = RegistrationNumber::new("jbr", 2026, 42);
        assert_eq!(r.as_str(), "JBR-2026-000042");
        assert_eq!(RegistrationNumber::parse(" jbr-2026-000042 "), Some(r));
        assert_eq!(RegistrationNumber::parse("JBR-2026"), None);
        assert_eq!(RegistrationNumber::parse("JBR-26-000042"), None);
        assert_eq!(RegistrationNumber::parse("JBR-2026-000042-1"), None);
        assert_eq!(RegistrationNumber::parse("J'R-2026-000042"), None);
    }

    proptest! {
        #[test]
        fn any_number_made_parses_back(office in "[A-Z]{2,8}", year in 2000i32..2100, seq in 1i64..999_999) {
            let r = RegistrationNumber::new(&office, year, seq);
            prop_assert_eq!(RegistrationNumber::parse(r.as_str()), Some(r.clone()));
        }

        #[test]
        fn distinct_sequences_give_distinct_numbers(a in 1i64..999_999, b in 1i64..999_999) {
            prop_assume!(a != b);
            prop_assert_ne!(RegistrationNumber::new("PTK", 2026, a), RegistrationNumber::new("PTK", 2026, b));
        }
    }
}
