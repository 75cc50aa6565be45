//! UNP ch.4 — elementary TCP sockets. Programs arrive under `src/bin/` (see the README map).
