//! Parsers of argument values clap has no type for.

/// The Fitzpatrick phototypes, in the roman numerals clinicians write them in.
const ROMAN: [&str; 6] = ["I", "II", "III", "IV", "V", "VI"];

/// A Fitzpatrick phototype, 1 to 6, written as a number (`4`) or a roman numeral (`IV`, `iv`).
pub fn parse_phototype(text: &str) -> Result<u8, String> {
    let text = text.trim();
    let number = text.parse::<u8>().ok().or_else(|| {
        ROMAN
            .iter()
            .position(|r| r.eq_ignore_ascii_case(text))
            .and_then(|i| u8::try_from(i + 1).ok())
    });
    match number {
        Some(n @ 1..=6) => Ok(n),
        _ => Err(format!(
            "{text:?} is not a Fitzpatrick phototype; accepted: 1 to 6 or I to VI"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_phototype;

    #[test]
    fn numbers_and_roman_numerals_name_the_same_phototype() {
        for (n, roman) in ["I", "II", "III", "IV", "V", "VI"].iter().enumerate() {
            let expected = u8::try_from(n + 1).expect("small");
            assert_eq!(parse_phototype(roman), Ok(expected));
            assert_eq!(parse_phototype(&roman.to_lowercase()), Ok(expected));
            assert_eq!(parse_phototype(&expected.to_string()), Ok(expected));
        }
    }

    #[test]
    fn out_of_range_phototypes_are_refused_with_the_accepted_values() {
        for bad in ["VII", "0", "7", "IIII", "", "four", "-1"] {
            let message = parse_phototype(bad).expect_err(bad);
            assert!(message.contains("1 to 6 or I to VI"), "{message}");
        }
    }
}
