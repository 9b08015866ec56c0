//! The web assets (`web/*/dist`) are embedded in the binary. Make sure the
//! folders exist so a Rust-only build works before `npm run build` ran, and
//! rebuild when the assets change.

fn main() {
    for dir in ["../../web/widget/dist", "../../web/dashboard/dist"] {
        let _ = std::fs::create_dir_all(dir);
        println!("cargo:rerun-if-changed={dir}");
    }
}
