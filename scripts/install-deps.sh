#!/bin/sh
# Install the Debian packages ngidx needs to build, test and benchmark.
#   scripts/install-deps.sh          install what is missing (needs root or sudo)
#   scripts/install-deps.sh --check  exit 0 if everything is there, 1 otherwise
#   scripts/install-deps.sh --bench / --tsan / --fuzz  also what `make bench` /
#                                     `make tsan` / `make fuzz` need
set -eu

# header or program -> Debian package
DEPS="
/usr/include/xxhash.h:libxxhash-dev
/usr/include/jemalloc/jemalloc.h:libjemalloc-dev
/usr/include/criterion/criterion.h:libcriterion-dev
/usr/include/benchmark/benchmark.h:libbenchmark-dev
/usr/include/utf8proc.h:libutf8proc-dev
/usr/include/zstd.h:libzstd-dev
/usr/include/zlib.h:zlib1g-dev
/usr/bin/python3:python3
/usr/bin/g++:g++
/usr/bin/zstd:zstd
/usr/bin/gzip:gzip
"
missing=""
for d in $DEPS; do
	f=${d%%:*}; p=${d##*:}
	[ -e "$f" ] || missing="$missing $p"
done
# benchmark tools, only for `make bench`
if [ "${1:-}" = "--bench" ]; then
	for d in /usr/bin/sqlite3:sqlite3 /usr/bin/rg:ripgrep /usr/bin/hyperfine:hyperfine /usr/bin/time:time; do
		f=${d%%:*}; p=${d##*:}
		[ -e "$f" ] || missing="$missing $p"
	done
fi
# ThreadSanitizer, only for `make tsan`: clang and LLVM's OpenMP runtime of
# the same version, whose libarcher.so tells TSan about OpenMP synchronization
if [ "${1:-}" = "--tsan" ]; then
	[ -e /usr/bin/clang ] || missing="$missing clang"
	v=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
	[ -n "$v" ] && [ -e "/usr/lib/llvm-$v/lib/libarcher.so" ] || missing="$missing libomp-dev"
fi
# libFuzzer, only for `make fuzz`: clang, its runtime libraries (Debian 12's
# clang only recommends libclang-rt-14-dev, which holds libclang_rt.fuzzer)
# and LLVM's OpenMP (omp.h and libomp for clang -fopenmp); the meta packages
# libclang-rt-dev and libomp-dev follow the default clang version
if [ "${1:-}" = "--fuzz" ]; then
	[ -e /usr/bin/clang ] || missing="$missing clang"
	rd=$(clang -print-resource-dir 2>/dev/null || true)
	[ -n "$rd" ] && [ -e "$rd/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ] || missing="$missing libclang-rt-dev"
	[ -n "$rd" ] && [ -e "$rd/include/omp.h" ] || missing="$missing libomp-dev"
fi
if [ "${1:-}" = "--check" ]; then
	[ -z "$missing" ] && exit 0
	echo "missing:$missing" >&2
	exit 1
fi
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
