//! One `interpolate` call split across threads with `std::thread::scope`
//! and `upsample::part` (no rayon): the whole call's units cut into one
//! run per thread, each thread writing its own piece of the output.
//!
//! ```sh
//! cargo run --release --example threads
//! ```

use std::thread;
use std::time::{Duration, Instant};
use upsample::{InterpolateMode, InterpolateOptions, Layout, part};

fn main() -> Result<(), upsample::Error> {
    let (shape, layout) = ([1, 64, 128, 128], Layout::ChannelsFirst);
    let opts = InterpolateOptions::scale_factor(InterpolateMode::Bicubic, 2.0);
    let input: Vec<f32> = (0..64 * 128 * 128).map(|k| (k % 251) as f32).collect();
    let out_len = upsample::interpolate_output_shape(&shape, &opts)?.numel();

    // One thread: the plain call (the best of 5; the first touches the
    // output's pages).
    let mut whole = vec![0.0; out_len];
    let mut one = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        upsample::interpolate(&input, &shape, layout, &opts, &mut whole)?;
        one = one.min(start.elapsed());
    }

    // Every thread: the units (here the 64 planes) in one run per thread.
    let threads = thread::available_parallelism().map_or(2, |n| n.get());
    let units = part::interpolate_units(&shape, layout, &opts)?;
    let per_part = units.count.div_ceil(threads);
    let mut split = vec![0.0; out_len];
    let mut many = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        thread::scope(|s| {
            let (input, shape, opts) = (&input, &shape, &opts);
            let handles: Vec<_> = split
                .chunks_mut(per_part * units.len)
                .enumerate()
                .map(|(k, piece)| {
                    s.spawn(move || {
                        part::interpolate(input, shape, layout, opts, k * per_part, piece)
                    })
                })
                .collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().expect("a part panicked"))
        })?;
        many = many.min(start.elapsed());
    }

    let same = whole
        .iter()
        .zip(&split)
        .all(|(a, b)| a.to_bits() == b.to_bits());
    println!(
        "bicubic x2 of {shape:?}: 1 thread {one:?}, {threads} threads {many:?} \
         ({} units of {} floats); the same bits: {same}",
        units.count, units.len
    );
    assert!(same, "the parts differ from the whole call");
    Ok(())
}
