#!/bin/sh
# deps.sh - install the Debian packages svcdesk builds, tests and runs with.
# A no-op when they are all present; needs root (or sudo) otherwise.
set -eu
pkgs="build-essential pkg-config clang libclang-rt-14-dev curl sqlite3 ca-certificates
libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libglib2.0-dev libical-dev
libcmocka-dev jq wrk libbusiness-hours-perl tzdata python3 python3-requests
libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils libcmark-dev chromium nodejs
libgmime-3.0-dev libcurl4-openssl-dev dovecot-imapd libpq-dev postgresql-15
postgresql-contrib nginx openssl gettext locales"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
# npm for the browser tests' playwright-core: Debian's package, unless a Node.js
# distribution that brings its own npm is installed (Debian's npm conflicts with it)
command -v npm > /dev/null 2>&1 || missing="$missing npm"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
if [ -n "$missing" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get -qq update
    # shellcheck disable=SC2086
    $sudo apt-get -qq -y install --no-install-recommends $missing >/dev/null
fi
# the system locale of each language of po/ (core/i18n.h): without it the pages stay English
if ! locale -a 2>/dev/null | grep -qix 'da_DK\.utf-\?8'; then
    echo "generating the locale da_DK.UTF-8"
    $sudo localedef -i da_DK -c -f UTF-8 -A /usr/share/locale/locale.alias da_DK.UTF-8
fi
