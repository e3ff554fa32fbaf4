//! Officer roles of DOMAIN.md "Who uses it". An officer belongs to one office and may hold
//! several roles.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    FrontOffice,
    BackOffice,
    Kasi,
    Kabid,
    Kadis,
    TimTeknis,
    Pencetakan,
    Pengaduan,
    Admin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::FrontOffice,
        Role::BackOffice,
        Role::Kasi,
        Role::Kabid,
        Role::Kadis,
        Role::TimTeknis,
        Role::Pencetakan,
        Role::Pengaduan,
        Role::Admin,
    ];

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
            Role::Admin => "Admin Kantor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Role::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// A role code from the database, shown in Indonesian (unknown codes shown as they are).
pub fn role_label(code: &str) -> String {
    Role::parse(code)
        .map(|r| r.label_id().to_string())
        .unwrap_or_else(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_codes_and_common_spellings() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse("Front-Office"), Some(Role::FrontOffice));
        assert_eq!(Role::parse("boss"), None);
    }
}
