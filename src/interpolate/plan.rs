//! Which kernel runs an interpolation: chosen once per call, from the
//! checked geometry, its per-axis windows and the build's lanes, in this
//! order (the first that takes the problem runs it):
//!
//! 1. [`Kernel::CopyX2`]: nearest or nearest-exact whose W axis doubles
//!    every column: each source row written with every element twice. No
//!    tables, no arithmetic.
//! 2. [`Kernel::CopyX4OrHalf`]: nearest or nearest-exact, one element per
//!    pixel, whose W axis repeats every column four times or takes every
//!    other one: each source row written with every element four times, or
//!    every other element. No tables, no arithmetic.
//! 3. [`Kernel::CopyPixels`]: nearest or nearest-exact at any other
//!    scale: each output pixel (channels-first: element) copied from the
//!    input pixel its window reads.
//! 4. [`Kernel::PermutedRows`] first where the target's permuted blocks
//!    take repeating windows (16 lanes with a one-instruction permute),
//!    which beat the x2 blend there (see 8).
//! 5. [`Kernel::BlendX2`]: linear, bilinear, bicubic, trilinear (or any
//!    window of 2 or 4 taps) whose W axis doubles with the same two
//!    weight sets off the edges: a pair of outputs per input column, the
//!    shifted windows taken by constant lane shuffles, no per-column
//!    weights; also the rows too wide for the permuted rows' one column
//!    table.
//! 6. [`Kernel::SlidingChannelsLast`]: channels-last W windows of 2 or 4
//!    taps at any scale, with whole vectors of channels: the vertical
//!    blends of the input pixels an output reads kept in registers and
//!    rolled along the row.
//! 7. [`Kernel::FourPlanesChannelsFirst`]: on targets without a
//!    one-instruction lane permute (x86_64's SSE2, the portable builds),
//!    channels-first W windows of 2 to 4 taps, four planes at a time so
//!    that each output column is one multiply-add per tap for all four
//!    (with vector registers, not 1-d rows of fewer than four planes, nor
//!    images of one or two planes whose rows the general pass serves with
//!    a periodic run, where most lanes would idle: the general pass takes
//!    them).
//! 8. [`Kernel::PermutedRows`]: with the permute, channels-first rows of at
//!    most one column table (256 outputs) of 2- or 4-tap windows every
//!    block of which lies in one vector of inputs: each output row
//!    straight from its blended source rows, a permute per tap.
//! 9. [`Kernel::FourPlanesChannelsFirst`] again, with the permute, where
//!    the general pass's horizontal pass would not vectorise the row
//!    ([`general_rows_are_slow`]) and there are four planes or more.
//! 10. [`Kernel::General`]: everything else the stack tables hold (windows
//!     up to 64 taps, 64 source rows): a vertical sum per output row, then
//!     the horizontal pass (periodic runs, permuted blocks, masked edges).
//! 11. [`Kernel::Scalar`]: windows too wide for the tables (antialiased
//!     downscales past ~10x, area past ~60x): the reference on the checked
//!     geometry.
//!
//! Each kernel's `fits` states exactly what it takes; `run` then cannot
//! decline. The choice depends on the build only through [`Target`], so
//! tests pin it for every lane width on any host.

#[cfg(feature = "specialised-kernels")]
use super::blocks::block_fit;
use super::exact::every_output;
#[cfg(feature = "specialised-kernels")]
use super::kernels::{
    blend_x2, copy_pixels, copy_x4_or_half, four_planes_channels_first, permuted_rows,
    sliding_channels_last,
};
use super::kernels::{copy_x2, general};
#[cfg(feature = "specialised-kernels")]
use super::windows::table::{ColumnTable, Regular, W_CHUNK, find_regular};
use super::windows::{AxisWindows, Call, Part, Problem};
#[cfg(feature = "specialised-kernels")]
use crate::layout::Layout;
use crate::layout::MAX_SPATIAL;
use crate::simd::{Permute, VECTOR_REGISTERS};

/// What the plan needs to know of the build's vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// `f32` lanes per vector.
    pub lanes: usize,
    /// Whether a run-time lane permute is one instruction
    /// ([`Permute::PERMUTE`]).
    pub permute: bool,
    /// Whether the vectors are vector registers ([`VECTOR_REGISTERS`]).
    pub registers: bool,
}

impl Target {
    /// The target of lane type `L` in this build.
    pub fn of<L: Permute>() -> Target {
        Target {
            lanes: L::LANES,
            permute: L::PERMUTE,
            registers: VECTOR_REGISTERS,
        }
    }

    /// Whether the x2 blend and four planes serve channels-first images (2
    /// or 3 spatial axes): not without vector registers, where their
    /// shuffles and register blocks of rows ran up to 2.2x more
    /// instructions than the general pass on a Cortex-M4
    /// (`scripts/firmware-speed.sh`); the x2 blend still won on 1-d rows.
    #[cfg(feature = "specialised-kernels")]
    fn blocks_channels_first_images(&self) -> bool {
        self.registers
    }

    /// Whether the permuted blocks also take windows that repeat (x2, x4),
    /// which the x2 kernels and the periodic runs serve otherwise: with 16
    /// lanes a block serves twice the outputs of 8 for the same work, and
    /// beat the x2 kernel there; with 8 it lost.
    pub fn permutes_repeating_windows(&self) -> bool {
        self.permute && self.lanes >= 16
    }
}

/// The general pass's first column table of `p`'s rows, the span of
/// inputs its windows read, and its periodic run with `target`'s lanes
/// (x2, x4, x0.5: windows that repeat), if any.
#[cfg(feature = "specialised-kernels")]
fn first_column_table(p: &Problem<'_>, target: Target) -> (ColumnTable, usize, Option<Regular>) {
    let aw = &p.axes[2];
    let (ow, iw) = (p.o.spatial[2], p.i.spatial[2]);
    let mut wt = ColumnTable::new(aw.taps());
    let (lo, hi) = wt.fill(aw, 0, ow.min(W_CHUNK), iw);
    let regular = find_regular(&wt, target.lanes);
    (wt, hi - lo, regular)
}

/// Whether the general pass's horizontal pass, on a channels-first row of
/// `p` with `target`'s lanes, would leave most outputs to its scalar loop
/// or take a path that measured slower than four planes, judged on the
/// first column table:
/// - no periodic run and fewer than half its blocks of outputs within one
///   vector of inputs (downscales by less than 2 that are not periodic,
///   such as x0.875 or area to 7/16, or rows narrower than a vector): one
///   output at a time;
/// - a periodic run of 4 phases (x4) on fewer than 16 lanes (with 16 the
///   run wins).
///
/// Four planes waste a quarter to three quarters of their work below four
/// planes, where the general pass won in every case measured. The figures
/// are in the commit that made this choice.
#[cfg(feature = "specialised-kernels")]
#[inline(never)]
fn general_rows_are_slow(p: &Problem<'_>, target: Target) -> bool {
    let (wt, span, regular) = first_column_table(p, target);
    let lanes = target.lanes;
    if let Some(r) = regular {
        return r.phases == 4 && lanes < 16;
    }
    let fit = |k: usize| match p.axes[2].taps() {
        2 => block_fit::<2>(&wt.offset, k * lanes, lanes, span).is_some(),
        4 => block_fit::<4>(&wt.offset, k * lanes, lanes, span).is_some(),
        _ => false,
    };
    let blocks = wt.len / lanes;
    2 * (0..blocks).filter(|&k| fit(k)).count() < blocks.max(1)
}

/// Whether the general pass serves `p`'s rows with a periodic run of 1 or
/// 2 phases (x0.5, x2), vectorised without a permute: on one or two
/// planes it beats four planes, which leave half their lanes or more
/// idle. (On three it lost on wide rows, which it takes in strips of
/// [`W_CHUNK`] columns.)
#[cfg(feature = "specialised-kernels")]
#[inline(never)]
fn general_rows_are_periodic(p: &Problem<'_>, target: Target) -> bool {
    let (_, _, regular) = first_column_table(p, target);
    regular.is_some_and(|r| r.phases <= 2)
}

/// The kernel that runs one interpolation (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// `kernels/copy_x2.rs`.
    CopyX2,
    /// `kernels/copy_x4_or_half.rs`.
    #[cfg(feature = "specialised-kernels")]
    CopyX4OrHalf,
    /// `kernels/copy_pixels.rs`.
    #[cfg(feature = "specialised-kernels")]
    CopyPixels,
    /// `kernels/blend_x2.rs`.
    #[cfg(feature = "specialised-kernels")]
    BlendX2,
    /// `kernels/sliding_channels_last.rs`.
    #[cfg(feature = "specialised-kernels")]
    SlidingChannelsLast,
    /// `kernels/four_planes_channels_first.rs`.
    #[cfg(feature = "specialised-kernels")]
    FourPlanesChannelsFirst,
    /// `kernels/permuted_rows.rs`.
    #[cfg(feature = "specialised-kernels")]
    PermutedRows,
    /// `kernels/general/`.
    General,
    /// `reference::interpolate`, on the checked geometry.
    Scalar,
}

impl Kernel {
    /// The first kernel in the module docs' order that takes `g` with the
    /// windows `axes` (`None`: a window wider than the tables) on `target`.
    pub fn choose(
        g: Call<'_>,
        axes: Option<&[AxisWindows; MAX_SPATIAL]>,
        target: Target,
    ) -> Kernel {
        let Some(axes) = axes else {
            return Kernel::Scalar;
        };
        let p = &Problem::new(Part::whole(g, &[]), axes);
        if copy_x2::fits(p) {
            return Kernel::CopyX2;
        }
        #[cfg(not(feature = "specialised-kernels"))]
        let _ = target; // the general kernel takes every problem it fits
        #[cfg(feature = "specialised-kernels")]
        if let Some(kernel) = Kernel::specialised(p, target) {
            return kernel;
        }
        if general::fits(axes) {
            Kernel::General
        } else {
            Kernel::Scalar
        }
    }

    /// The specialised kernel (2-9 in the module docs) that takes `p`, if
    /// any.
    #[cfg(feature = "specialised-kernels")]
    fn specialised(p: &Problem<'_>, target: Target) -> Option<Kernel> {
        // A channels-first plane of more than one output row.
        let image = p.i.layout == Layout::ChannelsFirst && p.o.spatial[0] * p.o.spatial[1] > 1;
        let planes = p.i.n * p.i.c;
        let blocks = target.blocks_channels_first_images() || !image;
        Some(if copy_x4_or_half::fits(p) {
            Kernel::CopyX4OrHalf
        } else if copy_pixels::fits(p) {
            Kernel::CopyPixels
        } else if target.permutes_repeating_windows() && permuted_rows::fits(p, target) {
            // With 16 lanes, the permuted rows beat the x2 blend where
            // they apply (a block serves 16 outputs).
            Kernel::PermutedRows
        } else if blocks && blend_x2::fits(p, target) {
            Kernel::BlendX2
        } else if sliding_channels_last::fits(p, target.lanes) {
            Kernel::SlidingChannelsLast
        } else if blocks
            && !target.permute
            && four_planes_channels_first::fits(p)
            && (planes >= 4
                || !target.registers
                || (image && (planes == 3 || !general_rows_are_periodic(p, target))))
        {
            Kernel::FourPlanesChannelsFirst
        } else if permuted_rows::fits(p, target) {
            Kernel::PermutedRows
        } else if blocks
            && target.permute
            && four_planes_channels_first::fits(p)
            && planes >= 4
            && general_rows_are_slow(p, target)
        {
            Kernel::FourPlanesChannelsFirst
        } else {
            return None;
        })
    }

    /// Runs the kernel with lanes `L` (the lanes it was chosen for, on the
    /// whole call) on `part`, whose planes `input` holds.
    pub fn run<L: Permute>(
        self,
        input: &[f32],
        part: Part<'_>,
        axes: Option<&[AxisWindows; MAX_SPATIAL]>,
        output: &mut [f32],
    ) {
        let Some(axes) = axes.filter(|_| self != Kernel::Scalar) else {
            return every_output(&part, output);
        };
        let p = &Problem::new(part, axes);
        match self {
            Kernel::CopyX2 => copy_x2::run::<L>(input, p, output),
            #[cfg(feature = "specialised-kernels")]
            Kernel::CopyX4OrHalf => copy_x4_or_half::run::<L>(input, p, output),
            #[cfg(feature = "specialised-kernels")]
            Kernel::CopyPixels => copy_pixels::run(input, p, output),
            #[cfg(feature = "specialised-kernels")]
            Kernel::BlendX2 => blend_x2::run::<L>(input, p, output),
            #[cfg(feature = "specialised-kernels")]
            Kernel::SlidingChannelsLast => sliding_channels_last::run::<L>(input, p, output),
            #[cfg(feature = "specialised-kernels")]
            Kernel::FourPlanesChannelsFirst => four_planes_channels_first::run(input, p, output),
            #[cfg(feature = "specialised-kernels")]
            Kernel::PermutedRows => permuted_rows::run::<L>(input, p, output),
            Kernel::General => general::run::<L>(input, p, output),
            Kernel::Scalar => every_output(&part, output),
        }
    }
}
