//! The office's own certificate: the local signer, its PKCS#12 import, and the demo office CA.

use chrono::{Datelike, Months, NaiveDate, Utc};
use der::{Decode, DecodePem, Encode, EncodePem};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::rand_core::{OsRng, RngCore};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use super::{PdfSigner, SignError, SignFuture, SignRequest, SignedPdf, cms, pdf};

fn certificate_error(context: &str) -> impl Fn(String) -> SignError + '_ {
    move |e| SignError::Certificate(format!("{context}: {e}"))
}

/// Signs with a certificate and RSA key held by the server (the office's certificate from its
/// CA, or the demo CA's). Cheap to clone-free share: it is `Send + Sync`, keep one per office.
pub struct LocalSigner {
    key: RsaPrivateKey,
    /// The signer certificate first, then the rest of the chain.
    certs: Vec<Certificate>,
}

impl std::fmt::Debug for LocalSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSigner")
            .field("subject", &self.signer_subject())
            .field("key", &"[disembunyikan]")
            .finish()
    }
}

impl LocalSigner {
    /// From PEM: `cert_chain_pem` holds the signer certificate and its chain in any order;
    /// `key_pem` is a PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) RSA key.
    pub fn from_pem(cert_chain_pem: &str, key_pem: &str) -> Result<Self, SignError> {
        let certs = Certificate::load_pem_chain(cert_chain_pem.as_bytes())
            .map_err(|e| certificate_error("rantai sertifikat PEM tidak dapat dibaca")(e.to_string()))?;
        let key = RsaPrivateKey::from_pkcs8_pem(key_pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(key_pem))
            .map_err(|_| SignError::Certificate("kunci privat bukan kunci RSA PKCS#8/PKCS#1 PEM".into()))?;
        Self::from_parts(key, certs)
    }

    /// From a PKCS#12 (`.p12`/`.pfx`) file as certificate authorities issue them (PBES2/AES or
    /// the legacy 3DES/RC2 encryption). A wrong password is [`SignError::WrongPassphrase`].
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<Self, SignError> {
        let store = p12_keystore::KeyStore::from_pkcs12(bytes, password).map_err(|e| match e {
            p12_keystore::error::Error::MacError(_) => SignError::WrongPassphrase,
            other => SignError::Certificate(format!("PKCS#12 tidak dapat dibaca: {other}")),
        })?;
        let (_, chain) = store
            .private_key_chain()
            .ok_or_else(|| SignError::Certificate("PKCS#12 tidak berisi kunci privat".into()))?;
        let key = RsaPrivateKey::from_pkcs8_der(chain.key())
            .map_err(|_| SignError::Certificate("kunci privat PKCS#12 bukan kunci RSA".into()))?;
        let loose = store.entries().filter_map(|(_, entry)| match entry {
            p12_keystore::KeyStoreEntry::Certificate(cert) => Some(cert),
            _ => None,
        });
        let certs = chain
            .chain()
            .iter()
            .chain(loose)
            .map(|cert| Certificate::from_der(cert.as_der()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SignError::Certificate(format!("sertifikat PKCS#12 tidak dapat dibaca: {e}")))?;
        Self::from_parts(key, certs)
    }

    fn from_parts(key: RsaPrivateKey, certs: Vec<Certificate>) -> Result<Self, SignError> {
        let public = key.to_public_key();
        let signer = certs
            .iter()
            .find(|cert| public_key(cert).is_some_and(|p| p == public))
            .cloned()
            .ok_or_else(|| SignError::Certificate("tidak ada sertifikat yang cocok dengan kunci privat".into()))?;
        let mut ordered = vec![signer];
        for cert in certs {
            if !ordered.contains(&cert) {
                ordered.push(cert);
            }
        }
        Ok(Self { key, certs: ordered })
    }

    /// RFC 4514 subject of the signer certificate.
    pub fn signer_subject(&self) -> String {
        self.certs[0].tbs_certificate.subject.to_string()
    }

    /// End of the signer certificate's validity; signing after it fails.
    pub fn valid_until(&self) -> chrono::DateTime<Utc> {
        cms::validity(&self.certs[0]).1
    }

    /// PEM of the signer certificate followed by its chain (for the public verification page).
    pub fn certificate_chain_pem(&self) -> Result<String, SignError> {
        self.certs
            .iter()
            .map(|c| c.to_pem(der::pem::LineEnding::LF))
            .collect::<Result<String, _>>()
            .map_err(|e| certificate_error("PEM")(e.to_string()))
    }

    /// The detached CMS SignedData for a document digest, synchronously.
    pub fn cms_for_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, SignError> {
        let (not_before, not_after) = cms::validity(&self.certs[0]);
        let now = Utc::now();
        if now < not_before || now > not_after {
            return Err(SignError::Certificate(format!(
                "sertifikat penandatangan hanya berlaku {} s.d. {}",
                not_before.format("%d-%m-%Y"),
                not_after.format("%d-%m-%Y")
            )));
        }
        cms::build_signed_data(digest, &self.certs, &self.key)
    }

    /// Prepares, signs and finishes in one synchronous call (CLI, demo data, benchmarks).
    pub fn sign_pdf(&self, pdf: &[u8], req: &SignRequest<'_>) -> Result<SignedPdf, SignError> {
        let prepared = pdf::prepare(pdf, req)?;
        let cms = self.cms_for_digest(&prepared.digest())?;
        prepared.finish(&cms)
    }
}

impl PdfSigner for LocalSigner {
    fn sign_digest(&self, digest: [u8; 32]) -> SignFuture<'_> {
        Box::pin(std::future::ready(self.cms_for_digest(&digest)))
    }
}

fn public_key(cert: &Certificate) -> Option<RsaPublicKey> {
    use rsa::pkcs8::DecodePublicKey;
    RsaPublicKey::from_public_key_der(&cert.tbs_certificate.subject_public_key_info.to_der().ok()?).ok()
}

/// A demo office PKI: an office CA and the head of office's signer certificate, all PEM so the
/// app can keep them in its database or data directory. The CA key is kept so that a new head
/// of office can be certified by the same CA later; the CA certificate is what verifiers trust.
#[derive(Clone)]
pub struct DemoPki {
    pub ca_cert_pem: String,
    /// PKCS#8 PEM.
    pub ca_key_pem: String,
    pub signer_cert_pem: String,
    /// PKCS#8 PEM.
    pub signer_key_pem: String,
}

impl std::fmt::Debug for DemoPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoPki")
            .field("ca_cert_pem", &self.ca_cert_pem)
            .field("signer_cert_pem", &self.signer_cert_pem)
            .field("keys", &"[disembunyikan]")
            .finish()
    }
}

impl DemoPki {
    /// The signer certificate followed by the CA certificate.
    pub fn signer_chain_pem(&self) -> String {
        format!("{}{}", self.signer_cert_pem, self.ca_cert_pem)
    }

    pub fn local_signer(&self) -> Result<LocalSigner, SignError> {
        LocalSigner::from_pem(&self.signer_chain_pem(), &self.signer_key_pem)
    }

    /// The signer key and chain as a PKCS#12 (PBES2 AES-256, HMAC-SHA-256), as a production
    /// office would receive it from its CA.
    pub fn to_pkcs12(&self, password: &str) -> Result<Vec<u8>, SignError> {
        let key = RsaPrivateKey::from_pkcs8_pem(&self.signer_key_pem)
            .map_err(|e| certificate_error("kunci penandatangan")(e.to_string()))?;
        let key_der = key
            .to_pkcs8_der()
            .map_err(|e| certificate_error("kunci penandatangan")(e.to_string()))?;
        let mut chain = Vec::new();
        for pem in [&self.signer_cert_pem, &self.ca_cert_pem] {
            let der = Certificate::from_pem(pem.as_bytes())
                .and_then(|c| c.to_der())
                .map_err(|e| certificate_error("sertifikat")(e.to_string()))?;
            chain.push(
                p12_keystore::Certificate::from_der(&der)
                    .map_err(|e| certificate_error("sertifikat")(e.to_string()))?,
            );
        }
        let local_key_id = Sha256::digest(chain[0].as_der());
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(
            "izinkes-penandatangan",
            p12_keystore::KeyStoreEntry::PrivateKeyChain(p12_keystore::PrivateKeyChain::new(
                key_der.as_bytes(),
                &local_key_id[..20],
                chain,
            )),
        );
        store
            .writer(password)
            .write()
            .map_err(|e| certificate_error("PKCS#12")(e.to_string()))
    }
}

/// Generates a demo office CA (`CN=CA Demo <office>`, 10 years) and a signer certificate for
/// `signer_name` (`CN=<signer_name>, O=<office>, C=ID`; key usage digitalSignature +
/// nonRepudiation; 5 years), both RSA-2048 with SHA-256. RSA key generation is the slow part
/// (well under a second optimised, seconds in an unoptimised debug build).
pub fn demo_office_ca(office_name: &str, signer_name: &str) -> Result<DemoPki, SignError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
        PKCS_RSA_SHA256, SerialNumber,
    };
    let rcgen_error = |e: rcgen::Error| SignError::Certificate(format!("pembuatan sertifikat demo gagal: {e}"));
    let new_key = || -> Result<(String, KeyPair), SignError> {
        let key = RsaPrivateKey::new(&mut OsRng, 2048).map_err(|e| SignError::Crypto(e.to_string()))?;
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| SignError::Crypto(e.to_string()))?
            .to_string();
        let pair = KeyPair::from_pkcs8_pem_and_sign_algo(&pem, &PKCS_RSA_SHA256).map_err(rcgen_error)?;
        Ok((pem, pair))
    };
    let serial = || {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        bytes[0] = (bytes[0] & 0x7f) | 0x40;
        SerialNumber::from_slice(&bytes)
    };
    let today = Utc::now().date_naive();
    let date = |d: NaiveDate| rcgen::date_time_ymd(d.year(), d.month() as u8, d.day() as u8);
    let years = |n: u32| date(today.checked_add_months(Months::new(12 * n)).unwrap_or(NaiveDate::MAX));
    // A day of slack for clocks that are behind.
    let not_before = date(today.pred_opt().unwrap_or(today));
    let name = |cn: &str| {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "ID");
        dn.push(DnType::OrganizationName, office_name);
        dn.push(DnType::CommonName, cn);
        dn
    };

    let (ca_key_pem, ca_key) = new_key()?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name = name(&format!("CA Demo {office_name}"));
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.serial_number = Some(serial());
    ca.not_before = not_before;
    ca.not_after = years(10);
    let ca_cert = ca.self_signed(&ca_key).map_err(rcgen_error)?;
    let issuer = Issuer::new(ca, ca_key);

    let (signer_key_pem, signer_key) = new_key()?;
    let mut signer = CertificateParams::default();
    signer.distinguished_name = name(signer_name);
    signer.is_ca = IsCa::ExplicitNoCa;
    signer.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
    signer.use_authority_key_identifier_extension = true;
    signer.serial_number = Some(serial());
    signer.not_before = not_before;
    signer.not_after = years(5);
    let signer_cert = signer.signed_by(&signer_key, &issuer).map_err(rcgen_error)?;

    Ok(DemoPki {
        ca_cert_pem: ca_cert.pem(),
        ca_key_pem,
        signer_cert_pem: signer_cert.pem(),
        signer_key_pem,
    })
}
