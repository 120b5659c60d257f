//! Data: Make-Moons geometry, CSV loading and its error messages.
use nnlab::backprop::csv::parse_csv;
use nnlab::backprop::data::make_moons;

#[test]
fn moons_are_two_half_circles() {
    let d = make_moons(200, 0.0, 7);
    assert_eq!(d.x.size(), vec![200, 2]);
    assert_eq!(d.y.sum(None).int64_value(&[]), 100);
    let x = Vec::<f64>::try_from(d.x.contiguous().view([-1])).unwrap();
    let y = Vec::<i64>::try_from(&d.y).unwrap();
    for (p, &label) in x.chunks(2).zip(&y) {
        let (cx, cy) = if label == 0 { (0.0, 0.0) } else { (1.0, 0.5) };
        let r = ((p[0] - cx).powi(2) + (p[1] - cy).powi(2)).sqrt();
        assert!((r - 1.0).abs() < 1e-9, "point {p:?} of class {label} is off its half circle");
        assert!(if label == 0 { p[1] >= -1e-9 } else { p[1] <= 0.5 + 1e-9 });
    }
    // Noise 0.2 moves points by about 0.2, and a seed reproduces them.
    let (a, b) = (make_moons(200, 0.2, 7), make_moons(200, 0.2, 7));
    assert_eq!(Vec::<f64>::try_from(a.x.view([-1])).unwrap(), Vec::<f64>::try_from(b.x.view([-1])).unwrap());
    let spread = (&a.x - &d.x).std(true).double_value(&[]);
    assert!((spread - 0.2).abs() < 0.03, "noise std {spread}");
}

fn err(text: &str) -> String {
    format!("{:#}", parse_csv(text.as_bytes(), "t.csv").err().expect("an error"))
}

#[test]
fn csv_reads_headers_and_remaps_labels() {
    let t = parse_csv("150,4,setosa,versicolor\n1.0,2.0,5\n3,4,7\n5,6,5\n".as_bytes(), "t.csv").unwrap();
    assert_eq!((t.rows, t.cols), (3, 2));
    assert_eq!(t.labels, vec![0, 1, 0]);
    assert_eq!(t.classes, vec![5.0, 7.0]);
    assert_eq!(Vec::<f64>::try_from(t.features.view([-1])).unwrap(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
}

#[test]
fn csv_errors_name_the_line() {
    assert_eq!(err("1,2,0\n1,2\n"), "t.csv:2: expected 3 fields like the first row, found 2");
    assert_eq!(err("1,2,0\n1,x,1\n"), "t.csv:2: field 2 (\"x\") is not a finite number");
    assert_eq!(err("1,2,0\n\n1,2,1\n"), "t.csv:2: empty row");
    assert_eq!(err("1,2,0.5\n"), "t.csv:1: label 0.5 in the last column is not a whole number");
    assert_eq!(err("a,b,c\n"), "t.csv: no data rows");
    assert_eq!(
        err("1,2,0\n3,4,0\n"),
        "t.csv: every row has label 0; classification needs at least two classes"
    );
    assert_eq!(err("1,2,0\n1,nan,1\n"), "t.csv:2: field 2 (\"nan\") is not a finite number");
}
