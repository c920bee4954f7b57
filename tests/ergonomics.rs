//! What a new user meets first: how a shape prints, options built from
//! runtime values, and a scratch length known before the build.

use upsample::{MaxPoolOptions, Shape, max_pool_output_shape};

#[test]
fn shape_debug_prints_the_logical_shape_only() {
    let s = max_pool_output_shape(&[1, 1, 16, 16], &MaxPoolOptions::new(&[2])).unwrap();
    assert_eq!(format!("{s:?}"), "Shape[1, 1, 8, 8]");
    let s = Shape::new(&[2, 3, 4, 5, 6]).unwrap();
    assert_eq!(format!("{s:?}"), "Shape[2, 3, 4, 5, 6]");
    assert_eq!(format!("{:?}", Shape::new(&[]).unwrap()), "Shape[]");
}
