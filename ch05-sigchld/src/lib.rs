//! UNP 5.8–5.10 and TCPIP ch.10. Programs arrive under `src/bin/` (see the README map).
