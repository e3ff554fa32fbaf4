//! An office's Standar Pelayanan for one permit type (PermenPANRB 15/2014, the components an
//! applicant meets): the time to complete in working days and how the workflow's desks share it,
//! the fee and the regional regulation that sets it, the product, the contact, the complaint
//! channels and the office's own notes on the requirements.
//!
//! Without a published standard an office serves a type on the catalog's values
//! ([`ServiceStandard::from_catalog`]). [`ServiceStandard::check`] is what a publish must pass.

use crate::catalog::FieldErrors;
use crate::catalog::PermitType;
use crate::workflow::WorkflowDefinition;
use serde::Deserialize;
use serde::Serialize;

/// The longest SLA any standard may state, in working days.
pub const MAX_SLA_DAYS: u32 = 60;
/// The highest fee a standard may state (a guard against a mistyped figure), in rupiah.
pub const MAX_FEE_RUPIAH: u64 = 100_000_000;
const SHORT_MAX_CHARS: usize = 200;
const NOTES_MAX_CHARS: usize = 2000;
const CHANNEL_LINES_MAX: usize = 10;

/// A national ceiling on the SLA of some permit types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalMaximum {
    pub days: u32,
    /// The rule, as the refusal names it.
    pub rule: &'static str,
}

/// The SKB of 9 September 2025 (Kemenkes, KemenPANRB, Komdigi, Kemendagri, BSSN): a Surat Izin
/// Praktik is issued within at most 5 working days (domain-research.md, section 2).
pub const SKB_SIP: NationalMaximum = NationalMaximum {
    days: 5,
    rule: "SKB Menteri Kesehatan, MenPANRB, Menkomdigi, Mendagri dan Kepala BSSN tanggal 9 September 2025 (SIP terbit paling lama 5 hari kerja)",
};

/// The national ceiling that applies to a permit type: every Surat Izin Praktik (`SIP-…`).
pub fn national_maximum(permit: &PermitType) -> Option<NationalMaximum> {
    permit.code.starts_with("SIP-").then_some(SKB_SIP)
}

/// "Tidak dipungut biaya" or "Rp 150.000".
pub fn fee_label(fee: u64) -> String {
    if fee == 0 {
        "Tidak dipungut biaya".into()
    } else {
        format!(
            "Rp {}",
            crate::format_id::thousands(i64::try_from(fee).unwrap_or(i64::MAX))
        )
    }
}

/// The working days of one desk of the workflow, by step key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDays {
    pub step: String,
    pub days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceStandard {
    /// Jangka waktu penyelesaian, from the file being complete.
    pub sla_working_days: u32,
    /// How the desks of the workflow share the SLA; empty: by the workflow's shares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step_days: Vec<StepDays>,
    pub fee_rupiah: u64,
    /// The Perda (or other rule) that sets the fee; required when the fee is not zero.
    #[serde(default)]
    pub fee_legal_basis: String,
    pub product: String,
    /// Who to ask: a desk, a phone number, an e-mail address.
    #[serde(default)]
    pub contact: String,
    /// Penanganan pengaduan: lines shown with the office's own complaint channels.
    #[serde(default)]
    pub complaint_channels: Vec<String>,
    /// The office's own notes on the requirements, shown above the requirement list.
    #[serde(default)]
    pub requirement_notes: String,
}

impl ServiceStandard {
    /// The catalog's values: what an office serves a type on until it publishes its own.
    pub fn from_catalog(p: &PermitType) -> ServiceStandard {
        ServiceStandard {
            sla_working_days: p.sla_working_days,
            step_days: Vec::new(),
            fee_rupiah: p.fee_rupiah,
            fee_legal_basis: String::new(),
            product: p.product.clone(),
            contact: String::new(),
            complaint_channels: p.complaint_channels.clone(),
            requirement_notes: String::new(),
        }
    }

    /// The fee as a receipt states it: "Tidak dipungut biaya", or "Rp 150.000 (Perda …)".
    pub fn fee_text(&self) -> String {
        let basis = self.fee_legal_basis.trim();
        if self.fee_rupiah == 0 || basis.is_empty() {
            fee_label(self.fee_rupiah)
        } else {
            format!("{} ({basis})", fee_label(self.fee_rupiah))
        }
    }

    /// Trims every text; drops empty channel lines.
    pub fn tidy(mut self) -> ServiceStandard {
        for s in [
            &mut self.fee_legal_basis,
            &mut self.product,
            &mut self.contact,
            &mut self.requirement_notes,
        ] {
            *s = s.trim().to_string();
        }
        self.complaint_channels = self
            .complaint_channels
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        self
    }

    /// Days per desk of `workflow`: the standard's own split when it names exactly the
    /// workflow's steps, otherwise the SLA split by the workflow's shares.
    pub fn days_per_step(&self, workflow: &WorkflowDefinition) -> Vec<u32> {
        let own = self.step_days.len() == workflow.steps.len()
            && self.step_days.iter().zip(&workflow.steps).all(|(d, s)| d.step == s.key);
        if own {
            self.step_days.iter().map(|d| d.days).collect()
        } else {
            workflow.step_days(self.sla_working_days)
        }
    }

    /// What a publish must pass, every problem at once, keyed by field (`step_days.<key>` for a
    /// desk). `workflow` is the one the office's new applications of this type start on.
    pub fn check(&self, permit: &PermitType, workflow: &WorkflowDefinition) -> FieldErrors {
        let mut e = FieldErrors::new();
        let sla = self.sla_working_days;
        if !(1..=MAX_SLA_DAYS).contains(&sla) {
            e.insert(
                "sla_working_days".into(),
                format!("Jangka waktu berupa 1 sampai {MAX_SLA_DAYS} hari kerja."),
            );
        } else if let Some(max) = national_maximum(permit).filter(|m| sla > m.days) {
            e.insert(
                "sla_working_days".into(),
                format!(
                    "Jangka waktu {sla} hari kerja melebihi batas nasional {} hari kerja untuk {} menurut {}.",
                    max.days, permit.short_name, max.rule
                ),
            );
        }
        self.check_steps(workflow, &mut e);
        if self.fee_rupiah > MAX_FEE_RUPIAH {
            e.insert(
                "fee_rupiah".into(),
                "Biaya terlalu besar; periksa kembali angkanya.".into(),
            );
        }
        if self.fee_rupiah > 0 && self.fee_legal_basis.trim().is_empty() {
            e.insert(
                "fee_legal_basis".into(),
                "Sebutkan dasar hukum retribusi (misalnya Perda) bila biaya tidak nol.".into(),
            );
        }
        if self.product.trim().is_empty() {
            e.insert("product".into(), "Produk pelayanan wajib diisi.".into());
        }
        for (key, value) in [
            ("product", &self.product),
            ("fee_legal_basis", &self.fee_legal_basis),
            ("contact", &self.contact),
        ] {
            if value.chars().count() > SHORT_MAX_CHARS {
                e.entry(key.into())
                    .or_insert_with(|| format!("Paling banyak {SHORT_MAX_CHARS} karakter."));
            }
        }
        if self.requirement_notes.chars().count() > NOTES_MAX_CHARS {
            e.insert(
                "requirement_notes".into(),
                format!("Paling banyak {NOTES_MAX_CHARS} karakter."),
            );
        }
        if self.complaint_channels.len() > CHANNEL_LINES_MAX
            || self
                .complaint_channels
                .iter()
                .any(|l| l.chars().count() > SHORT_MAX_CHARS)
        {
            e.insert(
                "complaint_channels".into(),
                format!("Paling banyak {CHANNEL_LINES_MAX} baris, masing-masing {SHORT_MAX_CHARS} karakter."),
            );
        }
        e
    }

    /// The desks' days must name the workflow's steps in order and add up to the SLA.
    fn check_steps(&self, workflow: &WorkflowDefinition, e: &mut FieldErrors) {
        if self.step_days.is_empty() {
            return;
        }
        let keys: Vec<&str> = workflow.steps.iter().map(|s| s.key.as_str()).collect();
        let named: Vec<&str> = self.step_days.iter().map(|d| d.step.as_str()).collect();
        if keys != named {
            e.insert(
                "step_days".into(),
                format!(
                    "Pembagian hari harus memuat tahap alur kerja «{}» secara berurutan: {}.",
                    workflow.name,
                    keys.join(", ")
                ),
            );
            return;
        }
        let sum: u32 = self.step_days.iter().map(|d| d.days).sum();
        if sum != self.sla_working_days {
            let parts: Vec<String> = self.step_days.iter().map(|d| d.days.to_string()).collect();
            e.insert(
                "step_days".into(),
                format!(
                    "Hari kerja per tahap berjumlah {sum} ({}), tidak sama dengan jangka waktu {} hari kerja.",
                    parts.join(" + "),
                    self.sla_working_days
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn permit(code: &str) -> PermitType {
        let c = Catalog::builtin();
        c.get(code).cloned().unwrap_or_else(|| panic!("{code} in the catalog"))
    }

    fn bontang() -> WorkflowDefinition {
        WorkflowDefinition::preset("bontang").unwrap_or_else(|| panic!("bontang preset"))
    }

    fn split(def: &WorkflowDefinition, days: &[u32]) -> Vec<StepDays> {
        def.steps
            .iter()
            .zip(days)
            .map(|(s, &d)| StepDays {
                step: s.key.clone(),
                days: d,
            })
            .collect()
    }

    #[test]
    fn the_catalog_values_are_the_default_standard() {
        let p = permit("SIK-RMIK");
        let s = ServiceStandard::from_catalog(&p);
        assert_eq!(s.sla_working_days, 7);
        assert_eq!(s.fee_rupiah, 0);
        assert_eq!(s.product, p.product);
        assert!(s.check(&p, &bontang()).is_empty());
    }

    #[test]
    fn a_sip_longer_than_the_skb_allows_is_refused_with_the_rule_named() {
        let p = permit("SIP-BDN");
        let mut s = ServiceStandard::from_catalog(&p);
        let e = s.check(&p, &bontang());
        let msg = e.get("sla_working_days").cloned().unwrap_or_default();
        assert!(msg.contains("12 hari kerja melebihi batas nasional 5"), "{msg}");
        assert!(msg.contains("9 September 2025"), "{msg}");
        s.sla_working_days = 5;
        assert!(s.check(&p, &bontang()).is_empty());
        // A SIK is not under the SKB.
        let sik = permit("SIK-RMIK");
        let mut s = ServiceStandard::from_catalog(&sik);
        s.sla_working_days = 12;
        assert!(s.check(&sik, &bontang()).is_empty());
    }

    #[test]
    fn desk_days_that_do_not_add_up_are_refused_with_the_numbers() {
        let p = permit("SIK-RMIK");
        let def = bontang();
        let mut s = ServiceStandard::from_catalog(&p);
        s.step_days = split(&def, &[1, 1, 1, 1, 1, 1, 1, 1]);
        let msg = s.check(&p, &def).remove("step_days").unwrap_or_default();
        assert_eq!(
            msg,
            "Hari kerja per tahap berjumlah 8 (1 + 1 + 1 + 1 + 1 + 1 + 1 + 1), tidak sama dengan jangka waktu 7 hari kerja."
        );
        s.step_days = split(&def, &[1, 1, 0, 1, 1, 1, 1, 1]);
        assert!(s.check(&p, &def).is_empty());
        assert_eq!(s.days_per_step(&def), [1, 1, 0, 1, 1, 1, 1, 1]);
        // Steps of another workflow are named as such.
        s.step_days.swap(0, 1);
        assert!(s.check(&p, &def).contains_key("step_days"));
        // A split for another workflow falls back to the shares.
        assert_eq!(s.days_per_step(&def), def.step_days(7));
    }

    #[test]
    fn a_fee_needs_its_legal_basis_and_the_product_is_required() {
        let p = permit("SIK-RMIK");
        let mut s = ServiceStandard::from_catalog(&p);
        s.fee_rupiah = 150_000;
        s.product = "  ".into();
        s.sla_working_days = 0;
        let e = s.clone().tidy().check(&p, &bontang());
        assert!(e.contains_key("fee_legal_basis"));
        assert!(e.contains_key("product"));
        assert!(e.contains_key("sla_working_days"));
        s.fee_legal_basis = "Perda Kota Bontang Nomor 1 Tahun 2024".into();
        s.product = "SK".into();
        s.sla_working_days = 7;
        assert!(s.check(&p, &bontang()).is_empty());
        assert_eq!(s.fee_text(), "Rp 150.000 (Perda Kota Bontang Nomor 1 Tahun 2024)");
        s.fee_rupiah = 0;
        assert_eq!(s.fee_text(), "Tidak dipungut biaya");
    }

    #[test]
    fn tidy_trims_and_drops_empty_channel_lines() {
        let p = permit("SIK-RMIK");
        let mut s = ServiceStandard::from_catalog(&p);
        s.complaint_channels = vec!["  Loket 3 ".into(), "   ".into()];
        s.contact = " 0548 123 ".into();
        let s = s.tidy();
        assert_eq!(s.complaint_channels, ["Loket 3"]);
        assert_eq!(s.contact, "0548 123");
    }
}
