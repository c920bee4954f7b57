//! `upsample` in a web page: every method the page offers, and the plain
//! `extern "C"` exports (over the module's linear memory) that
//! `www/upsample.js` calls. Built for `wasm32-unknown-unknown` with
//! `+simd128` for the page, and natively for `src/bin/check.rs`, which
//! checks the page's results against this same code on the host.
//!
//! A picture is RGB, channels-last `(1, 3, H, W)`, values in [0, 1]: the
//! layout of a canvas's pixels, less alpha.

use std::cell::RefCell;
use upsample::{
    ConvTransposeOptions, Error, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions,
};

const LAYOUT: Layout = Layout::ChannelsLast;

/// How a method's results may differ between two builds of the crate (the
/// README's exactness table: exact for copying ops).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    Exact,
    /// `|a - b| <= atol + rtol * |b|`.
    Close {
        atol: f32,
        rtol: f32,
    },
}

const SMOOTH: Tolerance = Tolerance::Close {
    atol: 1e-5,
    rtol: 1.3e-6,
};
const CONV: Tolerance = Tolerance::Close {
    atol: 1e-4,
    rtol: 1e-4,
};

/// What a method does with the page's scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// Any positive factor: the output is `round(H * s) x round(W * s)`.
    Any,
    /// A whole factor of at least 2 (a window or stride).
    Whole,
}

#[derive(Clone, Copy)]
enum Kind {
    Interpolate {
        mode: InterpolateMode,
        align_corners: bool,
        antialias: bool,
    },
    AvgUnpool,
    MaxUnpool,
    PixelShuffle,
    ConvTranspose,
}

/// One entry of the page's method list.
pub struct Method {
    pub name: &'static str,
    pub scale: Scale,
    pub tolerance: Tolerance,
    kind: Kind,
}

const fn interpolate(
    name: &'static str,
    mode: InterpolateMode,
    align_corners: bool,
    antialias: bool,
    tolerance: Tolerance,
) -> Method {
    Method {
        name,
        scale: Scale::Any,
        tolerance,
        kind: Kind::Interpolate {
            mode,
            align_corners,
            antialias,
        },
    }
}

/// The page's methods, in its list's order (the index is the method's id).
pub static METHODS: &[Method] = &[
    interpolate(
        "nearest",
        InterpolateMode::Nearest,
        false,
        false,
        Tolerance::Exact,
    ),
    interpolate(
        "nearest-exact",
        InterpolateMode::NearestExact,
        false,
        false,
        Tolerance::Exact,
    ),
    interpolate("bilinear", InterpolateMode::Bilinear, false, false, SMOOTH),
    interpolate(
        "bilinear, align_corners",
        InterpolateMode::Bilinear,
        true,
        false,
        SMOOTH,
    ),
    interpolate(
        "bilinear, antialias",
        InterpolateMode::Bilinear,
        false,
        true,
        SMOOTH,
    ),
    interpolate("bicubic", InterpolateMode::Bicubic, false, false, SMOOTH),
    interpolate(
        "bicubic, antialias",
        InterpolateMode::Bicubic,
        false,
        true,
        SMOOTH,
    ),
    interpolate("lanczos", InterpolateMode::Lanczos, false, true, SMOOTH),
    interpolate("area", InterpolateMode::Area, false, false, SMOOTH),
    Method {
        name: "avg_unpool",
        scale: Scale::Whole,
        tolerance: SMOOTH,
        kind: Kind::AvgUnpool,
    },
    Method {
        name: "conv_transpose (bilinear kernel)",
        scale: Scale::Whole,
        tolerance: CONV,
        kind: Kind::ConvTranspose,
    },
    Method {
        name: "max_unpool of the picture's max_pool",
        scale: Scale::Whole,
        tolerance: Tolerance::Exact,
        kind: Kind::MaxUnpool,
    },
    Method {
        name: "pixel_shuffle of the picture's pixel_unshuffle",
        scale: Scale::Whole,
        tolerance: Tolerance::Exact,
        kind: Kind::PixelShuffle,
    },
];

/// Why a method could not run.
#[derive(Debug)]
pub enum Failure {
    NoSuchMethod(usize),
    BadScale(f32),
    Op(Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NoSuchMethod(m) => write!(f, "no method {m}"),
            Failure::BadScale(s) => {
                write!(f, "this method needs a whole scale of at least 2, not {s}")
            }
            Failure::Op(e) => write!(f, "{e}"),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Op(e)
    }
}

fn whole(scale: f32) -> Result<usize, Failure> {
    if scale >= 2.0 && scale.fract() == 0.0 && scale <= 64.0 {
        Ok(scale as usize)
    } else {
        Err(Failure::BadScale(scale))
    }
}

/// The output size of `method` at `scale` on an `height` x `width`
/// picture.
pub fn output_size(
    method: usize,
    scale: f32,
    height: usize,
    width: usize,
) -> Result<(usize, usize), Failure> {
    let m = METHODS.get(method).ok_or(Failure::NoSuchMethod(method))?;
    match m.scale {
        Scale::Any => {
            if !(scale.is_finite() && scale > 0.0) {
                return Err(Failure::BadScale(scale));
            }
            let side = |n: usize| ((n as f32 * scale).round() as usize).max(1);
            Ok((side(height), side(width)))
        }
        Scale::Whole => {
            let k = whole(scale)?;
            match m.kind {
                // Back to the picture's size from its max_pool (unpool's
                // `output_size`); from its pixel_unshuffle, cut to whole
                // blocks.
                Kind::MaxUnpool => Ok((height, width)),
                Kind::PixelShuffle => Ok((height / k * k, width / k * k)),
                _ => Ok((height * k, width * k)),
            }
        }
    }
}

/// Runs `method` at `scale` on `picture` (`height` x `width`, RGB
/// channels-last) into `output` (of [`output_size`]). `scratch` holds what
/// the two-step methods make on the way, and grows as needed.
pub fn run(
    method: usize,
    scale: f32,
    picture: &[f32],
    height: usize,
    width: usize,
    output: &mut [f32],
    scratch: &mut Scratch,
) -> Result<(), Failure> {
    let m = METHODS.get(method).ok_or(Failure::NoSuchMethod(method))?;
    let (out_h, out_w) = output_size(method, scale, height, width)?;
    let shape = [1, 3, height, width];
    match m.kind {
        Kind::Interpolate {
            mode,
            align_corners,
            antialias,
        } => {
            let size = [out_h, out_w];
            // PyTorch rejects align_corners=False too with nearest or area:
            // set it only where it is on.
            let mut options = InterpolateOptions::size(mode, size).with_antialias(antialias);
            if align_corners {
                options = options.with_align_corners(true);
            }
            upsample::interpolate(picture, &shape, LAYOUT, &options, output)?;
        }
        Kind::AvgUnpool => {
            let k = [whole(scale)?];
            upsample::avg_unpool(picture, &shape, LAYOUT, &UnpoolOptions::new(&k), output)?;
        }
        Kind::ConvTranspose => conv_transpose(picture, &shape, whole(scale)?, output, scratch)?,
        Kind::MaxUnpool => {
            let k = [whole(scale)?];
            let pooled = upsample::max_pool_output_shape(&shape, &MaxPoolOptions::new(&k))?;
            let (values, indices) = scratch.values_and_indices(pooled.numel());
            upsample::max_pool(
                picture,
                &shape,
                LAYOUT,
                &MaxPoolOptions::new(&k),
                values,
                indices,
            )?;
            let size = [out_h, out_w];
            let options = UnpoolOptions::new(&k).with_output_size(&size);
            upsample::max_unpool(values, indices, &pooled, LAYOUT, &options, output)?;
        }
        Kind::PixelShuffle => {
            let k = whole(scale)?;
            // Cut to whole k x k blocks, as pixel_unshuffle needs.
            let cut = [1, 3, out_h, out_w];
            let depth = upsample::pixel_unshuffle_output_shape(&cut, k)?;
            let (cropped, channels) = scratch.cropped(picture, width, out_h, out_w, depth.numel());
            upsample::pixel_unshuffle(cropped, &cut, LAYOUT, k, channels)?;
            upsample::pixel_shuffle(channels, &depth, LAYOUT, k, output)?;
        }
    }
    Ok(())
}

/// `F.conv_transpose2d` with the bilinear ("tent") kernel that FCN
/// initialises its upsampling layers with, each channel on its own
/// (groups = 3), as in the demo.
fn conv_transpose(
    picture: &[f32],
    shape: &[usize; 4],
    k: usize,
    output: &mut [f32],
    scratch: &mut Scratch,
) -> Result<(), Error> {
    let taps = 2 * k - k % 2;
    let centre = (taps - 1) as f32 / 2.0;
    let tent: Vec<f32> = (0..taps)
        .map(|i| 1.0 - (i as f32 - centre).abs() / taps.div_ceil(2) as f32)
        .collect();
    let weight: Vec<f32> = (0..3)
        .flat_map(|_| tent.iter().flat_map(|a| tent.iter().map(move |b| a * b)))
        .collect();
    let weight_shape = [3, 1, taps, taps];
    let (stride, padding) = ([k], [(taps - k).div_ceil(2)]);
    let options = ConvTransposeOptions::new()
        .with_stride(&stride)
        .with_padding(&padding)
        .with_groups(3);
    let len = upsample::conv_transpose_scratch_len(shape, LAYOUT, &weight_shape, &options)?;
    let conv_scratch = scratch.values(len);
    upsample::conv_transpose(
        picture,
        shape,
        LAYOUT,
        &weight,
        &weight_shape,
        None,
        &options,
        output,
        conv_scratch,
    )
}

/// Buffers the two-step methods reuse from call to call (so that the
/// timed calls do not allocate, once warm).
#[derive(Default)]
pub struct Scratch {
    values: Vec<f32>,
    indices: Vec<i64>,
    cropped: Vec<f32>,
}

impl Scratch {
    /// `len` values.
    fn values(&mut self, len: usize) -> &mut [f32] {
        self.values.resize(len, 0.0);
        &mut self.values
    }

    /// `len` values and as many indices.
    fn values_and_indices(&mut self, len: usize) -> (&mut [f32], &mut [i64]) {
        self.values.resize(len, 0.0);
        self.indices.resize(len, 0);
        (&mut self.values, &mut self.indices)
    }

    /// The top-left `height` x `width` of an RGB picture `width_in` wide,
    /// and `len` values.
    fn cropped(
        &mut self,
        picture: &[f32],
        width_in: usize,
        height: usize,
        width: usize,
        len: usize,
    ) -> (&[f32], &mut [f32]) {
        self.cropped.clear();
        for row in picture.chunks(width_in * 3).take(height) {
            self.cropped.extend_from_slice(&row[..width * 3]);
        }
        self.values.resize(len, 0.0);
        (&self.cropped, &mut self.values)
    }
}

/// The page's built-in picture, `height` x `width` RGB: soft gradients,
/// a disc and a checkerboard of hard edges (procedural, so that the page
/// and the native checker make the same one).
pub fn builtin_picture(height: usize, width: usize) -> Vec<f32> {
    let mut data = Vec::with_capacity(height * width * 3);
    let (h, w) = (height as f32, width as f32);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = ((x as f32 + 0.5) / w, (y as f32 + 0.5) / h);
            let disc = (u - 0.35).hypot(v - 0.45) < 0.25;
            let check = (x * 8 / width.max(1) + y * 6 / height.max(1)).is_multiple_of(2);
            let rgb = if disc {
                [0.9, 0.2 + 0.3 * v, 0.1]
            } else if u > 0.65 {
                if check {
                    [0.15, 0.15, 0.2]
                } else {
                    [0.95, 0.9, 0.5]
                }
            } else {
                [0.2 + 0.6 * u, 0.4 + 0.5 * v, 0.9 - 0.5 * u * v]
            };
            data.extend_from_slice(&rgb);
        }
    }
    data
}

// ---------------------------------------------------------------------------
// The exports the page calls. Sizes and pointers are 32-bit (wasm32);
// errors are negative, and `last_error` says what went wrong.
// ---------------------------------------------------------------------------

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn fail(e: Failure) -> i32 {
    LAST_ERROR.with(|l| *l.borrow_mut() = e.to_string());
    -1
}

/// A buffer of `len` `f32`s in linear memory, for the page to fill or read;
/// give it back with [`upsample_free`].
#[unsafe(no_mangle)]
pub extern "C" fn upsample_alloc(len: usize) -> *mut f32 {
    let mut buffer = vec![0.0f32; len].into_boxed_slice();
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

/// Frees a buffer from [`upsample_alloc`] of the same `len`.
///
/// # Safety
/// `ptr` and `len` must be those of one `upsample_alloc` call, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn upsample_free(ptr: *mut f32, len: usize) {
    // SAFETY: the caller passes back a box that upsample_alloc leaked.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
}

/// How many methods there are (ids 0..n).
#[unsafe(no_mangle)]
pub extern "C" fn upsample_method_count() -> usize {
    METHODS.len()
}

/// Method `method`'s name, UTF-8, into `out` (at most `cap` bytes); its length.
///
/// # Safety
/// `out` must be valid for `cap` bytes of writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn upsample_method_name(method: usize, out: *mut u8, cap: usize) -> usize {
    let name = METHODS.get(method).map_or("", |m| m.name);
    // SAFETY: the caller gives `cap` writable bytes at `out`.
    unsafe { copy_str(name, out, cap) }
}

/// 1 if `method` takes only whole scales of at least 2.
#[unsafe(no_mangle)]
pub extern "C" fn upsample_method_whole_scale(method: usize) -> i32 {
    METHODS.get(method).is_some_and(|m| m.scale == Scale::Whole) as i32
}

/// The last error's message into `out` (at most `cap` bytes); its length.
///
/// # Safety
/// `out` must be valid for `cap` bytes of writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn upsample_last_error(out: *mut u8, cap: usize) -> usize {
    // SAFETY: the caller gives `cap` writable bytes at `out`.
    LAST_ERROR.with(|l| unsafe { copy_str(&l.borrow(), out, cap) })
}

/// # Safety
/// `out` must be valid for `cap` bytes of writes.
unsafe fn copy_str(s: &str, out: *mut u8, cap: usize) -> usize {
    let n = s.len().min(cap);
    // SAFETY: n <= cap, and the caller vouches for `cap` bytes at `out`.
    unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), out, n) };
    n
}

/// The output height and width of `method` at `scale`, packed as
/// `height * 65536 + width`; negative if it cannot run.
#[unsafe(no_mangle)]
pub extern "C" fn upsample_output_size(
    method: usize,
    scale: f32,
    height: usize,
    width: usize,
) -> i32 {
    match output_size(method, scale, height, width) {
        Ok((h, w)) if h < 32768 && w < 65536 => (h * 65536 + w) as i32,
        Ok((h, _)) => fail(Failure::Op(Error::Overflow {
            what: if h >= 32768 {
                "output height"
            } else {
                "output width"
            },
        })),
        Err(e) => fail(e),
    }
}

/// Runs `method` at `scale` on the RGB picture at `input` (`height` x
/// `width` x 3 `f32`s) into `output` (its [`upsample_output_size`] x 3
/// `f32`s). 0, or negative with [`upsample_last_error`] set.
///
/// # Safety
/// `input` and `output` must be valid for those lengths, and not overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn upsample_run(
    method: usize,
    scale: f32,
    input: *const f32,
    height: usize,
    width: usize,
    output: *mut f32,
) -> i32 {
    let (out_h, out_w) = match output_size(method, scale, height, width) {
        Ok(size) => size,
        Err(e) => return fail(e),
    };
    // SAFETY: the caller vouches for these buffers' lengths.
    let (input, output) = unsafe {
        (
            std::slice::from_raw_parts(input, height * width * 3),
            std::slice::from_raw_parts_mut(output, out_h * out_w * 3),
        )
    };
    SCRATCH.with(|s| {
        match run(
            method,
            scale,
            input,
            height,
            width,
            output,
            &mut s.borrow_mut(),
        ) {
            Ok(()) => 0,
            Err(e) => fail(e),
        }
    })
}

/// Writes the built-in picture, `height` x `width` x 3 `f32`s, to `out`.
///
/// # Safety
/// `out` must be valid for that many `f32`s of writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn upsample_builtin_picture(height: usize, width: usize, out: *mut f32) {
    let picture = builtin_picture(height, width);
    // SAFETY: the caller gives room for the picture.
    unsafe { std::ptr::copy_nonoverlapping(picture.as_ptr(), out, picture.len()) };
}

/// The picture size and scales the page's self-test runs every method at
/// (`index.html?selftest`), which `check` recomputes natively: each
/// method at two scales that it takes.
pub const SELFTEST_PICTURE: (usize, usize) = (12, 16);

/// [`SELFTEST_PICTURE`], packed as `height * 65536 + width`.
#[unsafe(no_mangle)]
pub extern "C" fn upsample_selftest_picture() -> i32 {
    (SELFTEST_PICTURE.0 * 65536 + SELFTEST_PICTURE.1) as i32
}

/// Scale `i` (0 or 1) of the self-test for `method`.
#[unsafe(no_mangle)]
pub extern "C" fn upsample_selftest_scale(method: usize, i: usize) -> f32 {
    METHODS
        .get(method)
        .map_or(0.0, |m| selftest_scales(m)[i.min(1)])
}

pub fn selftest_scales(method: &Method) -> [f32; 2] {
    match method.scale {
        Scale::Any => [2.5, 0.5],
        Scale::Whole => [3.0, 2.0],
    }
}

/// Whether `got` is within `tolerance` of `want`.
pub fn accepts(tolerance: Tolerance, got: f32, want: f32) -> bool {
    match tolerance {
        Tolerance::Exact => got.to_bits() == want.to_bits(),
        Tolerance::Close { atol, rtol } => {
            (got.is_nan() && want.is_nan())
                || got == want
                || (got - want).abs() <= atol + rtol * want.abs()
        }
    }
}
