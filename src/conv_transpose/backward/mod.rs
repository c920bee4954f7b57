//! The backward of `torch.nn.functional.conv_transpose{1,2,3}d`: the
//! gradients of the loss with respect to its input, weight and bias, given
//! the gradient `grad_output` with respect to its output.
//!
//! ```text
//! grad_input[n, ci, i]       = sum over co in ci's group, taps t with o = i*stride + t*dilation - padding inside:
//!                                  grad_output[n, co, o] * weight[ci, co_local, t]
//! grad_weight[ci, co_local, t] = sum over n, i with o inside: input[n, ci, i] * grad_output[n, co, o]
//! grad_bias[co]              = sum over n, o of grad_output[n, co, o]
//! ```
//!
//! `grad_input` is a strided convolution of `grad_output` by the same
//! weight ([`input`]), `grad_weight` a reduction over the batch and the
//! input positions ([`weight`]), both register-blocked with lanes over
//! channels; depthwise calls have their own loops ([`depthwise`]).

use super::{MAX_VECTORS, NR_ONE, NR_TWO, STACK_PANEL, WIDEST_LANES, tile};
use crate::error::{Buffer, Error};
use crate::geometry::conv_transpose::{ConvTransposeGeometry, ConvTransposeOptions};
use crate::geometry::conv_transpose_backward::{
    BackwardOperands, ConvTransposeGradients, conv_transpose_backward_entry_point,
};
use crate::layout::Layout;
use crate::simd::{Lane, Native};
use wide::{f32x4, f32x8, f32x16};

mod bias;
mod depthwise;
mod depthwise_planar;
mod input;
mod weight;

/// The tile shapes of a backward call and the scratch they use.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// Lanes and lane vectors over input channels (`grad_input`).
    input_tile: (usize, usize),
    /// Lanes and lane vectors over output channels (`grad_weight`).
    weight_tile: (usize, usize),
    /// Depthwise (`C_in == groups == C_out`): lanes over all channels.
    depthwise: bool,
    /// `f32`s of scratch `grad_input` needs (panel first).
    input_len: usize,
    /// `f32`s of its packed weight panel.
    input_panel: usize,
    /// `f32`s of scratch `grad_weight` needs (accumulators first).
    weight_len: usize,
    /// `f32`s of its accumulator panel.
    weight_panel: usize,
}

/// `a * b`, saturating (sizes of calls the geometry accepts never saturate
/// in products of two of their sizes; [`conv_transpose_backward_scratch_bound`]
/// saturates on bad calls).
const fn mul(a: usize, b: usize) -> usize {
    a.saturating_mul(b)
}

/// The plan of a build with `native` lanes (4, 8 or 16) and tiles of at
/// most `max_vectors` (1 or 2) vectors from the sizes alone: `const`, so
/// the bound shares it. `in_plane` and `out_plane` are the spatial element
/// counts of the forward's input and output.
#[allow(clippy::too_many_arguments)]
const fn plan(
    c_in: usize,
    groups: usize,
    m: usize,
    kvol: usize,
    in_plane: usize,
    out_plane: usize,
    channels_first: bool,
    (native, max_vectors): (usize, usize),
) -> Plan {
    let kc = match c_in.checked_div(groups) {
        Some(kc) => kc,
        None => 0,
    };
    let depthwise = c_in == groups && m == 1;
    if depthwise {
        let (lanes, _) = tile(c_in, native, max_vectors);
        let width = mul(c_in.div_ceil(lanes), lanes);
        let panel = mul(kvol, width);
        let staging = if channels_first {
            mul(c_in, in_plane.saturating_add(out_plane))
        } else {
            0
        };
        let len = panel.saturating_add(staging);
        return Plan {
            input_tile: (lanes, 1),
            weight_tile: (lanes, 1),
            depthwise,
            input_len: len,
            input_panel: panel,
            weight_len: len,
            weight_panel: panel,
        };
    }
    // AVX-512 has the registers for four vectors of input channels by six
    // positions (24 accumulators; ten loads per 24 multiply-adds where two
    // by eight take ten per 16).
    let input_tile = if native == 16 && kc >= 64 && max_vectors >= 2 {
        (16, 4)
    } else {
        tile(kc, native, max_vectors)
    };
    let weight_tile = tile(m, native, max_vectors);
    let input_panel = mul(mul(kvol, m), input_tile.0 * input_tile.1);
    let wide = weight_tile.0 * weight_tile.1;
    let weight_panel = mul(mul(kvol, kc), mul(m.div_ceil(wide), wide));
    // Channels-first runs one image and group at a time in channels-last
    // order: grad_output's `m` channels and the input's (or grad_input's)
    // `kc` transposed to `[position][channel]`, none for one channel.
    let (gout, x) = if channels_first {
        (
            if m > 1 { mul(m, out_plane) } else { 0 },
            if kc > 1 { mul(kc, in_plane) } else { 0 },
        )
    } else {
        (0, 0)
    };
    Plan {
        input_tile,
        weight_tile,
        depthwise,
        input_len: input_panel.saturating_add(gout).saturating_add(x),
        input_panel,
        weight_len: weight_panel.saturating_add(gout).saturating_add(x),
        weight_panel,
    }
}

impl Plan {
    fn new(g: &ConvTransposeGeometry, native: usize) -> Result<Plan, Error> {
        let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
        let p = plan(
            g.input.c,
            g.groups,
            g.out_per_group,
            kvol,
            g.input.plane(),
            g.output.plane(),
            g.input.layout == Layout::ChannelsFirst,
            (native, MAX_VECTORS),
        );
        if p.input_len == usize::MAX || p.weight_len == usize::MAX {
            return Err(Error::Overflow {
                what: "the conv_transpose_backward scratch length",
            });
        }
        Ok(p)
    }

    /// The scratch the caller must pass: 0 when it fits the stack panel.
    const fn scratch_len(&self) -> usize {
        let len = self.whole_len();
        if len > STACK_PANEL { len } else { 0 }
    }

    /// The scratch of the larger pass, counted whole even where it would
    /// fit the stack panel.
    const fn whole_len(&self) -> usize {
        if self.input_len > self.weight_len {
            self.input_len
        } else {
            self.weight_len
        }
    }
}

/// The scratch length (in `f32`s) [`conv_transpose_backward`] needs for
/// this problem on this build; pass at least this many elements (0 when it
/// fits 512 `f32`s, which then live on the stack; firmware, `target_os =
/// "none"`, keeps none there). It depends on the SIMD
/// width `L` (16 with AVX-512F, 8 with AVX, 4 otherwise);
/// [`conv_transpose_backward_scratch_bound`] suffices on every build.
///
/// With `kc = C_in / groups`, `m = C_out / groups`, `K` the kernel volume and
/// `B(c)` = 4 if `c <= 4`, 8 if `c <= 8` (with AVX), `L` if `c <= L`, else `2 L`:
///
/// ```text
/// grad_input:  K * m * B(kc)                  (one group's weights for a block of input channels;
///                                              B(kc) = 64 if kc >= 64 with AVX-512F)
/// grad_weight: K * kc * round_up(m, B(m))     (one group's weight gradient, accumulated)
/// channels-first adds to each: m * output plane (if m > 1) + kc * input plane (if kc > 1)
/// depthwise (groups == C_in, m == 1): K * round_up(C_in, B(C_in)) + channels-first C_in * (input + output plane)
/// scratch = the larger of the two
/// ```
///
/// ```
/// use upsample::{conv_transpose_backward_scratch_len, ConvTransposeOptions, Layout};
/// let opts = ConvTransposeOptions::new().with_stride(&[2]).with_padding(&[1]);
/// let len = conv_transpose_backward_scratch_len(&[1, 64, 8, 8], Layout::ChannelsLast, &[64, 32, 4, 4], &opts)?;
/// assert!(len >= 16 * 64 * 32);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`conv_transpose_output_shape`](crate::conv_transpose_output_shape).
pub fn conv_transpose_backward_scratch_len(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<usize, Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    Ok(Plan::new(&g, Native::LANES)?.scratch_len())
}

/// A scratch length that suffices for [`conv_transpose_backward`] on every
/// build, whatever its SIMD width: a `const fn` of
/// [`conv_transpose_backward_scratch_len`]'s arguments: that function's
/// need on the widest build (AVX-512F), counted whole even where that
/// build would keep it on the stack (firmware keeps none), so the same on
/// every target. For a call the op rejects the value is unspecified; it
/// never panics.
///
/// ```
/// use upsample::{conv_transpose_backward_scratch_bound, ConvTransposeOptions, Layout};
/// const OPTS: ConvTransposeOptions<'static> = ConvTransposeOptions::new().with_stride(&[2]);
/// const LEN: usize = conv_transpose_backward_scratch_bound(&[1, 8, 4, 4], Layout::ChannelsLast, &[8, 4, 2, 2], &OPTS);
/// static mut SCRATCH: [f32; LEN] = [0.0; LEN];
/// ```
pub const fn conv_transpose_backward_scratch_bound(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> usize {
    let nd = shape.len();
    if nd < 3 || nd > 5 || weight_shape.len() != nd || options.groups == 0 {
        return 0;
    }
    let (mut kvol, mut in_plane, mut out_plane) = (1usize, 1usize, 1usize);
    let mut axis = 0;
    while axis < nd - 2 {
        let k = weight_shape[2 + axis];
        let input = shape[2 + axis];
        let reach = input
            .saturating_sub(1)
            .saturating_mul(super::value_on(options.stride, axis, 1))
            .saturating_add(
                super::value_on(options.dilation, axis, 1).saturating_mul(k.saturating_sub(1)),
            )
            .saturating_add(super::value_on(options.output_padding, axis, 0))
            .saturating_add(1);
        let out = reach.saturating_sub(super::value_on(options.padding, axis, 0).saturating_mul(2));
        kvol = kvol.saturating_mul(k);
        in_plane = in_plane.saturating_mul(input);
        out_plane = out_plane.saturating_mul(out);
        axis += 1;
    }
    let channels_first = matches!(layout, Layout::ChannelsFirst);
    plan(
        shape[1],
        options.groups,
        weight_shape[1],
        kvol,
        in_plane,
        out_plane,
        channels_first,
        // Two vectors, as on hosts: the bound is the same on every target.
        (WIDEST_LANES, 2),
    )
    .whole_len()
}

conv_transpose_backward_entry_point! {
/// The backward of [`conv_transpose`](crate::conv_transpose): the
/// gradients with respect to its input, weight and bias that `gradients`
/// asks for, given `grad_output`, the gradient with respect to its output.
///
/// `shape` is the forward input's logical shape `(N, C_in, spatial...)`
/// (1 to 3 spatial dims) and `input` that input in `layout`; `weight` is
/// PyTorch's `(C_in, C_out / groups, k...)` (`weight_shape`) whatever the
/// layout; `grad_output` has
/// [`conv_transpose_output_shape`](crate::conv_transpose_output_shape)`(shape, weight_shape, options)`
/// in `layout`. `gradients.input` gets `shape` in `layout`,
/// `gradients.weight` gets `weight_shape`, `gradients.bias` `C_out`
/// elements; each is overwritten, not accumulated into. `input` is read
/// only for the weight gradient, `weight` only for the input gradient.
/// `scratch` holds at least [`conv_transpose_backward_scratch_len`]
/// elements ([`conv_transpose_backward_scratch_bound`] on every build).
///
/// Each element is a sum of `K` products (`grad_input`: `C_out/groups *`
/// taps; `grad_weight`: `N *` input positions; `grad_bias`: `N *` output
/// positions) summed in a fixed order: the same inputs give the same bits
/// on every call, and the result does not depend on the lane width but for
/// fused multiply-adds where the build has FMA. It is within
/// `K * 2^-23 * sum |products|` of the exact sum, as is PyTorch's.
///
/// ```
/// use upsample::{conv_transpose_backward, conv_transpose_backward_scratch_len};
/// use upsample::{ConvTransposeGradients, ConvTransposeOptions, Layout};
/// // (1, 1, 2) input, (1, 1, 2) kernel, stride 2: output (1, 1, 4).
/// let opts = ConvTransposeOptions::new().with_stride(&[2]);
/// let (mut gi, mut gw, mut gb) = ([0.0; 2], [0.0; 2], [0.0; 1]);
/// let grads = ConvTransposeGradients { input: Some(&mut gi), weight: Some(&mut gw), bias: Some(&mut gb) };
/// let layout = Layout::ChannelsFirst;
/// let mut scratch = vec![0.0; conv_transpose_backward_scratch_len(&[1, 1, 2], layout, &[1, 1, 2], &opts)?];
/// conv_transpose_backward(&[1.0, 2.0, 3.0, 4.0], &[1.0, 10.0], &[1, 1, 2], layout,
///     &[1.0, 0.5], &[1, 1, 2], &opts, grads, &mut scratch)?;
/// assert_eq!((gi, gw, gb), ([2.0, 5.0], [31.0, 42.0], [10.0]));
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`conv_transpose`](crate::conv_transpose), with [`Error::BufferLength`]
/// for `grad_output` ([`Buffer::GradOutput`](crate::Buffer::GradOutput)),
/// `input`, `weight`, each given gradient ([`Buffer::GradInput`](crate::Buffer::GradInput),
/// [`Buffer::GradWeight`](crate::Buffer::GradWeight), [`Buffer::GradBias`](crate::Buffer::GradBias))
/// and `scratch`. On `Err` nothing has been written.
pub fn conv_transpose_backward = backward
}

/// [`conv_transpose_backward`] on a checked call: the scratch checked, then
/// kernels that cannot fail.
pub(crate) fn backward(
    operands: BackwardOperands<'_>,
    gradients: ConvTransposeGradients<'_>,
    scratch: &mut [f32],
) -> Result<(), Error> {
    let g = operands.g;
    let plan = Plan::new(g, Native::LANES)?;
    let needed = plan.scratch_len();
    if scratch.len() < needed {
        return Err(Error::BufferLength {
            buffer: Buffer::Scratch,
            expected: needed,
            actual: scratch.len(),
        });
    }
    if !g.fast_path_fits() {
        // Paddings, strides or dilations past the fast path's `usize`
        // arithmetic: the scalar twin, which takes them in `u128`.
        crate::reference::conv_transpose_backward::backward(operands, gradients);
        return Ok(());
    }
    let mut stack = [0.0f32; STACK_PANEL];
    let scratch = if needed == 0 { &mut stack[..] } else { scratch };
    if let Some(grad_bias) = gradients.bias {
        bias::grad_bias(g, operands.grad_output, grad_bias);
    }
    if let Some(grad_input) = gradients.input {
        let (panel, staging) = scratch.split_at_mut(plan.input_panel.min(scratch.len()));
        if plan.depthwise {
            match plan.input_tile.0 {
                4 => depthwise::grad_input::<f32x4>(operands, grad_input, panel, staging),
                8 if Native::LANES >= 8 => {
                    depthwise::grad_input::<f32x8>(operands, grad_input, panel, staging)
                }
                _ => depthwise::grad_input::<Native>(operands, grad_input, panel, staging),
            }
        } else {
            input_dispatch(plan.input_tile, operands, grad_input, panel, staging);
        }
    }
    if let Some(grad_weight) = gradients.weight {
        let (panel, staging) = scratch.split_at_mut(plan.weight_panel.min(scratch.len()));
        if plan.depthwise {
            match plan.weight_tile.0 {
                4 => depthwise::grad_weight::<f32x4>(operands, grad_weight, panel, staging),
                8 if Native::LANES >= 8 => {
                    depthwise::grad_weight::<f32x8>(operands, grad_weight, panel, staging)
                }
                _ => depthwise::grad_weight::<Native>(operands, grad_weight, panel, staging),
            }
        } else {
            weight_dispatch(plan.weight_tile, operands, grad_weight, panel, staging);
        }
    }
    Ok(())
}

/// The gradients' tile width of [`MAX_VECTORS`] vectors (the forward's
/// small-stack builds narrow theirs to its narrow tiles; these keep
/// [`NR_ONE`]).
const NR_GRADIENT_LAST: usize = if MAX_VECTORS == 2 { NR_TWO } else { NR_ONE };

/// Runs [`input::grad_input`] with the tile `(lanes, vectors)`.
fn input_dispatch(
    tile: (usize, usize),
    operands: BackwardOperands<'_>,
    out: &mut [f32],
    panel: &mut [f32],
    staging: &mut [f32],
) {
    match tile {
        // Guarded by the build's width, which the plan never exceeds: a
        // 4-lane build (firmware) links no wider kernel.
        (4, 1) => input::grad_input::<f32x4, 1, NR_ONE>(operands, out, panel, staging),
        (8, 1) if Native::LANES >= 8 => {
            input::grad_input::<f32x8, 1, NR_ONE>(operands, out, panel, staging)
        }
        (16, 1) if Native::LANES >= 16 => {
            input::grad_input::<f32x16, 1, NR_ONE>(operands, out, panel, staging)
        }
        (16, 4) if Native::LANES >= 16 => {
            input::grad_input::<f32x16, 4, 6>(operands, out, panel, staging)
        }
        // Two vectors; one on small-stack builds, whose plans have no other.
        _ => input::grad_input::<Native, MAX_VECTORS, NR_GRADIENT_LAST>(
            operands, out, panel, staging,
        ),
    }
}

/// Runs [`weight::grad_weight`] with the tile `(lanes, vectors)`.
fn weight_dispatch(
    tile: (usize, usize),
    operands: BackwardOperands<'_>,
    out: &mut [f32],
    panel: &mut [f32],
    staging: &mut [f32],
) {
    match tile {
        // Guarded as in `input_dispatch`.
        (4, 1) => weight::grad_weight::<f32x4, 1, NR_ONE>(operands, out, panel, staging),
        (8, 1) if Native::LANES >= 8 => {
            weight::grad_weight::<f32x8, 1, NR_ONE>(operands, out, panel, staging)
        }
        (16, 1) if Native::LANES >= 16 => {
            weight::grad_weight::<f32x16, 1, NR_ONE>(operands, out, panel, staging)
        }
        _ => weight::grad_weight::<Native, MAX_VECTORS, NR_GRADIENT_LAST>(
            operands, out, panel, staging,
        ),
    }
}
