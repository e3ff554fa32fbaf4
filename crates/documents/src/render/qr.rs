//! QR codes as SVG (the `qrcode` crate): error correction M, with the standard 4-module quiet zone.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use super::RenderError;

/// The SVG of a QR code for `url`, or an error when the text is too long for any QR version.
pub(super) fn try_qr_svg(url: &str) -> Result<String, RenderError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| RenderError::Image(format!("QR code for a {}-byte text: {e}", url.len())))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// An SVG with no modules, used by [`super::qr_svg`] when the text cannot be encoded.
pub(super) const EMPTY_SVG: &str =
    r#"<?xml version="1.0" standalone="yes"?><svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"/>"#;
