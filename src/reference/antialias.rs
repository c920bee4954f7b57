//! Reference antialiased resampling (to be written).
pub(crate) const DUMMY: () = ();
