//! The operations, the stored log line and why an operation can fail.

use serde::{Deserialize, Serialize};

use crate::{Point, Shape, ValidationError};

/// Which end of a connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum End {
    /// The first point (an arrow's tail).
    Start,
    /// The last point (an arrow's head).
    End,
}

/// One change to the whiteboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Puts shapes on the board: on top, or from z-position `at` (undoing a delete).
    Add {
        /// The new shapes (their ids must be unused).
        shapes: Vec<Shape>,
        /// Where in the drawing order they go; on top when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<usize>,
    },
    /// Moves shapes by (dx, dy); connectors bound to them follow.
    Move {
        /// The shapes moved.
        ids: Vec<u64>,
        /// Horizontal distance.
        dx: f64,
        /// Vertical distance.
        dy: f64,
    },
    /// Gives a box, ellipse or label a new position and size.
    Resize {
        /// The shape.
        id: u64,
        /// New left.
        x: f64,
        /// New top.
        y: f64,
        /// New width.
        width: f64,
        /// New height.
        height: f64,
    },
    /// Replaces the points of a stroke (dragging a connector's free end).
    Reshape {
        /// The stroke.
        id: u64,
        /// Its new points.
        points: Vec<Point>,
    },
    /// Changes colour and stroke width.
    Restyle {
        /// The shape.
        id: u64,
        /// New CSS colour.
        color: String,
        /// New stroke width.
        stroke_width: f64,
    },
    /// Changes (or removes) a shape's label.
    Relabel {
        /// The shape.
        id: u64,
        /// New label.
        text: Option<String>,
    },
    /// Attaches one end of a connector to a shape.
    Bind {
        /// The connector.
        id: u64,
        /// Which end.
        end: End,
        /// The shape it attaches to.
        target: u64,
    },
    /// Detaches one end of a connector (it stays where it is).
    Unbind {
        /// The connector.
        id: u64,
        /// Which end.
        end: End,
    },
    /// Removes shapes; connectors bound to them stay, unbound.
    Delete {
        /// The shapes removed.
        ids: Vec<u64>,
    },
    /// Removes everything.
    Clear,
    /// Several changes applied together and undone together.
    Batch {
        /// The changes, in order.
        ops: Vec<Op>,
    },
}

/// One line of the stored log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpEntry {
    /// Position in the session's log, from 1, without gaps.
    pub seq: u64,
    /// Milliseconds since the session started.
    pub ms: u64,
    /// The change.
    pub op: Op,
}

impl OpEntry {
    /// The entry as one line of the log, with its newline.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

/// Why an operation cannot be applied. The board is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoardError {
    /// The operation names a shape the board does not have.
    #[error("shape {id} is not on the board")]
    UnknownShape {
        /// The missing id.
        id: u64,
    },
    /// An added shape reuses an id.
    #[error("shape {id} is already on the board")]
    DuplicateId {
        /// The id used twice.
        id: u64,
    },
    /// A connector is bound to a shape that is not on the board.
    #[error("connector {id} is bound to shape {target}, which is not on the board")]
    BindToMissing {
        /// The connector.
        id: u64,
        /// The missing shape.
        target: u64,
    },
    /// A bind names something that is not a line or an arrow.
    #[error("shape {id} is not a line or an arrow, so it cannot be bound")]
    NotAConnector {
        /// The shape.
        id: u64,
    },
    /// A connector is bound to a stroke, or both of its ends to one shape.
    #[error("connector {id} cannot attach to shape {target}")]
    BadTarget {
        /// The connector.
        id: u64,
        /// The shape refused.
        target: u64,
    },
    /// The board or a batch would grow past its limit.
    #[error("{what} would exceed {limit}")]
    TooMany {
        /// What is counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A shape or value breaks the whiteboard's rules.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}
