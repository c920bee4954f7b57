//! `pixel_shuffle` and `pixel_unshuffle`, and ONNX's `depth_to_space` and
//! `space_to_depth` in either block order, against the reference, bit for
//! bit.
//!
//! Bytes: twist, layout, which direction, PyTorch's op or ONNX's (and its
//! mode), factor, shape (built divisible as the op needs unless twisted),
//! then the input (raw bit patterns or special values). PyTorch's two ops'
//! backward ops run on the same call, the input's bytes read as the output
//! gradient.

use upsample::{BlockMode, Layout, reference};

use crate::{Bytes, Tolerance, Twist, check_backward, check_single, copy_values, numel};

const MAX_ELEMENTS: usize = 16384;

#[derive(Debug)]
#[allow(dead_code)] // read through Debug in failure messages
struct Case<'a> {
    twist: Twist,
    op: &'static str,
    mode: Option<BlockMode>,
    shape: &'a [usize],
    layout: Layout,
    factor: usize,
    input_len: usize,
    output_len: usize,
}

pub fn run(data: &[u8]) {
    let mut b = Bytes::new(data);
    let twist = b.twist();
    let layout = b.layout();
    let shuffle = b.flag();
    let mode = [None, Some(BlockMode::Dcr), Some(BlockMode::Crd)][b.range(0, 2)];
    let factor = if twist == Twist::Parameter && b.flag() {
        0
    } else {
        b.range(1, 4)
    };
    let r = factor.max(1);
    let n = b.range(1, 2);
    let mut shape = if shuffle {
        // (N, C * r * r, H, W)
        vec![n, b.extent(6) * r * r, b.extent(20), b.extent(40)]
    } else {
        // (N, C, H * r, W * r)
        vec![n, b.extent(18), b.extent(10) * r, b.extent(20) * r]
    };
    if twist == Twist::Parameter && factor != 0 {
        // Break the divisibility.
        let axis = if shuffle { 1 } else { b.range(2, 3) };
        shape[axis] += 1;
    }
    b.twist_shape(twist, &mut shape);

    let Some(input_len) = numel(&shape) else {
        return;
    };
    if input_len > MAX_ELEMENTS {
        return;
    }
    let helper = if shuffle {
        upsample::pixel_shuffle_output_shape(&shape, factor)
    } else {
        upsample::pixel_unshuffle_output_shape(&shape, factor)
    };
    let output_len = match helper {
        Ok(out) => out.numel(),
        Err(_) => b.below(4),
    };
    let input_len = twist.length(Twist::InputLength, input_len, &mut b);
    let output_len = twist.length(Twist::OutputLength, output_len, &mut b);
    let input = copy_values(b.rest(), input_len);
    let case = Case {
        twist,
        op: match (shuffle, mode) {
            (true, None) => "pixel_shuffle",
            (false, None) => "pixel_unshuffle",
            (true, Some(_)) => "depth_to_space",
            (false, Some(_)) => "space_to_depth",
        },
        mode,
        shape: &shape,
        layout,
        factor,
        input_len,
        output_len,
    };
    if mode.is_none() {
        // The backward: the forward's input shape, the gradient of its
        // output (`output_len`, twisted as the forward's output) in, the
        // gradient of its input (`input_len`) out.
        let grad_output = copy_values(b.rest(), output_len);
        let what = if shuffle {
            "pixel_shuffle_backward"
        } else {
            "pixel_unshuffle_backward"
        };
        check_backward(
            what,
            &case,
            input_len,
            Tolerance::Exact,
            |out| match shuffle {
                true => upsample::pixel_shuffle_backward(&grad_output, &shape, layout, factor, out),
                false => {
                    upsample::pixel_unshuffle_backward(&grad_output, &shape, layout, factor, out)
                }
            },
            |out| match shuffle {
                true => {
                    reference::pixel_shuffle_backward(&grad_output, &shape, layout, factor, out)
                }
                false => {
                    reference::pixel_unshuffle_backward(&grad_output, &shape, layout, factor, out)
                }
            },
        );
    }
    match (shuffle, mode) {
        (true, None) => check_single(
            case.op,
            &case,
            output_len,
            Tolerance::Exact,
            |out| upsample::pixel_shuffle(&input, &shape, layout, factor, out),
            |out| reference::pixel_shuffle(&input, &shape, layout, factor, out),
        ),
        (false, None) => check_single(
            case.op,
            &case,
            output_len,
            Tolerance::Exact,
            |out| upsample::pixel_unshuffle(&input, &shape, layout, factor, out),
            |out| reference::pixel_unshuffle(&input, &shape, layout, factor, out),
        ),
        (true, Some(m)) => check_single(
            case.op,
            &case,
            output_len,
            Tolerance::Exact,
            |out| upsample::depth_to_space(&input, &shape, layout, factor, m, out),
            |out| reference::depth_to_space(&input, &shape, layout, factor, m, out),
        ),
        (false, Some(m)) => check_single(
            case.op,
            &case,
            output_len,
            Tolerance::Exact,
            |out| upsample::space_to_depth(&input, &shape, layout, factor, m, out),
            |out| reference::space_to_depth(&input, &shape, layout, factor, m, out),
        ),
    }
}
