//! The main job: what each upsampling method does to a picture, and how fast.
//!
//! Builds a test picture in code (a zone plate, fine text-like strokes and
//! sharp edges: the standard way to make aliasing visible), downsamples it
//! 4x with `area`, brings it back to full size with every family, writes one
//! PNG grid with a caption per tile (method and PSNR against the original)
//! and prints a table of method, PSNR and time per call.
//!
//! ```text
//! cargo run --release --manifest-path examples/demo/Cargo.toml [-- --input some.png] [--scale N] [--output grid.png]
//! ```
//!
//! All tensors here are channels-last `(1, 3, H, W)`: the layout of image
//! buffers, so the PNG bytes map onto them directly.

mod font;

use std::time::Instant;
use upsample::{
    ConvTransposeOptions, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions,
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
    fn shape(&self) -> [usize; 4] {
        [1, 3, self.height, self.width]
    }
    fn set(&mut self, y: usize, x: usize, rgb: [f32; 3]) {
        let at = (y * self.width + x) * 3;
        self.data[at..at + 3].copy_from_slice(&rgb);
    }
}

/// The built-in test picture: a zone plate on the left; on the right, text
/// strokes above and hard-edged shapes below.
fn test_picture(size: usize) -> Picture {
    let mut p = Picture::new(size, size);
    let half = size / 2;
    let s = size as f32;
    for y in 0..size {
        for x in 0..size {
            let (fx, fy) = (x as f32, y as f32);
            let rgb = if x < half {
                // Zone plate: the local frequency grows linearly with the
                // radius and reaches the Nyquist limit of the full picture at
                // the farthest corner of the plate.
                let (cx, cy) = (fx + 0.5 - half as f32 / 2.0, fy + 0.5 - s / 2.0);
                let r_max = ((half as f32 / 2.0).powi(2) + (s / 2.0).powi(2)).sqrt();
                let phase = std::f32::consts::PI * (cx * cx + cy * cy) / (2.0 * r_max);
                let v = 0.5 + 0.5 * phase.cos();
                [v, v, v]
            } else if y < half {
                [0.96, 0.94, 0.88]
            } else {
                // Hard edges: a checkerboard of 6-pixel squares, a red disc, a
                // blue diagonal band.
                let (lx, ly) = (fx - half as f32, fy - half as f32);
                let q = s / 4.0;
                if ((lx - q) * (lx - q) + (ly - q) * (ly - q)).sqrt() < q * 0.55 {
                    [0.85, 0.1, 0.1]
                } else if (lx - ly).abs() < 3.0 {
                    [0.1, 0.2, 0.9]
                } else if ((x / 6) + (y / 6)) % 2 == 0 {
                    [0.05, 0.05, 0.05]
                } else {
                    [0.95, 0.95, 0.95]
                }
            };
            p.set(y, x, rgb);
        }
    }
    // Text: fine one-pixel strokes at two sizes.
    let lines = [
        ("UPSAMPLE", 2),
        ("NEAREST", 1),
        ("BILINEAR", 1),
        ("BICUBIC 0.75", 1),
        ("LANCZOS-3", 1),
        ("AREA / MAX", 1),
    ];
    let mut y0 = 6;
    for (text, scale) in lines {
        draw_text(&mut p, text, half + 6, y0, scale, [0.05, 0.05, 0.1]);
        y0 += (font::HEIGHT + 4) * scale;
        if y0 + font::HEIGHT * scale >= half {
            break;
        }
    }
    p
}

fn draw_text(p: &mut Picture, text: &str, x0: usize, y0: usize, scale: usize, rgb: [f32; 3]) {
    for (i, c) in text.chars().enumerate() {
        for gy in 0..font::HEIGHT {
            for gx in 0..font::WIDTH {
                if !font::pixel(c, gx, gy) {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        let (x, y) = (
                            x0 + (i * font::ADVANCE + gx) * scale + dx,
                            y0 + gy * scale + dy,
                        );
                        if x < p.width && y < p.height {
                            p.set(y, x, rgb);
                        }
                    }
                }
            }
        }
    }
}

fn psnr(a: &[f32], b: &[f32]) -> f64 {
    let mse = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(x - y).powi(2))
        .sum::<f64>()
        / a.len() as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (1.0 / mse).log10()
    }
}

/// Runs `f` a few times and returns its output and median time in microseconds.
fn timed(
    mut f: impl FnMut() -> Result<Vec<f32>, upsample::Error>,
) -> Result<(Vec<f32>, f64), upsample::Error> {
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

struct Tile {
    name: String,
    picture: Picture,
    psnr: Option<f64>,
    micros: Option<f64>,
}

fn interpolate_to(
    src: &Picture,
    height: usize,
    width: usize,
    mode: InterpolateMode,
    antialias: bool,
) -> Result<Vec<f32>, upsample::Error> {
    let size = [height, width];
    let opts = InterpolateOptions::size(mode, &size).with_antialias(antialias);
    let mut out = vec![0.0; height * width * 3];
    upsample::interpolate(&src.data, &src.shape(), LAYOUT, &opts, &mut out)?;
    Ok(out)
}

/// The FCN initialisation of a transposed convolution: the separable tent
/// ("bilinear") kernel of size `2s - s % 2` for stride `s`.
fn bilinear_kernel(stride: usize) -> (Vec<f32>, usize) {
    let k = 2 * stride - stride % 2;
    let factor = k.div_ceil(2) as f32;
    let center = if k % 2 == 1 {
        factor - 1.0
    } else {
        factor - 0.5
    };
    let tent: Vec<f32> = (0..k)
        .map(|i| 1.0 - (i as f32 - center).abs() / factor)
        .collect();
    let mut w = Vec::with_capacity(3 * k * k);
    for _ in 0..3 {
        for a in &tent {
            for b in &tent {
                w.push(a * b);
            }
        }
    }
    (w, k)
}

fn run(original: &Picture, scale: usize) -> Result<Vec<Tile>, upsample::Error> {
    let (h, w) = (original.height, original.width);
    let small = {
        let mut p = Picture::new(h / scale, w / scale);
        p.data = interpolate_to(original, h / scale, w / scale, InterpolateMode::Area, false)?;
        p
    };
    let mut tiles = vec![
        Tile {
            name: "ORIGINAL".into(),
            picture: original.clone(),
            psnr: None,
            micros: None,
        },
        Tile {
            name: format!("AREA 1/{scale} (INPUT)"),
            picture: small.clone(),
            psnr: None,
            micros: None,
        },
    ];
    let mut add = |name: &str, (data, micros): (Vec<f32>, f64)| {
        let mut picture = Picture::new(h, w);
        picture.data = data;
        let psnr = Some(psnr(&picture.data, &original.data));
        tiles.push(Tile {
            name: name.into(),
            picture,
            psnr,
            micros: Some(micros),
        });
    };

    for (name, mode, aa) in [
        ("NEAREST", InterpolateMode::Nearest, false),
        ("NEAREST-EXACT", InterpolateMode::NearestExact, false),
        ("BILINEAR", InterpolateMode::Bilinear, false),
        ("BICUBIC", InterpolateMode::Bicubic, false),
        ("LANCZOS (AA)", InterpolateMode::Lanczos, true),
    ] {
        add(name, timed(|| interpolate_to(&small, h, w, mode, aa))?);
    }

    // Max pooling of the original, then max_unpool to full size.
    let k = [scale];
    let pool = MaxPoolOptions::new(&k);
    let pooled_shape = upsample::max_pool_output_shape(&original.shape(), &pool)?;
    let mut pooled = vec![0.0; pooled_shape.numel()];
    let mut indices = vec![0i64; pooled_shape.numel()];
    upsample::max_pool(
        &original.data,
        &original.shape(),
        LAYOUT,
        &pool,
        &mut pooled,
        &mut indices,
    )?;
    let size = [h, w];
    let unpool = UnpoolOptions::new(&k).with_output_size(&size);
    add(
        "MAX POOL+UNPOOL",
        timed(|| {
            let mut out = vec![0.0; h * w * 3];
            upsample::max_unpool(&pooled, &indices, &pooled_shape, LAYOUT, &unpool, &mut out)?;
            Ok(out)
        })?,
    );

    // Average pooling (the area-downsampled input is exactly that), then avg_unpool.
    add(
        "AVG UNPOOL",
        timed(|| {
            let mut out = vec![0.0; h * w * 3];
            upsample::avg_unpool(&small.data, &small.shape(), LAYOUT, &unpool, &mut out)?;
            Ok(out)
        })?,
    );

    // pixel_unshuffle then pixel_shuffle: a lossless rearrangement.
    let unshuffled_shape = upsample::pixel_unshuffle_output_shape(&original.shape(), scale)?;
    let mut unshuffled = vec![0.0; unshuffled_shape.numel()];
    upsample::pixel_unshuffle(
        &original.data,
        &original.shape(),
        LAYOUT,
        scale,
        &mut unshuffled,
    )?;
    add(
        "UNSHUFFLE+SHUFFLE",
        timed(|| {
            let mut out = vec![0.0; h * w * 3];
            upsample::pixel_shuffle(&unshuffled, &unshuffled_shape, LAYOUT, scale, &mut out)?;
            Ok(out)
        })?,
    );

    // conv_transpose with the fixed bilinear kernel, depthwise.
    let (weight, ksize) = bilinear_kernel(scale);
    let wshape = [3, 1, ksize, ksize];
    let stride = [scale];
    let padding = [(ksize - scale).div_ceil(2)];
    let opts = ConvTransposeOptions::new()
        .with_stride(&stride)
        .with_padding(&padding)
        .with_groups(3);
    let out_shape = upsample::conv_transpose_output_shape(&small.shape(), &wshape, &opts)?;
    let (data, micros) = timed(|| {
        let mut out = vec![0.0; out_shape.numel()];
        upsample::conv_transpose(
            &small.data,
            &small.shape(),
            LAYOUT,
            &weight,
            &wshape,
            None,
            &opts,
            &mut out,
            &mut [],
        )?;
        Ok(out)
    })?;
    // The output is (in - 1) * s - 2p + k: crop or pad to the original size.
    let (oh, ow) = (out_shape[2], out_shape[3]);
    let mut fitted = vec![0.0; h * w * 3];
    for y in 0..h.min(oh) {
        for x in 0..w.min(ow) {
            for c in 0..3 {
                fitted[(y * w + x) * 3 + c] = data[(y * ow + x) * 3 + c];
            }
        }
    }
    add("CONV_TRANSPOSE", (fitted, micros));
    Ok(tiles)
}

/// Lays the tiles out in a grid with a caption under each, as 8-bit RGB.
fn grid(tiles: &[Tile], tile_h: usize, tile_w: usize) -> (usize, usize, Vec<u8>) {
    let cols = 4;
    let rows = tiles.len().div_ceil(cols);
    let caption = 2 * (font::HEIGHT * 2 + 6);
    let gap = 6;
    let (cell_w, cell_h) = (tile_w + gap, tile_h + caption + gap);
    let (width, height) = (cols * cell_w + gap, rows * cell_h + gap);
    let mut canvas = Picture::new(height, width);
    canvas.data.fill(1.0);
    for (i, tile) in tiles.iter().enumerate() {
        let (x0, y0) = (gap + (i % cols) * cell_w, gap + (i / cols) * cell_h);
        let p = &tile.picture;
        // Smaller pictures (the input) are centred.
        let (ox, oy) = (x0 + (tile_w - p.width) / 2, y0 + (tile_h - p.height) / 2);
        for y in 0..p.height {
            for x in 0..p.width {
                let at = (y * p.width + x) * 3;
                canvas.set(oy + y, ox + x, [p.data[at], p.data[at + 1], p.data[at + 2]]);
            }
        }
        let second = match tile.psnr {
            None => String::new(),
            Some(v) if v.is_infinite() => "EXACT".into(),
            Some(v) => format!("PSNR {v:.1} DB"),
        };
        let ink = [0.1, 0.1, 0.1];
        let fits = |t: &str| {
            if font::text_width(t) * 2 <= tile_w {
                2
            } else {
                1
            }
        };
        draw_text(
            &mut canvas,
            &tile.name,
            x0,
            y0 + tile_h + 3,
            fits(&tile.name),
            ink,
        );
        draw_text(
            &mut canvas,
            &second,
            x0,
            y0 + tile_h + 5 + font::HEIGHT * 2,
            fits(&second),
            [0.1, 0.3, 0.6],
        );
    }
    let bytes = canvas
        .data
        .iter()
        .map(|&v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8)
        .collect();
    (width, height, bytes)
}

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

/// Writes 8-bit RGB as a PNG, compressed hard (the grid is committed as
/// the README's picture).
fn save(
    path: &str,
    width: usize,
    height: usize,
    rgb: &[u8],
) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut encoder = png::Encoder::new(file, width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
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
        None => test_picture((DEFAULT_SIZE / scale).max(1) * scale),
    };
    println!(
        "{} ({}x{}), downsampled {scale}x with area, upsampled back; channels-last f32",
        input.as_deref().unwrap_or("built-in test picture"),
        original.width,
        original.height
    );
    let tiles = run(&original, scale)?;
    println!(
        "{:<20} {:>10} {:>14}",
        "method", "PSNR (dB)", "time per call"
    );
    for t in tiles.iter().filter(|t| t.psnr.is_some()) {
        let psnr = t.psnr.unwrap_or(f64::NAN);
        let psnr = if psnr.is_infinite() {
            "exact".to_string()
        } else {
            format!("{psnr:.2}")
        };
        println!(
            "{:<20} {:>10} {:>11.1} us",
            t.name.to_lowercase(),
            psnr,
            t.micros.unwrap_or(f64::NAN)
        );
    }
    let (width, height, bytes) = grid(&tiles, original.height, original.width);
    save(&output, width, height, &bytes)?;
    println!("wrote {output} ({width}x{height})");
    Ok(())
}
