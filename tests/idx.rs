//! The IDX reader on generated files: good, gzipped, and every kind of corruption.
use flate2::write::GzEncoder;
use nnlab::dcn::idx::{encode_idx, parse_idx, read_idx};
use proptest::prelude::*;
use std::io::Write;

fn err_of(bytes: &[u8]) -> String {
    format!("{:#}", parse_idx(bytes, "f").expect_err("an error"))
}

#[test]
fn reads_plain_and_gzipped_files() {
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..2 * 3 * 4).map(|i| i as u8).collect();
    let bytes = encode_idx(&[2, 3, 4], &data);
    let plain = dir.path().join("a-idx3-ubyte");
    std::fs::write(&plain, &bytes).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes).unwrap();
    // A gzip file is recognised by its content, not its name.
    let gzipped = dir.path().join("b-idx3-ubyte");
    std::fs::write(&gzipped, gz.finish().unwrap()).unwrap();
    for p in [&plain, &gzipped] {
        let idx = read_idx(p).unwrap();
        assert_eq!(idx.dims, vec![2, 3, 4]);
        assert_eq!(idx.data, data);
    }
}

#[test]
fn rejects_corrupt_files_with_a_clear_message() {
    let good = encode_idx(&[2, 3], &[1, 2, 3, 4, 5, 6]);
    assert_eq!(err_of(&good[..2]), "f: truncated: the file ends inside the 4-byte magic number");
    assert_eq!(err_of(&good[..6]), "f: truncated: the file ends inside the dimension sizes");
    assert_eq!(
        err_of(&good[..good.len() - 1]),
        "f: truncated: dimensions [2, 3] need 6 bytes of data, the file has 5"
    );
    assert_eq!(
        err_of(&[good.clone(), vec![0]].concat()),
        "f: trailing bytes after the 6 bytes that dimensions [2, 3] declare"
    );
    assert!(err_of(b"PK\x03\x04rest").starts_with("f: not an IDX file (magic 50 4b 03 04"));
    assert_eq!(
        err_of(&[0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]),
        "f: IDX element type 0x0d is not supported (only unsigned bytes, 0x08)"
    );
    assert_eq!(err_of(&[0, 0, 8, 0]), "f: IDX header declares 0 dimensions (expected 1 to 4)");
    assert_eq!(err_of(&[0, 0, 8, 9]), "f: IDX header declares 9 dimensions (expected 1 to 4)");
    assert_eq!(err_of(&encode_idx(&[3, 0], &[])), "f: dimension 2 of the IDX header is 0");
    // A header that claims 4 GiB in a 20-byte file: refused before any allocation.
    let huge = encode_idx(&[65536, 65536], &[1, 2, 3]);
    assert!(err_of(&huge).contains("more than 1 GiB of data: the header is corrupt"));
}

#[test]
fn a_file_that_only_looks_gzipped_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.gz");
    std::fs::write(&p, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    assert!(read_idx(&p).is_err());
    let missing = format!("{:#}", read_idx(&dir.path().join("nope")).unwrap_err());
    assert!(missing.starts_with("cannot open"), "{missing}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = parse_idx(&bytes[..], "fuzz");
    }

    #[test]
    fn never_panics_on_mutated_valid_files(pos in 0usize..22, byte in any::<u8>(), cut in 0usize..23) {
        let mut b = encode_idx(&[2, 3], &[1, 2, 3, 4, 5, 6]);
        b.extend_from_slice(&[0; 4]);
        b[pos] = byte;
        b.truncate(cut);
        let _ = parse_idx(&b[..], "fuzz");
    }

    #[test]
    fn csv_loader_never_panics(text in "[0-9a-z,.\\-\n ]{0,80}") {
        let _ = nnlab::data::csv::parse_csv(text.as_bytes(), "fuzz");
    }
}
