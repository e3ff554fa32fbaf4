//! The typst `World` of one render: one main source (the template), a virtual `data.json`, a few virtual
//! image files, the fonts bundled by `typst-assets` and nothing else — no file system, no packages, no
//! network. The standard library and the font book are built once per process and shared.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Timelike, Utc};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Value};
use typst::introspection::MetadataElem;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::{LazyHash, PicoStr};
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use super::{RenderError, SignaturePlacement};

/// Offset of Western Indonesian Time (WIB), used for `datetime.today()` when a template asks for the
/// local date. The offices in WITA/WIT print dates from data, never from `today()`.
const WIB_HOURS: i64 = 7;

/// The label a template puts on the `metadata` at the top-left corner of the visible signature area.
const SIGNATURE_LABEL: &str = "izinkes-signature";

/// typst's incremental cache is trimmed after every [`EVICT_EVERY`]th render, dropping what the
/// last [`CACHE_MAX_AGE`] trims did not use (an unused result survives about 12 renders).
/// Trimming walks the whole cache: after every render it was 2% of a signing's CPU.
const CACHE_MAX_AGE: usize = 3;
const EVICT_EVERY: usize = 4;
static RENDERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// Every font embedded in the binary (Libertinus Serif, New Computer Modern, DejaVu Sans Mono), parsed
/// once; the book is what typst consults to pick and fall back between them.
static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Builds the shared font book and standard library now rather than on the first render.
pub(super) fn warm_up() {
    LazyLock::force(&FONTS);
    LazyLock::force(&LIBRARY);
}

/// A virtual path in the project root ("data.json", "photo.jpg"), interned as a typst file id.
/// Ids are interned for the life of the process, so callers use a small, fixed set of names.
pub(super) fn file_id(name: &str) -> Result<FileId, RenderError> {
    let vpath = VirtualPath::new(name).map_err(|e| RenderError::Image(format!("file name {name:?}: {e}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

pub(super) struct DocWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
    now: DateTime<Utc>,
}

impl DocWorld {
    /// A world whose main file `/main.typ` is `template` and whose other files are `files`.
    pub(super) fn new(template: &str, files: Vec<(FileId, Bytes)>, now: DateTime<Utc>) -> Result<Self, RenderError> {
        let main = Source::new(file_id("main.typ")?, template.to_owned());
        Ok(Self {
            main,
            files: files.into_iter().collect(),
            now,
        })
    }

    /// Lays the document out.
    pub(super) fn compile(&self) -> Result<PagedDocument, RenderError> {
        let result = typst::compile::<PagedDocument>(self).output;
        result.map_err(|diags| RenderError::Typst(self.describe(diags.as_slice())))
    }

    /// Exports a laid-out document to PDF (fonts subset and embedded), then lets typst's incremental cache
    /// forget what recent renders did not use.
    pub(super) fn pdf(&self, document: &PagedDocument) -> Result<Vec<u8>, RenderError> {
        let options = typst_pdf::PdfOptions {
            creator: typst::foundations::Smart::Custom(Some("izinkes".into())),
            timestamp: pdf_timestamp(self.now),
            ..Default::default()
        };
        let pdf =
            typst_pdf::pdf(document, &options).map_err(|diags| RenderError::Typst(self.describe(diags.as_slice())));
        if RENDERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % EVICT_EVERY == EVICT_EVERY - 1 {
            typst::comemo::evict(CACHE_MAX_AGE);
        }
        pdf
    }

    /// "error at line 12, column 3: unknown variable: foo (hint: …)", one diagnostic per line.
    fn describe(&self, diags: &[SourceDiagnostic]) -> String {
        let mut out = Vec::new();
        for diag in diags.iter().filter(|d| d.severity == Severity::Error) {
            let mut line = String::new();
            let at = (diag.span.id() == Some(self.main.id()))
                .then(|| self.range(diag.span))
                .flatten()
                .and_then(|range| self.main.lines().byte_to_line_column(range.start));
            match at {
                Some((l, c)) => line.push_str(&format!("line {}, column {}: {}", l + 1, c + 1, diag.message)),
                None => line.push_str(&diag.message),
            }
            for hint in &diag.hints {
                line.push_str(&format!(" (hint: {})", hint.v));
            }
            out.push(line);
        }
        if out.is_empty() {
            "typst reported an error without a message".to_owned()
        } else {
            out.join("\n")
        }
    }
}

/// Where the template's `<izinkes-signature>` metadata sits: page, top-left corner and declared size,
/// converted to PDF user space (points, origin at the bottom-left of the page).
pub(super) fn signature_placement(document: &PagedDocument) -> Option<SignaturePlacement> {
    let label = typst::foundations::Label::new(PicoStr::intern(SIGNATURE_LABEL))?;
    let introspector = document.introspector();
    let content = typst::introspection::Introspector::query_label(introspector.as_ref(), label).ok()?;
    let position = introspector.position(content.location()?)?;
    let meta = content.to_packed::<MetadataElem>()?;
    let Value::Dict(dict) = &meta.value else { return None };
    let points = |key: &str| match dict.get(key).ok()? {
        Value::Float(v) => Some(*v),
        Value::Int(v) => Some(*v as f64),
        Value::Length(l) if l.em.get() == 0.0 => Some(l.abs.to_pt()),
        _ => None,
    };
    let (width, height) = (points("width")?, points("height")?);
    let page = document.pages().get(position.page.get() - 1)?;
    let page_height = page.frame.height().to_pt();
    let (x, top) = (position.point.x.to_pt(), position.point.y.to_pt());
    let rect = [x, page_height - top - height, x + width, page_height - top].map(|v| v as f32);
    Some(SignaturePlacement {
        page: position.page.get(),
        rect,
    })
}

fn pdf_timestamp(now: DateTime<Utc>) -> Option<typst_pdf::Timestamp> {
    let dt = Datetime::from_ymd_hms(
        now.year(),
        u8::try_from(now.month()).ok()?,
        u8::try_from(now.day()).ok()?,
        u8::try_from(now.hour()).ok()?,
        u8::try_from(now.minute()).ok()?,
        u8::try_from(now.second()).ok()?,
    )?;
    Some(typst_pdf::Timestamp::new_utc(dt))
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if self.files.contains_key(&id) {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_owned()));
        }
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        let hours = offset.map_or(WIB_HOURS, |o| (o.seconds() / 3600.0).round() as i64);
        let date = (self.now + chrono::Duration::hours(hours)).date_naive();
        Datetime::from_ymd(
            date.year(),
            u8::try_from(date.month()).ok()?,
            u8::try_from(date.day()).ok()?,
        )
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
