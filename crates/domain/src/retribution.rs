//! Retribusi daerah: the levy an office charges for a permit whose service standard has a fee
//! (set by the regency's Perda under UU 1/2022 on central–regional fiscal relations, HKPD). When
//! a file is through the desks the office issues an SKRD (Surat Ketetapan Retribusi Daerah) with
//! its number, amount and due date; the permit is signed only once it is paid.

use chrono::NaiveDate;

/// Days from the SKRD to its due date (jatuh tempo). The Perda may set fewer; 30 days is the
/// usual term of an SKRD.
pub const DUE_DAYS: u64 = 30;

/// The due date of an SKRD issued on `issued`.
pub fn due_on(issued: NaiveDate) -> NaiveDate {
    issued.checked_add_days(chrono::Days::new(DUE_DAYS)).unwrap_or(issued)
}

/// The SKRD number: `SKRD/{office code}/{year}/{sequence, six digits}`, one sequence per office
/// and year.
pub fn skrd_number(office_code: &str, year: i32, seq: i64) -> String {
    format!("SKRD/{office_code}/{year}/{seq:06}")
}

/// The channels a payment is confirmed from, as the cashier chooses them: (code, label).
pub const CHANNELS: [(&str, &str); 4] = [
    ("teller", "Setor tunai di bank / teller"),
    ("transfer", "Transfer / virtual account"),
    ("qris", "QRIS"),
    ("loket", "Tunai di loket kantor"),
];

/// The label of a payment channel code (the code itself when unknown, e.g. from a gateway).
pub fn channel_label(code: &str) -> &str {
    CHANNELS.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| l)
}

/// "Rp 150.000".
pub fn rupiah(amount: u64) -> String {
    format!(
        "Rp {}",
        crate::format_id::thousands(i64::try_from(amount).unwrap_or(i64::MAX))
    )
}

/// Why a payment of `paid` does not settle an SKRD of `due`, if it does not: the whole amount is
/// paid at once (no partial payments of a levy).
pub fn check_amount(due: u64, paid: u64) -> Result<(), String> {
    if paid == due {
        Ok(())
    } else {
        Err(format!(
            "Jumlah pembayaran {} tidak sama dengan jumlah SKRD {}.",
            rupiah(paid),
            rupiah(due)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_skrd_falls_due_thirty_days_after_issue() {
        let issued = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        assert_eq!(due_on(issued), NaiveDate::from_ymd_opt(2027, 1, 6).expect("date"));
    }

    #[test]
    fn numbers_run_per_office_and_year() {
        assert_eq!(skrd_number("JBR", 2026, 42), "SKRD/JBR/2026/000042");
    }

    #[test]
    fn only_the_whole_amount_settles_an_skrd() {
        assert_eq!(check_amount(150_000, 150_000), Ok(()));
        let short = check_amount(150_000, 100_000).unwrap_err();
        assert!(short.contains("Rp 100.000") && short.contains("Rp 150.000"), "{short}");
        assert!(check_amount(150_000, 200_000).is_err());
    }

    #[test]
    fn channels_have_indonesian_labels() {
        assert_eq!(channel_label("qris"), "QRIS");
        assert_eq!(channel_label("bpd-bali"), "bpd-bali");
    }
}
