//! Names that stay the same across runs and machines: timestamps, hashes, path-safe names.

/// YYYYMMDD-HHMMSS in UTC (days-from-civil inverse, H. Hinnant).
pub fn utc_timestamp() -> String {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
            as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// FNV-1a, 64 bits, as 16 hex digits: stable across runs and machines (cache keys, short names).
pub fn fnv_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A directory name made of `name`: characters other than letters, digits and `.,+-_=` become `_`,
/// and a name longer than `max` bytes keeps a readable prefix plus a hash of the whole name, so two
/// long names stay different and the same name always shortens the same way.
pub fn safe_name(name: &str, max: usize) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".,+-_=".contains(c) { c } else { '_' })
        .collect();
    let clean = clean.trim_start_matches('.').to_string();
    if clean.len() <= max {
        return if clean.is_empty() { "run".into() } else { clean };
    }
    let hash = &fnv_hex(name.as_bytes())[..8];
    format!("{}-{hash}", &clean[..max - 9])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_published_fnv_1a_64() {
        assert_eq!(fnv_hex(b""), "cbf29ce484222325");
        assert_eq!(fnv_hex(b"a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn safe_names_keep_what_is_readable_and_shorten_with_a_hash() {
        assert_eq!(safe_name("mnist-relu-lr0.0001", 50), "mnist-relu-lr0.0001");
        assert_eq!(safe_name("a/b c", 50), "a_b_c");
        assert_eq!(safe_name("..hidden", 50), "hidden");
        assert_eq!(safe_name("", 50), "run");
        let long = "x".repeat(100);
        let short = safe_name(&long, 40);
        assert_eq!(short.len(), 40);
        assert_ne!(short, safe_name(&format!("{long}y"), 40), "two long names stay apart");
        assert_eq!(short, safe_name(&long, 40), "and shorten the same way each time");
    }

    #[test]
    fn timestamps_are_yyyymmdd_hhmmss() {
        let t = utc_timestamp();
        assert_eq!(t.len(), 15, "{t}");
        assert_eq!(&t[8..9], "-");
        assert!(t[..8].bytes().chain(t[9..].bytes()).all(|b| b.is_ascii_digit()), "{t}");
        assert!(t.as_str() > "20240101-000000");
    }
}
