//! The lengths of the interpolation kernels' fixed tables and row buffers,
//! which make up their stack frames, in two sets.
//!
//! Hosts take the large set: long tables are refilled less often (the
//! general kernel's frame is about 50 KiB). Firmware (`target_os =
//! "none"`) takes the small set, an eighth of each length, so that no
//! kernel's frame passes a few KiB on `thumbv7em-none-eabihf`: a Cortex-M
//! task stack is often 1-8 KiB and overflows without a fault. The results
//! are the same either way, within each mode's tolerance (the tables only
//! cover fewer outputs at a time). `RUSTFLAGS="--cfg upsample_small_stack"`
//! selects the small set on a host, which is how its tests run there.

/// Whether this build takes the small set.
pub(crate) const SMALL: bool = cfg!(any(target_os = "none", upsample_small_stack));

/// `large` on hosts, `small` where [`SMALL`].
pub(crate) const fn pick(large: usize, small: usize) -> usize {
    if SMALL { small } else { large }
}
