use tch::{Kind, Tensor, Device};
use std::time::Instant;
fn t<F: FnMut()>(name: &str, mut f: F) { for _ in 0..1000 { f() } let s = Instant::now(); for _ in 0..20000 { f() } println!("{name:40} {:8.2} us", s.elapsed().as_secs_f64() / 20000.0 * 1e6); }
fn main() {
    tch::set_num_threads(1);
    let o = (Kind::Double, Device::Cpu);
    let z = Tensor::randn([200, 2], o); let zt = Tensor::randn([2, 200], o);
    t("softmax(1) [200,2]", || { let _ = z.softmax(1, None); });
    t("softmax(0) [2,200]", || { let _ = zt.softmax(0, None); });
    t("log_softmax(0).exp_ [2,200]", || { let _ = zt.log_softmax(0, None).exp_(); });
    t("_softmax(1)", || { let _ = z.internal_softmax(1, false); });
    t("exp_ [200,2] copy", || { let _ = z.exp(); });
    let e = z.exp();
    t("sum_dim keepdim", || { let _ = e.sum_dim_intlist(1, true, None); });
    t("div", || { let _ = &e / &e; });
    t("z.tr().softmax(0)", || { let _ = z.tr().softmax(0, None); });
    let w = Tensor::randn([2,50],o); let a = Tensor::randn([200,50],o); let b = Tensor::randn([2,1],o);
    t("z2t = b.addmm(w, a.tr()) [2,200]", || { let _ = b.addmm(&w, &a.tr()); });
    let zf = z.to_kind(Kind::Float);
    t("softmax(1) f32 [200,2]", || { let _ = zf.softmax(1, None); });
}
