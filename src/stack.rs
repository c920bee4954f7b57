//! The sizes that make up the kernels' stack frames, in two sets: the
//! interpolation kernels' fixed tables and row buffers, conv_transpose's
//! on-stack panel, tap lists and tile shapes.
//!
//! Hosts take the large set: long tables are refilled less often (the
//! general interpolation kernel's frame is about 50 KiB). Firmware
//! (`target_os = "none"`) takes the small set (interpolation tables an
//! eighth of each length; conv_transpose keeps no panel on the stack and
//! one vector per tile), so that no kernel's frame passes a few KiB on
//! `thumbv7em-none-eabihf`: a Cortex-M task stack is often 1-8 KiB and
//! overflows without a fault. The results are the same either way, within
//! each op's tolerance (the tables only cover fewer outputs at a time).
//! `RUSTFLAGS="--cfg upsample_small_stack"` selects the small set on a
//! host, which is how its tests run there.

/// Whether this build takes the small set.
pub(crate) const SMALL: bool = cfg!(any(target_os = "none", upsample_small_stack));

/// `large` on hosts, `small` where [`SMALL`].
pub(crate) const fn pick(large: usize, small: usize) -> usize {
    if SMALL { small } else { large }
}
