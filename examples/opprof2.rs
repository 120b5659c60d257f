use tch::{Kind, Tensor, Device};
use std::time::Instant;
fn t<F: FnMut()>(name: &str, mut f: F) { for _ in 0..1000 { f() } let s = Instant::now(); for _ in 0..20000 { f() } println!("{name:40} {:8.2} us", s.elapsed().as_secs_f64() / 20000.0 * 1e6); }
fn main() {
    tch::set_num_threads(1);
    let h = std::env::args().nth(1).unwrap().parse::<i64>().unwrap();
    let o = (Kind::Double, Device::Cpu);
    let x = Tensor::randn([200, 2], o); let a1 = Tensor::randn([200, h], o); let d3 = Tensor::randn([200, 2], o); let d2 = Tensor::randn([200, h], o);
    let b1 = Tensor::randn([h], o); let b2 = Tensor::randn([2], o);
    // A: contiguous [in,out]
    let w1 = Tensor::randn([2, h], o); let w2 = Tensor::randn([h, 2], o);
    let dw1 = w1.zeros_like(); let dw2 = w2.zeros_like();
    // B: stored [out,in], exposed transposed
    let w1s = Tensor::randn([h, 2], o); let w2s = Tensor::randn([2, h], o);
    let w1v = w1s.tr(); let w2v = w2s.tr();
    let dw1s = w1s.zeros_like(); let dw2s = w2s.zeros_like(); let dw1v = dw1s.tr(); let dw2v = dw2s.tr();
    t("A z1 addmm(x,w1)", || { let _ = b1.addmm(&x, &w1); });
    t("B z1 addmm(x,w1v)", || { let _ = b1.addmm(&x, &w1v); });
    t("A z2 addmm(a1,w2)", || { let _ = b2.addmm(&a1, &w2); });
    t("B z2 addmm(a1,w2v)", || { let _ = b2.addmm(&a1, &w2v); });
    t("A dW2 a1.tr().mm_out(dw2,d3)", || { let _ = a1.tr().mm_out(&dw2, &d3); });
    t("B dW2 a1.tr().mm_out(dw2v,d3)", || { let _ = a1.tr().mm_out(&dw2v, &d3); });
    t("B' dW2s d3.tr().mm_out(dw2s,a1)", || { let _ = d3.tr().mm_out(&dw2s, &a1); });
    t("A dW1 x.tr().mm_out(dw1,d2)", || { let _ = x.tr().mm_out(&dw1, &d2); });
    t("B dW1 x.tr().mm_out(dw1v,d2)", || { let _ = x.tr().mm_out(&dw1v, &d2); });
    t("B' dW1s d2.tr().mm_out(dw1s,x)", || { let _ = d2.tr().mm_out(&dw1s, &x); });
    t("A d3 mm w2.tr()", || { let _ = d3.mm(&w2.tr()); });
    t("B d3 mm w2v.tr()", || { let _ = d3.mm(&w2v.tr()); });
    let mut z = Tensor::randn([200, h], o);
    t("tanh in place via sigmoid", || { let _ = z.g_mul_scalar_(2.0).sigmoid_().g_mul_scalar_(2.0).g_sub_scalar_(1.0); });
    t("log_softmax exp_", || { let _ = d3.log_softmax(1, None).exp_(); });
    t("softmax f32", || { let _ = d3.softmax(1, Kind::Double); });
}
