//! The community satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017): nine
//! elements (unsur), each answered on a scale of 1–4, and the satisfaction index (IKM) of a
//! service unit: the mean of the nine element averages (NRR) × 25, with exact 1/9 weights (so a
//! perfect survey gives 100.00, not 99.9), graded on the unrounded value rounded to 2 decimals:
//! < 65.00 D Tidak baik; < 76.61 C Kurang baik; < 88.31 B Baik; else A Sangat baik (DOMAIN rule 14).

use std::collections::BTreeMap;

/// One element of the survey: its key, its name and the question the respondent answers, with
/// the words of its four answers (1 = tidak baik … 4 = sangat baik).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsur {
    pub key: &'static str,
    pub name: &'static str,
    pub question: &'static str,
    pub answers: [&'static str; 4],
}

/// The nine elements, in the regulation's order.
pub const UNSUR: [Unsur; 9] = [
    Unsur {
        key: "u1",
        name: "Persyaratan",
        question: "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        answers: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
    },
    Unsur {
        key: "u2",
        name: "Sistem, Mekanisme, dan Prosedur",
        question: "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        answers: ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
    },
    Unsur {
        key: "u3",
        name: "Waktu Penyelesaian",
        question: "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        answers: ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
    },
    Unsur {
        key: "u4",
        name: "Biaya/Tarif",
        question: "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan (layanan ini tidak dipungut biaya)?",
        answers: ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
    },
    Unsur {
        key: "u5",
        name: "Produk Spesifikasi Jenis Pelayanan",
        question: "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
        answers: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
    },
    Unsur {
        key: "u6",
        name: "Kompetensi Pelaksana",
        question: "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        answers: ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
    },
    Unsur {
        key: "u7",
        name: "Perilaku Pelaksana",
        question: "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        answers: [
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ],
    },
    Unsur {
        key: "u8",
        name: "Penanganan Pengaduan, Saran dan Masukan",
        question: "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        answers: [
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ],
    },
    Unsur {
        key: "u9",
        name: "Sarana dan Prasarana",
        question: "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana (termasuk layanan daring ini)?",
        answers: ["Buruk", "Cukup", "Baik", "Sangat baik"],
    },
];

/// One complete answer sheet: a score 1–4 for each of the nine elements, in [`UNSUR`] order.
/// Only [`Scores::parse`] makes one, so a value always holds nine valid scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scores([u8; 9]);

impl Scores {
    /// Reads the answers by element key ("u1" … "u9" → "1" … "4"); every element missing or out
    /// of range gets an Indonesian message under its key.
    pub fn parse(answers: &BTreeMap<String, String>) -> Result<Scores, BTreeMap<String, String>> {
        let mut scores = [0u8; 9];
        let mut errors = BTreeMap::new();
        for (i, u) in UNSUR.iter().enumerate() {
            match answers.get(u.key).map(|s| s.trim()).and_then(|s| s.parse::<u8>().ok()) {
                Some(v @ 1..=4) => scores[i] = v,
                _ => {
                    errors.insert(
                        u.key.to_string(),
                        format!("Pilih salah satu jawaban untuk unsur {}.", u.name),
                    );
                }
            }
        }
        if errors.is_empty() {
            Ok(Scores(scores))
        } else {
            Err(errors)
        }
    }

    /// Reads the stored form "4,3,4,4,3,4,4,3,4"; anything else is `None`.
    pub fn from_stored(s: &str) -> Option<Scores> {
        let parts: Vec<u8> = s.split(',').map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
        let arr: [u8; 9] = parts.try_into().ok()?;
        arr.iter().all(|v| (1..=4).contains(v)).then_some(Scores(arr))
    }

    /// The stored form: nine digits separated by commas.
    pub fn to_stored(&self) -> String {
        self.0.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
    }

    pub fn values(&self) -> [u8; 9] {
        self.0
    }
}

/// The grade (mutu) of a service unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// Kinerja unit pelayanan.
    pub fn label_id(self) -> &'static str {
        match self {
            Grade::A => "Sangat baik",
            Grade::B => "Baik",
            Grade::C => "Kurang baik",
            Grade::D => "Tidak baik",
        }
    }

    /// The grade of an index (25–100) rounded to 2 decimals.
    pub fn of(index: f64) -> Grade {
        let rounded = (index * 100.0).round() / 100.0;
        if rounded < 65.00 {
            Grade::D
        } else if rounded < 76.61 {
            Grade::C
        } else if rounded < 88.31 {
            Grade::B
        } else {
            Grade::A
        }
    }
}

/// The satisfaction index of a set of answer sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct Ikm {
    pub respondents: usize,
    /// Average score (NRR) per element, in [`UNSUR`] order.
    pub nrr: [f64; 9],
    /// The index, 25–100, rounded to 2 decimals.
    pub index: f64,
    pub grade: Grade,
}

/// The index of `sheets`; `None` without any answer.
pub fn ikm(sheets: &[Scores]) -> Option<Ikm> {
    if sheets.is_empty() {
        return None;
    }
    let n = sheets.len() as f64;
    let mut nrr = [0.0f64; 9];
    for s in sheets {
        for (i, v) in s.0.iter().enumerate() {
            nrr[i] += f64::from(*v);
        }
    }
    for x in &mut nrr {
        *x /= n;
    }
    let index = nrr.iter().sum::<f64>() / 9.0 * 25.0;
    Some(Ikm {
        respondents: sheets.len(),
        nrr,
        index: (index * 100.0).round() / 100.0,
        grade: Grade::of(index),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(v: [u8; 9]) -> Scores {
        Scores::from_stored(&v.map(|x| x.to_string()).join(",")).unwrap()
    }

    #[test]
    fn a_perfect_survey_is_100_and_the_worst_is_25() {
        let best = ikm(&[sheet([4; 9])]).unwrap();
        assert_eq!(best.index, 100.0);
        assert_eq!(best.grade, Grade::A);
        let worst = ikm(&[sheet([1; 9])]).unwrap();
        assert_eq!(worst.index, 25.0);
        assert_eq!(worst.grade, Grade::D);
        assert_eq!(ikm(&[]), None);
    }

    #[test]
    fn index_is_the_mean_of_the_element_averages_times_25() {
        // Two respondents: NRR = 3.5 for every element except the last (3.0).
        let r = ikm(&[sheet([4, 4, 4, 4, 4, 4, 4, 4, 3]), sheet([3, 3, 3, 3, 3, 3, 3, 3, 3])]).unwrap();
        assert_eq!(r.respondents, 2);
        assert_eq!(r.nrr[0], 3.5);
        assert_eq!(r.nrr[8], 3.0);
        // (8 × 3.5 + 3.0) / 9 × 25 = 86.111…
        assert_eq!(r.index, 86.11);
        assert_eq!(r.grade, Grade::B);
    }

    #[test]
    fn grade_bands_have_their_thresholds_after_rounding() {
        assert_eq!(Grade::of(64.994), Grade::D);
        assert_eq!(Grade::of(64.995), Grade::C);
        assert_eq!(Grade::of(76.60), Grade::C);
        assert_eq!(Grade::of(76.61), Grade::B);
        assert_eq!(Grade::of(88.30), Grade::B);
        assert_eq!(Grade::of(88.31), Grade::A);
    }

    #[test]
    fn answers_are_parsed_with_a_message_per_missing_element() {
        let mut a = BTreeMap::new();
        for u in &UNSUR[..8] {
            a.insert(u.key.to_string(), "3".to_string());
        }
        let errors = Scores::parse(&a).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors["u9"].contains("Sarana dan Prasarana"));
        a.insert("u9".into(), "5".into());
        assert!(Scores::parse(&a).unwrap_err().contains_key("u9"));
        a.insert("u9".into(), "4".into());
        let s = Scores::parse(&a).unwrap();
        assert_eq!(s.to_stored(), "3,3,3,3,3,3,3,3,4");
        assert_eq!(Scores::from_stored(&s.to_stored()), Some(s));
        assert_eq!(Scores::from_stored("1,2,3"), None);
        assert_eq!(Scores::from_stored("0,1,1,1,1,1,1,1,1"), None);
    }
}
