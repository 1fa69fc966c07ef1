//! `hello`: the binary that muslrust-chef-action builds into a static musl image.

use std::hint::black_box;
use std::thread;

// musl's built-in malloc is slow when several threads allocate at once
// (it serialises on a global lock), so multi-threaded Rust programs can be
// much slower on musl than on glibc. Using mimalloc as the global allocator
// avoids that; see https://github.com/clux/muslrust/issues/142.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const THREADS: usize = 4;
const ALLOCS_PER_THREAD: usize = 2_000;

/// Many small, short-lived allocations: the pattern where the allocator matters.
fn churn(seed: usize) -> usize {
    let mut total = 0;
    for i in 0..ALLOCS_PER_THREAD {
        let buf = black_box(vec![(seed + i) as u8; 16 + i % 240]);
        let text = black_box(format!("{seed}-{i}"));
        total += buf.len() + text.len();
    }
    total
}

fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "world".to_string());
    println!("{}", greeting::greeting(&name));
    println!("arch: {}", std::env::consts::ARCH);

    let workers: Vec<_> = (0..THREADS)
        .map(|t| thread::spawn(move || churn(t)))
        .collect();
    let bytes: usize = workers
        .into_iter()
        .map(|w| w.join().expect("allocation worker panicked"))
        .sum();
    black_box(bytes);
}
