//! Free-text reasons that stand in for a rule (an override of a contraindication, a late entry,
//! a depth past a limit, a clearance): the one check every door uses (core plan, store, CLI, API).
//!
//! The text is normalised (Unicode NFKC), invisible and format characters are removed (controls,
//! zero-width spaces and joiners, bidirectional marks, soft hyphens, variation selectors, tag
//! characters, fillers) and whitespace is collapsed. What is left must hold at least
//! [`MIN_LETTERS`] letters and either [`MIN_WORDS`] words or [`MIN_CHARS`] characters, and at most
//! [`MAX_REASON_CHARS`] characters. The cleaned text is what gets recorded.

use unicode_normalization::UnicodeNormalization;

use crate::error::InputError;

/// Letters (alphabetic characters) a reason needs at least.
pub const MIN_LETTERS: usize = 3;
/// Words (whitespace-separated, each with a letter) that make a reason…
pub const MIN_WORDS: usize = 2;
/// …or characters, for scripts written without spaces.
pub const MIN_CHARS: usize = 10;
/// Longest reason kept, characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// What a reason must be, for error messages.
pub fn accepted() -> String {
    format!(
        "a reason in words: at least {MIN_LETTERS} letters and {MIN_WORDS} words (or {MIN_CHARS} characters) once invisible characters are removed, at most {MAX_REASON_CHARS} characters"
    )
}

/// Characters that show nothing: controls and the format characters (Unicode category Cf) and
/// fillers a reason could be made of.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// The reason as it will be recorded (NFKC, invisible characters removed, whitespace collapsed),
/// or an error naming `field` when it is not a reason in words.
pub fn meaningful(field: &str, text: &str) -> Result<String, InputError> {
    let normalised: String = text.nfkc().filter(|c| !invisible(*c)).collect();
    let cleaned = normalised.split_whitespace().collect::<Vec<_>>().join(" ");
    let letters = cleaned.chars().filter(|c| c.is_alphabetic()).count();
    let words = cleaned
        .split(' ')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    let chars = cleaned.chars().count();
    if letters < MIN_LETTERS || (words < MIN_WORDS && chars < MIN_CHARS) || chars > MAX_REASON_CHARS
    {
        return Err(InputError::new(field, text.escape_debug(), accepted()));
    }
    Ok(cleaned)
}

#[cfg(test)]
mod tests {
    use super::meaningful;

    #[test]
    fn invisible_or_punctuation_only_reasons_are_refused() {
        for bad in [
            "",
            ".",
            "\u{200B}",
            "\u{200B}\u{200B}\u{200B}",
            "a\u{200B}b\u{200B}c",
            "...  ---",
            "ok",
            "x y",
            "\u{FEFF}\u{2060}\u{00AD}",
            "12345678901",
        ] {
            assert!(meaningful("reason", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn reasons_in_words_are_kept_normalised() {
        assert_eq!(
            meaningful("reason", "  dermatologist\u{200B} reviewed\n the  history ")
                .expect("a reason"),
            "dermatologist reviewed the history"
        );
        assert_eq!(
            meaningful("reason", "ｆｕｌｌｗｉｄｔｈ ok").expect("a reason"),
            "fullwidth ok"
        );
        assert!(meaningful("reason", "患者已签署知情同意书并经会诊").is_ok());
    }
}
