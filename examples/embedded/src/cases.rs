//! The cases the firmware runs: every public op, forward and gradient
//! (`*_backward`), on small fixed inputs, in both layouts, written once
//! over a table of the ops ([`Ops`]) so that the same code runs the
//! crate's fast paths on the target ([`FAST`]) and `upsample::reference`
//! on the host ([`REFERENCE`]), which makes the expected values
//! (`expected/`, written to `expected.rs`).
//!
//! Shared by the firmware (`main.rs`) and the host generator
//! (`expected/src/main.rs`, which includes this file by path): `no_std`, no
//! allocation, no target-specific code.

use upsample::{
    BlockMode, ConvTransposeGradients, ConvTransposeOptions, CoordinateTransformationMode as Ctm,
    Error, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions, NearestMode, ResizeMode,
    ResizeOptions, UnpoolOptions,
};

/// Room for any case's input (and weight, bias), output and scratch, in
/// `f32`s; a case larger than these panics on the host first.
pub const INPUT_LEN: usize = 2048;
pub const OUTPUT_LEN: usize = 2048;
pub const SCRATCH_LEN: usize = 2048;
pub const INDICES_LEN: usize = 512;

/// Every buffer a case uses (about 27 KiB; a `static` in the firmware).
pub struct Buffers {
    pub input: [f32; INPUT_LEN],
    pub output: [f32; OUTPUT_LEN],
    pub scratch: [f32; SCRATCH_LEN],
    pub indices: [i64; INDICES_LEN],
}

impl Buffers {
    pub const fn new() -> Self {
        Buffers {
            input: [0.0; INPUT_LEN],
            output: [0.0; OUTPUT_LEN],
            scratch: [0.0; SCRATCH_LEN],
            indices: [0; INDICES_LEN],
        }
    }
}

/// The public ops, by PyTorch's name: the rows of the stack-bound table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Interpolate,
    ConvTranspose,
    PixelShuffle,
    PixelUnshuffle,
    MaxPool,
    MaxUnpool,
    AvgUnpool,
    Resize,
    DepthToSpace,
    SpaceToDepth,
    InterpolateBackward,
    ConvTransposeBackward,
    PixelShuffleBackward,
    PixelUnshuffleBackward,
    MaxPoolBackward,
    MaxUnpoolBackward,
    AvgUnpoolBackward,
}

impl Op {
    pub const ALL: [Op; 17] = [
        Op::Interpolate,
        Op::ConvTranspose,
        Op::PixelShuffle,
        Op::PixelUnshuffle,
        Op::MaxPool,
        Op::MaxUnpool,
        Op::AvgUnpool,
        Op::Resize,
        Op::DepthToSpace,
        Op::SpaceToDepth,
        Op::InterpolateBackward,
        Op::ConvTransposeBackward,
        Op::PixelShuffleBackward,
        Op::PixelUnshuffleBackward,
        Op::MaxPoolBackward,
        Op::MaxUnpoolBackward,
        Op::AvgUnpoolBackward,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Op::Interpolate => "interpolate",
            Op::ConvTranspose => "conv_transpose",
            Op::PixelShuffle => "pixel_shuffle",
            Op::PixelUnshuffle => "pixel_unshuffle",
            Op::MaxPool => "max_pool",
            Op::MaxUnpool => "max_unpool",
            Op::AvgUnpool => "avg_unpool",
            Op::Resize => "resize",
            Op::DepthToSpace => "depth_to_space",
            Op::SpaceToDepth => "space_to_depth",
            Op::InterpolateBackward => "interpolate_backward",
            Op::ConvTransposeBackward => "conv_transpose_backward",
            Op::PixelShuffleBackward => "pixel_shuffle_backward",
            Op::PixelUnshuffleBackward => "pixel_unshuffle_backward",
            Op::MaxPoolBackward => "max_pool_backward",
            Op::MaxUnpoolBackward => "max_unpool_backward",
            Op::AvgUnpoolBackward => "avg_unpool_backward",
        }
    }
}

/// How close the target's result must be to the host reference's: the
/// README's exactness table, per op.
#[derive(Clone, Copy, Debug)]
pub enum Tolerance {
    /// Bit for bit (the copying ops, nearest modes, max_pool's values and
    /// indices, and the gradients that route values: the pixel shuffles',
    /// max_pool's and max_unpool's).
    Exact,
    /// `|got - want| <= atol + rtol * |want|`, NaN where the reference has NaN.
    Close { atol: f32, rtol: f32 },
}

/// Linear, cubic, area, antialiased modes and avg_unpool, and their
/// gradients (interpolate_backward in every mode, avg_unpool_backward):
/// `assert_close`'s float32 defaults.
pub const SMOOTH: Tolerance = Tolerance::Close {
    atol: 1e-5,
    rtol: 1.3e-6,
};
/// conv_transpose and its gradients, for inputs in [-1, 1].
pub const CONV: Tolerance = Tolerance::Close {
    atol: 1e-4,
    rtol: 1e-4,
};

impl Tolerance {
    pub fn accepts(self, got: f32, want: f32) -> bool {
        match self {
            Tolerance::Exact => got.to_bits() == want.to_bits(),
            Tolerance::Close { atol, rtol } => {
                (got.is_nan() && want.is_nan())
                    || got == want
                    || (got - want).abs() <= atol + rtol * want.abs()
            }
        }
    }
}

/// An op's signature, the same for the public function and its
/// `upsample::reference` twin.
/// Interpolate and resize (and interpolate_backward) take a scratch (the
/// last argument), which only their `*_with_scratch` variants
/// ([`SCRATCH`]) use.
pub type Interpolate =
    fn(&[f32], &[usize], Layout, &InterpolateOptions, &mut [f32], &mut [f32]) -> Result<(), Error>;
pub type ConvTranspose = fn(
    &[f32],
    &[usize],
    Layout,
    &[f32],
    &[usize],
    Option<&[f32]>,
    &ConvTransposeOptions<'_>,
    &mut [f32],
    &mut [f32],
) -> Result<(), Error>;
pub type Shuffle = fn(&[f32], &[usize], Layout, usize, &mut [f32]) -> Result<(), Error>;
pub type MaxPool =
    fn(&[f32], &[usize], Layout, &MaxPoolOptions<'_>, &mut [f32], &mut [i64]) -> Result<(), Error>;
pub type MaxUnpool =
    fn(&[f32], &[i64], &[usize], Layout, &UnpoolOptions<'_>, &mut [f32]) -> Result<(), Error>;
pub type AvgUnpool =
    fn(&[f32], &[usize], Layout, &UnpoolOptions<'_>, &mut [f32]) -> Result<(), Error>;
pub type Resize =
    fn(&[f32], &[usize], Layout, &ResizeOptions<'_>, &mut [f32], &mut [f32]) -> Result<(), Error>;
pub type DepthSpace =
    fn(&[f32], &[usize], Layout, usize, BlockMode, &mut [f32]) -> Result<(), Error>;
/// The gradients take the forward's `shape` and options, the output's
/// gradient first and the input's last; the pixel shuffles', max_unpool's
/// and avg_unpool's have their forward's signature ([`Shuffle`],
/// [`MaxUnpool`], [`AvgUnpool`]).
/// interpolate_backward takes a scratch, as interpolate does.
pub type InterpolateBackward =
    fn(&[f32], &[usize], Layout, &InterpolateOptions, &mut [f32], &mut [f32]) -> Result<(), Error>;
pub type ConvTransposeBackward = fn(
    &[f32],
    &[f32],
    &[usize],
    Layout,
    &[f32],
    &[usize],
    &ConvTransposeOptions<'_>,
    ConvTransposeGradients<'_>,
    &mut [f32],
) -> Result<(), Error>;
pub type MaxPoolBackward =
    fn(&[f32], &[i64], &[usize], Layout, &MaxPoolOptions<'_>, &mut [f32]) -> Result<(), Error>;

/// How [`Ops`] runs one call of an op.
pub type Call = fn(&mut dyn FnMut() -> Result<(), Error>) -> Result<(), Error>;

/// One implementation of every op.
pub struct Ops {
    /// Runs one call of an op (the firmware measures its stack around it;
    /// the host just calls it).
    pub call: Call,
    pub interpolate: Interpolate,
    pub conv_transpose: ConvTranspose,
    pub pixel_shuffle: Shuffle,
    pub pixel_unshuffle: Shuffle,
    pub max_pool: MaxPool,
    pub max_unpool: MaxUnpool,
    pub avg_unpool: AvgUnpool,
    pub resize: Resize,
    pub depth_to_space: DepthSpace,
    pub space_to_depth: DepthSpace,
    pub interpolate_backward: InterpolateBackward,
    pub conv_transpose_backward: ConvTransposeBackward,
    pub pixel_shuffle_backward: Shuffle,
    pub pixel_unshuffle_backward: Shuffle,
    pub max_pool_backward: MaxPoolBackward,
    pub max_unpool_backward: MaxUnpool,
    pub avg_unpool_backward: AvgUnpool,
}

/// The crate's public entry points: what the firmware runs.
pub const FAST: Ops = Ops {
    call: |op| op(),
    interpolate: |x, shape, layout, options, y, _| {
        upsample::interpolate(x, shape, layout, options, y)
    },
    conv_transpose: upsample::conv_transpose,
    pixel_shuffle: upsample::pixel_shuffle,
    pixel_unshuffle: upsample::pixel_unshuffle,
    max_pool: upsample::max_pool,
    max_unpool: upsample::max_unpool,
    avg_unpool: upsample::avg_unpool,
    resize: |x, shape, layout, options, y, _| upsample::resize(x, shape, layout, options, y),
    depth_to_space: upsample::depth_to_space,
    space_to_depth: upsample::space_to_depth,
    interpolate_backward: |g, shape, layout, options, gi, _| {
        upsample::interpolate_backward(g, shape, layout, options, gi)
    },
    conv_transpose_backward: upsample::conv_transpose_backward,
    pixel_shuffle_backward: upsample::pixel_shuffle_backward,
    pixel_unshuffle_backward: upsample::pixel_unshuffle_backward,
    max_pool_backward: upsample::max_pool_backward,
    max_unpool_backward: upsample::max_unpool_backward,
    avg_unpool_backward: upsample::avg_unpool_backward,
};

/// `upsample::reference`: what the host computes the expected values with.
#[allow(dead_code)] // the firmware uses only FAST
pub const REFERENCE: Ops = Ops {
    call: |op| op(),
    interpolate: |x, shape, layout, options, y, _| {
        upsample::reference::interpolate(x, shape, layout, options, y)
    },
    conv_transpose: upsample::reference::conv_transpose,
    pixel_shuffle: upsample::reference::pixel_shuffle,
    pixel_unshuffle: upsample::reference::pixel_unshuffle,
    max_pool: upsample::reference::max_pool,
    max_unpool: upsample::reference::max_unpool,
    avg_unpool: upsample::reference::avg_unpool,
    resize: |x, shape, layout, options, y, _| {
        upsample::reference::resize(x, shape, layout, options, y)
    },
    depth_to_space: upsample::reference::depth_to_space,
    space_to_depth: upsample::reference::space_to_depth,
    interpolate_backward: |g, shape, layout, options, gi, _| {
        upsample::reference::interpolate_backward(g, shape, layout, options, gi)
    },
    conv_transpose_backward: upsample::reference::conv_transpose_backward,
    pixel_shuffle_backward: upsample::reference::pixel_shuffle_backward,
    pixel_unshuffle_backward: upsample::reference::pixel_unshuffle_backward,
    max_pool_backward: upsample::reference::max_pool_backward,
    max_unpool_backward: upsample::reference::max_unpool_backward,
    avg_unpool_backward: upsample::reference::avg_unpool_backward,
};

/// [`FAST`] with interpolate, resize and interpolate_backward taking their
/// tables from the caller's scratch (`interpolate_with_scratch`,
/// `resize_with_scratch`, `interpolate_backward_with_scratch`): the
/// firmware runs their cases a second time through these.
#[allow(dead_code)] // the host uses only REFERENCE
pub const SCRATCH: Ops = Ops {
    interpolate: upsample::interpolate_with_scratch,
    resize: upsample::resize_with_scratch,
    interpolate_backward: upsample::interpolate_backward_with_scratch,
    ..FAST
};

/// One call of one op: `run` reads `Buffers::input` (filled by
/// [`fill_input`]), writes its result to the start of `Buffers::output` and
/// returns its length.
pub struct Case {
    pub name: &'static str,
    pub op: Op,
    pub tolerance: Tolerance,
    pub run: fn(&Ops, &mut Buffers) -> Result<usize, Error>,
}

/// Case `case`'s input: values `k / 4096` in [-1, 1) from a fixed linear
/// congruential sequence, the same on every target (exact in `f32`).
pub fn fill_input(case: usize, input: &mut [f32]) {
    let mut state = 0x9E37_79B9u32 ^ (case as u32).wrapping_mul(0x85EB_CA6B);
    for x in input.iter_mut() {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *x = ((state >> 19) as i32 - 4096) as f32 / 4096.0;
    }
}

fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

const CF: Layout = Layout::ChannelsFirst;
const CL: Layout = Layout::ChannelsLast;

fn interpolate(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
) -> Result<usize, Error> {
    let n = upsample::interpolate_output_shape(shape, options)?.numel();
    (ops.call)(&mut || {
        (ops.interpolate)(
            &b.input[..numel(shape)],
            shape,
            layout,
            options,
            &mut b.output[..n],
            &mut b.scratch,
        )
    })?;
    Ok(n)
}

fn shuffle(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    factor: usize,
    unshuffle: bool,
) -> Result<usize, Error> {
    let (op, out) = if unshuffle {
        (
            ops.pixel_unshuffle,
            upsample::pixel_unshuffle_output_shape(shape, factor)?,
        )
    } else {
        (
            ops.pixel_shuffle,
            upsample::pixel_shuffle_output_shape(shape, factor)?,
        )
    };
    let n = out.numel();
    (ops.call)(&mut || {
        op(
            &b.input[..numel(shape)],
            shape,
            layout,
            factor,
            &mut b.output[..n],
        )
    })?;
    Ok(n)
}

fn resize(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    options: &ResizeOptions<'_>,
) -> Result<usize, Error> {
    let n = upsample::resize_output_shape(shape, options)?.numel();
    (ops.call)(&mut || {
        (ops.resize)(
            &b.input[..numel(shape)],
            shape,
            layout,
            options,
            &mut b.output[..n],
            &mut b.scratch,
        )
    })?;
    Ok(n)
}

/// ONNX's DepthToSpace (`to_space`) or SpaceToDepth.
fn depth_space(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    blocksize: usize,
    mode: BlockMode,
    to_space: bool,
) -> Result<usize, Error> {
    let n = numel(shape);
    let op = if to_space {
        ops.depth_to_space
    } else {
        ops.space_to_depth
    };
    (ops.call)(&mut || {
        op(
            &b.input[..n],
            shape,
            layout,
            blocksize,
            mode,
            &mut b.output[..n],
        )
    })?;
    Ok(n)
}

/// Writes the pooled values, then the indices as `f32` (exact: they are
/// small), so both are compared bit for bit.
fn max_pool(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
) -> Result<usize, Error> {
    let n = upsample::max_pool_output_shape(shape, options)?.numel();
    let (values, indices) = b.output[..2 * n].split_at_mut(n);
    (ops.call)(&mut || {
        (ops.max_pool)(
            &b.input[..numel(shape)],
            shape,
            layout,
            options,
            &mut *values,
            &mut b.indices[..n],
        )
    })?;
    for (to, &index) in indices.iter_mut().zip(&b.indices[..n]) {
        *to = index as f32;
    }
    Ok(2 * n)
}

/// Fills `Buffers::indices` with one index per element of `shape` (1 to 3
/// spatial dims), each drawn inside its element's window of the unpooled
/// `out` (from the input's bits), as a `max_pool` with
/// `kernel_size == stride == kernel` would return them: flat within the
/// `(n, c)` plane.
fn window_indices(b: &mut Buffers, shape: &[usize], out: &[usize], layout: Layout, kernel: usize) {
    let spatial = &shape[2..];
    let plane = numel(spatial);
    let channels = shape[1];
    let len = numel(shape);
    for (at, index) in b.indices[..len].iter_mut().enumerate() {
        // Element `at`'s place in its plane, in either layout.
        let point = match layout {
            Layout::ChannelsFirst => at % plane,
            Layout::ChannelsLast => at / channels % plane,
        };
        let mut pick = b.input[(at * 7) % len].to_bits() as usize;
        // Per axis, outermost first: its coordinate, and a place in its window.
        let (mut rest, mut inner, mut flat) = (point, plane, 0);
        for (a, &extent) in spatial.iter().enumerate() {
            inner /= extent;
            let coordinate = rest / inner;
            rest %= inner;
            flat = flat * out[2 + a] + coordinate * kernel + pick % kernel;
            pick /= kernel;
        }
        *index = flat as i64;
    }
}

/// Unpools `shape` with indices drawn inside each window
/// ([`window_indices`]).
fn max_unpool(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    kernel: usize,
) -> Result<usize, Error> {
    let ks = [kernel];
    let options = UnpoolOptions::new(&ks);
    let out = upsample::unpool_output_shape(shape, &options)?;
    window_indices(b, shape, &out, layout, kernel);
    let len = numel(shape);
    let n = out.numel();
    (ops.call)(&mut || {
        (ops.max_unpool)(
            &b.input[..len],
            &b.indices[..len],
            shape,
            layout,
            &options,
            &mut b.output[..n],
        )
    })?;
    Ok(n)
}

fn avg_unpool(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
) -> Result<usize, Error> {
    let n = upsample::unpool_output_shape(shape, options)?.numel();
    (ops.call)(&mut || {
        (ops.avg_unpool)(
            &b.input[..numel(shape)],
            shape,
            layout,
            options,
            &mut b.output[..n],
        )
    })?;
    Ok(n)
}

/// The weight, then the bias, follow the input in `Buffers::input`.
fn conv_transpose(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<usize, Error> {
    let n = upsample::conv_transpose_output_shape(shape, weight_shape, options)?.numel();
    let scratch = upsample::conv_transpose_scratch_len(shape, layout, weight_shape, options)?;
    let (x, rest) = b.input.split_at(numel(shape));
    let (weight, rest) = rest.split_at(numel(weight_shape));
    let bias = &rest[..weight_shape[1] * options.groups];
    (ops.call)(&mut || {
        (ops.conv_transpose)(
            x,
            shape,
            layout,
            weight,
            weight_shape,
            Some(bias),
            options,
            &mut b.output[..n],
            &mut b.scratch[..scratch],
        )
    })?;
    Ok(n)
}

// The gradients: each reads the output's gradient from the start of
// `Buffers::input` (the forward's output shape) and writes the input's
// gradient (the forward's input shape) to the start of `Buffers::output`.

fn interpolate_backward(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
) -> Result<usize, Error> {
    let out = upsample::interpolate_output_shape(shape, options)?.numel();
    let n = numel(shape);
    (ops.call)(&mut || {
        let (g, gi) = (&b.input[..out], &mut b.output[..n]);
        (ops.interpolate_backward)(g, shape, layout, options, gi, &mut b.scratch)
    })?;
    Ok(n)
}

/// The gradient of `pixel_shuffle` (or, `unshuffle`, `pixel_unshuffle`) on
/// `shape`, the forward's input.
fn shuffle_backward(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    factor: usize,
    unshuffle: bool,
) -> Result<usize, Error> {
    let op = if unshuffle {
        upsample::pixel_unshuffle_output_shape(shape, factor)?;
        ops.pixel_unshuffle_backward
    } else {
        upsample::pixel_shuffle_output_shape(shape, factor)?;
        ops.pixel_shuffle_backward
    };
    let n = numel(shape);
    (ops.call)(&mut || op(&b.input[..n], shape, layout, factor, &mut b.output[..n]))?;
    Ok(n)
}

/// The indices are those of a forward pass: `ops.max_pool` (not measured)
/// on the `shape` elements that follow the output's gradient in
/// `Buffers::input` (bit-exact on every target, so the host's and the
/// target's agree); with `skip`, every fifth is -1 (a window ATen found
/// nothing in, which the backward skips).
fn max_pool_backward(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
    skip: bool,
) -> Result<usize, Error> {
    let out = upsample::max_pool_output_shape(shape, options)?.numel();
    let n = numel(shape);
    let (grad_output, x) = b.input.split_at(out);
    (ops.max_pool)(
        &x[..n],
        shape,
        layout,
        options,
        &mut b.scratch[..out],
        &mut b.indices[..out],
    )?;
    if skip {
        for index in b.indices[..out].iter_mut().skip(3).step_by(5) {
            *index = -1;
        }
    }
    (ops.call)(&mut || {
        (ops.max_pool_backward)(
            grad_output,
            &b.indices[..out],
            shape,
            layout,
            options,
            &mut b.output[..n],
        )
    })?;
    Ok(n)
}

/// The indices are [`max_unpool`]'s ([`window_indices`]).
fn max_unpool_backward(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    kernel: usize,
) -> Result<usize, Error> {
    let ks = [kernel];
    let options = UnpoolOptions::new(&ks);
    let out = upsample::unpool_output_shape(shape, &options)?;
    window_indices(b, shape, &out, layout, kernel);
    let (out, n) = (out.numel(), numel(shape));
    (ops.call)(&mut || {
        (ops.max_unpool_backward)(
            &b.input[..out],
            &b.indices[..n],
            shape,
            layout,
            &options,
            &mut b.output[..n],
        )
    })?;
    Ok(n)
}

fn avg_unpool_backward(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
) -> Result<usize, Error> {
    let out = upsample::unpool_output_shape(shape, options)?.numel();
    let n = numel(shape);
    (ops.call)(&mut || {
        (ops.avg_unpool_backward)(&b.input[..out], shape, layout, options, &mut b.output[..n])
    })?;
    Ok(n)
}

/// The forward's input, then the weight, follow the output's gradient in
/// `Buffers::input`; all three gradients are asked for, and written one
/// after another to `Buffers::output`: the input's, the weight's, the
/// bias's.
fn conv_transpose_backward(
    ops: &Ops,
    b: &mut Buffers,
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<usize, Error> {
    let out = upsample::conv_transpose_output_shape(shape, weight_shape, options)?.numel();
    let scratch =
        upsample::conv_transpose_backward_scratch_len(shape, layout, weight_shape, options)?;
    let (n_input, n_weight) = (numel(shape), numel(weight_shape));
    let n_bias = weight_shape[1] * options.groups;
    let (grad_output, rest) = b.input.split_at(out);
    let (x, rest) = rest.split_at(n_input);
    let weight = &rest[..n_weight];
    let (grad_input, rest) = b.output.split_at_mut(n_input);
    let (grad_weight, rest) = rest.split_at_mut(n_weight);
    let grad_bias = &mut rest[..n_bias];
    (ops.call)(&mut || {
        (ops.conv_transpose_backward)(
            grad_output,
            x,
            shape,
            layout,
            weight,
            weight_shape,
            options,
            ConvTransposeGradients {
                input: Some(&mut *grad_input),
                weight: Some(&mut *grad_weight),
                bias: Some(&mut *grad_bias),
            },
            &mut b.scratch[..scratch],
        )
    })?;
    Ok(n_input + n_weight + n_bias)
}

use InterpolateMode::*;
use Tolerance::Exact;

/// Puts a NaN, both infinities and a value near `f32::MAX` among the first
/// `n` inputs, at fixed places: what a masked or diverged tensor holds,
/// which sends interpolate and resize through their exact fix-up.
fn specials(b: &mut Buffers, n: usize) {
    let values = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 3.0e38];
    for (k, v) in values.into_iter().enumerate() {
        b.input[(k * 37 + 5) % n] = v;
    }
}

/// Every case, in the order the firmware runs them and `expected.rs` holds
/// their results. The interpolation cases reach each kernel the 4-lane
/// portable build has (see `src/interpolate/plan.rs`): copy x2, blend x2,
/// sliding channels-last, four planes channels-first, general, and the
/// scalar fallback for windows wider than its tables. The gradients' cases
/// follow the forward ones; interpolate_backward's reach rows wider than
/// its row buffer (taken in runs of columns) and, past its firmware tables
/// (upscales past 16x along H), its fallback to the reference.
pub static CASES: &[Case] = &[
    Case {
        name: "interpolate nearest x2 CF 1x3x5x7",
        op: Op::Interpolate,
        tolerance: Exact,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 5, 7],
                CF,
                &InterpolateOptions::scale_factor(Nearest, [2.0]),
            )
        },
    },
    Case {
        name: "interpolate nearest x1.5 CL 1x3x5x7",
        op: Op::Interpolate,
        tolerance: Exact,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 5, 7],
                CL,
                &InterpolateOptions::scale_factor(Nearest, [1.5]),
            )
        },
    },
    Case {
        name: "interpolate nearest-exact 9x11 CF 1x2x5x7",
        op: Op::Interpolate,
        tolerance: Exact,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 2, 5, 7],
                CF,
                &InterpolateOptions::size(NearestExact, [9, 11]),
            )
        },
    },
    Case {
        name: "interpolate nearest 3-d x2 CL 1x2x3x4x5",
        op: Op::Interpolate,
        tolerance: Exact,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 2, 3, 4, 5],
                CL,
                &InterpolateOptions::scale_factor(Nearest, [2.0]),
            )
        },
    },
    Case {
        name: "interpolate linear 17 align_corners CF 2x3x9",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[2, 3, 9],
                CF,
                &InterpolateOptions::size(Linear, [17]).with_align_corners(true),
            )
        },
    },
    Case {
        name: "interpolate bilinear x2 CF 1x3x5x7",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 5, 7],
                CF,
                &InterpolateOptions::scale_factor(Bilinear, [2.0]),
            )
        },
    },
    Case {
        name: "interpolate bilinear x2 CL 1x3x5x7",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 5, 7],
                CL,
                &InterpolateOptions::scale_factor(Bilinear, [2.0]),
            )
        },
    },
    Case {
        name: "interpolate bilinear x1.5 CF 1x4x6x7",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 4, 6, 7],
                CF,
                &InterpolateOptions::scale_factor(Bilinear, [1.5]),
            )
        },
    },
    Case {
        name: "interpolate bilinear x1.5 CL 1x3x6x7",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 6, 7],
                CL,
                &InterpolateOptions::scale_factor(Bilinear, [1.5]),
            )
        },
    },
    Case {
        name: "interpolate bilinear 11x13 align_corners CL 1x2x5x6",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 2, 5, 6],
                CL,
                &InterpolateOptions::size(Bilinear, [11, 13]).with_align_corners(true),
            )
        },
    },
    Case {
        name: "interpolate bilinear 9x10 CF 1x1x5x37",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 1, 5, 37],
                CF,
                &InterpolateOptions::size(Bilinear, [9, 10]),
            )
        },
    },
    Case {
        name: "interpolate bicubic x2 CF 1x3x5x7",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 5, 7],
                CF,
                &InterpolateOptions::scale_factor(Bicubic, [2.0]),
            )
        },
    },
    Case {
        name: "interpolate bicubic 9x10 CL 1x3x5x7",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 5, 7],
                CL,
                &InterpolateOptions::size(Bicubic, [9, 10]),
            )
        },
    },
    Case {
        name: "interpolate bicubic 9x10 CF 1x3x5x7",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 5, 7],
                CF,
                &InterpolateOptions::size(Bicubic, [9, 10]),
            )
        },
    },
    Case {
        name: "interpolate trilinear x2 CF 1x2x3x4x5",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 2, 3, 4, 5],
                CF,
                &InterpolateOptions::scale_factor(Trilinear, [2.0]),
            )
        },
    },
    Case {
        name: "interpolate trilinear 5x6x7 CL 1x3x3x4x5",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 3, 4, 5],
                CL,
                &InterpolateOptions::size(Trilinear, [5, 6, 7]),
            )
        },
    },
    Case {
        name: "interpolate area 3x4 CF 1x3x8x9",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 8, 9],
                CF,
                &InterpolateOptions::size(Area, [3, 4]),
            )
        },
    },
    Case {
        name: "interpolate area 7x9 CL 1x3x4x5",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 4, 5],
                CL,
                &InterpolateOptions::size(Area, [7, 9]),
            )
        },
    },
    Case {
        name: "interpolate bilinear antialias 4x5 CF 1x3x10x13",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 10, 13],
                CF,
                &InterpolateOptions::size(Bilinear, [4, 5]).with_antialias(true),
            )
        },
    },
    Case {
        name: "interpolate bicubic antialias 5x4 CL 1x3x10x13",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 10, 13],
                CL,
                &InterpolateOptions::size(Bicubic, [5, 4]).with_antialias(true),
            )
        },
    },
    Case {
        name: "interpolate lanczos 4x6 CF 1x3x9x14",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 9, 14],
                CF,
                &InterpolateOptions::size(Lanczos, [4, 6]).with_antialias(true),
            )
        },
    },
    Case {
        name: "interpolate lanczos 11x13 CL 1x3x5x6",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 3, 5, 6],
                CL,
                &InterpolateOptions::size(Lanczos, [11, 13]).with_antialias(true),
            )
        },
    },
    Case {
        name: "interpolate bicubic antialias 1x4 (16x: scalar) CF 1x2x2x64",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            interpolate(
                o,
                b,
                &[1, 2, 2, 64],
                CF,
                &InterpolateOptions::size(Bicubic, [1, 4]).with_antialias(true),
            )
        },
    },
    Case {
        name: "conv_transpose 2-d stride 2 CF 1x4x5x6 w 4x2x4x4",
        op: Op::ConvTranspose,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose(
                o,
                b,
                &[1, 4, 5, 6],
                CF,
                &[4, 2, 4, 4],
                &ConvTransposeOptions::new()
                    .with_stride(&[2])
                    .with_padding(&[1]),
            )
        },
    },
    Case {
        name: "conv_transpose 2-d groups 2 CL 1x4x5x6 w 4x3x3x3",
        op: Op::ConvTranspose,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose(
                o,
                b,
                &[1, 4, 5, 6],
                CL,
                &[4, 3, 3, 3],
                &ConvTransposeOptions::new()
                    .with_stride(&[2])
                    .with_groups(2)
                    .with_output_padding(&[1]),
            )
        },
    },
    Case {
        name: "conv_transpose 2-d scratch CF 1x8x5x5 w 8x8x3x3",
        op: Op::ConvTranspose,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose(
                o,
                b,
                &[1, 8, 5, 5],
                CF,
                &[8, 8, 3, 3],
                &ConvTransposeOptions::new().with_stride(&[2]),
            )
        },
    },
    Case {
        name: "conv_transpose 2-d scratch CL 1x8x5x5 w 8x8x3x3",
        op: Op::ConvTranspose,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose(
                o,
                b,
                &[1, 8, 5, 5],
                CL,
                &[8, 8, 3, 3],
                &ConvTransposeOptions::new()
                    .with_stride(&[2])
                    .with_dilation(&[2]),
            )
        },
    },
    Case {
        name: "conv_transpose 1-d CF 2x3x9 w 3x2x5",
        op: Op::ConvTranspose,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose(
                o,
                b,
                &[2, 3, 9],
                CF,
                &[3, 2, 5],
                &ConvTransposeOptions::new()
                    .with_stride(&[3])
                    .with_padding(&[2]),
            )
        },
    },
    Case {
        name: "conv_transpose 3-d CL 1x2x3x3x4 w 2x2x2x2x2",
        op: Op::ConvTranspose,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose(
                o,
                b,
                &[1, 2, 3, 3, 4],
                CL,
                &[2, 2, 2, 2, 2],
                &ConvTransposeOptions::new().with_stride(&[2]),
            )
        },
    },
    Case {
        name: "pixel_shuffle 2 CF 1x8x3x5",
        op: Op::PixelShuffle,
        tolerance: Exact,
        run: |o, b| shuffle(o, b, &[1, 8, 3, 5], CF, 2, false),
    },
    Case {
        name: "pixel_shuffle 3 CL 2x9x3x4",
        op: Op::PixelShuffle,
        tolerance: Exact,
        run: |o, b| shuffle(o, b, &[2, 9, 3, 4], CL, 3, false),
    },
    Case {
        name: "pixel_unshuffle 2 CF 1x2x6x10",
        op: Op::PixelUnshuffle,
        tolerance: Exact,
        run: |o, b| shuffle(o, b, &[1, 2, 6, 10], CF, 2, true),
    },
    Case {
        name: "pixel_unshuffle 3 CL 1x3x9x6",
        op: Op::PixelUnshuffle,
        tolerance: Exact,
        run: |o, b| shuffle(o, b, &[1, 3, 9, 6], CL, 3, true),
    },
    Case {
        name: "max_pool 3 stride 2 padding 1 CF 1x3x9x11",
        op: Op::MaxPool,
        tolerance: Exact,
        run: |o, b| {
            max_pool(
                o,
                b,
                &[1, 3, 9, 11],
                CF,
                &MaxPoolOptions::new(&[3])
                    .with_stride(&[2])
                    .with_padding(&[1]),
            )
        },
    },
    Case {
        name: "max_pool 2 dilation 2 ceil_mode CL 1x4x9x10",
        op: Op::MaxPool,
        tolerance: Exact,
        run: |o, b| {
            max_pool(
                o,
                b,
                &[1, 4, 9, 10],
                CL,
                &MaxPoolOptions::new(&[2])
                    .with_dilation(&[2])
                    .with_ceil_mode(true),
            )
        },
    },
    Case {
        name: "max_pool 1-d 4 CF 2x3x17",
        op: Op::MaxPool,
        tolerance: Exact,
        run: |o, b| max_pool(o, b, &[2, 3, 17], CF, &MaxPoolOptions::new(&[4])),
    },
    Case {
        name: "max_unpool 2 CF 1x3x4x5",
        op: Op::MaxUnpool,
        tolerance: Exact,
        run: |o, b| max_unpool(o, b, &[1, 3, 4, 5], CF, 2),
    },
    Case {
        name: "max_unpool 3 CL 1x4x3x5",
        op: Op::MaxUnpool,
        tolerance: Exact,
        run: |o, b| max_unpool(o, b, &[1, 4, 3, 5], CL, 3),
    },
    Case {
        name: "avg_unpool 2 CF 1x3x4x5",
        op: Op::AvgUnpool,
        tolerance: SMOOTH,
        run: |o, b| avg_unpool(o, b, &[1, 3, 4, 5], CF, &UnpoolOptions::new(&[2])),
    },
    Case {
        name: "avg_unpool 3 stride 2 padding 1 CL 1x3x4x5",
        op: Op::AvgUnpool,
        tolerance: SMOOTH,
        run: |o, b| {
            avg_unpool(
                o,
                b,
                &[1, 3, 4, 5],
                CL,
                &UnpoolOptions::new(&[3])
                    .with_stride(&[2])
                    .with_padding(&[1]),
            )
        },
    },
    Case {
        name: "resize linear x2 half_pixel CF 1x3x5x7",
        op: Op::Resize,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = ResizeOptions::scales(ResizeMode::Linear, &[1.0, 1.0, 2.0, 2.0]);
            resize(o, b, &[1, 3, 5, 7], CF, &opts)
        },
    },
    Case {
        name: "resize nearest asymmetric floor x2 CL 1x3x5x7",
        op: Op::Resize,
        tolerance: Exact,
        run: |o, b| {
            let opts = ResizeOptions::scales(ResizeMode::Nearest, &[1.0, 1.0, 2.0, 2.0])
                .with_coordinate_transformation_mode(Ctm::Asymmetric)
                .with_nearest_mode(NearestMode::Floor);
            resize(o, b, &[1, 3, 5, 7], CL, &opts)
        },
    },
    Case {
        name: "resize cubic A-0.5 exclude_outside 9x10 CL 1x3x5x7",
        op: Op::Resize,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = ResizeOptions::sizes(ResizeMode::Cubic, &[9, 10])
                .with_axes(&[2, 3])
                .with_cubic_coeff_a(-0.5)
                .with_exclude_outside(true);
            resize(o, b, &[1, 3, 5, 7], CL, &opts)
        },
    },
    Case {
        name: "resize linear antialias 4x5 CF 1x2x10x13",
        op: Op::Resize,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = ResizeOptions::sizes(ResizeMode::Linear, &[1, 2, 4, 5]).with_antialias(true);
            resize(o, b, &[1, 2, 10, 13], CF, &opts)
        },
    },
    Case {
        name: "resize linear tf_crop_and_resize 6x8 CF 1x2x5x6",
        op: Op::Resize,
        tolerance: SMOOTH,
        run: |o, b| {
            let roi = [0.0, 0.0, -0.2, 0.1, 1.0, 1.0, 0.9, 1.2];
            let opts = ResizeOptions::sizes(ResizeMode::Linear, &[1, 2, 6, 8])
                .with_coordinate_transformation_mode(Ctm::TfCropAndResize)
                .with_roi(&roi, -1.0);
            resize(o, b, &[1, 2, 5, 6], CF, &opts)
        },
    },
    Case {
        name: "depth_to_space 2 DCR CF 1x8x3x5",
        op: Op::DepthToSpace,
        tolerance: Exact,
        run: |o, b| depth_space(o, b, &[1, 8, 3, 5], CF, 2, BlockMode::Dcr, true),
    },
    Case {
        name: "depth_to_space 3 DCR CL 1x18x2x3",
        op: Op::DepthToSpace,
        tolerance: Exact,
        run: |o, b| depth_space(o, b, &[1, 18, 2, 3], CL, 3, BlockMode::Dcr, true),
    },
    Case {
        name: "space_to_depth 2 DCR CL 1x3x6x4",
        op: Op::SpaceToDepth,
        tolerance: Exact,
        run: |o, b| depth_space(o, b, &[1, 3, 6, 4], CL, 2, BlockMode::Dcr, false),
    },
    Case {
        name: "space_to_depth 2 CRD CF 1x2x4x6",
        op: Op::SpaceToDepth,
        tolerance: Exact,
        run: |o, b| depth_space(o, b, &[1, 2, 4, 6], CF, 2, BlockMode::Crd, false),
    },
    Case {
        name: "interpolate bicubic x2 NaN inf CF 1x2x5x7",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 70);
            let opts = InterpolateOptions::scale_factor(Bicubic, [2.0]);
            interpolate(o, b, &[1, 2, 5, 7], CF, &opts)
        },
    },
    Case {
        name: "interpolate lanczos 4x6 NaN inf CL 1x3x9x14",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 378);
            let opts = InterpolateOptions::size(Lanczos, [4, 6]).with_antialias(true);
            interpolate(o, b, &[1, 3, 9, 14], CL, &opts)
        },
    },
    Case {
        name: "interpolate area 3x4 NaN inf CF 1x3x8x9",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 216);
            interpolate(
                o,
                b,
                &[1, 3, 8, 9],
                CF,
                &InterpolateOptions::size(Area, [3, 4]),
            )
        },
    },
    Case {
        name: "interpolate trilinear 5x6x7 NaN inf CL 1x3x3x4x5",
        op: Op::Interpolate,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 180);
            let opts = InterpolateOptions::size(Trilinear, [5, 6, 7]);
            interpolate(o, b, &[1, 3, 3, 4, 5], CL, &opts)
        },
    },
    Case {
        name: "resize cubic exclude_outside 9x10 NaN inf CL 1x3x5x7",
        op: Op::Resize,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 105);
            let opts = ResizeOptions::sizes(ResizeMode::Cubic, &[1, 3, 9, 10])
                .with_cubic_coeff_a(-0.5)
                .with_exclude_outside(true);
            resize(o, b, &[1, 3, 5, 7], CL, &opts)
        },
    },
    Case {
        name: "resize linear antialias 4x5 NaN inf CF 1x2x10x13",
        op: Op::Resize,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 260);
            let opts = ResizeOptions::sizes(ResizeMode::Linear, &[1, 2, 4, 5]).with_antialias(true);
            resize(o, b, &[1, 2, 10, 13], CF, &opts)
        },
    },
    // The gradients (`*_backward`): each case's forward shape and options,
    // the output's gradient drawn as any input is.
    Case {
        name: "interpolate_backward nearest x2 CF 1x3x5x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::scale_factor(Nearest, [2.0]);
            interpolate_backward(o, b, &[1, 3, 5, 7], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward nearest 3-d x2 CL 1x2x3x4x5",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::scale_factor(Nearest, [2.0]);
            interpolate_backward(o, b, &[1, 2, 3, 4, 5], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward nearest-exact 9x11 CL 1x2x5x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(NearestExact, [9, 11]);
            interpolate_backward(o, b, &[1, 2, 5, 7], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward linear 17 align_corners CF 2x3x9",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Linear, [17]).with_align_corners(true);
            interpolate_backward(o, b, &[2, 3, 9], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward linear x2 (runs of columns) CF 1x2x150",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::scale_factor(Linear, [2.0]);
            interpolate_backward(o, b, &[1, 2, 150], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward bilinear x2 CF 1x3x5x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::scale_factor(Bilinear, [2.0]);
            interpolate_backward(o, b, &[1, 3, 5, 7], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward bilinear 11x13 align_corners CL 1x2x5x6",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Bilinear, [11, 13]).with_align_corners(true);
            interpolate_backward(o, b, &[1, 2, 5, 6], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward bilinear 11x13 align_corners CF 1x2x5x6",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Bilinear, [11, 13]).with_align_corners(true);
            interpolate_backward(o, b, &[1, 2, 5, 6], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward bilinear 40x5 (20x: reference) CF 1x1x2x5",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Bilinear, [40, 5]);
            interpolate_backward(o, b, &[1, 1, 2, 5], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward bicubic 9x10 CF 1x3x5x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Bicubic, [9, 10]);
            interpolate_backward(o, b, &[1, 3, 5, 7], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward bicubic x2 CL 1x3x5x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::scale_factor(Bicubic, [2.0]);
            interpolate_backward(o, b, &[1, 3, 5, 7], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward trilinear 5x6x7 CL 1x3x3x4x5",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Trilinear, [5, 6, 7]);
            interpolate_backward(o, b, &[1, 3, 3, 4, 5], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward trilinear x2 CF 1x2x3x4x5",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::scale_factor(Trilinear, [2.0]);
            interpolate_backward(o, b, &[1, 2, 3, 4, 5], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward area 3x4 CF 1x3x8x9",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Area, [3, 4]);
            interpolate_backward(o, b, &[1, 3, 8, 9], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward area 7x9 CL 1x3x4x5",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Area, [7, 9]);
            interpolate_backward(o, b, &[1, 3, 4, 5], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward bilinear antialias 4x5 CF 1x3x10x13",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Bilinear, [4, 5]).with_antialias(true);
            interpolate_backward(o, b, &[1, 3, 10, 13], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward bilinear antialias 5x4 CL 1x3x11x13",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Bilinear, [5, 4]).with_antialias(true);
            interpolate_backward(o, b, &[1, 3, 11, 13], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward bicubic antialias 1x4 (16x) CF 1x2x2x64",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Bicubic, [1, 4]).with_antialias(true);
            interpolate_backward(o, b, &[1, 2, 2, 64], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward lanczos 4x6 CL 1x3x9x14",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::size(Lanczos, [4, 6]).with_antialias(true);
            interpolate_backward(o, b, &[1, 3, 9, 14], CL, &opts)
        },
    },
    Case {
        name: "conv_transpose_backward stride 2 pad 1 CF 1x4x5x6 w 4x2x4x4",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose_backward(
                o,
                b,
                &[1, 4, 5, 6],
                CF,
                &[4, 2, 4, 4],
                &ConvTransposeOptions::new()
                    .with_stride(&[2])
                    .with_padding(&[1]),
            )
        },
    },
    Case {
        name: "conv_transpose_backward stride 2 pad 1 CL 1x3x5x7 w 3x4x3x3",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose_backward(
                o,
                b,
                &[1, 3, 5, 7],
                CL,
                &[3, 4, 3, 3],
                &ConvTransposeOptions::new()
                    .with_stride(&[2])
                    .with_padding(&[1]),
            )
        },
    },
    Case {
        name: "conv_transpose_backward 2-d groups 2 CL 1x4x5x6 w 4x3x3x3",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose_backward(
                o,
                b,
                &[1, 4, 5, 6],
                CL,
                &[4, 3, 3, 3],
                &ConvTransposeOptions::new()
                    .with_stride(&[2])
                    .with_groups(2)
                    .with_output_padding(&[1]),
            )
        },
    },
    Case {
        name: "conv_transpose_backward 2-d depthwise CF 1x4x5x5 w 4x1x3x3",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose_backward(
                o,
                b,
                &[1, 4, 5, 5],
                CF,
                &[4, 1, 3, 3],
                &ConvTransposeOptions::new()
                    .with_stride(&[2])
                    .with_padding(&[1])
                    .with_groups(4),
            )
        },
    },
    Case {
        name: "conv_transpose_backward 2-d scratch CF 1x8x5x5 w 8x8x3x3",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose_backward(
                o,
                b,
                &[1, 8, 5, 5],
                CF,
                &[8, 8, 3, 3],
                &ConvTransposeOptions::new().with_stride(&[2]),
            )
        },
    },
    Case {
        name: "conv_transpose_backward 2-d scratch CL 1x8x5x5 w 8x8x3x3",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose_backward(
                o,
                b,
                &[1, 8, 5, 5],
                CL,
                &[8, 8, 3, 3],
                &ConvTransposeOptions::new().with_stride(&[2]),
            )
        },
    },
    Case {
        name: "conv_transpose_backward 1-d CF 2x3x9 w 3x2x5",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose_backward(
                o,
                b,
                &[2, 3, 9],
                CF,
                &[3, 2, 5],
                &ConvTransposeOptions::new()
                    .with_stride(&[3])
                    .with_padding(&[2]),
            )
        },
    },
    Case {
        name: "conv_transpose_backward 3-d CL 1x2x3x3x4 w 2x2x2x2x2",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            conv_transpose_backward(
                o,
                b,
                &[1, 2, 3, 3, 4],
                CL,
                &[2, 2, 2, 2, 2],
                &ConvTransposeOptions::new().with_stride(&[2]),
            )
        },
    },
    Case {
        name: "pixel_shuffle_backward 2 CF 1x8x3x5",
        op: Op::PixelShuffleBackward,
        tolerance: Exact,
        run: |o, b| shuffle_backward(o, b, &[1, 8, 3, 5], CF, 2, false),
    },
    Case {
        name: "pixel_shuffle_backward 3 CL 2x9x3x4",
        op: Op::PixelShuffleBackward,
        tolerance: Exact,
        run: |o, b| shuffle_backward(o, b, &[2, 9, 3, 4], CL, 3, false),
    },
    Case {
        name: "pixel_unshuffle_backward 2 CF 1x2x6x10",
        op: Op::PixelUnshuffleBackward,
        tolerance: Exact,
        run: |o, b| shuffle_backward(o, b, &[1, 2, 6, 10], CF, 2, true),
    },
    Case {
        name: "pixel_unshuffle_backward 3 CL 1x3x9x6",
        op: Op::PixelUnshuffleBackward,
        tolerance: Exact,
        run: |o, b| shuffle_backward(o, b, &[1, 3, 9, 6], CL, 3, true),
    },
    Case {
        name: "max_pool_backward 3 stride 2 padding 1 CF 1x3x9x11",
        op: Op::MaxPoolBackward,
        tolerance: Exact,
        run: |o, b| {
            let opts = MaxPoolOptions::new(&[3])
                .with_stride(&[2])
                .with_padding(&[1]);
            max_pool_backward(o, b, &[1, 3, 9, 11], CF, &opts, false)
        },
    },
    Case {
        name: "max_pool_backward 2 dilation 2 ceil_mode CL 1x4x9x10",
        op: Op::MaxPoolBackward,
        tolerance: Exact,
        run: |o, b| {
            let opts = MaxPoolOptions::new(&[2])
                .with_dilation(&[2])
                .with_ceil_mode(true);
            max_pool_backward(o, b, &[1, 4, 9, 10], CL, &opts, false)
        },
    },
    Case {
        name: "max_pool_backward 1-d 3 stride 1 some -1 CF 2x3x17",
        op: Op::MaxPoolBackward,
        tolerance: Exact,
        run: |o, b| {
            let opts = MaxPoolOptions::new(&[3]).with_stride(&[1]);
            max_pool_backward(o, b, &[2, 3, 17], CF, &opts, true)
        },
    },
    Case {
        name: "max_pool_backward 3-d 2 stride 1 CL 1x2x3x4x5",
        op: Op::MaxPoolBackward,
        tolerance: Exact,
        run: |o, b| {
            let opts = MaxPoolOptions::new(&[2]).with_stride(&[1]);
            max_pool_backward(o, b, &[1, 2, 3, 4, 5], CL, &opts, false)
        },
    },
    Case {
        name: "max_unpool_backward 2 CF 1x3x4x5",
        op: Op::MaxUnpoolBackward,
        tolerance: Exact,
        run: |o, b| max_unpool_backward(o, b, &[1, 3, 4, 5], CF, 2),
    },
    Case {
        name: "max_unpool_backward 3 CL 1x4x3x5",
        op: Op::MaxUnpoolBackward,
        tolerance: Exact,
        run: |o, b| max_unpool_backward(o, b, &[1, 4, 3, 5], CL, 3),
    },
    Case {
        name: "max_unpool_backward 1-d 3 CF 2x3x7",
        op: Op::MaxUnpoolBackward,
        tolerance: Exact,
        run: |o, b| max_unpool_backward(o, b, &[2, 3, 7], CF, 3),
    },
    Case {
        name: "max_unpool_backward 3-d 2 CL 1x2x2x3x3",
        op: Op::MaxUnpoolBackward,
        tolerance: Exact,
        run: |o, b| max_unpool_backward(o, b, &[1, 2, 2, 3, 3], CL, 2),
    },
    Case {
        name: "avg_unpool_backward 2 CF 1x3x4x5",
        op: Op::AvgUnpoolBackward,
        tolerance: SMOOTH,
        run: |o, b| avg_unpool_backward(o, b, &[1, 3, 4, 5], CF, &UnpoolOptions::new(&[2])),
    },
    Case {
        name: "avg_unpool_backward 3 stride 2 padding 1 CL 1x3x4x5",
        op: Op::AvgUnpoolBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = UnpoolOptions::new(&[3])
                .with_stride(&[2])
                .with_padding(&[1]);
            avg_unpool_backward(o, b, &[1, 3, 4, 5], CL, &opts)
        },
    },
    Case {
        name: "avg_unpool_backward 1-d 3 stride 2 CF 2x3x7",
        op: Op::AvgUnpoolBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = UnpoolOptions::new(&[3]).with_stride(&[2]);
            avg_unpool_backward(o, b, &[2, 3, 7], CF, &opts)
        },
    },
    Case {
        name: "avg_unpool_backward 3-d 2 CL 1x2x2x3x3",
        op: Op::AvgUnpoolBackward,
        tolerance: SMOOTH,
        run: |o, b| avg_unpool_backward(o, b, &[1, 2, 2, 3, 3], CL, &UnpoolOptions::new(&[2])),
    },
    Case {
        name: "interpolate_backward bilinear x2 NaN inf CF 1x2x5x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 280);
            let opts = InterpolateOptions::scale_factor(Bilinear, [2.0]);
            interpolate_backward(o, b, &[1, 2, 5, 7], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward bicubic 9x10 NaN inf CL 1x3x5x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 270);
            let opts = InterpolateOptions::size(Bicubic, [9, 10]);
            interpolate_backward(o, b, &[1, 3, 5, 7], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward bicubic 9x10 NaN inf CF 1x3x5x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 270);
            let opts = InterpolateOptions::size(Bicubic, [9, 10]);
            interpolate_backward(o, b, &[1, 3, 5, 7], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward area 3x4 NaN inf CF 1x3x8x9",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 36);
            let opts = InterpolateOptions::size(Area, [3, 4]);
            interpolate_backward(o, b, &[1, 3, 8, 9], CF, &opts)
        },
    },
    Case {
        name: "interpolate_backward area 7x9 NaN inf CL 1x3x4x5",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 189);
            let opts = InterpolateOptions::size(Area, [7, 9]);
            interpolate_backward(o, b, &[1, 3, 4, 5], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward bilinear antialias 5x4 NaN inf CL 1x3x9x9",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 60);
            let opts = InterpolateOptions::size(Bilinear, [5, 4]).with_antialias(true);
            interpolate_backward(o, b, &[1, 3, 9, 9], CL, &opts)
        },
    },
    // Channels-last pixels of 16 channels or more: the scatter kernel.
    Case {
        name: "interpolate_backward area 3x4 NaN inf CL 1x16x6x7",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 192);
            let opts = InterpolateOptions::size(Area, [3, 4]);
            interpolate_backward(o, b, &[1, 16, 6, 7], CL, &opts)
        },
    },
    Case {
        name: "interpolate_backward linear x2 CL 1x17x9",
        op: Op::InterpolateBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            let opts = InterpolateOptions::scale_factor(Linear, [2.0]);
            interpolate_backward(o, b, &[1, 17, 9], CL, &opts)
        },
    },
    Case {
        name: "avg_unpool_backward 3 stride 2 padding 1 NaN inf CF 1x3x4x5",
        op: Op::AvgUnpoolBackward,
        tolerance: SMOOTH,
        run: |o, b| {
            specials(b, 189);
            let opts = UnpoolOptions::new(&[3])
                .with_stride(&[2])
                .with_padding(&[1]);
            avg_unpool_backward(o, b, &[1, 3, 4, 5], CF, &opts)
        },
    },
    Case {
        name: "conv_transpose_backward NaN inf CF 1x4x5x6 w 4x2x4x4",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            specials(b, 240);
            let opts = ConvTransposeOptions::new()
                .with_stride(&[2])
                .with_padding(&[1]);
            conv_transpose_backward(o, b, &[1, 4, 5, 6], CF, &[4, 2, 4, 4], &opts)
        },
    },
    Case {
        name: "conv_transpose_backward groups 2 NaN inf CL 1x4x5x6 w 4x3x3x3",
        op: Op::ConvTransposeBackward,
        tolerance: CONV,
        run: |o, b| {
            specials(b, 1008);
            let opts = ConvTransposeOptions::new()
                .with_stride(&[2])
                .with_groups(2)
                .with_output_padding(&[1]);
            conv_transpose_backward(o, b, &[1, 4, 5, 6], CL, &[4, 3, 3, 3], &opts)
        },
    },
];
