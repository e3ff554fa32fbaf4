//! The per-person cap on practice places (UU 17/2023, PP 28/2024: a health worker holds at most
//! three SIPs per profession, one per place; DOMAIN rule 1).
//!
//! What counts is *places in use*, not applications ever filed: an active permit that has not
//! expired, and a filed application that is still open. A revoked, replaced or expired permit
//! frees its place. A renewal or change continues the place of the permit it names, so it never
//! counts against that permit, and an open renewal of a permit already counted is the same place.

use chrono::NaiveDate;

/// The state of an issued permit as far as the cap is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermitState {
    /// Through the desks, not signed yet: its application is still open and counts instead.
    AwaitingSignature,
    Active,
    Revoked,
    Replaced,
}

impl PermitState {
    /// Reads the `permits.status` column; unknown values count as not holding a place.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "awaiting_signature" => Some(PermitState::AwaitingSignature),
            "active" => Some(PermitState::Active),
            "revoked" => Some(PermitState::Revoked),
            "replaced" => Some(PermitState::Replaced),
            _ => None,
        }
    }
}

/// Something of one person and one profession that may hold a practice place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// An issued permit.
    Permit {
        id: String,
        number: String,
        place: String,
        state: Option<PermitState>,
        valid_until: Option<NaiveDate>,
    },
    /// A filed application not decided yet (submitted, in process, returned for revision, ready
    /// to sign); `continues` is the permit it renews or changes.
    Open {
        registration_number: String,
        place: String,
        continues: Option<String>,
    },
}

impl Holding {
    /// How the refusal names it: `number (place)`.
    pub fn label(&self) -> String {
        let (number, place) = match self {
            Holding::Permit { number, place, .. } => (number, place),
            Holding::Open {
                registration_number,
                place,
                ..
            } => (registration_number, place),
        };
        if place.is_empty() {
            number.clone()
        } else {
            format!("{number} ({place})")
        }
    }
}

/// The holdings that use a place, for an application that `continues` the given permit (a
/// renewal or change) or none (a new place).
pub fn places_in_use<'a>(holdings: &'a [Holding], continues: Option<&str>, today: NaiveDate) -> Vec<&'a Holding> {
    let counted_permit = |h: &Holding| match h {
        Holding::Permit {
            id, state, valid_until, ..
        } => {
            *state == Some(PermitState::Active)
                && valid_until.is_none_or(|until| until >= today)
                && continues != Some(id.as_str())
        }
        Holding::Open { .. } => false,
    };
    let counted_ids: Vec<&str> = holdings
        .iter()
        .filter(|h| counted_permit(h))
        .filter_map(|h| match h {
            Holding::Permit { id, .. } => Some(id.as_str()),
            Holding::Open { .. } => None,
        })
        .collect();
    holdings
        .iter()
        .filter(|h| match h {
            Holding::Permit { .. } => counted_permit(h),
            Holding::Open { continues: c, .. } => match c.as_deref() {
                None => true,
                // Same place as a permit counted already, or as the one this application continues.
                Some(p) => !counted_ids.contains(&p) && Some(p) != continues,
            },
        })
        .collect()
}

/// Refuses a submission that would use more places than `max`, naming what it counted.
pub fn check(
    holdings: &[Holding],
    continues: Option<&str>,
    today: NaiveDate,
    max: u32,
    profession: &str,
) -> Result<(), String> {
    let used = places_in_use(holdings, continues, today);
    if u32::try_from(used.len()).unwrap_or(u32::MAX) < max {
        return Ok(());
    }
    let list = used.iter().map(|h| h.label()).collect::<Vec<_>>().join(", ");
    Err(format!(
        "Anda sudah memakai {} dari {max} tempat praktik untuk profesi {profession}: {list}. \
         Izin baru dapat diajukan setelah salah satunya berakhir atau dicabut; untuk tempat yang sama, \
         ajukan perpanjangan atau perubahan dari Izin Saya.",
        used.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn permit(id: &str, state: PermitState, until: NaiveDate) -> Holding {
        Holding::Permit {
            id: id.into(),
            number: format!("SIP/{id}"),
            place: format!("Apotek {id}"),
            state: Some(state),
            valid_until: Some(until),
        }
    }

    fn open(number: &str, continues: Option<&str>) -> Holding {
        Holding::Open {
            registration_number: number.into(),
            place: String::new(),
            continues: continues.map(Into::into),
        }
    }

    fn today() -> NaiveDate {
        d(2026, 12, 7)
    }

    fn future() -> NaiveDate {
        d(2030, 1, 1)
    }

    #[test]
    fn active_permits_and_open_applications_use_places() {
        let h = [
            permit("a", PermitState::Active, future()),
            open("REG-2", None),
            permit("c", PermitState::Active, today()),
        ];
        assert_eq!(places_in_use(&h, None, today()).len(), 3, "valid through today counts");
        let err = check(&h, None, today(), 3, "Apoteker").unwrap_err();
        assert!(err.contains("SIP/a (Apotek a), REG-2, SIP/c (Apotek c)"), "{err}");
        assert!(err.contains("3 dari 3 tempat praktik untuk profesi Apoteker"), "{err}");
    }

    #[test]
    fn revoked_replaced_expired_and_unsigned_permits_free_their_place() {
        let h = [
            permit("r", PermitState::Revoked, future()),
            permit("x", PermitState::Replaced, future()),
            permit("e", PermitState::Active, d(2026, 12, 6)),
            // Its application is open and counted instead.
            permit("w", PermitState::AwaitingSignature, future()),
            open("REG-W", None),
        ];
        assert_eq!(places_in_use(&h, None, today()).len(), 1);
        assert!(check(&h, None, today(), 3, "Apoteker").is_ok());
    }

    #[test]
    fn two_sip_apoteker_renewing_the_second_is_allowed() {
        // Reproduced in issue 18: two active SIP Apoteker, a renewal of the second was refused.
        let h = [
            permit("1", PermitState::Active, future()),
            permit("2", PermitState::Active, future()),
        ];
        assert!(
            check(&h, Some("2"), today(), 2, "Apoteker").is_ok(),
            "a renewal is not a new place"
        );
        assert!(check(&h, None, today(), 2, "Apoteker").is_err(), "a third place is");
        let three = [h[0].clone(), h[1].clone(), permit("3", PermitState::Active, future())];
        assert!(check(&three, Some("3"), today(), 3, "Apoteker").is_ok());
    }

    #[test]
    fn an_open_renewal_of_a_counted_permit_is_the_same_place() {
        let h = [
            permit("1", PermitState::Active, future()),
            open("REG-RENEW-1", Some("1")),
            permit("2", PermitState::Active, future()),
        ];
        assert_eq!(places_in_use(&h, None, today()).len(), 2);
        assert!(check(&h, None, today(), 3, "Bidan").is_ok());
    }

    #[test]
    fn an_open_renewal_of_an_expired_permit_still_holds_its_place() {
        let h = [
            permit("1", PermitState::Active, d(2026, 1, 1)),
            open("REG-R", Some("1")),
        ];
        let used = places_in_use(&h, None, today());
        assert_eq!(used.len(), 1);
        assert_eq!(used[0].label(), "REG-R");
        // …but not against a second renewal of that very permit.
        assert!(places_in_use(&h, Some("1"), today()).is_empty());
    }

    #[test]
    fn a_cap_of_one_refuses_the_second_place() {
        let h = [permit("1", PermitState::Active, future())];
        assert!(check(&h, None, today(), 1, "Penyehat Tradisional").is_err());
        assert!(check(&h, Some("1"), today(), 1, "Penyehat Tradisional").is_ok());
        assert!(check(&[], None, today(), 1, "Penyehat Tradisional").is_ok());
    }

    #[test]
    fn unknown_states_hold_no_place() {
        assert_eq!(PermitState::from_code("active"), Some(PermitState::Active));
        assert_eq!(PermitState::from_code("??"), None);
        let h = [Holding::Permit {
            id: "q".into(),
            number: "Q".into(),
            place: String::new(),
            state: None,
            valid_until: None,
        }];
        assert!(places_in_use(&h, None, today()).is_empty());
    }
}
