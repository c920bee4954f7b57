//! What a new user meets first: how a shape prints, options built from
//! runtime values, and a scratch length known before the build.

use upsample::{
    Error, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions, PerAxis, Shape,
    interpolate, interpolate_output_shape, max_pool_output_shape,
};

#[test]
fn shape_debug_prints_the_logical_shape_only() {
    let s = max_pool_output_shape(&[1, 1, 16, 16], &MaxPoolOptions::new(&[2])).unwrap();
    assert_eq!(format!("{s:?}"), "Shape[1, 1, 8, 8]");
    let s = Shape::new(&[2, 3, 4, 5, 6]).unwrap();
    assert_eq!(format!("{s:?}"), "Shape[2, 3, 4, 5, 6]");
    assert_eq!(format!("{:?}", Shape::new(&[]).unwrap()), "Shape[]");
}

/// A scale known only at run time, as a caller computes it.
fn zoom_for(width: usize, target: usize) -> f64 {
    target as f64 / width as f64
}

#[test]
fn options_from_runtime_values_need_no_named_array() {
    // Each of these was E0716 (temporary dropped while borrowed) while the
    // options borrowed their lists: the options now hold the values.
    let s = zoom_for(4, 10);
    let by_array = InterpolateOptions::scale_factor(InterpolateMode::Bilinear, [s, zoom_for(4, 6)]);
    let by_ref = InterpolateOptions::scale_factor(InterpolateMode::Bilinear, &[s, zoom_for(4, 6)]);
    let one = InterpolateOptions::scale_factor(InterpolateMode::Nearest, zoom_for(4, 8));
    let (h, w) = (3 + s as usize, 7);
    let sized = InterpolateOptions::size(InterpolateMode::Area, [h, w]);
    let x = vec![1.0f32; 4 * 4];
    let shape = [1, 1, 4, 4];
    for (opts, want) in [
        (by_array, [1, 1, 10, 6]),
        (by_ref, [1, 1, 10, 6]),
        (one, [1, 1, 8, 8]),
        (sized, [1, 1, 5, 7]),
    ] {
        let out_shape = interpolate_output_shape(&shape, &opts).unwrap();
        assert_eq!(out_shape.as_slice(), &want, "{opts:?}");
        let mut y = vec![0.0; out_shape.numel()];
        interpolate(&x, &shape, Layout::ChannelsFirst, &opts, &mut y).unwrap();
        assert!(y.iter().all(|&v| (v - 1.0).abs() < 1e-6), "{opts:?}");
    }
    // A Vec's values are copied in too, and a list of a wrong count is
    // still rejected by its count.
    let per_axis: Vec<f64> = vec![2.0; 4];
    let opts = InterpolateOptions::scale_factor(InterpolateMode::Nearest, &per_axis);
    assert_eq!(
        interpolate_output_shape(&shape, &opts),
        Err(Error::ParameterCount {
            parameter: "scale_factor",
            expected: 2,
            actual: 4
        })
    );
    assert_eq!(
        format!("{:?}", PerAxis::from(&per_axis)),
        "[2.0, 2.0, 2.0] (of 4 values)"
    );
}
