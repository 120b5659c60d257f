fn main() {
    eprintln!("mnist_dcn: not built yet");
    std::process::exit(2);
}
