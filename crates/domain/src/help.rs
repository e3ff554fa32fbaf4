//! An office's own questions and answers for the help page (Bantuan), as its admin writes them:
//! a question line starting with `T:` and its answer on the following lines starting with `J:`
//! (more lines continue the answer), blocks separated by blank lines.

/// One question and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqItem {
    pub question: String,
    pub answer: String,
}

/// At most this many questions per office.
pub const MAX_ITEMS: usize = 40;
const MAX_QUESTION: usize = 300;
const MAX_ANSWER: usize = 2000;

/// Parses the admin's text; the error names the line (1-based) and what is wrong.
pub fn parse(text: &str) -> Result<Vec<FaqItem>, String> {
    let mut items: Vec<FaqItem> = Vec::new();
    let mut open: Option<(usize, FaqItem)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if let Some(q) = strip(line, "T:") {
            if let Some(done) = open.take() {
                items.push(finish(done)?);
            }
            if q.is_empty() {
                return Err(format!("Baris {n}: tuliskan pertanyaannya sesudah \"T:\"."));
            }
            open = Some((
                n,
                FaqItem {
                    question: q.to_string(),
                    answer: String::new(),
                },
            ));
        } else if let Some(a) = strip(line, "J:") {
            let Some((_, item)) = open.as_mut() else {
                return Err(format!(
                    "Baris {n}: jawaban tanpa pertanyaan; awali pertanyaan dengan \"T:\"."
                ));
            };
            push_line(&mut item.answer, a);
        } else if line.is_empty() {
            continue;
        } else {
            match open.as_mut() {
                Some((_, item)) if !item.answer.is_empty() => push_line(&mut item.answer, line),
                _ => {
                    return Err(format!(
                        "Baris {n}: awali pertanyaan dengan \"T:\" dan jawabannya dengan \"J:\"."
                    ));
                }
            }
        }
    }
    if let Some(done) = open.take() {
        items.push(finish(done)?);
    }
    if items.len() > MAX_ITEMS {
        return Err(format!("Paling banyak {MAX_ITEMS} pertanyaan (ada {}).", items.len()));
    }
    Ok(items)
}

/// The items in the admin's format, as `parse` reads them back.
pub fn to_text(items: &[FaqItem]) -> String {
    items
        .iter()
        .map(|i| format!("T: {}\nJ: {}", i.question, i.answer))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn strip<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| line[prefix.len()..].trim())
}

fn push_line(answer: &mut String, line: &str) {
    if !answer.is_empty() {
        answer.push('\n');
    }
    answer.push_str(line);
}

fn finish((line, item): (usize, FaqItem)) -> Result<FaqItem, String> {
    if item.answer.trim().is_empty() {
        return Err(format!(
            "Baris {line}: pertanyaan ini belum dijawab; tulis jawabannya sesudah \"J:\"."
        ));
    }
    if item.question.chars().count() > MAX_QUESTION || item.answer.chars().count() > MAX_ANSWER {
        return Err(format!(
            "Baris {line}: pertanyaan paling panjang {MAX_QUESTION} huruf dan jawabannya {MAX_ANSWER} huruf."
        ));
    }
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_answers_round_trip() {
        let text = "T: Bisakah izin diambil orang lain?\nJ: Bisa, dengan surat kuasa.\nBawa KTP penerima kuasa.\n\nt: Jam layanan?\nj: Senin–Jumat 08.00–15.00.";
        let items = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].answer, "Bisa, dengan surat kuasa.\nBawa KTP penerima kuasa.");
        assert_eq!(items[1].question, "Jam layanan?");
        assert_eq!(parse(&to_text(&items)), Ok(items));
        assert_eq!(parse("  \n"), Ok(vec![]));
    }

    #[test]
    fn mistakes_name_their_line() {
        assert!(
            parse("T: Tanpa jawaban?\n\nT: Kedua?\nJ: Ya.")
                .unwrap_err()
                .starts_with("Baris 1:")
        );
        assert!(parse("J: Jawaban dulu").unwrap_err().starts_with("Baris 1:"));
        assert!(parse("T: A?\nJ: B\n\nteks lepas").is_ok(), "continues the answer");
        assert!(parse("teks lepas").unwrap_err().contains("\"T:\""));
        assert!(parse("T:\nJ: x").unwrap_err().starts_with("Baris 1:"));
        let many: String = (0..41).map(|i| format!("T: Q{i}?\nJ: A.\n\n")).collect();
        assert!(parse(&many).unwrap_err().contains("Paling banyak"));
    }
}
