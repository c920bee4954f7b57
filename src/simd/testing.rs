//! What the kernels' unit tests share: every test of a kernel generic over
//! the lane type runs it at each width (a width wider than the host's
//! vectors runs as two or four of them), and most compare its output with
//! the reference's bit for bit.

/// Defines the test module `$name` with one `#[test]` per lane width,
/// `f32x4`, `f32x8` and `f32x16`, each running `$body` with the type
/// `$lane` set to that width.
macro_rules! test_every_width {
    ($(#[$attr:meta])* mod $name:ident: |$lane:ident| $body:block) => {
        $(#[$attr])*
        mod $name {
            use super::*;

            #[test]
            fn f32x4() {
                type $lane = wide::f32x4;
                $body
            }

            #[test]
            fn f32x8() {
                type $lane = wide::f32x8;
                $body
            }

            #[test]
            fn f32x16() {
                type $lane = wide::f32x16;
                $body
            }
        }
    };
}
pub(crate) use test_every_width;

/// Asserts that `got` and `want` hold the same bits (NaN payloads and the
/// sign of zero included), naming the first element that differs and
/// `case`.
#[track_caller]
pub(crate) fn assert_same_bits(got: &[f32], want: &[f32], case: core::fmt::Arguments<'_>) {
    assert_eq!(got.len(), want.len(), "{case}: lengths");
    for (j, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.to_bits(), w.to_bits(), "{case} at {j}: {g} vs {w}");
    }
}
