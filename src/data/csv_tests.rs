//! The CSV dialects nnlab reads (header or not, BOM, CRLF, spaces, a trailing blank line, gzip) and
//! its labels, read as integers.
use super::*;
use std::io::Write;

fn table(text: &str) -> Table {
    parse_csv(text.as_bytes(), "t.csv").unwrap()
}

fn err(text: &str) -> String {
    format!("{:#}", parse_csv(text.as_bytes(), "t.csv").err().expect("an error"))
}

fn features(t: &Table) -> Vec<f64> {
    Vec::<f64>::try_from(t.features.view([-1])).unwrap()
}

#[test]
fn a_first_line_with_text_is_a_header() {
    let t = table("x,y,label\n1,2,0\n3,4,1\n");
    assert_eq!((t.rows, t.cols), (2, 2));
    let t = table("1,2,0\n3,4,1\n");
    assert_eq!(t.rows, 2, "no header: the first line is data");
}

#[test]
fn crlf_bom_spaces_and_a_final_blank_line_are_read() {
    let t = table("\u{feff}1, 2 ,0\r\n3,4, 1\r\n\r\n");
    assert_eq!(features(&t), [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(t.labels, [0, 1]);
}

#[test]
fn gzip_is_read_through_every_member() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv.gz");
    let mut bytes = Vec::new();
    for part in ["1,2,0\n", "3,4,1\n"] {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(part.as_bytes()).unwrap();
        bytes.extend(gz.finish().unwrap());
    }
    std::fs::write(&path, bytes).unwrap();
    let t = read_csv(&path).unwrap();
    assert_eq!((t.rows, t.labels.clone()), (2, vec![0, 1]));
}

#[test]
fn labels_are_remapped_to_class_indices_in_order() {
    let t = table("0,7\n0,-3\n0,7\n0,100\n");
    assert_eq!(t.classes, [-3, 7, 100]);
    assert_eq!(t.labels, [1, 0, 1, 2]);
}

#[test]
fn labels_beyond_a_floats_precision_stay_apart() {
    let t = table("1,9007199254740992\n2,9007199254740993\n");
    assert_eq!(t.classes, [1 << 53, (1 << 53) + 1]);
    assert_eq!(t.labels, [0, 1]);
    let t = table("1,9223372036854775807\n2,-9223372036854775808\n");
    assert_eq!(t.classes, [i64::MIN, i64::MAX]);
}

#[test]
fn whole_labels_written_as_floats_are_read_below_2_to_the_53() {
    let t = table("1,2.0\n2,1e1\n3,-0.0\n");
    assert_eq!(t.classes, [0, 2, 10]);
}

#[test]
fn labels_that_do_not_fit_are_refused_with_the_row() {
    assert_eq!(
        err("1,0\n2,9223372036854775808\n"),
        "t.csv:2: label 9223372036854775808 in the last column does not fit a 64-bit integer \
         (-9223372036854775808..=9223372036854775807)"
    );
    assert_eq!(
        err("1,0\n2,9007199254740993.0\n"),
        "t.csv:2: label 9007199254740993.0 in the last column is not exact as a float (2^53 or more): \
         write it as an integer"
    );
    assert_eq!(err("1,0\n2,1e300\n"), "t.csv:2: label 1e300 in the last column is not exact as a float (2^53 or more): write it as an integer");
    assert_eq!(err("1,2.5\n"), "t.csv:1: label 2.5 in the last column is not a whole number");
}

#[test]
fn malformed_rows_name_their_line() {
    assert_eq!(err("1\n"), "t.csv:1: a row needs at least one feature and a label, found 1 field");
    assert_eq!(err("1,2,0\n1,2,3,4\n"), "t.csv:2: expected 3 fields like the first row, found 4");
    assert_eq!(err("1,2,0\n1,inf,1\n"), "t.csv:2: field 2 (\"inf\") is not a finite number");
    assert_eq!(err("h\n"), "t.csv: no data rows");
}

#[test]
fn too_many_classes_is_refused() {
    let rows: String = (0..=MAX_CLASSES).map(|i| format!("0,{i}\n")).collect();
    assert_eq!(
        err(&rows),
        format!(
            "t.csv: the last column holds {} different labels; at most {MAX_CLASSES} classes are supported",
            MAX_CLASSES + 1
        )
    );
}

#[test]
fn a_row_check_sees_the_values_and_its_error_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    std::fs::write(&path, "1,0\n-1,1\n").unwrap();
    let positive =
        |v: &[f64]| if v[0] > 0.0 { Ok(()) } else { Err(format!("feature {} is not positive", v[0])) };
    let e = format!("{:#}", read_csv_checked(&path, &positive).err().unwrap());
    assert_eq!(e, format!("{}:2: feature -1 is not positive", path.display()));
}
