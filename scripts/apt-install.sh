#!/bin/sh
# Installs Debian packages for the tests (redis-server, chromium) when they are missing.
# Test runs of several packages start at once; apt-get refuses to run twice, so every caller
# takes one lock file first and waits its turn instead of failing on dpkg's lock.
# Usage: sh scripts/apt-install.sh COMMAND PACKAGE   (installs PACKAGE unless COMMAND is found)
set -eu
command_name=$1
package=$2
command -v "$command_name" >/dev/null 2>&1 && exit 0
export DEBIAN_FRONTEND=noninteractive
exec flock /tmp/cache-toolkit-apt.lock sh -c '
  command -v "$1" >/dev/null 2>&1 && exit 0
  # An install killed halfway (a test run stopped early) leaves dpkg needing this first.
  dpkg --configure -a
  apt-get -o DPkg::Lock::Timeout=300 update
  apt-get -o DPkg::Lock::Timeout=300 install -y "$2"
' sh "$command_name" "$package"
