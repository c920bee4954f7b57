//! Reference transposed convolution: the definition of ATen's
//! `slow_conv_transpose{2,3}d` (`aten/src/ATen/native/NaiveConvolutionTranspose*.cpp`)
//! written as a direct scatter, plus the plain convolution it is the
//! adjoint of (used to test the geometry).

use crate::error::Error;
use crate::geometry::conv_transpose::{
    ConvTransposeGeometry, ConvTransposeOptions, Operands, conv_transpose_entry_point,
};
use crate::layout::{Layout, MAX_SPATIAL, for_each_point};

conv_transpose_entry_point! {
/// Reference twin of [`crate::conv_transpose`].
///
/// ```
/// use upsample::{reference, ConvTransposeOptions, Layout};
/// // One input channel, two output channels, kernel 1: a per-channel scale plus bias.
/// let mut out = [0.0; 4];
/// reference::conv_transpose(&[1.0, 2.0], &[1, 1, 2], Layout::ChannelsFirst, &[10.0, -1.0], &[1, 2, 1], Some(&[0.5, 0.0]), &ConvTransposeOptions::new(), &mut out, &mut [])?;
/// assert_eq!(out, [10.5, 20.5, -1.0, -2.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::conv_transpose`].
pub fn conv_transpose = |operands, output, _scratch| {
    transpose(operands, output);
    Ok(())
}
}

/// [`conv_transpose`] on a checked geometry and buffers (also the fast
/// path's fallback for strides, paddings or dilations past its `usize`
/// arithmetic).
pub(crate) fn transpose(operands: Operands<'_>, output: &mut [f32]) {
    let (g, input) = (operands.g, operands.input);
    let (i, o) = (g.input, g.output);
    for n in 0..o.n {
        for co in 0..o.c {
            let b = operands.bias.map_or(0.0, |b| b[co]);
            for_each_point(o.spatial, |op| output[o.offset(n, co, op)] = b);
        }
    }
    for n in 0..i.n {
        for ci in 0..i.c {
            for_each_point(i.spatial, |ip| {
                let x = input[i.offset(n, ci, ip)];
                each_tap(g, ci, ip, |co, op, w| {
                    output[o.offset(n, co, op)] += x * operands.weight[w];
                });
            });
        }
    }
}

/// Calls `f(co, op, w)` for every output channel `co` of input channel
/// `ci`'s group and kernel tap that input position `ip` reaches: output
/// position `op = ip * stride + t * dilation - padding` (when inside the
/// output) and the weight's index `w`.
pub(super) fn each_tap(
    g: &ConvTransposeGeometry,
    ci: usize,
    ip: [usize; MAX_SPATIAL],
    mut f: impl FnMut(usize, [usize; MAX_SPATIAL], usize),
) {
    let group = ci / (g.input.c / g.groups);
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    for cog in 0..g.out_per_group {
        let co = group * g.out_per_group + cog;
        let wbase = (ci * g.out_per_group + cog) * kvol;
        for_each_point(g.kernel, |t| {
            let mut op = [0usize; MAX_SPATIAL];
            for a in 0..MAX_SPATIAL {
                // In u128: stride, dilation and padding may be huge.
                let pos =
                    ip[a] as u128 * g.stride[a] as u128 + t[a] as u128 * g.dilation[a] as u128;
                let pad = g.padding[a] as u128;
                if pos < pad || pos - pad >= g.output.spatial[a] as u128 {
                    return;
                }
                op[a] = (pos - pad) as usize;
            }
            f(
                co,
                op,
                wbase + (t[0] * g.kernel[1] + t[1]) * g.kernel[2] + t[2],
            );
        });
    }
}

/// Plain convolution `F.conv{1,2,3}d(y, weight, stride, padding, dilation,
/// groups)` with the weight of the transposed convolution read as
/// `(C_in, C_out / groups, k...)`: the adjoint of [`conv_transpose`] for the
/// same options, so `<conv_transpose(x), y> == <x, conv(y)>`.
///
/// `y` has the logical shape `conv_transpose` outputs (`output_shape`);
/// `output` gets the shape of its input `shape`. Bias is not applied.
///
/// ```
/// use upsample::{reference, ConvTransposeOptions, Layout};
/// let opts = ConvTransposeOptions::new().with_stride(&[2]);
/// // conv_transpose of (1, 1, 2) with a (1, 1, 2) kernel gives (1, 1, 4);
/// // conv takes a (1, 1, 4) tensor back to (1, 1, 2).
/// let mut back = [0.0; 2];
/// reference::conv(&[1.0, 2.0, 3.0, 4.0], &[1, 1, 2], Layout::ChannelsFirst, &[1.0, 0.5], &[1, 1, 2], &opts, &mut back)?;
/// assert_eq!(back, [1.0 + 1.0, 3.0 + 2.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::conv_transpose`], with `y` and `output` checked against the
/// output and input shapes.
#[allow(clippy::too_many_arguments)]
pub fn conv(
    y: &[f32],
    shape: &[usize],
    layout: Layout,
    weight: &[f32],
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    g.check_buffers(output, weight, None, y)?;
    let (i, o) = (g.input, g.output);
    for n in 0..i.n {
        for ci in 0..i.c {
            for_each_point(i.spatial, |ip| {
                let mut sum = 0.0f32;
                each_tap(&g, ci, ip, |co, op, w| {
                    sum += y[o.offset(n, co, op)] * weight[w]
                });
                output[i.offset(n, ci, ip)] = sum;
            });
        }
    }
    Ok(())
}
