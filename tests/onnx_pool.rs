//! ONNX's `MaxPool` and `MaxUnpool` (`upsample::onnx`) against scalar
//! computations written here straight from the ONNX specification, bit for
//! bit, over random attributes (asymmetric pads, every auto_pad, dilations,
//! ceil_mode, storage_order, output_shape) in both layouts; against the
//! PyTorch-semantics ops where the attributes coincide; and bad attribute
//! combinations, which must return `Err` and write nothing. Every output
//! sits between guard bands. `QUICKCHECK_TESTS` sets the case count.

mod common;

use common::{
    Guarded, Rng, check, first_difference, logical_shape, physical_shape, to_channels_first,
    to_channels_last, untouched,
};
use quickcheck::TestResult;
use upsample::onnx::{AutoPad, MaxPoolOptions, MaxUnpoolOptions, StorageOrder};
use upsample::{Error, Layout, reference};

const TESTS: u64 = 400;
const TAIL: usize = 24;

/// Data of logical `shape` stored channels-first, in `layout`.
fn stored<T: Copy>(cf: &[T], shape: &[usize], layout: Layout) -> Vec<T> {
    match layout {
        Layout::ChannelsFirst => cf.to_vec(),
        Layout::ChannelsLast => to_channels_last(cf, shape),
    }
}

/// Row-major strides of `dims`.
fn strides_of(dims: &[usize]) -> Vec<usize> {
    let mut s = vec![1; dims.len()];
    for a in (0..dims.len().saturating_sub(1)).rev() {
        s[a] = s[a + 1] * dims[a + 1];
    }
    s
}

/// Every index of a box, row-major.
fn points(dims: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for &d in dims {
        out = out
            .into_iter()
            .flat_map(|p| {
                (0..d).map(move |i| {
                    let mut q = p.clone();
                    q.push(i);
                    q
                })
            })
            .collect();
    }
    out
}

/// Random ONNX MaxPool attributes for `rank` axes.
struct PoolAttrs {
    kernel: Vec<usize>,
    strides: Vec<usize>,
    pads: Vec<usize>,
    dilations: Vec<usize>,
    auto_pad: AutoPad,
    ceil_mode: bool,
    order: StorageOrder,
}

impl PoolAttrs {
    fn random(rng: &mut Rng, rank: usize) -> PoolAttrs {
        let kernel = rng.ranges(rank, 1, 4);
        let auto_pad = match rng.range(0, 5) {
            0 => AutoPad::SameUpper,
            1 => AutoPad::SameLower,
            2 => AutoPad::Valid,
            _ => AutoPad::NotSet,
        };
        let pads = match auto_pad {
            AutoPad::NotSet if rng.coin() => (0..2 * rank)
                .map(|a| rng.range(0, kernel[a % rank] - 1))
                .collect(),
            _ => vec![],
        };
        PoolAttrs {
            strides: if rng.coin() {
                rng.ranges(rank, 1, 3)
            } else {
                vec![]
            },
            dilations: if rng.coin() {
                rng.ranges(rank, 1, 3)
            } else {
                vec![]
            },
            kernel,
            pads,
            auto_pad,
            ceil_mode: rng.coin(),
            order: if rng.coin() {
                StorageOrder::ColumnMajor
            } else {
                StorageOrder::RowMajor
            },
        }
    }

    fn options(&self) -> MaxPoolOptions<'_> {
        MaxPoolOptions::new(&self.kernel)
            .with_strides(&self.strides)
            .with_pads(&self.pads)
            .with_dilations(&self.dilations)
            .with_auto_pad(self.auto_pad)
            .with_ceil_mode(self.ceil_mode)
            .with_storage_order(self.order)
    }

    /// The specification's output sizes and begin pads, or `None` where
    /// an axis has no output.
    #[allow(clippy::needless_range_loop)]
    fn spec_geometry(&self, spatial: &[usize]) -> Option<(Vec<usize>, Vec<usize>)> {
        let rank = spatial.len();
        let (mut out, mut begin) = (vec![], vec![]);
        for a in 0..rank {
            let i = spatial[a] as i64;
            let k = self.kernel[a] as i64;
            let s = self.strides.get(a).copied().unwrap_or(1) as i64;
            let d = self.dilations.get(a).copied().unwrap_or(1) as i64;
            let span = (k - 1) * d + 1;
            let (o, pb) = match self.auto_pad {
                AutoPad::NotSet => {
                    let pb = self.pads.get(a).copied().unwrap_or(0) as i64;
                    let pe = self.pads.get(a + rank).copied().unwrap_or(0) as i64;
                    let num = i + pb + pe - span;
                    let o = if self.ceil_mode {
                        // ceil(num / s) + 1, less one if the last window
                        // starts past the input and the begin padding.
                        let o = -(-num).div_euclid(s) + 1;
                        if (o - 1) * s >= i + pb { o - 1 } else { o }
                    } else {
                        num.div_euclid(s) + 1
                    };
                    if o < 1 {
                        return None;
                    }
                    (o, pb)
                }
                AutoPad::Valid => {
                    if i < span {
                        return None;
                    }
                    ((i - span + 1 + s - 1) / s, 0)
                }
                AutoPad::SameUpper | AutoPad::SameLower => {
                    let o = (i + s - 1) / s;
                    let total = ((o - 1) * s + span - i).max(0);
                    let pb = if self.auto_pad == AutoPad::SameUpper {
                        total / 2
                    } else {
                        (total + 1) / 2
                    };
                    (o, pb)
                }
            };
            out.push(o as usize);
            begin.push(pb as usize);
        }
        Some((out, begin))
    }
}

/// ONNX MaxPool, channels-first, from the specification: each window's
/// positions in order, padding skipped; the first element is taken, then
/// any greater one; a NaN always wins (the crate's documented rule, which
/// ONNX leaves open). `None` if a window holds no element.
#[allow(clippy::type_complexity)]
fn spec_max_pool(
    x: &[f32],
    shape: &[usize],
    a: &PoolAttrs,
    out: &[usize],
    begin: &[usize],
) -> Option<(Vec<f32>, Vec<i64>)> {
    let spatial = &shape[2..];
    let rank = spatial.len();
    let plane: usize = spatial.iter().product();
    let (mut y, mut ind) = (vec![], vec![]);
    for nc in 0..shape[0] * shape[1] {
        for op in points(out) {
            let mut best: Option<(f32, Vec<usize>)> = None;
            for kp in points(&a.kernel) {
                let mut p = vec![];
                for ax in 0..rank {
                    let s = a.strides.get(ax).copied().unwrap_or(1) as i64;
                    let d = a.dilations.get(ax).copied().unwrap_or(1) as i64;
                    let v = op[ax] as i64 * s - begin[ax] as i64 + kp[ax] as i64 * d;
                    if v < 0 || v >= spatial[ax] as i64 {
                        break;
                    }
                    p.push(v as usize);
                }
                if p.len() < rank {
                    continue;
                }
                let at: usize = p.iter().zip(strides_of(spatial)).map(|(i, s)| i * s).sum();
                let v = x[nc * plane + at];
                let take = match &best {
                    None => true,
                    Some((b, _)) => v > *b || v.is_nan(),
                };
                if take {
                    best = Some((v, p));
                }
            }
            let (v, p) = best?;
            let j: usize = match a.order {
                StorageOrder::RowMajor => {
                    p.iter().zip(strides_of(spatial)).map(|(i, s)| i * s).sum()
                }
                StorageOrder::ColumnMajor => {
                    // Column-major: the first axis varies fastest.
                    let mut rev = spatial.to_vec();
                    rev.reverse();
                    let cs = strides_of(&rev);
                    (0..rank).map(|ax| p[ax] * cs[rank - 1 - ax]).sum()
                }
            };
            y.push(v);
            ind.push((nc * plane + j) as i64);
        }
    }
    Some((y, ind))
}

#[test]
fn max_pool_matches_the_specification() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let mut shape = vec![rng.range(1, 2), rng.range(1, 5)];
        shape.extend(rng.ranges(rank, 1, [17, 9, 5][rank - 1]));
        let layout = rng.layout();
        let attrs = PoolAttrs::random(&mut rng, rank);
        let opts = attrs.options();
        let Some((out_sp, begin)) = attrs.spec_geometry(&shape[2..]) else {
            // No output on some axis: EmptyOutput, nothing written.
            let mut y = Guarded::<f32>::new(4, 1, TAIL);
            let mut i = Guarded::<i64>::new(4, 1, TAIL);
            let r = upsample::onnx::max_pool(
                &vec![0.0; shape.iter().product()],
                &shape,
                layout,
                &opts,
                y.inner_mut(),
                i.inner_mut(),
            );
            if matches!(r, Err(Error::EmptyOutput { .. }))
                && untouched(y.inner())
                && untouched(i.inner())
            {
                return TestResult::passed();
            }
            return TestResult::error(format!(
                "{shape:?} {:?}: no output by the spec, got {r:?}",
                attrs.kernel
            ));
        };
        let x = rng.pool_data(shape.iter().product());
        let Some((want_y, want_i)) = spec_max_pool(&x, &shape, &attrs, &out_sp, &begin) else {
            return TestResult::discard(); // a window wholly in the padding
        };
        let mut out_shape = shape[..2].to_vec();
        out_shape.extend(&out_sp);
        let helper = upsample::onnx::max_pool_output_shape(&shape, &opts);
        if helper.as_ref().map(|s| s.as_slice()) != Ok(&out_shape[..]) {
            return TestResult::error(format!("shape {helper:?}, spec {out_shape:?}"));
        }
        let input = stored(&x, &shape, layout);
        let len = want_y.len();
        for which in ["public", "reference"] {
            let mut y = Guarded::<f32>::new(len, rng.range(0, 7), TAIL);
            let mut i = Guarded::<i64>::new(len, rng.range(0, 7), TAIL);
            let f = if which == "public" {
                upsample::onnx::max_pool
            } else {
                reference::onnx_max_pool
            };
            if let Err(e) = f(&input, &shape, layout, &opts, y.inner_mut(), i.inner_mut()) {
                return TestResult::error(format!("{which}: {e}"));
            }
            let (got_y, got_i) = match layout {
                Layout::ChannelsFirst => (y.inner().to_vec(), i.inner().to_vec()),
                Layout::ChannelsLast => (
                    to_channels_first(y.inner(), &out_shape),
                    to_channels_first(i.inner(), &out_shape),
                ),
            };
            if let Some(d) = first_difference(&got_y, &want_y) {
                return TestResult::error(format!("{which}: Y differs at {d:?}"));
            }
            if got_i != want_i {
                return TestResult::error(format!("{which}: Indices {got_i:?}, want {want_i:?}"));
            }
            if !y.bands_intact() || !i.bands_intact() {
                return TestResult::error(format!("{which}: wrote outside its output"));
            }
        }
        TestResult::passed()
    }
    check(prop, TESTS);
}

/// Symmetric pads (at most half the kernel), NOTSET, row-major: the
/// PyTorch-semantics `max_pool` with the indices offset by their plane.
#[test]
fn max_pool_with_symmetric_pads_is_pytorchs() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let mut shape = vec![rng.range(1, 2), rng.range(1, 5)];
        shape.extend(rng.ranges(rank, 1, [40, 12, 6][rank - 1]));
        let layout = rng.layout();
        let kernel = rng.ranges(rank, 1, 4);
        let strides = rng.ranges(rank, 1, 3);
        let dilations = rng.ranges(rank, 1, 2);
        let padding: Vec<usize> = kernel.iter().map(|&k| rng.range(0, k / 2)).collect();
        let ceil_mode = rng.coin();
        let pads: Vec<usize> = padding.iter().chain(&padding).copied().collect();
        let onnx = MaxPoolOptions::new(&kernel)
            .with_strides(&strides)
            .with_pads(&pads)
            .with_dilations(&dilations)
            .with_ceil_mode(ceil_mode);
        let torch = upsample::MaxPoolOptions::new(&kernel)
            .with_stride(&strides)
            .with_padding(&padding)
            .with_dilation(&dilations)
            .with_ceil_mode(ceil_mode);
        let Ok(out) = upsample::max_pool_output_shape(&shape, &torch) else {
            return TestResult::discard();
        };
        if upsample::onnx::max_pool_output_shape(&shape, &onnx) != Ok(out) {
            return TestResult::error("output shapes differ");
        }
        let x = rng.pool_data(shape.iter().product());
        let len = out.as_slice().iter().product();
        let (mut ty, mut ti) = (vec![0.0; len], vec![0; len]);
        upsample::max_pool(&x, &shape, layout, &torch, &mut ty, &mut ti).unwrap();
        let (mut oy, mut oi) = (vec![0.0; len], vec![0; len]);
        upsample::onnx::max_pool(&x, &shape, layout, &onnx, &mut oy, &mut oi).unwrap();
        // The plane of each output element, in the buffer's layout.
        let planes: Vec<i64> = stored(
            &(0..len)
                .map(|p| (p / (len / (shape[0] * shape[1]))) as i64)
                .collect::<Vec<_>>(),
            out.as_slice(),
            layout,
        );
        let in_plane: usize = shape[2..].iter().product();
        let mut offset: Vec<i64> = ti
            .iter()
            .zip(&planes)
            // A window wholly in the padding: PyTorch's initial index, -1 in ONNX.
            .map(|(&i, p)| {
                if (0..in_plane as i64).contains(&i) {
                    i + p * in_plane as i64
                } else {
                    -1
                }
            })
            .collect();
        if rank == 3 && layout == Layout::ChannelsLast {
            // PyTorch's 3-d channels-last kernel reports an all -inf
            // window's index without its depth; ONNX's entry point does not.
            for ((o, t), y) in oi.iter().zip(offset.iter_mut()).zip(&oy) {
                if *y == f32::NEG_INFINITY {
                    *t = *o;
                }
            }
        }
        if first_difference(&oy, &ty).is_some() || oi != offset {
            return TestResult::error(format!(
                "{shape:?} {layout:?} k {kernel:?} s {strides:?} d {dilations:?} p {padding:?} ceil {ceil_mode}: Y {oy:?} / {ty:?}, I {oi:?} / {offset:?}"
            ));
        }
        TestResult::passed()
    }
    check(prop, TESTS);
}

#[test]
fn max_pool_rejects_bad_attributes_and_writes_nothing() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let mut shape = vec![1, 2];
        shape.extend(rng.ranges(rank, 4, 8));
        let kernel = rng.ranges(rank, 1, 3);
        let (mut strides, mut pads, mut dil) = (vec![1; rank], vec![0; 2 * rank], vec![1; rank]);
        let mut auto_pad = AutoPad::NotSet;
        let mut k = kernel.clone();
        let a = rng.range(0, rank - 1);
        let want = match rng.range(0, 6) {
            0 => {
                pads[a + rank * rng.range(0, 1)] = kernel[a] + rng.range(0, 2);
                "PaddingTooLarge"
            }
            1 => {
                pads[a] = 1;
                auto_pad = rng.pick(&[AutoPad::SameUpper, AutoPad::SameLower, AutoPad::Valid]);
                "Unsupported"
            }
            2 => {
                strides[a] = 0;
                "InvalidParameter"
            }
            3 => {
                dil[a] = 0;
                "InvalidParameter"
            }
            4 => {
                pads.pop();
                "ParameterCount"
            }
            5 => {
                k.push(2);
                "ParameterCount"
            }
            _ => {
                k[a] = 0;
                "InvalidParameter"
            }
        };
        let opts = MaxPoolOptions::new(&k)
            .with_strides(&strides)
            .with_pads(&pads)
            .with_dilations(&dil)
            .with_auto_pad(auto_pad);
        let x = rng.pool_data(shape.iter().product());
        let mut y = Guarded::<f32>::new(64, 0, 0);
        let mut i = Guarded::<i64>::new(64, 0, 0);
        let r = upsample::onnx::max_pool(
            &x,
            &shape,
            Layout::ChannelsFirst,
            &opts,
            y.inner_mut(),
            i.inner_mut(),
        );
        let name = format!("{r:?}");
        if r.is_err() && name.contains(want) && untouched(y.inner()) && untouched(i.inner()) {
            return TestResult::passed();
        }
        TestResult::error(format!(
            "{shape:?} k {k:?} s {strides:?} p {pads:?} d {dil:?} {auto_pad:?}: {name}, want {want}"
        ))
    }
    check(prop, TESTS);
}

#[test]
fn max_unpool_matches_the_specification() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let mut shape = vec![rng.range(1, 2), rng.range(1, 5)];
        shape.extend(rng.ranges(rank, 1, [12, 6, 4][rank - 1]));
        let layout = rng.layout();
        let kernel = rng.ranges(rank, 1, 4);
        let strides = if rng.coin() {
            rng.ranges(rank, 1, 3)
        } else {
            vec![]
        };
        let pads: Vec<usize> = if rng.coin() {
            (0..2 * rank).map(|_| rng.range(0, 2)).collect()
        } else {
            vec![]
        };
        let spatial = &shape[2..];
        let mut inferred = vec![];
        for a in 0..rank {
            let s = strides.get(a).copied().unwrap_or(1) as i64;
            let p = pads.get(a).copied().unwrap_or(0) + pads.get(a + rank).copied().unwrap_or(0);
            let v = (spatial[a] as i64 - 1) * s - p as i64 + kernel[a] as i64;
            if v < 1 {
                return TestResult::discard();
            }
            inferred.push(v as usize);
        }
        let larger = rng.coin();
        let out_sp: Vec<usize> = inferred
            .iter()
            .map(|&v| if larger { v + rng.range(0, 2) } else { v })
            .collect();
        let mut out_shape = shape[..2].to_vec();
        out_shape.extend(&out_sp);
        let mut opts = MaxUnpoolOptions::new(&kernel)
            .with_strides(&strides)
            .with_pads(&pads);
        if larger {
            opts = opts.with_output_shape(&out_shape);
        }
        // Indices: random positions in each value's own inferred plane.
        let plane: usize = inferred.iter().product();
        let in_plane: usize = spatial.iter().product();
        let x = rng.wide_values(shape.iter().product());
        let idx: Vec<i64> = (0..x.len())
            .map(|e| ((e / in_plane) * plane + rng.range(0, plane - 1)) as i64)
            .collect();
        // The specification: zeros, then each value at its index's
        // coordinates in the inferred shape, in order.
        let out_len: usize = out_shape.iter().product();
        let out_plane: usize = out_sp.iter().product();
        let mut want = vec![0.0f32; out_len];
        for (e, (&v, &i)) in x.iter().zip(&idx).enumerate() {
            let j = i as usize - (e / in_plane) * plane;
            let coords: Vec<usize> = (0..rank)
                .map(|a| j / strides_of(&inferred)[a] % inferred[a])
                .collect();
            let at: usize = coords
                .iter()
                .zip(strides_of(&out_sp))
                .map(|(c, s)| c * s)
                .sum();
            want[(e / in_plane) * out_plane + at] = v;
        }
        if upsample::onnx::max_unpool_output_shape(&shape, &opts).map(|s| s.as_slice().to_vec())
            != Ok(out_shape.clone())
        {
            return TestResult::error("output shape");
        }
        let (input, indices) = (stored(&x, &shape, layout), stored(&idx, &shape, layout));
        let want = stored(&want, &out_shape, layout);
        for which in ["public", "reference"] {
            let f = if which == "public" {
                upsample::onnx::max_unpool
            } else {
                reference::onnx_max_unpool
            };
            let mut out = Guarded::<f32>::new(out_len, rng.range(0, 7), TAIL);
            let mut scratch = vec![0i64; x.len()];
            if let Err(e) = f(
                &input,
                &indices,
                &shape,
                layout,
                &opts,
                &mut scratch,
                out.inner_mut(),
            ) {
                return TestResult::error(format!("{which}: {e}"));
            }
            if let Some(d) = first_difference(out.inner(), &want) {
                return TestResult::error(format!("{which}: differs at {d:?}"));
            }
            if !out.bands_intact() {
                return TestResult::error(format!("{which}: wrote outside its output"));
            }
            // An index moved out of its own plane: IndexOutOfRange naming
            // it, before anything is written.
            let mut bad = indices.clone();
            let pos = rng.range(0, bad.len() - 1);
            bad[pos] = match rng.range(0, 2) {
                0 => -1 - rng.range(0, 3) as i64,
                1 => bad[pos] + plane as i64 * rng.range(1, 2) as i64,
                _ => (shape[0] * shape[1] * plane) as i64,
            };
            let (lo, hi) = {
                // The plane of element `pos` in the buffer's layout.
                let logical = match layout {
                    Layout::ChannelsFirst => pos,
                    Layout::ChannelsLast => {
                        let c = shape[1];
                        (pos / (in_plane * c) * c + pos % c) * in_plane
                    }
                };
                let p = (logical / in_plane * plane) as i64;
                (p, p + plane as i64)
            };
            if (lo..hi).contains(&bad[pos]) {
                continue; // still in its plane
            }
            let mut out = Guarded::<f32>::new(out_len, 0, TAIL);
            let r = f(
                &input,
                &bad,
                &shape,
                layout,
                &opts,
                &mut scratch,
                out.inner_mut(),
            );
            if r != Err(Error::IndexOutOfRange {
                position: pos,
                index: bad[pos],
                plane_size: plane,
            }) || !untouched(out.inner())
            {
                return TestResult::error(format!("{which}: bad index gave {r:?}"));
            }
        }
        TestResult::passed()
    }
    check(prop, TESTS);
}

#[test]
fn max_unpool_rejects_bad_attributes_and_writes_nothing() {
    let x = [1.0f32; 4];
    let idx = [0i64, 1, 2, 3];
    let shape = [1, 1, 2, 2];
    let mut scratch = [0i64; 4];
    let cases: [(MaxUnpoolOptions<'_>, &str); 6] = [
        (
            MaxUnpoolOptions::new(&[2, 2])
                .with_strides(&[2, 2])
                .with_output_shape(&[1, 1, 3, 4]),
            "OutputSize",
        ),
        (
            MaxUnpoolOptions::new(&[2, 2]).with_output_shape(&[1, 2, 3, 3]),
            "Unsupported",
        ),
        (MaxUnpoolOptions::new(&[2]), "ParameterCount"),
        (
            MaxUnpoolOptions::new(&[2, 2]).with_pads(&[1, 1]),
            "ParameterCount",
        ),
        (MaxUnpoolOptions::new(&[2, 0]), "InvalidParameter"),
        (
            MaxUnpoolOptions::new(&[1, 1]).with_pads(&[1, 0, 1, 0]),
            "EmptyOutput",
        ),
    ];
    for (opts, want) in cases {
        let mut out = Guarded::<f32>::new(16, 0, 0);
        let r = upsample::onnx::max_unpool(
            &x,
            &idx,
            &shape,
            Layout::ChannelsFirst,
            &opts,
            &mut scratch,
            out.inner_mut(),
        );
        assert!(
            format!("{r:?}").contains(want),
            "{opts:?}: {r:?}, want {want}"
        );
        assert!(untouched(out.inner()));
    }
    // A scratch of the wrong length.
    let opts = MaxUnpoolOptions::new(&[1, 1]);
    let mut out = Guarded::<f32>::new(4, 0, 0);
    let r = upsample::onnx::max_unpool(
        &x,
        &idx,
        &shape,
        Layout::ChannelsFirst,
        &opts,
        &mut scratch[..3],
        out.inner_mut(),
    );
    assert!(matches!(r, Err(Error::BufferLength { .. })) && untouched(out.inner()));
    let _ = (
        logical_shape(&shape, Layout::ChannelsFirst),
        physical_shape(&shape, Layout::ChannelsFirst),
    );
}
