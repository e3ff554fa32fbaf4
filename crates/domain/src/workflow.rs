//! Workflows as data: the ordered desks a file travels through inside an office, from the front
//! office's completeness check up to "siap ditandatangani" (ready to sign).
//!
//! A [`WorkflowDefinition`] is versioned data per office and permit type. Three presets are built
//! from the seeds (`data/workflows/*.json`): SEPOK Pontianak (seed 001, Diktum KETIGA), Cilegon
//! (seed 002, 12 hari) and Bontang (seed 004, 7 hari kerja). An office may adapt one; before it is
//! published, [`WorkflowDefinition::validate`] checks it: every step reachable, the end reachable
//! from every step, every role present in the office, the SLA shares adding up to 100%.
//!
//! The engine is [`apply`]: a pure function from a [`Position`], the current step's
//! [`StepProgress`] and a [`Command`] to the next position. It never panics, whatever it is given.

use crate::roles::Role;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet, VecDeque};
use std::fmt;

/// Every role code an office can give its officers: the codes of [`Role::ALL`], in order.
pub const ALL_ROLES: [&str; 10] = [
    "front_office",
    "back_office",
    "kasi",
    "kabid",
    "kadis",
    "tim_teknis",
    "pencetakan",
    "pengaduan",
    "kasir",
    "admin",
];

/// The role code an overdue step escalates to ([`Role::supervisor`]); an unknown code escalates
/// to the admin.
pub fn supervisor_of(role: &str) -> &'static str {
    Role::parse(role).map_or(Role::Admin, Role::supervisor).code()
}

/// What an officer can do at a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Teruskan: to the next step, or to "siap ditandatangani" after the last.
    Forward,
    /// Kembalikan ke pemohon (Perlu Perbaikan, with itemized notes).
    ReturnToApplicant,
    /// Kembalikan ke tahap sebelumnya (internal, with a note).
    SendBack,
    /// Tolak, with a reason shown to the applicant.
    Reject,
    /// Per-requirement checklist (sesuai / tidak sesuai + note).
    Checklist,
    /// Field inspection: date, officers, result, Berita Acara file.
    RecordInspection,
    /// Issue or refuse the technical recommendation.
    Recommend,
    /// Prepare the draft SK data.
    PrepareDraft,
    /// Initial the draft SK.
    Paraf,
    /// Approve the draft SK.
    Approve,
}

impl ActionKind {
    pub const ALL: [ActionKind; 10] = [
        ActionKind::Forward,
        ActionKind::ReturnToApplicant,
        ActionKind::SendBack,
        ActionKind::Reject,
        ActionKind::Checklist,
        ActionKind::RecordInspection,
        ActionKind::Recommend,
        ActionKind::PrepareDraft,
        ActionKind::Paraf,
        ActionKind::Approve,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActionKind::Forward => "forward",
            ActionKind::ReturnToApplicant => "return_to_applicant",
            ActionKind::SendBack => "send_back",
            ActionKind::Reject => "reject",
            ActionKind::Checklist => "checklist",
            ActionKind::RecordInspection => "record_inspection",
            ActionKind::Recommend => "recommend",
            ActionKind::PrepareDraft => "prepare_draft",
            ActionKind::Paraf => "paraf",
            ActionKind::Approve => "approve",
        }
    }

    pub fn from_code(code: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The words on the officer's button.
    pub fn label_id(self) -> &'static str {
        match self {
            ActionKind::Forward => "Teruskan",
            ActionKind::ReturnToApplicant => "Kembalikan ke pemohon",
            ActionKind::SendBack => "Kembalikan ke tahap sebelumnya",
            ActionKind::Reject => "Tolak",
            ActionKind::Checklist => "Periksa kelengkapan syarat",
            ActionKind::RecordInspection => "Catat pemeriksaan lapangan (Berita Acara)",
            ActionKind::Recommend => "Rekomendasi teknis",
            ActionKind::PrepareDraft => "Siapkan draf SK",
            ActionKind::Paraf => "Paraf draf SK",
            ActionKind::Approve => "Setujui draf SK",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_id())
    }
}

/// What a step may have to produce before the file can be forwarded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    /// The result of the per-requirement checklist.
    Checklist,
    /// Berita Acara Pemeriksaan (field inspection record).
    BeritaAcara,
    /// The technical recommendation (issue or refuse).
    Recommendation,
    /// The draft SK data.
    DraftSk,
    /// The initials (paraf) on the draft SK.
    Paraf,
    /// The approval of the draft SK.
    Approval,
}

impl Product {
    pub const ALL: [Product; 6] = [
        Product::Checklist,
        Product::BeritaAcara,
        Product::Recommendation,
        Product::DraftSk,
        Product::Paraf,
        Product::Approval,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Product::Checklist => "checklist",
            Product::BeritaAcara => "berita_acara",
            Product::Recommendation => "recommendation",
            Product::DraftSk => "draft_sk",
            Product::Paraf => "paraf",
            Product::Approval => "approval",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Product::Checklist => "Hasil pemeriksaan kelengkapan syarat",
            Product::BeritaAcara => "Berita Acara Pemeriksaan",
            Product::Recommendation => "Rekomendasi teknis",
            Product::DraftSk => "Draf SK",
            Product::Paraf => "Paraf draf SK",
            Product::Approval => "Persetujuan draf SK",
        }
    }

    /// The action that produces it.
    pub fn action(self) -> ActionKind {
        match self {
            Product::Checklist => ActionKind::Checklist,
            Product::BeritaAcara => ActionKind::RecordInspection,
            Product::Recommendation => ActionKind::Recommend,
            Product::DraftSk => ActionKind::PrepareDraft,
            Product::Paraf => ActionKind::Paraf,
            Product::Approval => ActionKind::Approve,
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_id())
    }
}

/// One desk of a workflow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable id within the workflow, snake_case, unique.
    pub key: String,
    /// Indonesian, e.g. "Verifikasi kelengkapan berkas (Front Office)".
    pub name: String,
    /// The role code that acts here (one of [`ALL_ROLES`] that the office has).
    pub role: String,
    /// Share of the permit type's SLA, in percent.
    pub sla_share: u32,
    pub actions: Vec<ActionKind>,
    /// What must exist before the file can be forwarded.
    #[serde(default)]
    pub produces: Vec<Product>,
    /// The SOP text from the seed.
    #[serde(default)]
    pub description: String,
    /// Shown to the applicant in the history when the file enters this step.
    #[serde(default)]
    pub public_note: Option<String>,
}

impl Step {
    pub fn allows(&self, action: ActionKind) -> bool {
        self.actions.contains(&action)
    }

    /// The role that acts here; `None` for a code no office can have (refused by `validate`).
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowDefinition {
    pub key: String,
    pub name: String,
    /// Which seed / SOP the definition follows.
    pub source: String,
    pub steps: Vec<Step>,
}

const SEPOK_JSON: &str = include_str!("../../../data/workflows/sepok.json");
const CILEGON_JSON: &str = include_str!("../../../data/workflows/cilegon.json");
const BONTANG_JSON: &str = include_str!("../../../data/workflows/bontang.json");
const PENCABUTAN_JSON: &str = include_str!("../../../data/workflows/pencabutan.json");
const USAHA_JSON: &str = include_str!("../../../data/workflows/usaha.json");

impl WorkflowDefinition {
    /// Parses and validates against [`ALL_ROLES`].
    pub fn from_json(s: &str) -> Result<WorkflowDefinition, WorkflowError> {
        let def: WorkflowDefinition = serde_json::from_str(s).map_err(|e| WorkflowError::Json(e.to_string()))?;
        def.validate(&ALL_ROLES)?;
        Ok(def)
    }

    #[allow(
        clippy::expect_used,
        reason = "a workflow definition holds only strings, numbers and lists"
    )]
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a workflow definition always serializes")
    }

    /// Checks the definition before it is published; reports every problem at once, in
    /// Indonesian, naming the step.
    pub fn validate(&self, office_roles: &[&str]) -> Result<(), WorkflowError> {
        let mut problems = Vec::new();
        if self.key.trim().is_empty() {
            problems.push("Kunci alur kerja wajib diisi.".to_string());
        }
        if self.name.trim().is_empty() {
            problems.push("Nama alur kerja wajib diisi.".to_string());
        }
        if self.steps.is_empty() {
            problems.push("Alur kerja harus memiliki paling sedikit satu tahap.".to_string());
            return Err(WorkflowError::Invalid(problems));
        }

        let mut seen_keys = HashSet::new();
        for (i, step) in self.steps.iter().enumerate() {
            let who = step_label(i, step);
            if !is_snake_case(&step.key) {
                problems.push(format!(
                    "{who}: kunci «{}» harus berupa huruf kecil, angka dan garis bawah (snake_case), diawali huruf.",
                    step.key
                ));
            }
            if !seen_keys.insert(step.key.as_str()) {
                problems.push(format!(
                    "{who}: kunci «{}» sudah dipakai oleh tahap lain; kunci tahap harus unik.",
                    step.key
                ));
            }
            if step.name.trim().is_empty() {
                problems.push(format!("{who}: nama tahap wajib diisi."));
            }
            if !office_roles.contains(&step.role.as_str()) {
                problems.push(format!("{who}: peran «{}» tidak ada di kantor ini.", step.role));
            }
            let mut seen_actions = BTreeSet::new();
            for &a in &step.actions {
                if !seen_actions.insert(a) {
                    problems.push(format!(
                        "{who}: tindakan «{}» tercantum lebih dari sekali.",
                        a.label_id()
                    ));
                }
            }
            if !step.allows(ActionKind::Forward) {
                problems.push(format!(
                    "{who} tidak memiliki tindakan «{}», sehingga akhir alur (siap ditandatangani) tidak dapat dicapai dari tahap ini.",
                    ActionKind::Forward.label_id()
                ));
            }
            if i == 0 && step.allows(ActionKind::SendBack) {
                problems.push(format!(
                    "{who} adalah tahap pertama dan tidak boleh memiliki tindakan «{}».",
                    ActionKind::SendBack.label_id()
                ));
            }
            let mut seen_products = BTreeSet::new();
            for &p in &step.produces {
                if !seen_products.insert(p) {
                    problems.push(format!("{who}: hasil «{}» tercantum lebih dari sekali.", p.label_id()));
                }
                if !step.allows(p.action()) {
                    problems.push(format!(
                        "{who} harus menghasilkan «{}», tetapi tindakan «{}» tidak tersedia di tahap ini.",
                        p.label_id(),
                        p.action().label_id()
                    ));
                }
            }
        }

        let sum: u64 = self.steps.iter().map(|s| u64::from(s.sla_share)).sum();
        if sum != 100 {
            problems.push(format!(
                "Jumlah bagian SLA semua tahap harus tepat 100%, sekarang {sum}%."
            ));
        }

        // Reachability, as graph searches over the transitions `apply` allows, so a future
        // non-linear extension keeps being checked.
        let reachable = self.reachable_from_start();
        for (i, step) in self.steps.iter().enumerate() {
            if !reachable[i] {
                problems.push(format!(
                    "{} tidak dapat dicapai dari tahap pertama.",
                    step_label(i, step)
                ));
            }
        }
        let reaches_end = self.reaching_end();
        for (i, step) in self.steps.iter().enumerate() {
            // A step without Forward already has its own message.
            if !reaches_end[i] && step.allows(ActionKind::Forward) {
                problems.push(format!(
                    "Dari {} akhir alur (siap ditandatangani) tidak dapat dicapai, karena tahap sesudahnya tidak dapat diteruskan.",
                    lowercase_first(&step_label(i, step))
                ));
            }
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(WorkflowError::Invalid(problems))
        }
    }

    /// The step indices a file can move to from step `i` by one officer action
    /// (`n` = ready to sign). Rejection and the applicant round trip are left out: a rejected file
    /// goes nowhere, and a returned file comes back to the same step.
    fn successors(&self, i: usize) -> Vec<usize> {
        let mut next = Vec::new();
        let Some(step) = self.steps.get(i) else {
            return next;
        };
        if step.allows(ActionKind::Forward) {
            next.push(i + 1);
        }
        if i > 0 && step.allows(ActionKind::SendBack) {
            next.push(i - 1);
        }
        next
    }

    fn reachable_from_start(&self) -> Vec<bool> {
        let n = self.steps.len();
        let mut seen = vec![false; n + 1];
        let mut queue = VecDeque::new();
        if n > 0 {
            seen[0] = true;
            queue.push_back(0);
        }
        while let Some(i) = queue.pop_front() {
            for j in self.successors(i) {
                if !seen[j] {
                    seen[j] = true;
                    queue.push_back(j);
                }
            }
        }
        seen.truncate(n);
        seen
    }

    fn reaching_end(&self) -> Vec<bool> {
        let n = self.steps.len();
        let mut reaches = vec![false; n + 1];
        reaches[n] = true;
        // Backward search: repeat until nothing changes (n is small).
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..n {
                if !reaches[i] && self.successors(i).into_iter().any(|j| reaches[j]) {
                    reaches[i] = true;
                    changed = true;
                }
            }
        }
        reaches.truncate(n);
        reaches
    }

    /// The step with this key and its index.
    pub fn step(&self, key: &str) -> Option<(usize, &Step)> {
        self.steps.iter().enumerate().find(|(_, s)| s.key == key)
    }

    /// Splits `total_days` working days over the steps by their shares (largest-remainder
    /// method); the result always sums to `total_days`. Ties go to the larger share, then to the
    /// earlier step.
    pub fn step_days(&self, total_days: u32) -> Vec<u32> {
        let n = self.steps.len();
        if n == 0 {
            return Vec::new();
        }
        let total = u64::from(total_days);
        let share_sum: u64 = self.steps.iter().map(|s| u64::from(s.sla_share)).sum();
        // An invalid definition with no shares at all is split evenly.
        let shares: Vec<u64> = if share_sum == 0 {
            vec![1; n]
        } else {
            self.steps.iter().map(|s| u64::from(s.sla_share)).collect()
        };
        let denom: u64 = shares.iter().sum();
        let mut days: Vec<u64> = shares.iter().map(|s| total * s / denom).collect();
        let given: u64 = days.iter().sum();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let ra = total * shares[a] % denom;
            let rb = total * shares[b] % denom;
            rb.cmp(&ra).then(shares[b].cmp(&shares[a])).then(a.cmp(&b))
        });
        let left = total - given; // < n
        for &i in order.iter().take(left as usize) {
            days[i] += 1;
        }
        days.into_iter().map(|d| u32::try_from(d).unwrap_or(u32::MAX)).collect()
    }

    /// The three presets built from the seeds, in order: SEPOK, Cilegon, Bontang.
    pub fn presets() -> Vec<WorkflowDefinition> {
        [
            ("sepok", SEPOK_JSON),
            ("cilegon", CILEGON_JSON),
            ("bontang", BONTANG_JSON),
        ]
        .into_iter()
        .map(|(name, json)| {
            WorkflowDefinition::from_json(json).unwrap_or_else(|e| panic!("preset {name} tidak sah: {e}"))
        })
        .collect()
    }

    /// The presets for a kind of permit type rather than an office: `pencabutan` (a short
    /// workflow for cancellations) and `usaha` (establishments with a field inspection).
    pub fn kind_presets() -> Vec<WorkflowDefinition> {
        [("pencabutan", PENCABUTAN_JSON), ("usaha", USAHA_JSON)]
            .into_iter()
            .map(|(name, json)| {
                WorkflowDefinition::from_json(json).unwrap_or_else(|e| panic!("preset {name} tidak sah: {e}"))
            })
            .collect()
    }

    pub fn preset(key: &str) -> Option<WorkflowDefinition> {
        WorkflowDefinition::presets()
            .into_iter()
            .chain(WorkflowDefinition::kind_presets())
            .find(|d| d.key == key)
    }

    /// The preset a permit type starts on at an office whose default is `office_default`: a
    /// cancellation on `pencabutan`; a type that must be inspected on `usaha` when the office's
    /// default has no inspection step; every other type on the office's default.
    pub fn preset_for(permit: &crate::catalog::PermitType, office_default: &str) -> Option<WorkflowDefinition> {
        let default = WorkflowDefinition::preset(office_default)?;
        if permit.is_cancellation() {
            return WorkflowDefinition::preset("pencabutan");
        }
        if permit.inspection.is_required() && !default.inspects() {
            return WorkflowDefinition::preset("usaha");
        }
        Some(default)
    }

    /// Whether some step records a field inspection.
    pub fn inspects(&self) -> bool {
        self.steps.iter().any(|s| s.allows(ActionKind::RecordInspection))
    }
}

fn step_label(i: usize, step: &Step) -> String {
    let name = if step.name.trim().is_empty() {
        step.key.as_str()
    } else {
        step.name.as_str()
    };
    format!("Tahap {} «{}»", i + 1, name)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn is_snake_case(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.ends_with('_')
        && !s.contains("__")
}

/// Where a file is in its workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Position {
    /// At the desk of step `step` (index into `steps`).
    AtStep { step: usize },
    /// Returned to the applicant (Perlu Perbaikan); comes back to step `return_to`.
    WithApplicant { return_to: usize },
    /// Past the last step: siap ditandatangani.
    ReadyToSign,
    /// Ditolak.
    Rejected,
}

/// What has been done at the current step (the app keeps it per step visit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepProgress {
    pub done: BTreeSet<Product>,
    /// `Some(false)` when the technical recommendation refuses.
    pub recommendation: Option<bool>,
}

/// An officer's (or the applicant's) action on a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Forward,
    /// `items`: the number of itemized notes for the applicant.
    ReturnToApplicant {
        items: usize,
    },
    SendBack,
    Reject,
    /// Record a product of the step; `approve` is the decision of a recommendation.
    Produce {
        product: Product,
        approve: Option<bool>,
    },
    /// The applicant sends the fixed file back.
    Resubmit,
}

/// The action a command needs to be allowed at the step; `None` for the applicant's resubmission.
pub fn command_action(cmd: &Command) -> Option<ActionKind> {
    match cmd {
        Command::Forward => Some(ActionKind::Forward),
        Command::ReturnToApplicant { .. } => Some(ActionKind::ReturnToApplicant),
        Command::SendBack => Some(ActionKind::SendBack),
        Command::Reject => Some(ActionKind::Reject),
        Command::Produce { product, .. } => Some(product.action()),
        Command::Resubmit => None,
    }
}

/// The next position of a file. Pure; never panics.
pub fn apply(
    def: &WorkflowDefinition,
    at: Position,
    progress: &StepProgress,
    cmd: &Command,
) -> Result<Position, WorkflowError> {
    match at {
        Position::ReadyToSign | Position::Rejected => Err(WorkflowError::Finished),
        Position::WithApplicant { return_to } => {
            if return_to >= def.steps.len() {
                return Err(out_of_range(def, return_to));
            }
            match cmd {
                Command::Resubmit => Ok(Position::AtStep { step: return_to }),
                _ => Err(WorkflowError::WithApplicant),
            }
        }
        Position::AtStep { step: i } => {
            let Some(step) = def.steps.get(i) else {
                return Err(out_of_range(def, i));
            };
            let Some(action) = command_action(cmd) else {
                return Err(WorkflowError::NotWithApplicant);
            };
            if !step.allows(action) {
                return Err(WorkflowError::NotAllowed { action });
            }
            match cmd {
                Command::Forward => {
                    let missing: Vec<Product> = step
                        .produces
                        .iter()
                        .copied()
                        .filter(|p| !progress.done.contains(p))
                        .collect();
                    if !missing.is_empty() {
                        return Err(WorkflowError::MissingProducts(missing));
                    }
                    if step.produces.contains(&Product::Recommendation) && progress.recommendation == Some(false) {
                        return Err(WorkflowError::RecommendationRefused);
                    }
                    if i + 1 < def.steps.len() {
                        Ok(Position::AtStep { step: i + 1 })
                    } else {
                        Ok(Position::ReadyToSign)
                    }
                }
                Command::ReturnToApplicant { items } => {
                    if *items == 0 {
                        Err(WorkflowError::NoNotes)
                    } else {
                        Ok(Position::WithApplicant { return_to: i })
                    }
                }
                Command::SendBack => {
                    if i == 0 {
                        Err(WorkflowError::FirstStep)
                    } else {
                        Ok(Position::AtStep { step: i - 1 })
                    }
                }
                Command::Reject => Ok(Position::Rejected),
                Command::Produce { .. } => Ok(Position::AtStep { step: i }),
                // Handled above: Resubmit has no action.
                Command::Resubmit => Err(WorkflowError::NotWithApplicant),
            }
        }
    }
}

fn out_of_range(def: &WorkflowDefinition, i: usize) -> WorkflowError {
    WorkflowError::Invalid(vec![format!(
        "Posisi berkas tidak sah: tahap ke-{} tidak ada pada alur «{}», yang memiliki {} tahap.",
        i.saturating_add(1),
        def.name,
        def.steps.len()
    )])
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("Tindakan «{}» tidak tersedia pada tahap ini.", action.label_id())]
    NotAllowed { action: ActionKind },
    #[error("Belum dapat diteruskan: {} belum dibuat.", list_products(.0))]
    MissingProducts(Vec<Product>),
    #[error("Tuliskan paling sedikit satu catatan perbaikan untuk pemohon.")]
    NoNotes,
    #[error("Ini tahap pertama: tidak ada tahap sebelumnya untuk menerima berkas.")]
    FirstStep,
    #[error("Berkas ini sudah selesai diproses di meja kerja.")]
    Finished,
    #[error("Berkas sedang dikembalikan ke pemohon untuk diperbaiki; tunggu sampai pemohon mengirimkannya kembali.")]
    WithApplicant,
    #[error("Berkas tidak sedang berada di pemohon, jadi tidak dapat dikirim ulang.")]
    NotWithApplicant,
    #[error(
        "Rekomendasi teknis menolak permohonan, jadi berkas tidak dapat diteruskan. Tolak permohonan, kembalikan ke pemohon, atau ubah rekomendasi."
    )]
    RecommendationRefused,
    #[error("Definisi alur kerja bukan JSON yang sah: {0}")]
    Json(String),
    #[error("Definisi alur kerja tidak sah: {}", .0.join(" "))]
    Invalid(Vec<String>),
}

/// "A", "A dan B", "A, B dan C".
fn list_products(products: &[Product]) -> String {
    let labels: Vec<&str> = products.iter().map(|p| p.label_id()).collect();
    match labels.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} dan {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn presets() -> Vec<WorkflowDefinition> {
        WorkflowDefinition::presets()
    }

    fn step(key: &str, role: &str, share: u32, actions: &[ActionKind]) -> Step {
        Step {
            key: key.to_string(),
            name: format!("Tahap {key}"),
            role: role.to_string(),
            sla_share: share,
            actions: actions.to_vec(),
            produces: Vec::new(),
            description: String::new(),
            public_note: None,
        }
    }

    fn small() -> WorkflowDefinition {
        use ActionKind::*;
        let mut fo = step("fo", "front_office", 30, &[Checklist, Forward, Reject]);
        fo.produces = vec![Product::Checklist];
        let bo = step("bo", "back_office", 70, &[Forward, SendBack, ReturnToApplicant]);
        WorkflowDefinition {
            key: "uji".into(),
            name: "Uji".into(),
            source: "tes".into(),
            steps: vec![fo, bo],
        }
    }

    fn problems(def: &WorkflowDefinition) -> Vec<String> {
        match def.validate(&ALL_ROLES) {
            Err(WorkflowError::Invalid(p)) => p,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    fn has(problems: &[String], needle: &str) -> bool {
        problems.iter().any(|p| p.contains(needle))
    }

    /// Drives a file from step `from` to the end, producing what each step needs.
    fn drive_to_ready(def: &WorkflowDefinition, from: usize) -> Position {
        let mut at = Position::AtStep { step: from };
        while let Position::AtStep { step: i } = at {
            let s = &def.steps[i];
            let mut progress = StepProgress::default();
            for &p in &s.produces {
                let cmd = Command::Produce {
                    product: p,
                    approve: (p == Product::Recommendation).then_some(true),
                };
                assert_eq!(apply(def, at, &progress, &cmd), Ok(at));
                progress.done.insert(p);
                if p == Product::Recommendation {
                    progress.recommendation = Some(true);
                }
            }
            at = apply(def, at, &progress, &Command::Forward).expect("forward");
        }
        at
    }

    #[test]
    fn presets_parse_validate_and_come_in_order() {
        let keys: Vec<String> = presets().into_iter().map(|d| d.key).collect();
        assert_eq!(keys, ["sepok", "cilegon", "bontang"]);
        for def in presets() {
            assert_eq!(def.validate(&ALL_ROLES), Ok(()), "{}", def.key);
            let again = WorkflowDefinition::from_json(&def.to_json_pretty()).unwrap();
            assert_eq!(again, def);
            assert!(!def.source.is_empty());
            for s in &def.steps {
                assert!(!s.description.is_empty(), "{} {}", def.key, s.key);
                assert!(s.public_note.is_some(), "{} {}", def.key, s.key);
            }
        }
        assert!(WorkflowDefinition::preset("cilegon").is_some());
        assert!(WorkflowDefinition::preset("jakarta").is_none());
    }

    #[test]
    fn kind_presets_are_valid_and_reach_ready_to_sign() {
        for def in WorkflowDefinition::kind_presets() {
            assert_eq!(def.validate(&ALL_ROLES), Ok(()), "{}", def.key);
            assert_eq!(drive_to_ready(&def, 0), Position::ReadyToSign, "{}", def.key);
            assert!(
                def.steps
                    .iter()
                    .all(|s| s.public_note.is_some() && !s.description.is_empty())
            );
        }
        assert!(!WorkflowDefinition::preset("pencabutan").unwrap().inspects());
        assert!(WorkflowDefinition::preset("usaha").unwrap().inspects());
    }

    #[test]
    fn a_permit_type_starts_on_the_preset_of_its_kind() {
        let catalog = crate::catalog::Catalog::builtin();
        let sip = catalog.get("SIP-DR").unwrap().clone();
        assert_eq!(WorkflowDefinition::preset_for(&sip, "cilegon").unwrap().key, "cilegon");
        let mut cancel = sip.clone();
        cancel.cancels = vec!["SIP-DR".into()];
        assert_eq!(
            WorkflowDefinition::preset_for(&cancel, "bontang").unwrap().key,
            "pencabutan"
        );
        let mut inspected = sip;
        inspected.inspection = crate::catalog::Inspection::WithLab;
        // Cilegon has no inspection step; SEPOK and Bontang have one.
        assert_eq!(
            WorkflowDefinition::preset_for(&inspected, "cilegon").unwrap().key,
            "usaha"
        );
        assert_eq!(
            WorkflowDefinition::preset_for(&inspected, "sepok").unwrap().key,
            "sepok"
        );
        assert!(WorkflowDefinition::preset_for(&inspected, "jakarta").is_none());
    }

    #[test]
    fn presets_follow_the_seeds_up_to_ready_to_sign() {
        let roles = |key: &str| -> Vec<String> {
            WorkflowDefinition::preset(key)
                .unwrap()
                .steps
                .into_iter()
                .map(|s| s.role)
                .collect()
        };
        assert_eq!(roles("sepok"), ["front_office", "tim_teknis", "back_office"]);
        assert_eq!(
            roles("cilegon"),
            ["front_office", "back_office", "kasi", "back_office", "kasi", "kabid"]
        );
        assert_eq!(
            roles("bontang"),
            [
                "front_office",
                "back_office",
                "kasi",
                "tim_teknis",
                "tim_teknis",
                "back_office",
                "kasi",
                "kabid"
            ]
        );
        let sepok = WorkflowDefinition::preset("sepok").unwrap();
        assert_eq!(sepok.steps[1].produces, [Product::BeritaAcara, Product::Recommendation]);
        // Nobody signs inside the workflow: Kadis signs once the file is ready to sign.
        for def in presets() {
            assert!(def.steps.iter().all(|s| s.role != "kadis"));
            assert!(!def.steps[0].allows(ActionKind::SendBack));
            assert!(def.steps[1..].iter().all(|s| s.allows(ActionKind::SendBack)));
            for s in &def.steps {
                for a in [ActionKind::Forward, ActionKind::ReturnToApplicant, ActionKind::Reject] {
                    assert!(s.allows(a), "{} {} {a:?}", def.key, s.key);
                }
            }
        }
    }

    #[test]
    fn happy_path_of_each_preset_ends_ready_to_sign() {
        for def in presets() {
            assert_eq!(drive_to_ready(&def, 0), Position::ReadyToSign, "{}", def.key);
        }
    }

    #[test]
    fn forward_without_products_names_what_is_missing() {
        let def = WorkflowDefinition::preset("sepok").unwrap();
        let at = Position::AtStep { step: 1 };
        let err = apply(&def, at, &StepProgress::default(), &Command::Forward).unwrap_err();
        assert_eq!(
            err,
            WorkflowError::MissingProducts(vec![Product::BeritaAcara, Product::Recommendation])
        );
        assert_eq!(
            err.to_string(),
            "Belum dapat diteruskan: Berita Acara Pemeriksaan dan Rekomendasi teknis belum dibuat."
        );
        let mut progress = StepProgress::default();
        progress.done.insert(Product::Recommendation);
        progress.recommendation = Some(true);
        assert_eq!(
            apply(&def, at, &progress, &Command::Forward).unwrap_err().to_string(),
            "Belum dapat diteruskan: Berita Acara Pemeriksaan belum dibuat."
        );
    }

    #[test]
    fn refused_recommendation_blocks_forward_but_allows_reject() {
        let def = WorkflowDefinition::preset("bontang").unwrap();
        let (i, _) = def.step("rekomendasi_dinkes").unwrap();
        let at = Position::AtStep { step: i };
        let progress = StepProgress {
            done: [Product::Recommendation].into(),
            recommendation: Some(false),
        };
        assert_eq!(
            apply(&def, at, &progress, &Command::Forward),
            Err(WorkflowError::RecommendationRefused)
        );
        assert_eq!(apply(&def, at, &progress, &Command::Reject), Ok(Position::Rejected));
    }

    #[test]
    fn optional_checklist_at_back_office_does_not_block_forward() {
        let def = WorkflowDefinition::preset("cilegon").unwrap();
        let (i, bo) = def.step("verifikasi_back_office").unwrap();
        assert!(bo.allows(ActionKind::Checklist) && bo.produces.is_empty());
        let at = Position::AtStep { step: i };
        let produce = Command::Produce {
            product: Product::Checklist,
            approve: None,
        };
        assert_eq!(apply(&def, at, &StepProgress::default(), &produce), Ok(at));
        assert_eq!(
            apply(&def, at, &StepProgress::default(), &Command::Forward),
            Ok(Position::AtStep { step: i + 1 })
        );
    }

    #[test]
    fn actions_outside_the_step_are_not_allowed() {
        let def = WorkflowDefinition::preset("cilegon").unwrap();
        let at = Position::AtStep { step: 0 };
        let p = StepProgress::default();
        assert_eq!(
            apply(&def, at, &p, &Command::SendBack),
            Err(WorkflowError::NotAllowed {
                action: ActionKind::SendBack
            })
        );
        let paraf = Command::Produce {
            product: Product::Paraf,
            approve: None,
        };
        let err = apply(&def, at, &p, &paraf).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Tindakan «Paraf draf SK» tidak tersedia pada tahap ini."
        );
        assert_eq!(
            apply(&def, at, &p, &Command::Resubmit),
            Err(WorkflowError::NotWithApplicant)
        );
    }

    #[test]
    fn return_to_applicant_needs_a_note_and_resubmit_returns_to_that_step() {
        for def in presets() {
            for i in 0..def.steps.len() {
                let at = Position::AtStep { step: i };
                let p = StepProgress::default();
                assert_eq!(
                    apply(&def, at, &p, &Command::ReturnToApplicant { items: 0 }),
                    Err(WorkflowError::NoNotes)
                );
                let with = apply(&def, at, &p, &Command::ReturnToApplicant { items: 2 }).unwrap();
                assert_eq!(with, Position::WithApplicant { return_to: i });
                assert_eq!(
                    apply(&def, with, &p, &Command::Forward),
                    Err(WorkflowError::WithApplicant)
                );
                assert_eq!(apply(&def, with, &p, &Command::Resubmit), Ok(at));
            }
        }
        assert_eq!(
            WorkflowError::NoNotes.to_string(),
            "Tuliskan paling sedikit satu catatan perbaikan untuk pemohon."
        );
    }

    #[test]
    fn send_back_goes_one_step_back_except_on_the_first() {
        let def = small();
        let p = StepProgress::default();
        assert_eq!(
            apply(&def, Position::AtStep { step: 1 }, &p, &Command::SendBack),
            Ok(Position::AtStep { step: 0 })
        );
        // A definition that (invalidly) allows SendBack on the first step still cannot go back.
        let mut bad = small();
        bad.steps[0].actions.push(ActionKind::SendBack);
        assert_eq!(
            apply(&bad, Position::AtStep { step: 0 }, &p, &Command::SendBack),
            Err(WorkflowError::FirstStep)
        );
    }

    #[test]
    fn finished_files_take_no_more_actions() {
        let def = small();
        for at in [Position::ReadyToSign, Position::Rejected] {
            for cmd in [Command::Forward, Command::Resubmit, Command::Reject] {
                let err = apply(&def, at, &StepProgress::default(), &cmd).unwrap_err();
                assert_eq!(err, WorkflowError::Finished);
                assert_eq!(err.to_string(), "Berkas ini sudah selesai diproses di meja kerja.");
            }
        }
    }

    #[test]
    fn positions_out_of_range_are_errors_not_panics() {
        let def = small();
        let p = StepProgress::default();
        for at in [
            Position::AtStep { step: 2 },
            Position::AtStep { step: usize::MAX },
            Position::WithApplicant { return_to: 9 },
        ] {
            assert!(matches!(
                apply(&def, at, &p, &Command::Resubmit),
                Err(WorkflowError::Invalid(_))
            ));
        }
    }

    #[test]
    fn position_serializes_with_a_tag() {
        let json = serde_json::to_string(&Position::AtStep { step: 2 }).unwrap();
        assert_eq!(json, r#"{"at":"at_step","step":2}"#);
        let json = serde_json::to_string(&Position::WithApplicant { return_to: 1 }).unwrap();
        assert_eq!(json, r#"{"at":"with_applicant","return_to":1}"#);
        assert_eq!(
            serde_json::from_str::<Position>(r#"{"at":"ready_to_sign"}"#).unwrap(),
            Position::ReadyToSign
        );
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        for a in ActionKind::ALL {
            assert_eq!(ActionKind::from_code(a.code()), Some(a));
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.code()));
        }
        for p in Product::ALL {
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{}\"", p.code()));
        }
        assert_eq!(ActionKind::from_code("sign"), None);
        assert_eq!(ActionKind::SendBack.label_id(), "Kembalikan ke tahap sebelumnya");
        assert_eq!(Product::BeritaAcara.action(), ActionKind::RecordInspection);
        assert_eq!(
            command_action(&Command::Produce {
                product: Product::DraftSk,
                approve: None
            }),
            Some(ActionKind::PrepareDraft)
        );
        assert_eq!(command_action(&Command::Resubmit), None);
    }

    #[test]
    fn the_role_codes_are_those_of_the_role_type() {
        let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes, ALL_ROLES);
    }

    #[test]
    fn supervisors_escalate_up_the_chain() {
        assert_eq!(supervisor_of("front_office"), "kasi");
        assert_eq!(supervisor_of("back_office"), "kasi");
        assert_eq!(supervisor_of("tim_teknis"), "kasi");
        assert_eq!(supervisor_of("pencetakan"), "kasi");
        assert_eq!(supervisor_of("kasi"), "kabid");
        assert_eq!(supervisor_of("kabid"), "kadis");
        assert_eq!(supervisor_of("kadis"), "admin");
        assert_eq!(supervisor_of("pengaduan"), "admin");
        assert_eq!(supervisor_of("tidak_ada"), "admin");
    }

    #[test]
    fn validation_reports_a_bad_sla_sum() {
        let mut def = small();
        def.steps[1].sla_share = 60;
        let p = problems(&def);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0], "Jumlah bagian SLA semua tahap harus tepat 100%, sekarang 90%.");
    }

    #[test]
    fn validation_reports_an_unknown_role_naming_the_step() {
        let mut def = small();
        def.steps[1].role = "kasi".into();
        assert_eq!(
            def.validate(&["front_office", "back_office"]).unwrap_err(),
            WorkflowError::Invalid(vec!["Tahap 2 «Tahap bo»: peran «kasi» tidak ada di kantor ini.".into()])
        );
        def.steps[1].role = "direktur".into();
        assert!(has(&problems(&def), "peran «direktur» tidak ada di kantor ini"));
    }

    #[test]
    fn validation_reports_a_step_without_forward() {
        let mut def = small();
        def.steps[0].actions.retain(|&a| a != ActionKind::Forward);
        let p = problems(&def);
        assert!(
            has(
                &p,
                "Tahap 1 «Tahap fo» tidak memiliki tindakan «Teruskan», sehingga akhir alur (siap ditandatangani) tidak dapat dicapai dari tahap ini."
            ),
            "{p:?}"
        );
        // ...and, found by the graph search, the next step is now out of reach.
        assert!(
            has(&p, "Tahap 2 «Tahap bo» tidak dapat dicapai dari tahap pertama."),
            "{p:?}"
        );
    }

    #[test]
    fn validation_reports_steps_from_which_the_end_cannot_be_reached() {
        use ActionKind::*;
        let mut def = small();
        def.steps[1].sla_share = 35;
        let mut third = step("kasi", "kasi", 35, &[SendBack, Reject]);
        third.name = "Kasi".into();
        def.steps.push(third);
        let p = problems(&def);
        assert!(has(&p, "Tahap 3 «Kasi» tidak memiliki tindakan «Teruskan»"), "{p:?}");
        assert!(
            has(
                &p,
                "Dari tahap 1 «Tahap fo» akhir alur (siap ditandatangani) tidak dapat dicapai"
            ),
            "{p:?}"
        );
        assert!(has(&p, "Dari tahap 2 «Tahap bo» akhir alur"), "{p:?}");
    }

    #[test]
    fn validation_reports_a_product_without_its_action() {
        let mut def = small();
        def.steps[1].produces.push(Product::DraftSk);
        let p = problems(&def);
        assert_eq!(p, vec!["Tahap 2 «Tahap bo» harus menghasilkan «Draf SK», tetapi tindakan «Siapkan draf SK» tidak tersedia di tahap ini.".to_string()]);
    }

    #[test]
    fn validation_reports_a_duplicate_key() {
        let mut def = small();
        def.steps[1].key = "fo".into();
        let p = problems(&def);
        assert_eq!(
            p,
            vec!["Tahap 2 «Tahap bo»: kunci «fo» sudah dipakai oleh tahap lain; kunci tahap harus unik.".to_string()]
        );
        def.steps[1].key = "Back-Office".into();
        assert!(has(&problems(&def), "snake_case"));
    }

    #[test]
    fn validation_reports_send_back_on_the_first_step() {
        let mut def = small();
        def.steps[0].actions.push(ActionKind::SendBack);
        assert_eq!(problems(&def), vec!["Tahap 1 «Tahap fo» adalah tahap pertama dan tidak boleh memiliki tindakan «Kembalikan ke tahap sebelumnya».".to_string()]);
    }

    #[test]
    fn validation_reports_duplicate_actions_and_empty_workflows() {
        let mut def = small();
        def.steps[1].actions.push(ActionKind::Forward);
        assert_eq!(
            problems(&def),
            vec!["Tahap 2 «Tahap bo»: tindakan «Teruskan» tercantum lebih dari sekali.".to_string()]
        );
        def.steps.clear();
        assert!(has(&problems(&def), "paling sedikit satu tahap"));
    }

    #[test]
    fn validation_reports_every_problem_at_once() {
        let mut def = small();
        def.steps[0].actions.push(ActionKind::SendBack);
        def.steps[1].role = "direktur".into();
        def.steps[1].sla_share = 1;
        def.steps[1].produces.push(Product::Approval);
        let p = problems(&def);
        assert_eq!(p.len(), 4, "{p:?}");
        let err = WorkflowError::Invalid(p).to_string();
        assert!(err.starts_with("Definisi alur kerja tidak sah: "));
        assert!(err.contains("sekarang 31%"));
    }

    #[test]
    fn from_json_rejects_unknown_fields_and_invalid_definitions() {
        let json = small().to_json_pretty();
        assert_eq!(WorkflowDefinition::from_json(&json), Ok(small()));
        let unknown = json.replacen("\"key\": \"uji\"", "\"key\": \"uji\", \"warna\": 1", 1);
        assert!(matches!(
            WorkflowDefinition::from_json(&unknown),
            Err(WorkflowError::Json(_))
        ));
        let bad_role = json.replace("back_office", "direktur");
        assert!(matches!(
            WorkflowDefinition::from_json(&bad_role),
            Err(WorkflowError::Invalid(_))
        ));
    }

    #[test]
    fn step_days_split_twelve_days_over_the_cilegon_shares() {
        let def = WorkflowDefinition::preset("cilegon").unwrap();
        let shares: Vec<u32> = def.steps.iter().map(|s| s.sla_share).collect();
        assert_eq!(shares, [10, 20, 15, 25, 15, 15]);
        // Quotas 1.2, 2.4, 1.8, 3.0, 1.8, 1.8: the three 0.8 remainders get the spare days.
        assert_eq!(def.step_days(12), [1, 2, 2, 3, 2, 2]);
        assert_eq!(def.step_days(0), [0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn step_days_of_the_presets_sum_to_their_totals() {
        let bontang = WorkflowDefinition::preset("bontang").unwrap();
        let days = bontang.step_days(7);
        assert_eq!(days.iter().sum::<u32>(), 7);
        // Eight desks in seven days: only the Kasi's approval to forward is a same-day desk.
        assert_eq!(days, [1, 1, 0, 1, 1, 1, 1, 1]);
        let (i, _) = bontang.step("persetujuan_penerusan_kasi").unwrap();
        assert_eq!(days[i], 0);
        // Over a longer total the technical verification is the longest desk.
        let days = bontang.step_days(14);
        let (i, _) = bontang.step("verifikasi_teknis").unwrap();
        assert_eq!(days.iter().max(), Some(&days[i]));
        let sepok = WorkflowDefinition::preset("sepok").unwrap();
        assert_eq!(sepok.step_days(12), [2, 7, 3]);
    }

    fn arb_product() -> impl Strategy<Value = Product> {
        prop::sample::select(Product::ALL.to_vec())
    }

    fn arb_command() -> impl Strategy<Value = Command> {
        prop_oneof![
            3 => Just(Command::Forward),
            1 => (0usize..3).prop_map(|items| Command::ReturnToApplicant { items }),
            1 => Just(Command::SendBack),
            1 => Just(Command::Reject),
            3 => (arb_product(), prop::option::of(any::<bool>()))
                .prop_map(|(product, approve)| Command::Produce { product, approve }),
            1 => Just(Command::Resubmit),
        ]
    }

    fn arb_position() -> impl Strategy<Value = Position> {
        prop_oneof![
            (0usize..12).prop_map(|step| Position::AtStep { step }),
            (0usize..12).prop_map(|return_to| Position::WithApplicant { return_to }),
            Just(Position::ReadyToSign),
            Just(Position::Rejected),
        ]
    }

    fn arb_progress() -> impl Strategy<Value = StepProgress> {
        (
            prop::collection::btree_set(arb_product(), 0..=6),
            prop::option::of(any::<bool>()),
        )
            .prop_map(|(done, recommendation)| StepProgress { done, recommendation })
    }

    fn valid(def: &WorkflowDefinition, at: Position) -> bool {
        match at {
            Position::AtStep { step } => step < def.steps.len(),
            Position::WithApplicant { return_to } => return_to < def.steps.len(),
            Position::ReadyToSign | Position::Rejected => true,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Walks from the start (so every position met is reachable) with random commands,
        /// keeping each step's progress as the app would.
        #[test]
        fn random_commands_never_reach_an_undefined_position(
            which in 0usize..3,
            cmds in prop::collection::vec(arb_command(), 0..=60),
        ) {
            let def = &presets()[which];
            let mut at = Position::AtStep { step: 0 };
            let mut progress: HashMap<usize, StepProgress> = HashMap::new();
            for cmd in &cmds {
                let here = match at {
                    Position::AtStep { step } => progress.get(&step).cloned().unwrap_or_default(),
                    _ => StepProgress::default(),
                };
                match apply(def, at, &here, cmd) {
                    Ok(next) => {
                        prop_assert!(valid(def, next), "{next:?}");
                        match (at, cmd, next) {
                            (Position::AtStep { step: i }, Command::Forward, n) => {
                                let last = i + 1 == def.steps.len();
                                let ok = n == Position::AtStep { step: i + 1 } || (last && n == Position::ReadyToSign);
                                prop_assert!(ok, "forward from {} gave {:?}", i, n);
                            }
                            (Position::AtStep { step: i }, Command::ReturnToApplicant { .. }, n) => {
                                prop_assert_eq!(n, Position::WithApplicant { return_to: i })
                            }
                            (Position::WithApplicant { return_to }, Command::Resubmit, n) => {
                                prop_assert_eq!(n, Position::AtStep { step: return_to })
                            }
                            (Position::AtStep { step: i }, Command::Produce { product, approve }, n) => {
                                prop_assert_eq!(n, at);
                                let p = progress.entry(i).or_default();
                                p.done.insert(*product);
                                if *product == Product::Recommendation {
                                    p.recommendation = *approve;
                                }
                            }
                            _ => {}
                        }
                        at = next;
                    }
                    Err(e) => {
                        prop_assert!(!matches!(e, WorkflowError::Invalid(_) | WorkflowError::Json(_)), "{e:?}");
                        prop_assert!(!e.to_string().is_empty());
                    }
                }
            }
        }

        /// Any position at all, in range or not, and any progress: no panic, and an Ok is valid.
        #[test]
        fn any_position_and_command_never_panics(
            which in 0usize..3,
            at in arb_position(),
            progress in arb_progress(),
            cmds in prop::collection::vec(arb_command(), 1..=60),
        ) {
            let def = &presets()[which];
            let mut at = at;
            for cmd in &cmds {
                match apply(def, at, &progress, cmd) {
                    Ok(next) => {
                        prop_assert!(valid(def, next));
                        at = next;
                    }
                    Err(WorkflowError::Invalid(_)) => prop_assert!(!valid(def, at)),
                    Err(_) => {}
                }
            }
        }

        /// From any step, whatever has been done there, the file can still reach ReadyToSign
        /// and can still be rejected.
        #[test]
        fn from_any_step_ready_to_sign_and_rejected_are_reachable(
            which in 0usize..3,
            step in 0usize..8,
            progress in arb_progress(),
        ) {
            let def = &presets()[which];
            let i = step % def.steps.len();
            let at = Position::AtStep { step: i };
            // Redo what the step needs (a refused recommendation can be changed), then walk on.
            let mut p = progress.clone();
            for &product in &def.steps[i].produces {
                let approve = (product == Product::Recommendation).then_some(true);
                prop_assert_eq!(apply(def, at, &p, &Command::Produce { product, approve }), Ok(at));
                p.done.insert(product);
                if product == Product::Recommendation {
                    p.recommendation = approve;
                }
            }
            prop_assert_eq!(apply(def, at, &p, &Command::Forward).map(|_| ()), Ok(()));
            prop_assert_eq!(drive_to_ready(def, i), Position::ReadyToSign);

            // Rejected: walk forward to the first step that may reject.
            let mut j = i;
            loop {
                if def.steps[j].allows(ActionKind::Reject) {
                    prop_assert_eq!(apply(def, Position::AtStep { step: j }, &progress, &Command::Reject), Ok(Position::Rejected));
                    break;
                }
                j += 1;
                prop_assert!(j < def.steps.len(), "no step from {} can reject", i);
            }
        }

        #[test]
        fn step_days_sum_to_the_total_and_follow_the_shares(
            shares in prop::collection::vec(0u32..=100, 1..12),
            total in 0u32..400,
        ) {
            let def = WorkflowDefinition {
                key: "x".into(),
                name: "x".into(),
                source: String::new(),
                steps: shares.iter().enumerate().map(|(i, &s)| step(&format!("s{i}"), "kasi", s, &[ActionKind::Forward])).collect(),
            };
            let days = def.step_days(total);
            prop_assert_eq!(days.len(), shares.len());
            prop_assert_eq!(days.iter().map(|&d| u64::from(d)).sum::<u64>(), u64::from(total));
            let sum: u64 = shares.iter().map(|&s| u64::from(s)).sum();
            for (d, s) in days.iter().zip(&shares) {
                if let Some(floor) = (u64::from(total) * u64::from(*s)).checked_div(sum) {
                    prop_assert!(u64::from(*d) == floor || u64::from(*d) == floor + 1);
                }
            }
        }
    }
}
