//! The files integra touches, and the two rules it keeps with them.
//!
//! **Inputs are regular files inside their folder.** Registers,
//! `centro.toml`, notes and template files are opened through [`open`] /
//! [`read`]: a symbolic link is followed only when its target stays inside
//! the folder it was found in; a directory, a FIFO, a device or a socket is
//! refused with a reason (opening never blocks: the file is opened
//! non-blocking and checked on the handle, so a FIFO swapped in after a look
//! cannot hang the run); files with a sane size limit are refused over it.
//! The period's notes, printed as written, are read only when they are the
//! file itself ([`read_sole`]): no symbolic link, no second name.
//!
//! **Outputs never touch inputs, and appear whole or not at all.** A
//! [`Protected`] set names what must never be written (the registers,
//! `centro.toml`, the notes, the template); [`write_atomic`] refuses those,
//! writes through a temporary file created exclusively (`O_EXCL`: a name
//! planted in advance, symbolic link or not, is never opened) and renames it
//! into place. The temporary file is removed on every failure path: by its
//! guard on errors and panics, and by [`cleanup_on_signals`] when the run is
//! interrupted (Ctrl-C, `kill`, a closed terminal). A folder written whole
//! ([`replace_folder`], the open-data package) is written the same way: a
//! temporary folder beside it, renamed into place, and only over an empty
//! folder or an earlier output of the same kind.

mod folder;
mod input;
mod output;
mod reason;

pub use folder::{FolderKind, check_folder, replace_folder};
pub use input::{InputError, SMALL_TEXT_LIMIT, TEMPLATE_FILE_LIMIT, check, open, read, read_sole};
pub use output::{OutputError, Protected, cleanup_on_signals, create_folder, resolve, write_atomic};
pub use reason::io_reason;
