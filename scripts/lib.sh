# Shell functions the scripts share (sourced, not run).

INNOHUB_TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.innohub/tools"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# apt_install PACKAGE...: installs Debian packages; `apt-get update` runs once per checkout.
apt_install() {
  if [ ! -f "$INNOHUB_TOOLS/.apt-updated" ]; then
    as_root apt-get update -qq >/dev/null || { printf '%s: apt-get update failed; cannot install %s\n' "${0##*/}" "$*" >&2; exit 1; }
    mkdir -p "$INNOHUB_TOOLS" && touch "$INNOHUB_TOOLS/.apt-updated"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
    || { printf '%s: apt-get install %s failed\n' "${0##*/}" "$*" >&2; exit 1; }
}
