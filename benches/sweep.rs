//! The shape sweep: about 300 cases of every op, both layouts, the channel
//! counts, widths, batches and scales users have, each timed as the median
//! of repeated calls beside a `memcpy` (`copy_from_slice`) of max(input,
//! output) bytes. A change is judged by the whole sweep, not by one case.
//!
//! ```text
//! cargo bench --manifest-path benches/Cargo.toml --bench sweep                          # every case, SSE2 on x86_64
//! cargo bench --manifest-path benches/Cargo.toml --bench sweep -- bilinear              # the ids containing "bilinear"
//! cargo bench --manifest-path benches/Cargo.toml --bench sweep -- --list                # id, TAB, JSON description, per line
//! cargo bench --manifest-path benches/Cargo.toml --bench sweep -- --json OUT.json       # also write the results
//! cargo bench --manifest-path benches/Cargo.toml --bench sweep -- --reference           # also time upsample::reference
//! cargo bench --manifest-path benches/Cargo.toml --bench sweep -- --reps 200 --time 0.1 # at most 200 calls or 0.1 s a case
//! ```
//!
//! `scripts/sweep.sh` runs it for SSE2, AVX2 and native builds, the
//! reference and PyTorch (`benches/pytorch_sweep.py`, which reads `--list`),
//! and `scripts/sweep_report.py` prints the outliers.
//!
//! Each case: a warm-up call, then calls until the time budget (`--time`,
//! 0.2 s) or `--reps` calls (1000), at least 3 unless the warm-up alone took
//! a quarter of the budget; the median per call in ns (see [`time`]). The
//! memcpy and the reference get half the budget. Buffers are 64-byte
//! aligned (`common/mod.rs`); inputs, weights and biases are deterministic
//! pseudo-random values in [-1, 1). Case ids are stable: results are
//! compared across runs and commits by id, so change a case by adding a
//! new one and dropping the old.

use serde_json::{Value, json};
use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};
use upsample::{
    ConvTransposeOptions, InterpolateMode as M, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions,
};

mod common;
use common::Aligned;

const CF: Layout = Layout::ChannelsFirst;
const CL: Layout = Layout::ChannelsLast;

/// `interpolate`'s target: `scale_factor` or `size`.
#[derive(Clone, Debug)]
enum Resize {
    Scale(Vec<f64>),
    Size(Vec<usize>),
}

#[derive(Clone, Debug)]
enum Op {
    Interpolate {
        mode: M,
        resize: Resize,
        align_corners: Option<bool>,
        antialias: bool,
    },
    PixelShuffle(usize),
    PixelUnshuffle(usize),
    MaxPool(Window),
    /// The input is `max_pool(window)` of a random tensor of spatial size
    /// `full`, with its indices; the output is `full`.
    MaxUnpool(Window, Vec<usize>),
    /// Unpools to `output_size` `full`.
    AvgUnpool(Window, Vec<usize>),
    ConvTranspose {
        kind: &'static str,
        weight: Vec<usize>,
        stride: usize,
        padding: usize,
        output_padding: usize,
        groups: usize,
    },
}

/// A pooling window: kernel, stride, padding (the same on every axis).
#[derive(Clone, Copy, Debug)]
struct Window([usize; 1], [usize; 1], [usize; 1]);

impl Window {
    const fn new(kernel: usize, stride: usize, padding: usize) -> Window {
        Window([kernel], [stride], [padding])
    }
    fn tag(&self) -> String {
        format!("k{}s{}p{}", self.0[0], self.1[0], self.2[0])
    }
    fn json(&self) -> Value {
        json!({"kernel_size": self.0, "stride": self.1, "padding": self.2})
    }
    fn max_pool(&self) -> MaxPoolOptions<'_> {
        MaxPoolOptions::new(&self.0)
            .with_stride(&self.1)
            .with_padding(&self.2)
    }
    fn unpool<'a>(&'a self, full: &'a [usize]) -> UnpoolOptions<'a> {
        UnpoolOptions::new(&self.0)
            .with_stride(&self.1)
            .with_padding(&self.2)
            .with_output_size(full)
    }
}

struct Case {
    id: String,
    family: String,
    op: Op,
    layout: Layout,
    /// The op's input shape, logical `(N, C, spatial...)`.
    shape: Vec<usize>,
    out_shape: Vec<usize>,
}

fn layout_tag(layout: Layout) -> &'static str {
    match layout {
        Layout::ChannelsFirst => "cf",
        Layout::ChannelsLast => "cl",
    }
}

fn dims(spatial: &[usize]) -> String {
    spatial
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("x")
}

fn nc(shape: &[usize]) -> String {
    format!("n{}c{}", shape[0], shape[1])
}

fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Bytes read and written: the values, plus `max_pool`'s `i64` output
/// indices and `max_unpool`'s input ones.
fn bytes(case: &Case) -> (usize, usize) {
    let (i, o) = (numel(&case.shape), numel(&case.out_shape));
    match case.op {
        Op::MaxPool(_) => (4 * i, 12 * o),
        Op::MaxUnpool(..) => (12 * i, 4 * o),
        _ => (4 * i, 4 * o),
    }
}

fn interpolate_options(
    mode: M,
    resize: &Resize,
    align_corners: Option<bool>,
    antialias: bool,
) -> InterpolateOptions {
    let mut opts = match resize {
        Resize::Scale(s) => InterpolateOptions::scale_factor(mode, s),
        Resize::Size(s) => InterpolateOptions::size(mode, s),
    };
    opts.align_corners = align_corners;
    opts.with_antialias(antialias)
}

/// The case list, in a fixed order.
#[derive(Default)]
struct Grid(Vec<Case>);

impl Grid {
    fn push(&mut self, id: String, family: String, op: Op, layout: Layout, shape: &[usize]) {
        let out_shape = output_shape(&op, shape);
        self.0.push(Case {
            id,
            family,
            op,
            layout,
            shape: shape.to_vec(),
            out_shape,
        });
    }

    /// `interpolate` in both layouts.
    fn interp(&mut self, mode: M, aa: bool, shape: &[usize], resize: Resize, ac: Option<bool>) {
        let name = match (mode, aa) {
            (M::Lanczos, _) | (_, false) => mode.name().to_string(),
            (_, true) => format!("{}-aa", mode.name()),
        };
        let how = match &resize {
            Resize::Scale(s) => format!(
                "x{}",
                s.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Resize::Size(_) => "size".to_string(),
        };
        let op = Op::Interpolate {
            mode,
            resize,
            align_corners: ac,
            antialias: aa,
        };
        let out = output_shape(&op, shape);
        for layout in [CF, CL] {
            let mut id = format!(
                "interp/{name}/{}/{}/{}->{}/{how}",
                layout_tag(layout),
                nc(shape),
                dims(&shape[2..]),
                dims(&out[2..]),
            );
            if let Some(ac) = ac {
                id += if ac { "/ac1" } else { "/ac0" };
            }
            self.push(id, format!("interp/{name}"), op.clone(), layout, shape);
        }
    }

    /// A copying op in both layouts; `tag` names its parameters.
    fn copying(&mut self, name: &str, tag: &str, op: Op, shape: &[usize]) {
        let out = output_shape(&op, shape);
        for layout in [CF, CL] {
            let id = match op {
                Op::MaxUnpool(..) | Op::AvgUnpool(..) => format!(
                    "{name}/{tag}/{}/{}/{}->{}",
                    layout_tag(layout),
                    nc(shape),
                    dims(&shape[2..]),
                    dims(&out[2..])
                ),
                _ => format!(
                    "{name}/{tag}/{}/{}/{}",
                    layout_tag(layout),
                    nc(shape),
                    dims(&shape[2..])
                ),
            };
            self.push(id, name.to_string(), op.clone(), layout, shape);
        }
    }

    /// `conv_transpose` in both layouts: `c_out` output channels, kernel
    /// `k` on every axis.
    #[allow(clippy::too_many_arguments)]
    fn conv(
        &mut self,
        kind: &'static str,
        shape: &[usize],
        c_out: usize,
        k: usize,
        stride: usize,
        padding: usize,
        output_padding: usize,
        groups: usize,
    ) {
        let mut weight = vec![shape[1], c_out / groups];
        weight.extend(std::iter::repeat_n(k, shape.len() - 2));
        let mut tag = format!("k{k}s{stride}p{padding}");
        if output_padding > 0 {
            tag += &format!("op{output_padding}");
        }
        if groups > 1 {
            tag += &format!("g{groups}");
        }
        let op = Op::ConvTranspose {
            kind,
            weight,
            stride,
            padding,
            output_padding,
            groups,
        };
        for layout in [CF, CL] {
            let id = format!(
                "conv_transpose/{kind}/{}/n{}c{}->{c_out}/{}/{tag}",
                layout_tag(layout),
                shape[0],
                shape[1],
                dims(&shape[2..])
            );
            self.push(id, "conv_transpose".into(), op.clone(), layout, shape);
        }
    }
}

fn output_shape(op: &Op, shape: &[usize]) -> Vec<usize> {
    let out = match op {
        Op::Interpolate {
            mode,
            resize,
            align_corners,
            antialias,
        } => upsample::interpolate_output_shape(
            shape,
            &interpolate_options(*mode, resize, *align_corners, *antialias),
        ),
        Op::PixelShuffle(r) => upsample::pixel_shuffle_output_shape(shape, *r),
        Op::PixelUnshuffle(r) => upsample::pixel_unshuffle_output_shape(shape, *r),
        Op::MaxPool(w) => upsample::max_pool_output_shape(shape, &w.max_pool()),
        Op::MaxUnpool(w, full) | Op::AvgUnpool(w, full) => {
            upsample::unpool_output_shape(shape, &w.unpool(full))
        }
        Op::ConvTranspose {
            weight,
            stride,
            padding,
            output_padding,
            groups,
            ..
        } => upsample::conv_transpose_output_shape(
            shape,
            weight,
            &ConvTransposeOptions::new()
                .with_stride(&[*stride])
                .with_padding(&[*padding])
                .with_output_padding(&[*output_padding])
                .with_groups(*groups),
        ),
    };
    out.unwrap_or_else(|e| panic!("{op:?} on {shape:?}: {e}"))
        .to_vec()
}

/// The pooled shape of `full` under `w`.
fn pooled(full: &[usize], w: Window) -> Vec<usize> {
    upsample::max_pool_output_shape(full, &w.max_pool())
        .unwrap()
        .to_vec()
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use Resize::{Scale, Size};
    let s = |v: f64| Scale(vec![v]);
    let size = |v: &[usize]| Size(v.to_vec());
    let (no, ac0, ac1) = (None, Some(false), Some(true));
    let mut g = Grid::default();

    // Images: RGB from 224 to 1920 wide, RGBA, one-channel masks and depth.
    const RGB224: &[usize] = &[1, 3, 224, 224];
    const RGB225: &[usize] = &[1, 3, 225, 225];
    const RGB256: &[usize] = &[1, 3, 256, 256];
    const VGA: &[usize] = &[1, 3, 480, 640];
    const HD: &[usize] = &[1, 3, 1080, 1920];
    const RGBA511: &[usize] = &[1, 4, 511, 511];
    const MASK513: &[usize] = &[1, 1, 513, 513];
    const MASK1023: &[usize] = &[1, 1, 1023, 1023];
    // Feature maps: more channels on smaller planes.
    const F8: &[usize] = &[1, 8, 257, 257];
    const F16: &[usize] = &[1, 16, 129, 129];
    const F32: &[usize] = &[1, 32, 128, 128];
    const F64: &[usize] = &[1, 64, 64, 64];
    const F64B: &[usize] = &[1, 64, 128, 128];
    const F256: &[usize] = &[1, 256, 32, 32];
    const F256ODD: &[usize] = &[1, 256, 17, 17];
    const F512: &[usize] = &[1, 512, 16, 16];
    const B8RGB: &[usize] = &[8, 3, 224, 224];
    const B8F64: &[usize] = &[8, 64, 33, 33];
    const CUBE16: &[usize] = &[1, 16, 32, 32, 32];

    // nearest: 2-d, 1-d, 3-d.
    for (shape, r) in [
        (RGB224, s(2.0)),
        (HD, s(0.5)),
        (VGA, size(&[224, 224])),
        (F64, s(2.0)),
        (F512, s(2.0)),
        (F256ODD, s(2.0)),
        (MASK513, s(2.0)),
        (RGBA511, s(1.5)),
        (F8, s(0.875)),
        (&[8, 32, 33, 33], s(3.0)),
        (F16, s(4.0)),
        (&[1, 64, 1023], s(2.0)),
        (&[8, 16, 257], s(4.0)),
        (CUBE16, s(2.0)),
        (&[1, 8, 17, 33, 33], s(2.0)),
    ] {
        g.interp(M::Nearest, false, shape, r, no);
    }
    for (shape, r) in [
        (RGB224, s(2.0)),
        (VGA, size(&[224, 224])),
        (F64, s(2.0)),
        (MASK513, s(0.5)),
        (&[1, 32, 33, 33], s(3.0)),
        (&[1, 64, 1023], s(2.0)),
        (CUBE16, s(0.5)),
    ] {
        g.interp(M::NearestExact, false, shape, r, no);
    }

    // linear (1-d): spectrograms, audio, sequences.
    for (shape, r, ac) in [
        (&[1, 80, 1023][..], s(2.0), ac0),
        (&[1, 80, 1023], s(2.0), ac1),
        (&[8, 64, 257], s(4.0), ac0),
        (&[1, 1, 16000], s(3.0), ac0),
        (&[1, 256, 513], s(0.5), ac0),
        (&[1, 512, 129], size(&[256]), ac1),
        (&[4, 32, 1920], s(0.875), ac0),
    ] {
        g.interp(M::Linear, false, shape, r, ac);
    }

    // bilinear: the most used mode, the widest spread.
    for (shape, r, ac) in [
        (RGB224, s(2.0), ac0),
        (RGB224, s(2.0), ac1),
        (RGB225, s(2.0), ac0),
        (HD, s(0.5), ac0),
        (HD, size(&[720, 1280]), ac0),
        (VGA, size(&[224, 224]), ac0),
        (RGBA511, s(2.0), ac0),
        (MASK513, s(2.0), ac1),
        (MASK1023, s(0.5), ac0),
        (F8, s(1.5), ac0),
        (F16, s(2.0), ac0),
        (F16, s(2.0), ac1),
        (F32, s(2.0), ac0),
        (F64, s(2.0), ac0),
        (F64, s(2.0), ac1),
        (F64, s(0.875), ac0),
        (F64, s(3.0), ac0),
        (F64, Scale(vec![2.0, 1.5]), ac0),
        (F256, s(2.0), ac0),
        (F512, s(2.0), ac0),
        (F512, s(2.0), ac1),
        (F256ODD, s(4.0), ac0),
        (B8RGB, s(2.0), ac0),
        (B8F64, size(&[64, 64]), ac1),
        // DeepLab: 21 class logits at stride 16 back to the 513x513 image.
        (&[1, 21, 33, 33], size(&[513, 513]), ac1),
    ] {
        g.interp(M::Bilinear, false, shape, r, ac);
    }

    for (shape, r, ac) in [
        (RGB224, s(2.0), ac0),
        (RGB224, s(2.0), ac1),
        (VGA, size(&[224, 224]), ac0),
        (&[1, 3, 257, 257], s(4.0), ac0),
        (RGBA511, s(0.5), ac0),
        (F16, s(2.0), ac0),
        (F64, s(2.0), ac0),
        (F64, s(2.0), ac1),
        (F512, s(2.0), ac0),
        (MASK513, s(1.5), ac0),
        (&[8, 3, 33, 33], s(3.0), ac0),
    ] {
        g.interp(M::Bicubic, false, shape, r, ac);
    }

    // Antialiased resizes: image preprocessing (to 224, to half) and the
    // upsampling path of the same modes.
    for (shape, r) in [
        (HD, s(0.5)),
        (HD, size(&[224, 398])),
        (VGA, size(&[224, 224])),
        (RGB256, size(&[224, 224])),
        (RGBA511, s(0.5)),
        (MASK1023, s(0.5)),
        (F64B, s(0.5)),
        (F16, s(2.0)),
        (B8RGB, s(0.5)),
    ] {
        g.interp(M::Bilinear, true, shape, r, ac0);
    }
    for (shape, r) in [
        (HD, size(&[224, 398])),
        (VGA, size(&[224, 224])),
        (RGB256, size(&[224, 224])),
        (F64B, s(0.5)),
        (RGBA511, s(0.875)),
        (F8, s(2.0)),
    ] {
        g.interp(M::Bicubic, true, shape, r, ac0);
    }
    for (shape, r) in [
        // 1080p lanczos takes 30-50 ms on SSE2: 720p instead.
        (&[1, 3, 720, 1280][..], s(0.5)),
        (VGA, size(&[224, 224])),
        (F64B, s(0.5)),
        (MASK513, s(2.0)),
        (RGBA511, s(0.875)),
    ] {
        g.interp(M::Lanczos, true, shape, r, no);
    }

    // area: adaptive average pooling, down and up, 1-d to 3-d.
    for (shape, r) in [
        (F64, s(0.5)),
        (HD, s(0.5)),
        (F512, size(&[7, 7])),
        (&[1, 256, 33, 33], size(&[7, 7])),
        (MASK513, s(0.875)),
        (F32, s(2.0)),
        (&[1, 80, 1023], s(0.5)),
        (CUBE16, s(0.5)),
    ] {
        g.interp(M::Area, false, shape, r, no);
    }

    for (shape, r, ac) in [
        (CUBE16, s(2.0), ac0),
        (CUBE16, s(2.0), ac1),
        (&[1, 1, 64, 64, 64][..], s(0.5), ac0),
        (&[1, 4, 17, 33, 33], s(2.0), ac0),
        (&[1, 64, 8, 16, 16], s(2.0), ac1),
        // A video clip to 224.
        (&[1, 3, 16, 112, 112], size(&[16, 224, 224]), ac0),
        (&[8, 8, 16, 16, 16], s(2.0), ac0),
    ] {
        g.interp(M::Trilinear, false, shape, r, ac);
    }

    // Pixel shuffle: sub-pixel convolution heads (to RGB: 3 r^2 channels)
    // and feature maps; unshuffle: space-to-depth stems.
    for (shape, r) in [
        (&[1, 256, 64, 64][..], 2),
        (&[1, 64, 64, 64], 2),
        (&[1, 12, 256, 256], 2),
        (&[8, 64, 33, 33], 2),
        (&[1, 27, 224, 224], 3),
        (&[1, 576, 22, 22], 3),
        (&[1, 48, 129, 129], 4),
        (&[1, 256, 33, 33], 4),
    ] {
        g.copying(
            "pixel_shuffle",
            &format!("r{r}"),
            Op::PixelShuffle(r),
            shape,
        );
    }
    for (shape, r) in [
        (&[1, 3, 512, 512][..], 2),
        (&[1, 64, 128, 128], 2),
        (&[8, 16, 64, 64], 2),
        (&[1, 3, 225, 225], 3),
        (&[1, 4, 512, 512], 4),
        (&[1, 16, 256, 256], 4),
    ] {
        g.copying(
            "pixel_unshuffle",
            &format!("r{r}"),
            Op::PixelUnshuffle(r),
            shape,
        );
    }

    // Pooling and unpooling: 2x2/2 and the ResNet stem's 3x3/2 p1.
    let (k2, k3) = (Window::new(2, 2, 0), Window::new(3, 2, 1));
    for (shape, w) in [
        (&[1, 64, 256, 256][..], k2),
        (&[1, 16, 64, 64], k2),
        (RGB225, k2),
        (&[1, 512, 32, 32], k2),
        (&[1, 64, 112, 112], k3),
        (RGB224, k3),
        (&[8, 32, 64, 64], k3),
        (&[1, 64, 1024], k2),
        (CUBE16, k2),
    ] {
        g.copying("max_pool", &w.tag(), Op::MaxPool(w), shape);
    }
    for (full, w) in [
        (&[1, 64, 256, 256][..], k2),
        (&[1, 32, 128, 128], k2),
        (&[1, 512, 32, 32], k2),
        (RGB225, k2),
        (&[1, 64, 112, 112], k3),
        (CUBE16, k2),
    ] {
        let op = Op::MaxUnpool(w, full[2..].to_vec());
        g.copying("max_unpool", &w.tag(), op, &pooled(full, w));
    }
    for (full, w) in [
        (&[1, 64, 256, 256][..], k2),
        (&[1, 32, 128, 128], k2),
        (&[1, 256, 33, 33], k2),
        (&[1, 64, 256, 256], k3),
        (&[1, 16, 64, 64], k3),
        (RGB225, k3),
        (&[4, 64, 2048], k2),
        (&[1, 8, 32, 32, 32], k2),
    ] {
        let op = Op::AvgUnpool(w, full[2..].to_vec());
        g.copying("avg_unpool", &w.tag(), op, &pooled(full, w));
    }

    // Transposed convolution: (kind, input, C_out, k, stride, padding,
    // output_padding, groups).
    for (kind, shape, c_out, k, st, p, op, groups) in [
        ("dense", &[1, 64, 64, 64][..], 32, 4, 2, 1, 0, 1),
        ("dense", &[8, 64, 17, 17], 32, 4, 2, 1, 0, 1),
        ("dense", &[1, 256, 32, 32], 128, 2, 2, 0, 0, 1),
        ("dense", &[1, 256, 17, 17], 128, 2, 2, 0, 0, 1),
        ("dense", &[1, 16, 32, 32], 8, 4, 2, 1, 0, 1),
        ("dense", &[1, 128, 32, 32], 64, 3, 2, 1, 1, 1),
        ("few_out", &[1, 3, 256, 256], 3, 4, 2, 1, 0, 1),
        ("few_out", &[1, 64, 128, 128], 3, 4, 2, 1, 0, 1),
        ("few_out", &[1, 16, 128, 128], 1, 4, 2, 1, 0, 1),
        ("grouped", &[1, 64, 64, 64], 64, 4, 2, 1, 0, 4),
        ("grouped", &[1, 32, 128, 128], 32, 2, 2, 0, 0, 4),
        // The FCN bilinear upsampler and its kin.
        ("depthwise", &[1, 3, 256, 256], 3, 4, 2, 1, 0, 3),
        ("depthwise", &[1, 16, 128, 128], 16, 4, 2, 1, 0, 16),
        ("depthwise", &[1, 64, 128, 128], 64, 4, 2, 1, 0, 64),
        // Vocoder upsampling stacks.
        ("1d", &[1, 512, 256], 256, 16, 8, 4, 0, 1),
        ("1d", &[1, 512, 64], 256, 16, 8, 4, 0, 1),
        ("1d", &[1, 80, 1024], 80, 4, 2, 1, 0, 1),
        ("3d", &[1, 64, 16, 16, 16], 32, 2, 2, 0, 0, 1),
    ] {
        g.conv(kind, shape, c_out, k, st, p, op, groups);
    }
    g.0
}

/// Deterministic values in [-1, 1) (SplitMix64).
fn data(n: usize, seed: u64) -> Aligned<f32> {
    let mut s = seed;
    let values: Vec<f32> = (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect();
    Aligned::from(&values)
}

/// A case's buffers.
struct Buffers {
    input: Aligned<f32>,
    output: Aligned<f32>,
    /// `max_pool`'s output indices, `max_unpool`'s input ones.
    indices: Aligned<i64>,
    weight: Aligned<f32>,
    bias: Aligned<f32>,
    scratch: Aligned<f32>,
}

impl Buffers {
    fn new(case: &Case) -> Buffers {
        let (in_len, out_len) = (numel(&case.shape), numel(&case.out_shape));
        let mut b = Buffers {
            input: data(in_len, 1),
            output: Aligned::zeroed(out_len),
            indices: Aligned::zeroed(0),
            weight: Aligned::zeroed(0),
            bias: Aligned::zeroed(0),
            scratch: Aligned::zeroed(0),
        };
        match &case.op {
            Op::MaxPool(_) => {
                b.indices = Aligned::zeroed(out_len);
            }
            Op::MaxUnpool(w, full) => {
                let mut full_shape = case.shape[..2].to_vec();
                full_shape.extend_from_slice(full);
                let source = data(numel(&full_shape), 2);
                b.indices = Aligned::zeroed(in_len);
                let opts = w.max_pool();
                upsample::max_pool(
                    &source,
                    &full_shape,
                    case.layout,
                    &opts,
                    &mut b.input,
                    &mut b.indices,
                )
                .unwrap();
            }
            Op::ConvTranspose {
                weight,
                stride,
                padding,
                output_padding,
                groups,
                ..
            } => {
                b.weight = data(numel(weight), 3);
                b.bias = data(case.out_shape[1], 4);
                let opts = ConvTransposeOptions::new()
                    .with_stride(std::slice::from_ref(stride))
                    .with_padding(std::slice::from_ref(padding))
                    .with_output_padding(std::slice::from_ref(output_padding))
                    .with_groups(*groups);
                let len =
                    upsample::conv_transpose_scratch_len(&case.shape, case.layout, weight, &opts)
                        .unwrap();
                b.scratch = Aligned::zeroed(len);
            }
            _ => {}
        }
        b
    }
}

/// `upsample::$f` or, with `$reference`, `upsample::reference::$f`.
macro_rules! pick {
    ($reference:expr, $f:ident($($arg:expr),* $(,)?)) => {
        if $reference {
            upsample::reference::$f($($arg),*)
        } else {
            upsample::$f($($arg),*)
        }
    };
}

/// One call of the case's op (or its reference twin) on `b`.
fn call(case: &Case, b: &mut Buffers, reference: bool) {
    let (shape, layout) = (&case.shape[..], case.layout);
    let input = black_box(&*b.input);
    let output = &mut *b.output;
    let done = match &case.op {
        Op::Interpolate {
            mode,
            resize,
            align_corners,
            antialias,
        } => {
            let opts = interpolate_options(*mode, resize, *align_corners, *antialias);
            pick!(reference, interpolate(input, shape, layout, &opts, output))
        }
        Op::PixelShuffle(r) => pick!(reference, pixel_shuffle(input, shape, layout, *r, output)),
        Op::PixelUnshuffle(r) => {
            pick!(reference, pixel_unshuffle(input, shape, layout, *r, output))
        }
        Op::MaxPool(w) => {
            let opts = w.max_pool();
            let indices = &mut *b.indices;
            pick!(
                reference,
                max_pool(input, shape, layout, &opts, output, indices)
            )
        }
        Op::MaxUnpool(w, full) => {
            let opts = w.unpool(full);
            let indices = black_box(&*b.indices);
            pick!(
                reference,
                max_unpool(input, indices, shape, layout, &opts, output)
            )
        }
        Op::AvgUnpool(w, full) => {
            let opts = w.unpool(full);
            pick!(reference, avg_unpool(input, shape, layout, &opts, output))
        }
        Op::ConvTranspose {
            weight,
            stride,
            padding,
            output_padding,
            groups,
            ..
        } => {
            let opts = ConvTransposeOptions::new()
                .with_stride(std::slice::from_ref(stride))
                .with_padding(std::slice::from_ref(padding))
                .with_output_padding(std::slice::from_ref(output_padding))
                .with_groups(*groups);
            let scratch = &mut *b.scratch;
            pick!(
                reference,
                conv_transpose(
                    input,
                    shape,
                    layout,
                    &b.weight,
                    weight,
                    Some(&b.bias),
                    &opts,
                    output,
                    scratch,
                )
            )
        }
    };
    done.unwrap_or_else(|e| panic!("{}: {e}", case.id));
    black_box(&mut *b.output);
}

/// The median per call of `f`, in ns, and the number of calls timed: a
/// warm-up call, then calls until `budget` has passed and at least 3 (1 if
/// the warm-up took over a quarter of the budget) or `max_calls`. A
/// warm-up longer than the whole budget (the scalar reference's slowest
/// cases, seconds a call) is the one sample: a cold cache costs such a call
/// nothing that shows.
fn time(mut f: impl FnMut(), budget: Duration, max_calls: usize) -> (f64, usize) {
    let warm = Instant::now();
    f();
    let warm = warm.elapsed();
    if warm > budget {
        return (warm.as_nanos() as f64, 1);
    }
    let min_calls = if warm * 4 > budget { 1 } else { 3 };
    let min_calls = min_calls.min(max_calls.max(1));
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < min_calls || (times.len() < max_calls && start.elapsed() < budget) {
        let t = Instant::now();
        f();
        times.push(t.elapsed().as_nanos() as f64);
    }
    times.sort_by(f64::total_cmp);
    let mid = times.len() / 2;
    let median = if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2.0
    };
    (median, times.len())
}

fn describe(case: &Case) -> Value {
    let (in_bytes, out_bytes) = bytes(case);
    let mut d = json!({
        "id": case.id,
        "family": case.family,
        "layout": layout_tag(case.layout),
        "shape": case.shape,
        "out_shape": case.out_shape,
        "in_bytes": in_bytes,
        "out_bytes": out_bytes,
    });
    let params = match &case.op {
        Op::Interpolate {
            mode,
            resize,
            align_corners,
            antialias,
        } => {
            let (scale, size) = match resize {
                Resize::Scale(s) => (json!(s), Value::Null),
                Resize::Size(s) => (Value::Null, json!(s)),
            };
            json!({
                "op": "interpolate", "mode": mode.name(), "scale_factor": scale, "size": size,
                "align_corners": align_corners, "antialias": antialias,
            })
        }
        Op::PixelShuffle(r) => json!({"op": "pixel_shuffle", "factor": r}),
        Op::PixelUnshuffle(r) => json!({"op": "pixel_unshuffle", "factor": r}),
        Op::MaxPool(w) => {
            let mut p = w.json();
            p["op"] = "max_pool".into();
            p
        }
        Op::MaxUnpool(w, full) | Op::AvgUnpool(w, full) => {
            let mut p = w.json();
            p["op"] = match case.op {
                Op::MaxUnpool(..) => "max_unpool",
                _ => "avg_unpool",
            }
            .into();
            p["output_size"] = json!(full);
            p
        }
        Op::ConvTranspose {
            kind,
            weight,
            stride,
            padding,
            output_padding,
            groups,
        } => {
            let flops = 2 * numel(&case.shape) * weight[1] * numel(&weight[2..]);
            json!({
                "op": "conv_transpose", "kind": kind, "weight_shape": weight, "stride": stride,
                "padding": padding, "output_padding": output_padding, "groups": groups,
                "bias": true, "flops": flops,
            })
        }
    };
    for (k, v) in params.as_object().unwrap() {
        d[k] = v.clone();
    }
    d
}

/// What this build's vector code is.
fn build() -> Value {
    let mut features = Vec::new();
    for (name, on) in [
        ("sse2", cfg!(target_feature = "sse2")),
        ("avx", cfg!(target_feature = "avx")),
        ("avx2", cfg!(target_feature = "avx2")),
        ("fma", cfg!(target_feature = "fma")),
        ("avx512f", cfg!(target_feature = "avx512f")),
        ("neon", cfg!(target_feature = "neon")),
        ("simd128", cfg!(target_feature = "simd128")),
    ] {
        if on {
            features.push(name);
        }
    }
    let lanes = if cfg!(target_feature = "avx512f") {
        16
    } else if cfg!(target_feature = "avx") {
        8
    } else {
        4
    };
    json!({"target_features": features, "lanes": lanes, "arch": std::env::consts::ARCH})
}

struct Args {
    filters: Vec<String>,
    list: bool,
    json: Option<String>,
    reps: usize,
    budget: Duration,
    reference: bool,
}

fn args() -> Args {
    let mut a = Args {
        filters: Vec::new(),
        list: false,
        json: None,
        reps: 1000,
        budget: Duration::from_millis(200),
        reference: false,
    };
    let mut it = std::env::args().skip(1);
    let usage =
        "usage: sweep [FILTER...] [--list] [--json OUT] [--reps N] [--time SECONDS] [--reference]";
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--list" => a.list = true,
            "--reference" => a.reference = true,
            "--json" => a.json = Some(it.next().expect(usage)),
            "--reps" => a.reps = it.next().and_then(|n| n.parse().ok()).expect(usage),
            "--time" => {
                let secs: f64 = it.next().and_then(|n| n.parse().ok()).expect(usage);
                a.budget = Duration::from_secs_f64(secs);
            }
            // `cargo bench` passes --bench; libtest's other flags mean nothing here.
            "--bench" | "--nocapture" => {}
            "-h" | "--help" => {
                println!("{usage}");
                std::process::exit(0);
            }
            other if other.starts_with("--") => panic!("unknown option {other}\n{usage}"),
            _ => a.filters.push(arg),
        }
    }
    a
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else {
        format!("{:.1} us", ns / 1e3)
    }
}

fn main() {
    let args = args();
    let all = cases();
    let mut seen = std::collections::HashSet::new();
    for c in &all {
        assert!(seen.insert(&c.id), "duplicate case id {}", c.id);
    }
    let selected: Vec<&Case> = all
        .iter()
        .filter(|c| args.filters.is_empty() || args.filters.iter().any(|f| c.id.contains(f)))
        .collect();
    if args.list {
        let mut out = std::io::stdout().lock();
        for c in &selected {
            writeln!(out, "{}\t{}", c.id, describe(c)).unwrap();
        }
        return;
    }

    let build = build();
    eprintln!(
        "sweep: {} of {} cases, build {build}, at most {} calls or {:.2} s a case{}",
        selected.len(),
        all.len(),
        args.reps,
        args.budget.as_secs_f64(),
        if args.reference {
            ", with the reference"
        } else {
            ""
        },
    );
    let started = Instant::now();
    let mut results = Vec::new();
    for case in selected {
        let mut b = Buffers::new(case);
        let (in_bytes, out_bytes) = bytes(case);
        let (ns, calls) = time(|| call(case, &mut b, false), args.budget, args.reps);
        let copy_len = in_bytes.max(out_bytes).div_ceil(4);
        let (src, mut dst) = (data(copy_len, 5), Aligned::<f32>::zeroed(copy_len));
        dst.fill(0.5); // fault its pages in before the warm-up
        let (memcpy_ns, memcpy_calls) = time(
            || {
                dst.copy_from_slice(black_box(&src));
                black_box(&mut *dst);
            },
            args.budget / 2,
            args.reps,
        );
        drop((src, dst));
        let mut r = json!({
            "id": case.id, "family": case.family, "ns": ns, "calls": calls,
            "memcpy_ns": memcpy_ns, "memcpy_calls": memcpy_calls,
            "in_bytes": in_bytes, "out_bytes": out_bytes,
        });
        let mut line = format!(
            "{:<62} {:>11}  memcpy {:>11} ({:5.2}x)",
            case.id,
            fmt_ns(ns),
            fmt_ns(memcpy_ns),
            ns / memcpy_ns
        );
        if args.reference {
            // Half the budget: only whether it beats the SIMD op matters.
            let (ref_ns, ref_calls) = time(|| call(case, &mut b, true), args.budget / 2, args.reps);
            r["reference_ns"] = ref_ns.into();
            r["reference_calls"] = ref_calls.into();
            line += &format!("  reference {:>11} ({:.1}x)", fmt_ns(ref_ns), ref_ns / ns);
        }
        println!("{line}");
        results.push(r);
    }
    eprintln!(
        "sweep: {} cases in {:.1} s",
        results.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = args.json {
        let doc = json!({"build": build, "reps": args.reps,
            "time_s": args.budget.as_secs_f64(), "results": results});
        std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap() + "\n")
            .unwrap_or_else(|e| panic!("writing {path}: {e}"));
    }
}
