use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Largest page a list call returns.
pub const MAX_PAGE_SIZE: u32 = 500;

/// A window into a list: `limit` items after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// How many items, 1 to [`MAX_PAGE_SIZE`].
    pub limit: u32,
    /// How many to skip.
    pub offset: u32,
}

impl Page {
    /// Builds a page, rejecting a limit of 0 or above [`MAX_PAGE_SIZE`].
    pub fn new(limit: u32, offset: u32) -> Result<Self, ValidationError> {
        if limit == 0 || limit > MAX_PAGE_SIZE {
            return Err(ValidationError::OutOfRange {
                field: "limit",
                min: 1.0,
                max: f64::from(MAX_PAGE_SIZE),
                actual: f64::from(limit),
            });
        }
        Ok(Self { limit, offset })
    }
}

impl Default for Page {
    fn default() -> Self {
        Self {
            limit: 50,
            offset: 0,
        }
    }
}
