"""One module per input format; each turns its input into `RawLine`s (imported lazily)."""
