//! The e-mails the service sends, one askama text template per message under
//! `templates/mail/`, each with a struct of exactly the fields it needs. Services build the
//! struct and queue it with `enqueue`; no mail text is composed in a service.
//!
//! To add a message: write `templates/mail/<name>.txt`, add a struct here deriving `Template`
//! with `#[template(path = "mail/<name>.txt", escape = "none")]`, and implement `Mail` for it
//! (its subject). askama drops the one newline that ends a template file, so a body that ends
//! with a newline is saved with an empty last line (the tests below hold every text to the
//! bytes the services sent before the templates).

use crate::platform::db::Tx;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::outbox::enqueue_email;
use askama::Template;

/// A message: its body is the template, its subject a short line built from the same fields.
pub trait Mail: Template {
    fn subject(&self) -> String;

    /// The (subject, body) of the message.
    fn compose(&self) -> ServiceResult<(String, String)> {
        let body = self
            .render()
            .map_err(|e| ServiceError::Internal(format!("mail template: {e}")))?;
        Ok((self.subject(), body))
    }
}

/// Renders a message and queues it in the caller's transaction (the outbox delivers it).
pub async fn enqueue(tx: &mut Tx, office_id: Option<&str>, recipient: &str, mail: &impl Mail) -> ServiceResult<()> {
    let (subject, body) = mail.compose()?;
    enqueue_email(tx, office_id, recipient, &subject, &body).await?;
    Ok(())
}

/// The link that activates a new applicant account.
#[derive(Template)]
#[template(path = "mail/account_verification.txt", escape = "none")]
pub struct AccountVerification<'a> {
    pub name: &'a str,
    pub link: &'a str,
}

impl Mail for AccountVerification<'_> {
    fn subject(&self) -> String {
        "Konfirmasi akun izinkes".into()
    }
}

/// The single-use link to set a new password.
#[derive(Template)]
#[template(path = "mail/password_reset.txt", escape = "none")]
pub struct PasswordReset<'a> {
    pub name: &'a str,
    pub link: &'a str,
}

impl Mail for PasswordReset<'_> {
    fn subject(&self) -> String {
        "Atur ulang kata sandi izinkes".into()
    }
}

/// The account holder's own password was changed (sent to the account's address).
#[derive(Template)]
#[template(path = "mail/password_changed.txt", escape = "none")]
pub struct PasswordChanged<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// When, in Indonesian (`17 Maret 2026 09.30 WIB`).
    pub at: &'a str,
    /// What to do if it was not them.
    pub advice: &'a str,
}

impl Mail for PasswordChanged<'_> {
    fn subject(&self) -> String {
        "Kata sandi izinkes Anda diubah".into()
    }
}

/// An officer's invitation: the one-time link to set a password.
#[derive(Template)]
#[template(path = "mail/officer_invitation.txt", escape = "none")]
pub struct OfficerInvitation<'a> {
    pub name: &'a str,
    pub office: &'a str,
    pub link: &'a str,
    pub days: i64,
}

impl Mail for OfficerInvitation<'_> {
    fn subject(&self) -> String {
        format!("Undangan akun petugas izinkes — {}", self.office)
    }
}

/// The receipt of a submitted application.
#[derive(Template)]
#[template(path = "mail/application_received.txt", escape = "none")]
pub struct ApplicationReceived<'a> {
    pub applicant_name: &'a str,
    pub permit_name: &'a str,
    pub number: &'a str,
    pub office_name: &'a str,
    pub sla_working_days: u32,
    /// The service's address without a trailing slash.
    pub base_url: &'a str,
}

impl Mail for ApplicationReceived<'_> {
    fn subject(&self) -> String {
        format!("Permohonan diterima: {}", self.number)
    }
}

/// A permit was signed and issued.
#[derive(Template)]
#[template(path = "mail/permit_issued.txt", escape = "none")]
pub struct PermitIssued<'a> {
    pub holder_name: &'a str,
    pub permit_name: &'a str,
    pub number: &'a str,
    /// The validity end, formatted for Indonesian readers.
    pub valid_until: &'a str,
    pub base_url: &'a str,
    /// The public verification token.
    pub token: &'a str,
}

impl Mail for PermitIssued<'_> {
    fn subject(&self) -> String {
        format!("Izin terbit: {}", self.number)
    }
}

/// The applicant withdrew a submitted application.
#[derive(Template)]
#[template(path = "mail/application_withdrawn.txt", escape = "none")]
pub struct ApplicationWithdrawn<'a> {
    pub name: &'a str,
    pub permit_name: &'a str,
    pub number: &'a str,
    /// When, in the office's zone.
    pub at: &'a str,
    pub reason: &'a str,
    pub base_url: &'a str,
}

impl Mail for ApplicationWithdrawn<'_> {
    fn subject(&self) -> String {
        format!("Permohonan dibatalkan: {}", self.number)
    }
}

/// A permit was revoked by the office.
#[derive(Template)]
#[template(path = "mail/permit_revoked.txt", escape = "none")]
pub struct PermitRevoked<'a> {
    pub holder_name: &'a str,
    pub permit_name: &'a str,
    pub number: &'a str,
    pub office_name: &'a str,
    /// The day of revocation, formatted for Indonesian readers.
    pub revoked_on: &'a str,
    pub decree: &'a str,
    pub reason: &'a str,
    pub base_url: &'a str,
    /// The public verification token.
    pub token: &'a str,
}

impl Mail for PermitRevoked<'_> {
    fn subject(&self) -> String {
        format!("Izin dicabut: {}", self.number)
    }
}

/// An SKRD was issued: the applicant pays before the permit is signed.
#[derive(Template)]
#[template(path = "mail/retribution_due.txt", escape = "none")]
pub struct RetributionDue<'a> {
    pub holder_name: &'a str,
    pub permit_name: &'a str,
    pub registration_number: &'a str,
    pub number: &'a str,
    /// "Rp 150.000"
    pub amount: &'a str,
    pub due_on: &'a str,
    pub legal_basis: &'a str,
    pub office_name: &'a str,
    pub base_url: &'a str,
    pub application_id: &'a str,
}

impl Mail for RetributionDue<'_> {
    fn subject(&self) -> String {
        format!("Retribusi {}: {}", self.registration_number, self.amount)
    }
}

/// An SKRD was paid.
#[derive(Template)]
#[template(path = "mail/retribution_paid.txt", escape = "none")]
pub struct RetributionPaid<'a> {
    pub holder_name: &'a str,
    pub number: &'a str,
    pub amount: &'a str,
    pub paid_on: &'a str,
    pub reference: &'a str,
    pub office_name: &'a str,
    pub base_url: &'a str,
    pub application_id: &'a str,
}

impl Mail for RetributionPaid<'_> {
    fn subject(&self) -> String {
        format!("Pembayaran retribusi diterima: {}", self.number)
    }
}

/// A reminder before a permit expires.
#[derive(Template)]
#[template(path = "mail/permit_expiring.txt", escape = "none")]
pub struct PermitExpiring<'a> {
    pub holder_name: &'a str,
    pub number: &'a str,
    pub valid_until: &'a str,
    /// Days left until the end.
    pub days_left: i64,
    /// The reminder threshold reached (90, 60 or 30).
    pub threshold_days: i64,
    pub base_url: &'a str,
}

impl Mail for PermitExpiring<'_> {
    fn subject(&self) -> String {
        format!("Izin {} berakhir dalam {} hari", self.number, self.days_left)
    }
}

/// To the applicant: an officer returned the application for revision (the SLA clock pauses).
#[derive(Template)]
#[template(path = "mail/application_returned.txt", escape = "none")]
pub struct ApplicationReturned<'a> {
    pub name: &'a str,
    pub number: &'a str,
    /// The officer's note to the applicant: what to fix.
    pub note: &'a str,
    pub base_url: &'a str,
    pub app_id: &'a str,
}

impl Mail for ApplicationReturned<'_> {
    fn subject(&self) -> String {
        format!("Permohonan {} perlu perbaikan", self.number)
    }
}

/// To the applicant: the application was rejected, with the reason.
#[derive(Template)]
#[template(path = "mail/application_rejected.txt", escape = "none")]
pub struct ApplicationRejected<'a> {
    pub name: &'a str,
    pub number: &'a str,
    pub reason: &'a str,
    pub base_url: &'a str,
    pub app_id: &'a str,
}

impl Mail for ApplicationRejected<'_> {
    fn subject(&self) -> String {
        format!("Permohonan {} ditolak", self.number)
    }
}

/// To the applicant: the front office found the file complete and forwarded it.
#[derive(Template)]
#[template(path = "mail/application_complete.txt", escape = "none")]
pub struct ApplicationComplete<'a> {
    pub name: &'a str,
    pub number: &'a str,
    pub base_url: &'a str,
    pub app_id: &'a str,
}

impl Mail for ApplicationComplete<'_> {
    fn subject(&self) -> String {
        format!("Berkas {} lengkap", self.number)
    }
}

/// To the officer who asked for a revision: the fixed file is back on their desk.
#[derive(Template)]
#[template(path = "mail/revision_submitted.txt", escape = "none")]
pub struct RevisionSubmitted<'a> {
    pub number: &'a str,
    pub round: i64,
    pub base_url: &'a str,
    pub app_id: &'a str,
}

impl Mail for RevisionSubmitted<'_> {
    fn subject(&self) -> String {
        format!("Perbaikan diajukan: {}", self.number)
    }
}

/// To the supervisors of a step: a file passed the step's deadline (escalation).
#[derive(Template)]
#[template(path = "mail/step_overdue.txt", escape = "none")]
pub struct StepOverdue<'a> {
    pub number: &'a str,
    pub step: &'a str,
    /// The step's role as officers read it (e.g. "Back Office / Pelaksana").
    pub role_label: &'a str,
    pub due_on: &'a str,
    pub base_url: &'a str,
    pub app_id: &'a str,
}

impl Mail for StepOverdue<'_> {
    fn subject(&self) -> String {
        format!("Eskalasi: berkas {} melewati batas waktu", self.number)
    }
}

/// To the applicant: the office answered on the application's thread (Pesan Pengaduan).
#[derive(Template)]
#[template(path = "mail/message_from_office.txt", escape = "none")]
pub struct MessageFromOffice<'a> {
    pub number: &'a str,
    /// The desk that answered (or the officer, where the office signs with names).
    pub desk: &'a str,
    pub excerpt: &'a str,
    pub base_url: &'a str,
    pub app_id: &'a str,
}

impl Mail for MessageFromOffice<'_> {
    fn subject(&self) -> String {
        format!("Pesan baru tentang permohonan {}", self.number)
    }
}

/// To the officers of a file's desk: the applicant wrote on the file's thread.
#[derive(Template)]
#[template(path = "mail/message_from_applicant.txt", escape = "none")]
pub struct MessageFromApplicant<'a> {
    pub number: &'a str,
    pub applicant: &'a str,
    pub excerpt: &'a str,
    pub base_url: &'a str,
    pub app_id: &'a str,
}

impl Mail for MessageFromApplicant<'_> {
    fn subject(&self) -> String {
        format!("Pesan pemohon pada berkas {}", self.number)
    }
}

/// To a complainant: a step of their complaint (received, classified, answered, …).
#[derive(Template)]
#[template(path = "mail/complaint_notice.txt", escape = "none")]
pub struct ComplaintNotice<'a> {
    /// The complainant's name, or a neutral salutation for an anonymous complaint.
    pub name: &'a str,
    pub number: &'a str,
    pub office_name: &'a str,
    /// One sentence saying what happened.
    pub heading: &'a str,
    pub status_label: &'a str,
    /// What the office tells the complainant (the answer, the deadline); may be empty.
    pub note: &'a str,
    pub base_url: &'a str,
}

impl Mail for ComplaintNotice<'_> {
    fn subject(&self) -> String {
        format!("Pengaduan {}: {}", self.number, self.status_label)
    }
}

/// To the supervisors: a complaint passed its deadline without an answer.
#[derive(Template)]
#[template(path = "mail/complaint_overdue.txt", escape = "none")]
pub struct ComplaintOverdue<'a> {
    pub number: &'a str,
    pub severity_label: &'a str,
    pub due_at: &'a str,
    pub base_url: &'a str,
    pub id: &'a str,
}

impl Mail for ComplaintOverdue<'_> {
    fn subject(&self) -> String {
        format!("Eskalasi: pengaduan {} melewati batas waktu", self.number)
    }
}

/// To the officers of a desk: a file arrived at their step (submitted, forwarded, sent back).
#[derive(Template)]
#[template(path = "mail/file_at_desk.txt", escape = "none")]
pub struct FileAtDesk<'a> {
    pub number: &'a str,
    pub step: &'a str,
    /// The step's role as officers read it (e.g. "Front Office").
    pub role_label: &'a str,
    pub base_url: &'a str,
    pub app_id: &'a str,
}

impl Mail for FileAtDesk<'_> {
    fn subject(&self) -> String {
        format!("Berkas baru di meja Anda: {}", self.number)
    }
}

/// One notice in an officer's digest.
pub struct DigestLine {
    pub subject: String,
    pub text: String,
    pub link: String,
}

/// To an officer who chose the daily digest: the day's notices in one e-mail.
#[derive(Template)]
#[template(path = "mail/officer_digest.txt", escape = "none")]
pub struct OfficerDigest<'a> {
    pub office_name: &'a str,
    /// The office-local date, formatted for Indonesian readers.
    pub date: &'a str,
    pub items: &'a [DigestLine],
    pub base_url: &'a str,
}

impl Mail for OfficerDigest<'_> {
    fn subject(&self) -> String {
        format!("Ringkasan harian izinkes: {} pemberitahuan", self.items.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The texts as the services composed them before the templates: the outbox and the tests
    // read them, so they stay byte for byte.
    #[test]
    fn account_verification_is_the_old_text() {
        let (name, link) = ("Siti <Aminah> & Co", "http://x/verifikasi?token=a&b");
        let (subject, body) = AccountVerification { name, link }.compose().unwrap();
        assert_eq!(subject, "Konfirmasi akun izinkes");
        assert_eq!(
            body,
            format!(
                "Yth. {name},\n\nTerima kasih telah mendaftar di izinkes. Untuk mengaktifkan akun Anda, \
                 buka tautan berikut (berlaku 3 hari):\n\n{link}\n\nJika Anda tidak merasa mendaftar, abaikan email ini.\n\n\
                 Salam,\nLayanan Perizinan Kesehatan"
            )
        );
    }

    #[test]
    fn password_reset_is_the_old_text() {
        let (name, link) = ("Budi", "http://x/atur-ulang-sandi?token=t");
        let (subject, body) = PasswordReset { name, link }.compose().unwrap();
        assert_eq!(subject, "Atur ulang kata sandi izinkes");
        assert_eq!(
            body,
            format!(
                "Yth. {name},\n\nKami menerima permintaan untuk mengatur ulang kata sandi akun izinkes Anda. \
                 Buka tautan berikut dalam 1 jam (hanya dapat dipakai sekali):\n\n{link}\n\n\
                 Jika Anda tidak memintanya, abaikan email ini; kata sandi Anda tidak berubah.\n"
            )
        );
    }

    #[test]
    fn application_received_is_the_old_text() {
        let m = ApplicationReceived {
            applicant_name: "Budi",
            permit_name: "SIP Dokter",
            number: "REG/2026/0001",
            office_name: "DPMPTSP Kota X",
            sla_working_days: 5,
            base_url: "http://x",
        };
        let (subject, body) = m.compose().unwrap();
        assert_eq!(subject, "Permohonan diterima: REG/2026/0001");
        assert_eq!(
            body,
            format!(
                "Yth. {},\n\nPermohonan {} Anda telah kami terima dengan nomor registrasi {}.\n\
                 Kantor: {}\nStatus: Menunggu Verifikasi\nJangka waktu layanan: {} hari kerja sejak berkas dinyatakan lengkap.\n\n\
                 Pantau status di {}/permohonan atau di halaman Lacak Permohonan.\n",
                "Budi", "SIP Dokter", "REG/2026/0001", "DPMPTSP Kota X", 5, "http://x",
            )
        );
    }

    #[test]
    fn permit_issued_is_the_old_text() {
        let m = PermitIssued {
            holder_name: "Budi",
            permit_name: "SIP Dokter",
            number: "503/1/2026",
            valid_until: "22 November 2031",
            base_url: "http://x",
            token: "tok",
        };
        let (subject, body) = m.compose().unwrap();
        assert_eq!(subject, "Izin terbit: 503/1/2026");
        assert_eq!(
            body,
            format!(
                "Yth. {},\n\n{} Anda telah terbit dengan nomor {} dan ditandatangani secara elektronik.\nBerlaku sampai {}.\n\nUnduh di {}/izin\nKeaslian dapat diperiksa siapa saja di {}/v/{}\n",
                "Budi", "SIP Dokter", "503/1/2026", "22 November 2031", "http://x", "http://x", "tok"
            )
        );
    }

    #[test]
    fn permit_expiring_is_the_old_text() {
        let (number, left, mark) = ("503/1/2026", 58_i64, 60_i64);
        let m = PermitExpiring {
            holder_name: "Budi",
            number,
            valid_until: "1 Januari 2027",
            days_left: left,
            threshold_days: mark,
            base_url: "http://x",
        };
        let (subject, body) = m.compose().unwrap();
        assert_eq!(subject, format!("Izin {number} berakhir dalam {left} hari"));
        assert_eq!(
            body,
            format!(
                "Yth. {},\n\nIzin {number} berakhir pada {} ({mark} hari lagi atau kurang). Ajukan perpanjangan di {}/izin.\n",
                "Budi", "1 Januari 2027", "http://x"
            )
        );
    }

    #[test]
    fn desk_mails_are_the_old_texts() {
        let (name, number, base, id) = ("Siti & <Co>", "JBR-2026-000042", "http://x", "app1");
        let (subject, body) = ApplicationReturned {
            name,
            number,
            note: "Foto buram",
            base_url: base,
            app_id: id,
        }
        .compose()
        .unwrap();
        assert_eq!(subject, format!("Permohonan {number} perlu perbaikan"));
        assert_eq!(
            body,
            format!(
                "Yth. {name},\n\nPermohonan {number} dikembalikan untuk diperbaiki:\n\nFoto buram\n\nPerbaiki melalui {base}/permohonan/{id} lalu ajukan kembali. \
                 Jangka waktu layanan berhenti sementara sampai perbaikan diajukan.\n"
            )
        );
        let (subject, body) = ApplicationRejected {
            name,
            number,
            reason: "STR kedaluwarsa",
            base_url: base,
            app_id: id,
        }
        .compose()
        .unwrap();
        assert_eq!(subject, format!("Permohonan {number} ditolak"));
        assert_eq!(
            body,
            format!(
                "Yth. {name},\n\nMohon maaf, permohonan {number} ditolak dengan alasan:\n\nSTR kedaluwarsa\n\nAnda dapat mengajukan permohonan baru dari {base}/permohonan/{id}.\n"
            )
        );
        let (subject, body) = ApplicationComplete {
            name,
            number,
            base_url: base,
            app_id: id,
        }
        .compose()
        .unwrap();
        assert_eq!(subject, format!("Berkas {number} lengkap"));
        assert_eq!(
            body,
            format!(
                "Yth. {name},\n\nBerkas permohonan {number} telah dinyatakan lengkap oleh Front Office dan sedang diproses.\nPantau di {base}/permohonan/{id}.\n"
            )
        );
        let (subject, body) = RevisionSubmitted {
            number,
            round: 2,
            base_url: base,
            app_id: id,
        }
        .compose()
        .unwrap();
        assert_eq!(subject, format!("Perbaikan diajukan: {number}"));
        assert_eq!(
            body,
            format!(
                "Pemohon telah mengajukan perbaikan berkas {number} (putaran 2). Berkas kembali ke meja Anda.\n{base}/petugas/berkas/{id}\n"
            )
        );
        let (subject, body) = StepOverdue {
            number,
            step: "bo",
            role_label: "Back Office",
            due_on: "2026-12-01",
            base_url: base,
            app_id: id,
        }
        .compose()
        .unwrap();
        assert_eq!(subject, format!("Eskalasi: berkas {number} melewati batas waktu"));
        assert_eq!(
            body,
            format!(
                "Berkas {number} pada tahap bo (Back Office) telah melewati batas waktu tahapnya (2026-12-01). Mohon ditindaklanjuti.\n{base}/petugas/berkas/{id}\n"
            )
        );
    }
}
