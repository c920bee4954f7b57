//! The cases of the comparison with fast_image_resize, and one call of each
//! crate on them: shared by the table runner (`src/main.rs`) and the
//! criterion group (`benches/versus.rs`).
//!
//! fast_image_resize's convolution resize (`ResizeAlg::Convolution`) is
//! PIL's: a separable filter whose support grows with the downscale factor,
//! weights normalised over the part of the window inside the image. PyTorch's
//! antialiased modes are the same algorithm, so each filter is paired with
//! the mode that has its kernel:
//!
//! | fast_image_resize | upsample (`with_antialias(true)`) |
//! |---|---|
//! | `FilterType::Bilinear` (triangle, support 1) | `InterpolateMode::Bilinear` |
//! | `FilterType::CatmullRom` (cubic, a = -0.5, support 2) | `InterpolateMode::Bicubic` |
//! | `FilterType::Lanczos3` (support 3) | `InterpolateMode::Lanczos` |
//!
//! Both get the same memory: a single plane is a `1x1xHxW` channels-first
//! tensor and an `F32` image; an RGB image is a `1x3xHxW` channels-last
//! tensor and an `F32x3` image (interleaved pixels, the same bytes).

use std::hint::black_box;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use upsample::{InterpolateMode, InterpolateOptions, Layout, interpolate};

/// 64-byte aligned buffers, as in upsample's own benches.
#[path = "../../common/mod.rs"]
pub mod common;
use common::Aligned;

/// A filter, named as fast_image_resize names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    Bilinear,
    CatmullRom,
    Lanczos3,
}

impl Filter {
    pub const ALL: [Filter; 3] = [Filter::Bilinear, Filter::CatmullRom, Filter::Lanczos3];

    pub fn name(self) -> &'static str {
        match self {
            Filter::Bilinear => "bilinear",
            Filter::CatmullRom => "catmullrom",
            Filter::Lanczos3 => "lanczos3",
        }
    }

    pub fn fir(self) -> FilterType {
        match self {
            Filter::Bilinear => FilterType::Bilinear,
            Filter::CatmullRom => FilterType::CatmullRom,
            Filter::Lanczos3 => FilterType::Lanczos3,
        }
    }

    /// upsample's mode with the same kernel (to be used with antialias).
    pub fn mode(self) -> InterpolateMode {
        match self {
            Filter::Bilinear => InterpolateMode::Bilinear,
            Filter::CatmullRom => InterpolateMode::Bicubic,
            Filter::Lanczos3 => InterpolateMode::Lanczos,
        }
    }
}

/// One f32 component per pixel, or three interleaved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pixels {
    Plane,
    Rgb,
}

impl Pixels {
    pub fn channels(self) -> usize {
        match self {
            Pixels::Plane => 1,
            Pixels::Rgb => 3,
        }
    }

    pub fn fir(self) -> PixelType {
        match self {
            Pixels::Plane => PixelType::F32,
            Pixels::Rgb => PixelType::F32x3,
        }
    }

    /// The tensor layout that has fast_image_resize's memory order.
    pub fn layout(self) -> Layout {
        match self {
            Pixels::Plane => Layout::ChannelsFirst,
            Pixels::Rgb => Layout::ChannelsLast,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Pixels::Plane => "plane",
            Pixels::Rgb => "rgb",
        }
    }
}

/// One resize: `src` to `dst`, both (width, height).
#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub pixels: Pixels,
    pub src: (usize, usize),
    pub dst: (usize, usize),
    pub filter: Filter,
}

impl Case {
    /// e.g. `rgb 4928x3279->852x567 lanczos3`.
    pub fn id(&self) -> String {
        format!(
            "{} {}x{}->{}x{} {}",
            self.pixels.name(),
            self.src.0,
            self.src.1,
            self.dst.0,
            self.dst.1,
            self.filter.name()
        )
    }

    /// The tensor shape upsample gets, `(N, C, H, W)`.
    pub fn shape(&self) -> [usize; 4] {
        [1, self.pixels.channels(), self.src.1, self.src.0]
    }

    pub fn in_len(&self) -> usize {
        self.src.0 * self.src.1 * self.pixels.channels()
    }

    pub fn out_len(&self) -> usize {
        self.dst.0 * self.dst.1 * self.pixels.channels()
    }
}

/// fast_image_resize's headline case (its README's benchmarks: the NASA
/// picture, 4928x3279 to 852x567), then 2x and 0.5x of 512x512 (a plane
/// and RGB) and of 1920x1080 RGB; each with the three filters.
pub fn cases() -> Vec<Case> {
    let sizes = [
        (Pixels::Rgb, (4928, 3279), (852, 567)),
        (Pixels::Plane, (4928, 3279), (852, 567)),
        (Pixels::Plane, (512, 512), (1024, 1024)),
        (Pixels::Plane, (512, 512), (256, 256)),
        (Pixels::Rgb, (512, 512), (1024, 1024)),
        (Pixels::Rgb, (512, 512), (256, 256)),
        (Pixels::Rgb, (1920, 1080), (3840, 2160)),
        (Pixels::Rgb, (1920, 1080), (960, 540)),
    ];
    let mut cases = Vec::new();
    for (pixels, src, dst) in sizes {
        for filter in Filter::ALL {
            cases.push(Case {
                pixels,
                src,
                dst,
                filter,
            });
        }
    }
    cases
}

/// A test picture in [0, 1]: smooth waves (different per channel) plus
/// hashed noise, so that every filter's output differs from the others'.
pub fn picture(case: &Case) -> Aligned<f32> {
    let (w, h, c) = (case.src.0, case.src.1, case.pixels.channels());
    // Separable waves, so that the 48M values of the RGB headline case
    // take no transcendental call each.
    let cols: Vec<f32> = (0..w * c)
        .map(|i| {
            let (x, ch) = ((i / c) as f32, (i % c) as f32);
            (x * (0.013 + 0.011 * ch) + ch).sin()
        })
        .collect();
    let rows: Vec<f32> = (0..h).map(|y| (y as f32 * 0.021).cos()).collect();
    let mut a = Aligned::<f32>::zeroed(case.in_len());
    for (y, row) in a.chunks_exact_mut(w * c).enumerate() {
        for (i, v) in row.iter_mut().enumerate() {
            let n = ((y * w * c + i) as u32).wrapping_mul(2_654_435_761) >> 8;
            let noise = n as f32 / (1 << 24) as f32;
            *v = 0.5 + 0.35 * rows[y] * cols[i] + 0.15 * (noise - 0.5);
        }
    }
    a
}

/// The buffers and the set-up of both crates for one case.
pub struct Bench {
    pub case: Case,
    pub input: Aligned<f32>,
    pub upsample_out: Aligned<f32>,
    pub fir_out: Aligned<f32>,
    shape: [usize; 4],
    size: [usize; 2],
    resizer: Resizer,
    options: ResizeOptions,
}

impl Bench {
    pub fn new(case: Case) -> Bench {
        Bench {
            case,
            input: picture(&case),
            upsample_out: Aligned::zeroed(case.out_len()),
            fir_out: Aligned::zeroed(case.out_len()),
            shape: case.shape(),
            size: [case.dst.1, case.dst.0],
            // The best CPU extensions it finds (AVX2 on any x86-64-v3 CPU).
            resizer: Resizer::new(),
            options: ResizeOptions::new().resize_alg(ResizeAlg::Convolution(case.filter.fir())),
        }
    }

    /// `F.interpolate(x, size=(H', W'), mode=..., antialias=True)`.
    pub fn upsample(&mut self) {
        let opts =
            InterpolateOptions::size(self.case.filter.mode(), self.size).with_antialias(true);
        interpolate(
            black_box(&self.input),
            &self.shape,
            self.case.pixels.layout(),
            &opts,
            &mut self.upsample_out,
        )
        .unwrap();
        black_box(&mut *self.upsample_out);
    }

    /// `Resizer::resize` with `ResizeAlg::Convolution(filter)`; the image
    /// values are borrowed views of the buffers, made in a few instructions.
    pub fn fir(&mut self) {
        let (w, h) = self.case.src;
        let (dw, dh) = self.case.dst;
        let pixel = self.case.pixels.fir();
        let src = ImageRef::new(
            w as u32,
            h as u32,
            bytemuck::cast_slice(black_box(&*self.input)),
            pixel,
        )
        .unwrap();
        let mut dst = Image::from_slice_u8(
            dw as u32,
            dh as u32,
            bytemuck::cast_slice_mut(&mut self.fir_out),
            pixel,
        )
        .unwrap();
        self.resizer.resize(&src, &mut dst, &self.options).unwrap();
        black_box(&mut *self.fir_out);
    }

    /// fast_image_resize's SIMD path, as it chose it at run time.
    pub fn fir_extensions(&self) -> String {
        format!("{:?}", self.resizer.cpu_extensions())
    }

    /// How far apart the two outputs are (call both first).
    pub fn difference(&self) -> Difference {
        let (lo, hi) = self
            .input
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let (mut sum, mut max) = (0.0f64, 0.0f64);
        for (&a, &b) in self.upsample_out.iter().zip(self.fir_out.iter()) {
            let d = (a as f64 - b as f64).abs();
            sum += d;
            // A NaN in either output counts as the worst difference.
            max = if d.is_nan() {
                f64::INFINITY
            } else {
                max.max(d)
            };
        }
        Difference {
            mean: sum / self.upsample_out.len() as f64,
            max,
            range: (hi - lo) as f64,
        }
    }
}

/// The absolute differences between the two outputs, and the input's
/// value range they are measured against.
#[derive(Clone, Copy, Debug)]
pub struct Difference {
    pub mean: f64,
    pub max: f64,
    pub range: f64,
}

impl Difference {
    /// Both crates compute the same convolution with normalised weights,
    /// upsample in f32 and fast_image_resize with f64 weights and sums, so
    /// the outputs differ by rounding: measured, a mean of 2e-8 to 4e-7 and
    /// a max of 1e-7 to 5e-6 of the range (the most on the headline case,
    /// whose windows are the widest), edges included. The bound on the mean
    /// is 1e-4 of the range: far above rounding, far below what a wrong
    /// pairing gives (upsample's bicubic or lanczos against
    /// fast_image_resize's Bilinear on the 512x512 plane: a mean of 4e-3 to
    /// 1.5e-2 of the range).
    pub const MEAN_BOUND: f64 = 1e-4;

    pub fn ok(&self) -> bool {
        self.mean <= Self::MEAN_BOUND * self.range && self.max.is_finite()
    }
}
