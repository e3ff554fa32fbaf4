//! Officer roles of DOMAIN.md "Who uses it". An officer belongs to one office and may hold
//! several roles; every decision about who may do what is made with this type, never with a
//! string.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    FrontOffice,
    BackOffice,
    Kasi,
    Kabid,
    Kadis,
    TimTeknis,
    Pencetakan,
    Pengaduan,
    /// Bendahara penerimaan: confirms retribusi payments by hand.
    Kasir,
    Admin,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::FrontOffice,
        Role::BackOffice,
        Role::Kasi,
        Role::Kabid,
        Role::Kadis,
        Role::TimTeknis,
        Role::Pencetakan,
        Role::Pengaduan,
        Role::Kasir,
        Role::Admin,
    ];

    /// The heads who supervise the desks of their office (see the summary and reassignment).
    pub const SUPERVISORS: [Role; 4] = [Role::Kasi, Role::Kabid, Role::Kadis, Role::Admin];

    /// Roles whose sign-in needs a second factor (the signer and the office admin).
    pub const MFA_REQUIRED: [Role; 2] = [Role::Kadis, Role::Admin];

    /// The stored code (database rows, workflow definitions, CLI flags).
    pub fn code(self) -> &'static str {
        match self {
            Role::FrontOffice => "front_office",
            Role::BackOffice => "back_office",
            Role::Kasi => "kasi",
            Role::Kabid => "kabid",
            Role::Kadis => "kadis",
            Role::TimTeknis => "tim_teknis",
            Role::Pencetakan => "pencetakan",
            Role::Pengaduan => "pengaduan",
            Role::Kasir => "kasir",
            Role::Admin => "admin",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Role::FrontOffice => "Front Office",
            Role::BackOffice => "Back Office / Pelaksana",
            Role::Kasi => "Kepala Seksi",
            Role::Kabid => "Kepala Bidang",
            Role::Kadis => "Kepala Dinas",
            Role::TimTeknis => "Tim Teknis Dinas Kesehatan",
            Role::Pencetakan => "Pencetakan / Arsip",
            Role::Pengaduan => "Petugas Pengaduan",
            Role::Kasir => "Kasir / Bendahara Penerimaan",
            Role::Admin => "Admin Kantor",
        }
    }

    /// Parses a code, forgiving case, dashes and spaces (`Front-Office` is `front_office`).
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    /// Parses a comma-separated list (`kasi,kabid`); unknown codes are returned as the error.
    pub fn parse_list(s: &str) -> Result<Vec<Role>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let role = Role::parse(part).ok_or_else(|| part.to_string())?;
            if !out.contains(&role) {
                out.push(role);
            }
        }
        out.sort();
        Ok(out)
    }

    pub fn is_supervisor(self) -> bool {
        Role::SUPERVISORS.contains(&self)
    }

    /// The role an overdue step escalates to: the desks of the front office, back office,
    /// technical team and printing escalate to the Kepala Seksi, the Kasi to the Kabid, the Kabid
    /// to the Kadis, and everyone else to the admin.
    pub fn supervisor(self) -> Role {
        match self {
            Role::FrontOffice | Role::BackOffice | Role::TimTeknis | Role::Pencetakan => Role::Kasi,
            Role::Kasi => Role::Kabid,
            Role::Kabid => Role::Kadis,
            Role::Kadis | Role::Pengaduan | Role::Kasir | Role::Admin => Role::Admin,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A role code from storage shown in Indonesian; an unknown code is shown as it is.
pub fn role_label(code: &str) -> String {
    Role::parse(code).map_or_else(|| code.to_string(), |r| r.label_id().to_string())
}

/// Whether any of `held` is one of `wanted`.
pub fn holds_any(held: &[Role], wanted: &[Role]) -> bool {
    held.iter().any(|r| wanted.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_codes_and_common_spellings() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
            assert_eq!(serde_json::to_string(&r).ok(), Some(format!("\"{}\"", r.code())));
        }
        assert_eq!(Role::parse("Front-Office"), Some(Role::FrontOffice));
        assert_eq!(Role::parse("boss"), None);
    }

    #[test]
    fn a_list_of_roles_is_parsed_sorted_without_repeats_or_refused_naming_the_unknown_code() {
        assert_eq!(Role::parse_list("kabid, kasi,kasi"), Ok(vec![Role::Kasi, Role::Kabid]));
        assert_eq!(Role::parse_list(""), Ok(vec![]));
        assert_eq!(Role::parse_list("kasi,direktur"), Err("direktur".to_string()));
    }

    #[test]
    fn overdue_steps_escalate_one_level_up() {
        assert_eq!(Role::FrontOffice.supervisor(), Role::Kasi);
        assert_eq!(Role::TimTeknis.supervisor(), Role::Kasi);
        assert_eq!(Role::Kasi.supervisor(), Role::Kabid);
        assert_eq!(Role::Kabid.supervisor(), Role::Kadis);
        assert_eq!(Role::Kadis.supervisor(), Role::Admin);
        assert_eq!(Role::Pengaduan.supervisor(), Role::Admin);
    }

    #[test]
    fn heads_and_the_admin_supervise() {
        let heads: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_supervisor()).collect();
        assert_eq!(heads, Role::SUPERVISORS);
        assert!(holds_any(&[Role::BackOffice, Role::Kasi], &Role::SUPERVISORS));
        assert!(!holds_any(&[Role::BackOffice], &Role::SUPERVISORS));
    }
}
