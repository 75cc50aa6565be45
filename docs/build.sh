#!/usr/bin/env bash
# Builds the book in English (docs/book/en/) and Simplified Chinese
# (docs/book/zh-CN/) and checks both: includes and SUMMARY (cargo's docs
# test), every link and anchor, the Chinese translation against a freshly
# extracted messages.pot, and every page loaded in headless Chromium.
#
#   bash docs/build.sh               build and check (what CI runs)
#   bash docs/build.sh --update-po   re-extract docs/po/messages.pot and merge it
#                                    into docs/po/zh-CN.po, then build and check
#   bash docs/build.sh --no-browser  skip the Chromium step
#
# The gettext workflow is mdbook-i18n-helpers' (as in google/comprehensive-rust):
# mdbook-xgettext extracts the English text, mdbook-gettext translates the
# book from docs/po/zh-CN.po while building it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
docs=$root/docs

MDBOOK_VERSION=0.5.4
I18N_VERSION=0.4.0 # built against mdbook-preprocessor/-renderer 0.5
# The pinned tools live apart from the user's own mdbook, in a per-user cache
# that every clone shares (so only the first build installs them, ~6 min):
# ~/.cache/unp-lab/docs-tools, or $UNP_DOCS_TOOLS (CI may point it into a
# cached directory). Already installed elsewhere at the pinned version (an
# older clone's target/docs-tools, ~/.cargo/bin) they are used from there.
tools=${UNP_DOCS_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/unp-lab/docs-tools}
LANGS=(en zh-CN)

update_po=0
browser=1
for a in "$@"; do
    case $a in
    --update-po) update_po=1 ;;
    --no-browser) browser=0 ;;
    *) echo "usage: bash docs/build.sh [--update-po] [--no-browser]" >&2; exit 2 ;;
    esac
done

t0=$(date +%s)
step_start=$t0
step() { # prints how long the previous step took, then names the next
    local now; now=$(date +%s)
    [[ -n ${step_name:-} ]] && echo "docs: ${step_name}: $((now - step_start)) s"
    step_name=$1; step_start=$now
    echo "== docs: $1"
}

apt_install() { # $1 = command that must exist, rest = Debian packages
    local cmd=$1; shift
    command -v "$cmd" >/dev/null && return 0
    if [[ $(id -u) -ne 0 ]]; then
        echo "docs: '$cmd' is missing; install it with: sudo apt-get install -y $*" >&2
        exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The binaries build.sh runs, one directory on PATH, each a link to the
# pinned version wherever it was found.
bin_dir=$(mktemp -d)
trap 'rm -rf "$bin_dir"' EXIT
pinned() { # crate version binary...: link the binaries of an installed copy
    local crate=$1 version=$2 dir; shift 2
    for dir in "$tools" "$root/target/docs-tools" "${CARGO_HOME:-$HOME/.cargo}"; do
        grep -qs "^\"$crate $version " "$dir/.crates.toml" || continue
        local b ok=1
        for b in "$@"; do [[ -x $dir/bin/$b ]] || ok=0; done
        if [[ $ok == 1 ]]; then
            for b in "$@"; do ln -sf "$dir/bin/$b" "$bin_dir/$b"; done
            echo "docs: $crate $version from $dir"
            return 0
        fi
    done
    return 1
}
cargo_install() { # crate version binaries -- cargo install options
    local crate=$1 version=$2 bins=()
    shift 2
    while [[ $# -gt 0 && $1 != -- ]]; do bins+=("$1"); shift; done
    shift || true
    pinned "$crate" "$version" "${bins[@]}" && return 0
    # an mdbook on PATH with the pinned version (installed some other way)
    if [[ $crate == mdbook ]] && [[ $(mdbook --version 2>/dev/null) == "mdbook v$version" ]]; then
        ln -sf "$(command -v mdbook)" "$bin_dir/mdbook"
        echo "docs: mdbook $version from $(command -v mdbook)"
        return 0
    fi
    echo "docs: installing $crate $version into $tools (first build only, a few minutes)"
    cargo install --locked --quiet --root "$tools" "$crate@$version" "$@"
    pinned "$crate" "$version" "${bins[@]}"
}

step "tools (mdbook $MDBOOK_VERSION, mdbook-i18n-helpers $I18N_VERSION, gettext, chromium)"
# mdbook without its serve/watch features: the book is only built here.
cargo_install mdbook "$MDBOOK_VERSION" mdbook -- --no-default-features --features search
cargo_install mdbook-i18n-helpers "$I18N_VERSION" mdbook-xgettext mdbook-gettext
export PATH=$bin_dir:$PATH
apt_install msgmerge gettext
if [[ $browser == 1 ]]; then
    apt_install chromium chromium
    apt_install rsvg-convert librsvg2-bin # check_links renders every figure with it
    # a CJK font, so the Chinese screenshot shows characters, not boxes
    fc-list :lang=zh | grep -q . || apt_install /nonexistent fonts-wqy-microhei
fi

step "includes and SUMMARY (cargo test -p common --test docs)"
cargo test -q -p common --test docs

step "extract messages.pot"
pot_dir=$(mktemp -d)
trap 'rm -rf "$pot_dir" "$bin_dir"' EXIT
# The pot is extracted without the default preprocessors, so an included
# program stays an {{#include}} line: code is not translated, and a change in
# a program's source never makes the translation stale.
# Code blocks are skipped too (tools/skip_code.py, on a copy of the source).
mkdir -p "$pot_dir/en"
cp -r "$docs/book.toml" "$docs/src" "$pot_dir/en/"
python3 "$docs/tools/skip_code.py" "$pot_dir/en/src"
MDBOOK_BUILD__USE_DEFAULT_PREPROCESSORS=false \
MDBOOK_OUTPUT='{"xgettext": {"pot-file": "messages.pot", "granularity": 0}}' \
    mdbook build "$pot_dir/en" -d "$pot_dir" >/dev/null 2>"$pot_dir/log" || { cat "$pot_dir/log" >&2; exit 1; }
# The exercises' hints are Markdown files (exercises/src/*/hint*.md, also
# printed by the exercises' CLI) that the exercises page includes: a small
# book of just the included .md files gives their messages, and book.toml's
# second gettext pass, after the includes, translates them.
hints=$pot_dir/hints
python3 "$docs/tools/included_md.py" "$docs/src" "$root" "$hints" >/dev/null
python3 "$docs/tools/skip_code.py" "$hints/src"
MDBOOK_OUTPUT='{"xgettext": {"pot-file": "messages.pot", "granularity": 0}}' \
    mdbook build "$hints" -d "$pot_dir/hints-out" >/dev/null 2>"$pot_dir/log" || { cat "$pot_dir/log" >&2; exit 1; }
msggrep -v -K -E -e '^0$' -o "$pot_dir/hints-only.pot" "$pot_dir/hints-out/messages.pot"
mv "$pot_dir/messages.pot" "$pot_dir/pages.pot"
msgcat --use-first -o "$pot_dir/messages.pot" "$pot_dir/pages.pot" "$pot_dir/hints-only.pot"
fresh=$pot_dir/messages.pot
if [[ $update_po == 1 ]]; then
    cp "$fresh" "$docs/po/messages.pot"
    msgmerge --quiet --update --backup=none "$docs/po/zh-CN.po" "$docs/po/messages.pot"
    msgattrib --no-obsolete -o "$docs/po/zh-CN.po" "$docs/po/zh-CN.po"
    python3 "$docs/tools/po.py" fill-code "$docs/po/zh-CN.po"
    msgcat -o "$docs/po/zh-CN.po" "$docs/po/zh-CN.po" # gettext's own layout
    echo "docs: updated docs/po/messages.pot and docs/po/zh-CN.po"
fi

step "translation (docs/po/zh-CN.po against the English source)"
python3 "$docs/tools/check_po.py" "$fresh" "$docs/po/messages.pot" "$docs/po/zh-CN.po" "$pot_dir"

step "Chinese figures (docs/tools/figures_zh.py --check)"
python3 "$docs/tools/figures_zh.py" --check

step "build docs/book/en and docs/book/zh-CN"
rm -rf "$docs/book/en" "$docs/book/zh-CN"
# The book's title is configuration, not a message: each edition names its own.
declare -A TITLE=([en]="unp-lab — UNP chapters 4–5 in Rust, on the real kernel"
                  [zh-CN]="unp-lab — 用 Rust 在真实的内核上学习 UNP 第 4–5 章")
for lang in "${LANGS[@]}"; do
    MDBOOK_BOOK__LANGUAGE=$lang MDBOOK_BOOK__TITLE=${TITLE[$lang]} mdbook build "$docs" -d "$docs/book/$lang" 2>"$pot_dir/build.log" \
        || { cat "$pot_dir/build.log" >&2; exit 1; }
    if grep -E 'ERROR|WARN' "$pot_dir/build.log"; then
        echo "docs: mdbook warned while building $lang (above)" >&2
        exit 1
    fi
done

step "links and anchors"
python3 "$docs/tools/check_links.py" "$docs/book" "${LANGS[@]}"

if [[ $browser == 1 ]]; then
    step "every page in headless Chromium"
    python3 "$docs/tools/check_browser.py" "$docs/book" "${LANGS[@]}"
fi

step "done"
echo "docs: total $(( $(date +%s) - t0 )) s; open docs/book/en/index.html or docs/book/zh-CN/index.html"
