//! UNP ch.5 — the echo client and server. Programs are under `src/bin/`.
