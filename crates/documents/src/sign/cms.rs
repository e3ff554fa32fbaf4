//! Detached CMS SignedData (RFC 5652) as PAdES wants it: built for [`super::LocalSigner`],
//! parsed and checked for [`super::PreparedPdf::finish`] and [`super::verify_embedded`].

use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, GeneralizedTime, ObjectIdentifier, OctetString, SetOfVec, UtcTime};
use der::{Decode, Encode, Sequence, SliceReader, Tag, Tagged};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;

use super::SignError;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const ID_AA_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const ID_CE_SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const ID_AT_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// RFC 5035 `SigningCertificateV2` (policies omitted).
#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// RFC 5035 `ESSCertIDv2`; hashAlgorithm is left out because SHA-256 is its DEFAULT.
#[derive(Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

#[derive(Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

fn crypto(context: &str) -> impl Fn(der::Error) -> SignError + '_ {
    move |e| SignError::Crypto(format!("{context}: {e}"))
}

fn attribute(oid: ObjectIdentifier, value: &(impl der::EncodeValue + Tagged)) -> Result<Attribute, SignError> {
    let value = Any::encode_from(value).map_err(crypto("atribut CMS"))?;
    let values = SetOfVec::try_from(vec![value]).map_err(crypto("atribut CMS"))?;
    Ok(Attribute { oid, values })
}

fn sha256_id() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    }
}

/// Builds the DER `ContentInfo` of a detached SignedData over `digest`, signed with RSA
/// PKCS#1 v1.5 / SHA-256 by `key`, whose certificate is `certs[0]`; all of `certs` are embedded.
pub(crate) fn build_signed_data(
    digest: &[u8; 32],
    certs: &[Certificate],
    key: &RsaPrivateKey,
) -> Result<Vec<u8>, SignError> {
    let signer = certs
        .first()
        .ok_or_else(|| SignError::Certificate("rantai sertifikat kosong".into()))?;
    let signer_der = signer.to_der().map_err(crypto("sertifikat"))?;
    let signing_certificate = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&signer_der).to_vec()).map_err(crypto("ESSCertIDv2"))?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(signer.tbs_certificate.issuer.clone())],
                serial_number: signer.tbs_certificate.serial_number.clone(),
            },
        }],
    };
    let message_digest = OctetString::new(digest.to_vec()).map_err(crypto("message-digest"))?;
    // No signing-time attribute: PAdES baseline takes the claimed time from /M.
    let signed_attrs = SetOfVec::try_from(vec![
        attribute(ID_CONTENT_TYPE, &ID_DATA)?,
        attribute(ID_MESSAGE_DIGEST, &message_digest)?,
        attribute(ID_AA_SIGNING_CERTIFICATE_V2, &signing_certificate)?,
    ])
    .map_err(crypto("atribut CMS"))?;
    let to_be_signed = signed_attrs.to_der().map_err(crypto("atribut CMS"))?;
    let signature = key
        .sign_with_rng(
            &mut rsa::rand_core::OsRng,
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(&to_be_signed),
        )
        .map_err(|e| SignError::Crypto(format!("penandatanganan RSA gagal: {e}")))?;

    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_id(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: RSA_ENCRYPTION,
            parameters: Some(Any::null()),
        },
        signature: OctetString::new(signature).map_err(crypto("signature"))?,
        unsigned_attrs: None,
    };
    let mut certificates = SetOfVec::new();
    for cert in certs {
        let choice = CertificateChoices::Certificate(cert.clone());
        if !certificates.iter().any(|c| c == &choice) {
            certificates.insert(choice).map_err(crypto("sertifikat"))?;
        }
    }
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256_id()]).map_err(crypto("SignedData"))?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certificates)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).map_err(crypto("SignedData"))?),
    };
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(crypto("SignedData"))?,
    }
    .to_der()
    .map_err(crypto("SignedData"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        match *oid {
            ID_SHA256 => Some(Self::Sha256),
            ID_SHA384 => Some(Self::Sha384),
            ID_SHA512 => Some(Self::Sha512),
            _ => None,
        }
    }

    fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().to_vec()
        }
        match self {
            Self::Sha256 => run::<Sha256>(parts),
            Self::Sha384 => run::<Sha384>(parts),
            Self::Sha512 => run::<Sha512>(parts),
        }
    }

    fn pkcs1v15(self) -> Pkcs1v15Sign {
        match self {
            Self::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            Self::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
            Self::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
        }
    }
}

/// The parts of a SignedData that verification needs.
pub(crate) struct ParsedCms {
    pub signer: Certificate,
    pub certificates: Vec<Certificate>,
    hash: HashAlg,
    message_digest: Option<Vec<u8>>,
    signed_attrs_der: Vec<u8>,
    signature_algorithm: ObjectIdentifier,
    signature: Vec<u8>,
    pub signing_time: Option<DateTime<Utc>>,
}

/// Parses the DER of a CMS `ContentInfo` with SignedData; trailing bytes (the zero padding of
/// a PDF `/Contents`) are ignored.
pub(crate) fn parse(bytes: &[u8]) -> Result<ParsedCms, SignError> {
    let mut reader = SliceReader::new(bytes).map_err(crypto("CMS tidak dapat dibaca"))?;
    let content_info = ContentInfo::decode(&mut reader).map_err(crypto("CMS tidak dapat dibaca"))?;
    if content_info.content_type != ID_SIGNED_DATA {
        return Err(SignError::Crypto("CMS bukan SignedData".into()));
    }
    let signed_data: SignedData = content_info
        .content
        .decode_as()
        .map_err(crypto("SignedData tidak dapat dibaca"))?;
    let certificates: Vec<Certificate> = signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(cert) => Some(cert.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let signer_info = signed_data
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| SignError::Crypto("SignedData tanpa SignerInfo".into()))?;
    let signer = certificates
        .iter()
        .find(|cert| identifies(&signer_info.sid, cert))
        .cloned()
        .ok_or_else(|| SignError::Certificate("sertifikat penandatangan tidak disertakan dalam CMS".into()))?;
    let hash = HashAlg::from_oid(&signer_info.digest_alg.oid)
        .ok_or_else(|| SignError::Crypto(format!("algoritma hash {} tidak didukung", signer_info.digest_alg.oid)))?;
    let signed_attrs = signer_info
        .signed_attrs
        .as_ref()
        .ok_or_else(|| SignError::Crypto("CMS tanpa signed attributes".into()))?;
    let mut message_digest = None;
    let mut signing_time = None;
    for attr in signed_attrs.iter() {
        let Some(value) = attr.values.iter().next() else {
            continue;
        };
        if attr.oid == ID_MESSAGE_DIGEST {
            message_digest = value.decode_as::<OctetString>().ok().map(|o| o.as_bytes().to_vec());
        } else if attr.oid == ID_SIGNING_TIME {
            signing_time = decode_time(value);
        }
    }
    Ok(ParsedCms {
        signer,
        certificates,
        hash,
        message_digest,
        signed_attrs_der: signed_attrs.to_der().map_err(crypto("signed attributes"))?,
        signature_algorithm: signer_info.signature_algorithm.oid,
        signature: signer_info.signature.as_bytes().to_vec(),
        signing_time,
    })
}

fn decode_time(value: &Any) -> Option<DateTime<Utc>> {
    let since_epoch = match value.tag() {
        Tag::UtcTime => value.decode_as::<UtcTime>().ok()?.to_unix_duration(),
        Tag::GeneralizedTime => value.decode_as::<GeneralizedTime>().ok()?.to_unix_duration(),
        _ => return None,
    };
    DateTime::from_timestamp(i64::try_from(since_epoch.as_secs()).ok()?, 0)
}

fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.issuer == cert.tbs_certificate.issuer && ias.serial_number == cert.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => cert
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .filter(|ext| ext.extn_id == ID_CE_SUBJECT_KEY_IDENTIFIER)
            .any(|ext| SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes()).is_ok_and(|own| &own == ski)),
    }
}

fn rsa_public_key(cert: &Certificate) -> Result<RsaPublicKey, SignError> {
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(crypto("kunci publik"))?;
    RsaPublicKey::from_public_key_der(&spki)
        .map_err(|_| SignError::Crypto("hanya kunci RSA yang didukung untuk verifikasi".into()))
}

impl ParsedCms {
    /// The digest of `parts` with the signer's digest algorithm.
    pub fn digest_of(&self, parts: &[&[u8]]) -> Vec<u8> {
        self.hash.digest(parts)
    }

    /// Whether the signed message-digest attribute equals `digest`.
    pub fn digest_matches(&self, digest: &[u8]) -> bool {
        self.message_digest.as_deref() == Some(digest)
    }

    /// Whether the signature over the signed attributes verifies with the signer certificate's
    /// key; an algorithm this code does not know is an error, not a "no".
    pub fn signature_verifies(&self) -> Result<bool, SignError> {
        match self.signature_algorithm {
            RSA_ENCRYPTION | SHA256_WITH_RSA | SHA384_WITH_RSA | SHA512_WITH_RSA => {}
            other => {
                return Err(SignError::Crypto(format!(
                    "algoritma tanda tangan {other} tidak didukung"
                )));
            }
        }
        let key = rsa_public_key(&self.signer)?;
        let hashed = self.hash.digest(&[&self.signed_attrs_der]);
        Ok(key.verify(self.hash.pkcs1v15(), &hashed, &self.signature).is_ok())
    }
}

/// Whether `cert` carries a valid RSA signature of `issuer` (names and signature).
pub(crate) fn is_signed_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return false;
    }
    let hash = match cert.signature_algorithm.oid {
        SHA256_WITH_RSA => HashAlg::Sha256,
        SHA384_WITH_RSA => HashAlg::Sha384,
        SHA512_WITH_RSA => HashAlg::Sha512,
        _ => return false,
    };
    let (Ok(key), Ok(tbs)) = (rsa_public_key(issuer), cert.tbs_certificate.to_der()) else {
        return false;
    };
    let Some(signature) = cert.signature.as_bytes() else {
        return false;
    };
    key.verify(hash.pkcs1v15(), &hash.digest(&[&tbs]), signature).is_ok()
}

/// The first common name of `name`, if any.
pub(crate) fn common_name(name: &Name) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == ID_AT_COMMON_NAME)
        .and_then(|atv| match atv.value.tag() {
            Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                Some(String::from_utf8_lossy(atv.value.value()).into_owned())
            }
            _ => None,
        })
}

/// Certificate validity as UTC instants.
pub(crate) fn validity(cert: &Certificate) -> (DateTime<Utc>, DateTime<Utc>) {
    let at = |t: x509_cert::time::Time| {
        DateTime::from_timestamp(i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX), 0)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    };
    let validity = &cert.tbs_certificate.validity;
    (at(validity.not_before), at(validity.not_after))
}
