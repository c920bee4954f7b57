//! Checks the page's self-test against this crate built natively.
//!
//! `index.html?selftest` runs every method on the built-in picture in the
//! browser (wasm32, simd128) and writes each result, as `f32` bit patterns,
//! into the page; headless Chromium's `--dump-dom` saves it. This program
//! runs the same methods on the same picture natively and compares every
//! element, within each method's tolerance (exact for the copying ops):
//!
//! ```sh
//! cargo run --release --bin check -- dom.html
//! ```

use std::process::ExitCode;
use upsample_web::{
    METHODS, SELFTEST_PICTURE, Scratch, accepts, builtin_picture, output_size, run, selftest_scales,
};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: check DUMPED_DOM.html");
        return ExitCode::FAILURE;
    };
    let dom = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // The page's lines, in its <pre id="results">: `result METHOD SCALE
    // HEIGHT WIDTH BITS...` or `error METHOD SCALE MESSAGE`.
    let results = dom
        .split_once("<pre id=\"results\"")
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map_or("", |(inside, _)| inside);
    let lines: Vec<&str> = results.lines().collect();
    let (height, width) = SELFTEST_PICTURE;
    let picture = builtin_picture(height, width);
    let mut scratch = Scratch::default();
    let (mut passed, mut failed) = (0, 0);
    for (id, method) in METHODS.iter().enumerate() {
        for scale in selftest_scales(method) {
            let key = format!("{id} {scale} ");
            let verdict = match lines.iter().find(|l| {
                l.split_once(' ')
                    .is_some_and(|(_, rest)| rest.starts_with(&key))
            }) {
                None => Err("no result in the page".to_string()),
                Some(line) if line.starts_with("error ") => {
                    Err(format!("the page failed: {}", &line[6 + key.len()..]))
                }
                Some(line) => compare(id, scale, line, &picture, &mut scratch),
            };
            match verdict {
                Ok(note) => {
                    passed += 1;
                    println!("ok    {:<48} x{scale:<4} {note}", method.name);
                }
                Err(why) => {
                    failed += 1;
                    println!("FAIL  {:<48} x{scale:<4} {why}", method.name);
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Compares one line of the page with the native result.
fn compare(
    id: usize,
    scale: f32,
    line: &str,
    picture: &[f32],
    scratch: &mut Scratch,
) -> Result<String, String> {
    let (height, width) = SELFTEST_PICTURE;
    let method = &METHODS[id];
    let (out_h, out_w) = output_size(id, scale, height, width).map_err(|e| e.to_string())?;
    let mut want = vec![0.0; out_h * out_w * 3];
    run(id, scale, picture, height, width, &mut want, scratch)
        .map_err(|e| format!("native: {e}"))?;
    let fields: Vec<&str> = line.split_whitespace().skip(3).collect();
    let size = (
        fields.first().and_then(|f| f.parse().ok()),
        fields.get(1).and_then(|f| f.parse().ok()),
    );
    if size != (Some(out_h), Some(out_w)) {
        return Err(format!("size {size:?}, native {out_h} x {out_w}"));
    }
    let got: Vec<f32> = fields[2..]
        .iter()
        .map(|f| u32::from_str_radix(f, 16).map(f32::from_bits))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("unreadable value: {e}"))?;
    if got.len() != want.len() {
        return Err(format!("{} values, native {}", got.len(), want.len()));
    }
    let mut max_error = 0.0f32;
    let mut same_bits = 0;
    for (at, (&g, &w)) in got.iter().zip(&want).enumerate() {
        if !accepts(method.tolerance, g, w) {
            return Err(format!(
                "element {at} (pixel {}, channel {}) is {g:e}, native {w:e}; tolerance {:?}",
                at / 3,
                at % 3,
                method.tolerance
            ));
        }
        same_bits += usize::from(g.to_bits() == w.to_bits());
        max_error = max_error.max((g - w).abs());
    }
    Ok(format!(
        "{out_h} x {out_w}: {same_bits}/{} bit-identical, max |error| {max_error:e} ({:?})",
        got.len(),
        method.tolerance
    ))
}
