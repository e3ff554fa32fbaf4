//! Cleaning free text from users before it is stored: trimmed, control characters removed, capped.

pub fn clean_text(s: &str, max: usize) -> String {
    s.trim().chars().filter(|c| !c.is_control()).take(max).collect()
}
