//! [`PerAxis`]: a per-dimension parameter held by value.

use crate::error::Error;
use crate::layout::{MAX_SPATIAL, per_axis};
use core::fmt;

/// One value for every spatial dimension (like a Python scalar) or one per
/// spatial dimension, held inline, so that options built from runtime values
/// borrow nothing.
///
/// Built from a value, an array, or a reference to anything that lends a
/// slice (`&[T]`, `&[T; N]`, `&Vec<T>`):
///
/// ```
/// use upsample::PerAxis;
/// let one: PerAxis<f64> = 2.0.into();
/// assert_eq!(one.as_slice(), &[2.0]);
/// assert_eq!(PerAxis::from([2.0, 3.0]), PerAxis::from(&[2.0, 3.0][..]));
/// assert_eq!(format!("{:?}", PerAxis::from(&[4_usize, 5])), "[4, 5]");
/// ```
///
/// A list of more than [`MAX_SPATIAL`] values keeps its first
/// `MAX_SPATIAL` and its length, which every op rejects with
/// [`Error::ParameterCount`] (as it does a list of 0 values, or of a count
/// other than 1 and the shape's spatial rank).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PerAxis<T> {
    /// The values, then `T::default()`.
    values: [T; MAX_SPATIAL],
    /// The number of values given (may exceed `MAX_SPATIAL`).
    len: usize,
}

impl<T: Copy + Default> PerAxis<T> {
    /// The values given, from a slice of any length.
    fn from_slice(values: &[T]) -> Self {
        let mut out = PerAxis {
            values: [T::default(); MAX_SPATIAL],
            len: values.len(),
        };
        let kept = values.len().min(MAX_SPATIAL);
        out.values[..kept].copy_from_slice(&values[..kept]);
        out
    }

    /// The number of values given.
    ///
    /// ```
    /// assert_eq!(upsample::PerAxis::from([1.5, 2.0, 2.5, 3.0]).len(), 4);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no value was given (which every op rejects).
    ///
    /// ```
    /// assert!(upsample::PerAxis::<usize>::from(&[][..]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The values kept: all of them, or the first [`MAX_SPATIAL`] of a
    /// longer list.
    ///
    /// ```
    /// assert_eq!(upsample::PerAxis::from([3_usize, 5]).as_slice(), &[3, 5]);
    /// ```
    pub fn as_slice(&self) -> &[T] {
        &self.values[..self.len.min(MAX_SPATIAL)]
    }

    /// The values per padded `[D, H, W]` axis for `rank` spatial axes, as
    /// [`per_axis`] expands a slice.
    pub(crate) fn expand(
        &self,
        parameter: &'static str,
        rank: usize,
        pad: T,
    ) -> Result<[T; MAX_SPATIAL], Error> {
        if self.len > MAX_SPATIAL {
            return Err(Error::ParameterCount {
                parameter,
                expected: rank,
                actual: self.len,
            });
        }
        per_axis(parameter, self.as_slice(), rank, pad)
    }
}

impl<T: Copy + Default + fmt::Debug> fmt::Debug for PerAxis<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()?;
        if self.len > MAX_SPATIAL {
            write!(f, " (of {} values)", self.len)?;
        }
        Ok(())
    }
}

impl From<f64> for PerAxis<f64> {
    /// One scale factor for every spatial dimension.
    fn from(value: f64) -> Self {
        PerAxis::from_slice(&[value])
    }
}

impl From<usize> for PerAxis<usize> {
    /// One size for every spatial dimension.
    fn from(value: usize) -> Self {
        PerAxis::from_slice(&[value])
    }
}

impl<T: Copy + Default, const N: usize> From<[T; N]> for PerAxis<T> {
    fn from(values: [T; N]) -> Self {
        PerAxis::from_slice(&values)
    }
}

impl<T: Copy + Default, S: AsRef<[T]> + ?Sized> From<&S> for PerAxis<T> {
    /// The values of a slice, or of anything that lends one (`&[T; N]`,
    /// `&Vec<T>`).
    fn from(values: &S) -> Self {
        PerAxis::from_slice(values.as_ref())
    }
}
