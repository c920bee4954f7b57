//! What each way of upsampling does to a picture, and how fast.
//!
//! Shrinks a picture 4x with `area`, then brings it back to full size with
//! each of the crate's four families: unpooling, transposed convolution,
//! pixel shuffle and interpolation. Every method starts from that same
//! small input where it can; the two that cannot say what they started
//! from, and are not ranked. Each result is scored by its PSNR against the
//! original. Writes one PNG with the results grouped by family, and prints
//! them ranked, with the time per call.
//!
//! The built-in test picture is band-limited: blurred so that it holds no
//! detail finer than the small picture can. Detail beyond that is lost to
//! every method alike, so it would only drown the differences the score is
//! there to show: how well each method rebuilds what the small picture
//! kept.
//!
//! ```text
//! cargo run --release --manifest-path examples/demo/Cargo.toml [-- --input some.png] [--scale N] [--output grid.png]
//! ```
//!
//! Every tensor here is channels-last `(1, 3, H, W)`: the layout of image
//! buffers, so a PNG's bytes map onto it directly.

mod font;

use std::f32::consts::{PI, SQRT_2};
use std::time::Instant;
use upsample::{
    ConvTransposeOptions, Error, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions,
    Shape, UnpoolOptions,
};

const LAYOUT: Layout = Layout::ChannelsLast;
const DEFAULT_SIZE: usize = 192;

/// An RGB picture, channels-last, values nominally in [0, 1].
#[derive(Clone)]
struct Picture {
    height: usize,
    width: usize,
    data: Vec<f32>,
}

impl Picture {
    fn new(height: usize, width: usize) -> Self {
        Picture {
            height,
            width,
            data: vec![0.0; height * width * 3],
        }
    }
    /// The logical shape `(N, C, H, W)` the crate's calls take.
    fn shape(&self) -> [usize; 4] {
        [1, 3, self.height, self.width]
    }
    fn get(&self, y: usize, x: usize) -> [f32; 3] {
        let at = (y * self.width + x) * 3;
        [self.data[at], self.data[at + 1], self.data[at + 2]]
    }
    fn set(&mut self, y: usize, x: usize, rgb: [f32; 3]) {
        let at = (y * self.width + x) * 3;
        self.data[at..at + 3].copy_from_slice(&rgb);
    }
}

// ---------------------------------------------------------------------------
// The methods. Each takes what it starts from and returns the picture at
// full size, `height` x `width`.
// ---------------------------------------------------------------------------

/// Interpolation: `F.interpolate(small, size=(height, width), mode=mode,
/// antialias=antialias)`. Also makes the small input (mode `Area`).
fn interpolate(
    small: &Picture,
    height: usize,
    width: usize,
    mode: InterpolateMode,
    antialias: bool,
) -> Result<Picture, Error> {
    let options = InterpolateOptions::size(mode, [height, width]).with_antialias(antialias);
    let mut out = Picture::new(height, width);
    upsample::interpolate(&small.data, &small.shape(), LAYOUT, &options, &mut out.data)?;
    Ok(out)
}

/// Average unpooling (PyTorch has no op for it): each value of `small`
/// spread over its `scale` x `scale` window, which keeps each window's
/// mean. From `area`'s window means, that is what `nearest` gives too.
fn avg_unpool(small: &Picture, scale: usize) -> Result<Picture, Error> {
    let kernel = [scale];
    let options = UnpoolOptions::new(&kernel);
    let mut out = Picture::new(small.height * scale, small.width * scale);
    upsample::avg_unpool(&small.data, &small.shape(), LAYOUT, &options, &mut out.data)?;
    Ok(out)
}

/// `F.max_pool2d(original, scale, return_indices=True)`: the largest value
/// of each `scale` x `scale` window, and where in its plane it was.
/// `max_unpool` needs both, which is why it cannot start from the small
/// input.
fn max_pool(original: &Picture, scale: usize) -> Result<(Vec<f32>, Vec<i64>, Shape), Error> {
    let kernel = [scale];
    let options = MaxPoolOptions::new(&kernel);
    let shape = upsample::max_pool_output_shape(&original.shape(), &options)?;
    let mut values = vec![0.0; shape.numel()];
    let mut indices = vec![0; shape.numel()];
    upsample::max_pool(
        &original.data,
        &original.shape(),
        LAYOUT,
        &options,
        &mut values,
        &mut indices,
    )?;
    Ok((values, indices, shape))
}

/// `F.max_unpool2d(values, indices, scale)`: each value back where
/// `max_pool` found it, zero everywhere else.
fn max_unpool(
    (values, indices, shape): &(Vec<f32>, Vec<i64>, Shape),
    scale: usize,
) -> Result<Picture, Error> {
    let kernel = [scale];
    let options = UnpoolOptions::new(&kernel);
    let mut out = Picture::new(shape[2] * scale, shape[3] * scale);
    upsample::max_unpool(values, indices, shape, LAYOUT, &options, &mut out.data)?;
    Ok(out)
}

/// Transposed convolution: `F.conv_transpose2d(small, weight, stride=scale,
/// padding=..., groups=3)`, each channel on its own, with a fixed weight
/// where a network would learn one: the bilinear ("tent") kernel that FCN
/// initialises its upsampling layers with. It computes what bilinear
/// interpolation does (to rounding), but in the outer `scale / 2` pixels,
/// where it pads with zeros.
fn conv_transpose(small: &Picture, scale: usize) -> Result<Picture, Error> {
    // The tent, 2 * scale - scale % 2 taps wide, centred between samples
    // for an even scale.
    let taps = 2 * scale - scale % 2;
    let centre = (taps - 1) as f32 / 2.0;
    let tent: Vec<f32> = (0..taps)
        .map(|i| 1.0 - (i as f32 - centre).abs() / taps.div_ceil(2) as f32)
        .collect();
    // Weight (C_in, C_out / groups, kH, kW) = (3, 1, taps, taps): the outer
    // product of the tent with itself, for each channel.
    let weight: Vec<f32> = (0..3)
        .flat_map(|_| tent.iter().flat_map(|a| tent.iter().map(move |b| a * b)))
        .collect();
    let weight_shape = [3, 1, taps, taps];
    let (stride, padding) = ([scale], [(taps - scale).div_ceil(2)]);
    let options = ConvTransposeOptions::new()
        .with_stride(&stride)
        .with_padding(&padding)
        .with_groups(3);
    // (in - 1) * stride - 2 * padding + taps = in * scale: the full size.
    let shape = upsample::conv_transpose_output_shape(&small.shape(), &weight_shape, &options)?;
    let mut out = Picture::new(shape[2], shape[3]);
    // Packing room for the weight, if it is large (here it is not: 0).
    let scratch_len =
        upsample::conv_transpose_scratch_len(&small.shape(), LAYOUT, &weight_shape, &options)?;
    upsample::conv_transpose(
        &small.data,
        &small.shape(),
        LAYOUT,
        &weight,
        &weight_shape,
        None,
        &options,
        &mut out.data,
        &mut vec![0.0; scratch_len],
    )?;
    Ok(out)
}

/// `F.pixel_unshuffle(original, scale)`: each `scale` x `scale` block of
/// pixels into `scale * scale` channels. `pixel_shuffle` needs its input in
/// channels (in a network, a convolution makes them), which is why it
/// cannot start from the small input.
fn pixel_unshuffle(original: &Picture, scale: usize) -> Result<(Vec<f32>, Shape), Error> {
    let shape = upsample::pixel_unshuffle_output_shape(&original.shape(), scale)?;
    let mut out = vec![0.0; shape.numel()];
    upsample::pixel_unshuffle(&original.data, &original.shape(), LAYOUT, scale, &mut out)?;
    Ok((out, shape))
}

/// `F.pixel_shuffle(x, scale)`: the channels back into blocks of pixels.
fn pixel_shuffle((data, shape): &(Vec<f32>, Shape), scale: usize) -> Result<Picture, Error> {
    let mut out = Picture::new(shape[2] * scale, shape[3] * scale);
    upsample::pixel_shuffle(data, shape, LAYOUT, scale, &mut out.data)?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// Running and scoring them
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Family {
    Start,
    Unpooling,
    TransposedConvolution,
    PixelShuffle,
    Interpolation,
}

impl Family {
    /// Its heading in the grid, which must fit over one tile.
    fn heading(self) -> &'static str {
        match self {
            Family::TransposedConvolution => "transposed conv",
            _ => self.name(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Family::Start => "start",
            Family::Unpooling => "unpooling",
            Family::TransposedConvolution => "transposed convolution",
            Family::PixelShuffle => "pixel shuffle",
            Family::Interpolation => "interpolation",
        }
    }
}

/// One picture of the grid: the original, the input, or a method's result.
struct Tile {
    family: Family,
    name: &'static str,
    picture: Picture,
    /// The last line of its caption (at most 16 characters fit).
    note: String,
    /// A result's PSNR against the original in dB, and time per call in
    /// microseconds.
    score: Option<(f64, f64)>,
    /// Whether it started from the small input, so that its PSNR ranks.
    ranked: bool,
}

impl Tile {
    /// The original or the input.
    fn shown(family: Family, name: &'static str, note: String, picture: Picture) -> Self {
        Tile {
            family,
            name,
            picture,
            note,
            score: None,
            ranked: false,
        }
    }

    /// Runs `method`, times it and scores its result against `original`.
    fn result(
        family: Family,
        name: &'static str,
        original: &Picture,
        method: impl FnMut() -> Result<Picture, Error>,
    ) -> Result<Self, Error> {
        let (picture, micros) = timed(method)?;
        let psnr = psnr(&picture, original);
        Ok(Tile {
            family,
            name,
            picture,
            note: String::new(),
            score: Some((psnr, micros)),
            ranked: true,
        })
    }

    fn note(self, note: &str) -> Self {
        Tile {
            note: note.into(),
            ..self
        }
    }

    /// For a method that cannot start from the small input: says what it
    /// started from instead, and takes no rank.
    fn started_from(self, what: &str) -> Self {
        Tile {
            note: format!("from {what}"),
            ranked: false,
            ..self
        }
    }

    /// The place of its PSNR among the ranked results (equal scores share
    /// one).
    fn rank(&self, tiles: &[Tile]) -> Option<usize> {
        let (psnr, _) = self.score.filter(|_| self.ranked)?;
        let better = tiles
            .iter()
            .filter(|t| t.ranked && t.score.is_some_and(|(p, _)| p > psnr))
            .count();
        Some(1 + better)
    }
}

/// Peak signal-to-noise ratio in dB for values in [0, 1]: 10 log10(1 / mean
/// squared error), infinite for equal pictures. Every 6 dB more halves the
/// typical error.
fn psnr(a: &Picture, b: &Picture) -> f64 {
    let mse = a
        .data
        .iter()
        .zip(&b.data)
        .map(|(x, y)| f64::from(x - y).powi(2))
        .sum::<f64>()
        / a.data.len() as f64;
    10.0 * (1.0 / mse).log10()
}

/// Runs `f` a few times and returns its output and median time in microseconds.
fn timed(mut f: impl FnMut() -> Result<Picture, Error>) -> Result<(Picture, f64), Error> {
    let mut out = f()?;
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 5 || (times.len() < 51 && start.elapsed().as_secs_f64() < 0.5) {
        let t = Instant::now();
        out = f()?;
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(f64::total_cmp);
    Ok((out, times[times.len() / 2]))
}

/// Shrinks `original` by `scale` and brings it back with every method.
fn run(original: &Picture, scale: usize) -> Result<Vec<Tile>, Error> {
    use Family::*;
    let (h, w) = (original.height, original.width);
    let small = interpolate(original, h / scale, w / scale, InterpolateMode::Area, false)?;
    let input_note = format!("area 1/{scale}, {}x{}", small.width, small.height);
    let pooled = max_pool(original, scale)?;
    let unshuffled = pixel_unshuffle(original, scale)?;
    let mut tiles = vec![
        Tile::shown(Start, "original", format!("{w}x{h}"), original.clone()),
        Tile::shown(Start, "input", input_note, small.clone()),
        Tile::result(Unpooling, "max_unpool", original, || {
            max_unpool(&pooled, scale)
        })?
        .started_from("max_pool"),
        Tile::result(Unpooling, "avg_unpool", original, || {
            avg_unpool(&small, scale)
        })?
        .note("same as nearest"),
        Tile::result(TransposedConvolution, "conv_transpose", original, || {
            conv_transpose(&small, scale)
        })?
        .note("bilinear kernel"),
        Tile::result(PixelShuffle, "pixel_shuffle", original, || {
            pixel_shuffle(&unshuffled, scale)
        })?
        .started_from("unshuffle"),
    ];
    // NearestExact is left out: at a whole scale it picks the same pixels
    // as Nearest.
    for (name, mode, antialias) in [
        ("nearest", InterpolateMode::Nearest, false),
        ("bilinear", InterpolateMode::Bilinear, false),
        ("bicubic", InterpolateMode::Bicubic, false),
        ("lanczos", InterpolateMode::Lanczos, true),
    ] {
        tiles.push(Tile::result(Interpolation, name, original, || {
            interpolate(&small, h, w, mode, antialias)
        })?);
    }
    Ok(tiles)
}

// ---------------------------------------------------------------------------
// The test picture
// ---------------------------------------------------------------------------

/// The built-in test picture, `size` pixels square: a zone plate (rings
/// whose frequency grows outwards) and coloured shapes on the left, an eye
/// chart on the right; blurred so that nothing in it is finer than the
/// picture shrunk `scale` times can hold.
fn test_picture(size: usize, scale: usize) -> Picture {
    let mut p = Picture::new(size, size);
    let half = size / 2;
    let q = half as f32 / 2.0;
    // The small picture's Nyquist limit, in cycles per pixel of this one.
    let nyquist = 0.5 / scale as f32;
    for y in 0..size {
        for x in 0..size {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let rgb = if x >= half {
                [0.97, 0.95, 0.89] // the eye chart's paper
            } else if y < half {
                // Zone plate: the frequency grows with the radius r, as
                // f_max * r / r_max, to 3/4 of the small picture's limit
                // in the corners.
                let r2 = (fx - q).powi(2) + (fy - q).powi(2);
                let r_max = q * SQRT_2;
                let v = 0.5 + 0.5 * (PI * 0.75 * nyquist * r2 / r_max).cos();
                [v, v, v]
            } else {
                // A red disc and a blue band on a checkerboard whose squares
                // are 3 small pixels wide.
                let (lx, ly) = (fx, fy - half as f32);
                let square = 3 * scale;
                if (lx - q).hypot(ly - q) < 0.6 * q {
                    [0.85, 0.12, 0.1]
                } else if (lx - ly).abs() < 1.5 * scale as f32 {
                    [0.1, 0.25, 0.85]
                } else if (x / square + (y - half) / square).is_multiple_of(2) {
                    [0.2, 0.2, 0.2]
                } else {
                    [0.9, 0.85, 0.4]
                }
            };
            p.set(y, x, rgb);
        }
    }
    // The top of a Snellen eye chart, each line smaller than the one above,
    // centred in the right half.
    let lines = [("E", 8), ("FP", 6), ("TOZ", 5), ("LPED", 4)];
    let gap = 5;
    let height: usize = lines.iter().map(|(_, g)| font::HEIGHT * g + gap).sum();
    let mut y = size.saturating_sub(height - gap) / 2;
    for (letters, glyph) in lines {
        let width = (font::text_width(letters) - 1) * glyph;
        let x = half + half.saturating_sub(width) / 2;
        draw_text(&mut p, letters, x, y, glyph, [0.1; 3]);
        y += font::HEIGHT * glyph + gap;
    }
    blur(&p, 0.5 * scale as f32)
}

/// Blurs `p` with a Gaussian of standard deviation `sigma` pixels, across
/// then down. Its response at the small picture's Nyquist limit is
/// exp(-pi^2 / 8) = 0.29 for `sigma = scale / 2`, and falls fast beyond.
fn blur(p: &Picture, sigma: f32) -> Picture {
    let radius = (3.0 * sigma).ceil() as isize;
    let taps: Vec<f32> = (-radius..=radius)
        .map(|i| (-((i * i) as f32) / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f32 = taps.iter().sum();
    let mut out = p.clone();
    for (dy, dx) in [(0, 1), (1, 0)] {
        let src = out.clone();
        for y in 0..p.height {
            for x in 0..p.width {
                let mut rgb = [0.0; 3];
                for (i, tap) in (-radius..=radius).zip(&taps) {
                    // Clamped at the edges.
                    let sy = (y as isize + i * dy).clamp(0, p.height as isize - 1);
                    let sx = (x as isize + i * dx).clamp(0, p.width as isize - 1);
                    let v = src.get(sy as usize, sx as usize);
                    for c in 0..3 {
                        rgb[c] += tap / total * v[c];
                    }
                }
                out.set(y, x, rgb);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The grid picture
// ---------------------------------------------------------------------------

fn draw_text(p: &mut Picture, text: &str, x0: usize, y0: usize, scale: usize, rgb: [f32; 3]) {
    for (i, c) in text.chars().enumerate() {
        for gy in 0..font::HEIGHT * scale {
            for gx in 0..font::WIDTH * scale {
                let (x, y) = (x0 + i * font::ADVANCE * scale + gx, y0 + gy);
                if font::pixel(c, gx / scale, gy / scale) && x < p.width && y < p.height {
                    p.set(y, x, rgb);
                }
            }
        }
    }
}

fn fill(p: &mut Picture, (x0, y0): (usize, usize), (w, h): (usize, usize), rgb: [f32; 3]) {
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            p.set(y, x, rgb);
        }
    }
}

/// Lays the tiles out by family, each family under its heading, at most
/// five tiles to a row, each tile captioned with its name, its PSNR and
/// rank, and a note.
fn grid(tiles: &[Tile], tile_h: usize, tile_w: usize) -> Picture {
    const COLUMNS: usize = 5;
    let (gap, family_gap, margin) = (6, 18, 8);
    let line = 2 * font::HEIGHT + 4;
    let (heading, caption) = (line + 6, 3 * line + 16);
    let row_h = heading + tile_h + caption;

    // Each family's tiles in a run, a new row when the next run does not fit.
    let mut runs: Vec<(usize, usize, &[Tile])> = Vec::new(); // (x, y, tiles)
    let (mut x, mut y, mut column, mut width) = (margin, margin, 0, 0);
    for run in tiles.chunk_by(|a, b| a.family == b.family) {
        if column > 0 && column + run.len() > COLUMNS {
            (x, y, column) = (margin, y + row_h, 0);
        }
        runs.push((x, y, run));
        column += run.len();
        x += run.len() * (tile_w + gap) - gap;
        width = width.max(x + margin);
        x += family_gap;
    }
    let mut canvas = Picture::new(y + row_h + margin, width);
    canvas.data.fill(1.0);

    let (ink, blue, grey) = ([0.1; 3], [0.1, 0.3, 0.6], [0.4; 3]);
    // Twice the font's size, or once on pictures too narrow for that.
    let size = |text: &str| {
        if font::text_width(text) * 2 <= tile_w {
            2
        } else {
            1
        }
    };
    for (x0, y0, run) in runs {
        let title = run[0].family.heading();
        let span = run.len() * (tile_w + gap) - gap;
        draw_text(&mut canvas, title, x0, y0, size(title), blue);
        fill(&mut canvas, (x0, y0 + line - 1), (span, 2), blue);
        for (i, tile) in run.iter().enumerate() {
            let (tx, ty) = (x0 + i * (tile_w + gap), y0 + heading);
            // A smaller picture (the input) is centred on a grey ground.
            let p = &tile.picture;
            fill(&mut canvas, (tx, ty), (tile_w, tile_h), [0.9; 3]);
            let (ox, oy) = (tx + (tile_w - p.width) / 2, ty + (tile_h - p.height) / 2);
            for y in 0..p.height {
                for x in 0..p.width {
                    canvas.set(oy + y, ox + x, p.get(y, x));
                }
            }
            let score = match (tile.score, tile.rank(tiles)) {
                (None, _) => String::new(),
                (Some((psnr, _)), _) if psnr.is_infinite() => "exact".into(),
                (Some((psnr, _)), None) => format!("PSNR {psnr:.1} dB"),
                (Some((psnr, _)), Some(rank)) => format!("PSNR {psnr:.1} dB #{rank}"),
            };
            let captions = [(tile.name, ink), (&score, blue), (&tile.note, grey)];
            let captions = captions.into_iter().filter(|(text, _)| !text.is_empty());
            for (i, (text, rgb)) in captions.enumerate() {
                draw_text(
                    &mut canvas,
                    text,
                    tx,
                    ty + tile_h + 4 + i * line,
                    size(text),
                    rgb,
                );
            }
        }
    }
    canvas
}

// ---------------------------------------------------------------------------
// Files and the command line
// ---------------------------------------------------------------------------

/// Reads a PNG of any kind (gray or colour, 8 or 16 bits, with or without
/// alpha) as RGB, cropped so that both sides are multiples of `scale`.
fn load(path: &str, scale: usize) -> Result<Picture, Box<dyn std::error::Error>> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut decoder = png::Decoder::new(file);
    // To 8-bit gray, gray + alpha, RGB or RGBA.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info()?;
    let mut bytes = vec![0; reader.output_buffer_size().ok_or("picture too large")?];
    let info = reader.next_frame(&mut bytes)?;
    let samples = info.color_type.samples();
    let (w, h) = (
        (info.width as usize / scale) * scale,
        (info.height as usize / scale) * scale,
    );
    if w == 0 || h == 0 {
        return Err(format!("{path} is smaller than the scale {scale}").into());
    }
    let mut p = Picture::new(h, w);
    for y in 0..h {
        for x in 0..w {
            let px = &bytes[y * info.line_size + x * samples..];
            let rgb = if samples < 3 {
                [px[0]; 3]
            } else {
                [px[0], px[1], px[2]]
            };
            p.set(y, x, rgb.map(|v| f32::from(v) / 255.0));
        }
    }
    Ok(p)
}

/// Writes `p` as an 8-bit RGB PNG, compressed hard (the grid is committed
/// as the README's picture).
fn save(path: &str, p: &Picture) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut encoder = png::Encoder::new(file, p.width as u32, p.height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let bytes: Vec<u8> = p
        .data
        .iter()
        .map(|&v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8)
        .collect();
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&bytes)?;
    writer.finish()?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = None;
    let mut scale = 4usize;
    let mut output = String::from("target/demo.png");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--input" => input = Some(value()?),
            "--scale" => {
                scale = value()?
                    .parse()
                    .map_err(|_| "--scale takes a whole number")?
            }
            "--output" => output = value()?,
            "-h" | "--help" => {
                println!(
                    "usage: demo [--input PICTURE.png] [--scale N (default 4)] [--output GRID.png (default target/demo.png)]"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}; try --help").into()),
        }
    }
    if scale < 2 {
        return Err("--scale must be at least 2".into());
    }
    let original = match &input {
        Some(path) => load(path, scale)?,
        None => test_picture((DEFAULT_SIZE / scale).max(1) * scale, scale),
    };
    let (h, w) = (original.height, original.width);
    println!(
        "{}, {w}x{h}: shrunk {scale}x with area to {}x{} (the input),\n\
         then brought back by each method. PSNR against the original, higher is better.\n",
        input
            .as_deref()
            .unwrap_or("built-in test picture (band-limited)"),
        w / scale,
        h / scale,
    );
    let tiles = run(&original, scale)?;
    // Ranked first, best first; then the two that started elsewhere.
    let mut table: Vec<&Tile> = tiles.iter().filter(|t| t.score.is_some()).collect();
    table.sort_by_key(|t| (!t.ranked, t.rank(&tiles)));
    println!(
        "{:>4}  {:<23} {:<15} {:>8} {:>14}  note",
        "rank", "family", "method", "PSNR dB", "time per call"
    );
    for t in table {
        let Some((psnr, micros)) = t.score else {
            continue;
        };
        let rank = t.rank(&tiles).map_or("-".into(), |r| r.to_string());
        let psnr = if psnr.is_infinite() {
            "exact".into()
        } else {
            format!("{psnr:.2}")
        };
        let row = format!(
            "{rank:>4}  {:<23} {:<15} {psnr:>8} {micros:>11.1} us  {}",
            t.family.name(),
            t.name,
            t.note,
        );
        println!("{}", row.trim_end());
    }
    println!(
        "max_unpool needs max_pool's indices and pixel_shuffle needs channels, so they \
         start from\nthe original's max_pool and pixel_unshuffle, not from the input, \
         and are not ranked."
    );
    let picture = grid(&tiles, h, w);
    save(&output, &picture)?;
    println!("\nwrote {output} ({}x{})", picture.width, picture.height);
    Ok(())
}
