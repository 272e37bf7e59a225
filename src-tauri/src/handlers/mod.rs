//! What each command does, one line or a few each: the work is in the app's services (and
//! `mockint_app::views`) and in the managers. Grouped as the pages use them.

mod media;
mod room;
mod setup;
