//! The office's signer: a local PKCS#12 certificate, or the BSrE service.

use crate::catalog::offices::Office;
use crate::permits::documents::office_docs;
use crate::permits::queries;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_documents::sign::LocalSigner;
use std::sync::Arc;

const PKCS12_PREFIX: &str = "pkcs12:";

/// The office's own signer: PEM material (the demo CA) or an imported PKCS#12 whose password
/// comes from the configuration, never from the database.
/// The office's local signer, parsed once and kept per office for [`crate::platform::cache::CACHE_TTL`]
/// while its stored certificate and key stay the same (parsing and checking an RSA key costs
/// about 2 ms, a tenth of an SK's signing).
pub(crate) fn local_signer(
    state: &AppState,
    office_id: &str,
    chain: &str,
    key: &str,
) -> ServiceResult<Arc<LocalSigner>> {
    let material = crate::platform::ids::sha256_hex(format!("{chain}\n{key}").as_bytes());
    if let Some((cached, signer)) = state.signers.get(office_id)
        && cached == material
    {
        return Ok(signer);
    }
    let signer = Arc::new(parse_local_signer(state, chain, key)?);
    state.signers.put(office_id, (material, signer.clone()));
    Ok(signer)
}

fn parse_local_signer(state: &AppState, chain: &str, key: &str) -> ServiceResult<LocalSigner> {
    match key.strip_prefix(PKCS12_PREFIX) {
        Some(b64) => {
            let bytes =
                hex::decode(b64.trim()).map_err(|_| ServiceError::Internal("stored PKCS#12 is not hex".into()))?;
            let password = state.config.signer_p12_password.clone().ok_or_else(|| {
                ServiceError::Refused(
                    "Kata sandi sertifikat penandatangan belum diatur (IZINKES_SIGNER_PASSWORD).".into(),
                )
            })?;
            LocalSigner::from_pkcs12(&bytes, &password).map_err(|e| ServiceError::Refused(e.to_string()))
        }
        None => {
            let _ = chain;
            LocalSigner::from_pem(chain, key).map_err(|e| ServiceError::Internal(format!("signer: {e}")))
        }
    }
}

/// Imports the office's signing certificate from the PKCS#12 its CA issued (production). The
/// file is checked with the configured password and stored; the password is not.
pub async fn import_pkcs12(
    state: &AppState,
    office: &Office,
    p12: &[u8],
    signer_name: &str,
    position: &str,
) -> ServiceResult<String> {
    office_docs(state, office).await?;
    let password = state
        .config
        .signer_p12_password
        .clone()
        .ok_or_else(|| ServiceError::Refused("Set IZINKES_SIGNER_PASSWORD to the PKCS#12 password.".into()))?;
    let signer = LocalSigner::from_pkcs12(p12, &password).map_err(|e| ServiceError::Refused(e.to_string()))?;
    let chain = signer
        .certificate_chain_pem()
        .map_err(|e| ServiceError::Refused(e.to_string()))?;
    let key = format!("{PKCS12_PREFIX}{}", hex::encode(p12));
    queries::set_local_certificate(
        &state.db.pool,
        &chain,
        &key,
        signer_name,
        position,
        &now_text(),
        &office.id,
    )
    .await?;
    state.forget_office(&office.id);
    Ok(signer.signer_subject())
}

/// Switches an office's signing between its own certificate ("local") and BSrE (`bsre_url`).
pub async fn set_signer(state: &AppState, office: &Office, kind: &str, bsre_url: Option<&str>) -> ServiceResult<()> {
    office_docs(state, office).await?;
    if !matches!(kind, "local" | "bsre") || (kind == "bsre" && bsre_url.is_none_or(|u| !u.starts_with("http"))) {
        return Err(ServiceError::Refused(
            "Pilih 'local', atau 'bsre' dengan alamat layanan BSrE (https://…).".into(),
        ));
    }
    queries::set_signer(&state.db.pool, kind, bsre_url, &now_text(), &office.id).await?;
    state.forget_office(&office.id);
    Ok(())
}
