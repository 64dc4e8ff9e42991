# The Debian package: `cpack -G DEB` in the build folder writes l1ra-studio_<version>_<arch>.deb (docs/install.md).
# Depends = what dpkg-shlibdeps finds the binaries link against (LibTorch, Qt, sentencepiece, ...) plus what is
# loaded or read at run time without being linked.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME l1ra-studio)
set(CPACK_PACKAGE_VENDOR "L1RA Studio")
set(L1RA_PACKAGE_CONTACT "L1RA Studio maintainers <maintainers@l1ra.invalid>" CACHE STRING "The package's Maintainer field")
set(CPACK_PACKAGE_CONTACT ${L1RA_PACKAGE_CONTACT})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fine-tune LLaMA models with L1RA and watch the rank move")
set(CPACK_PACKAGE_DESCRIPTION "A desktop studio (l1ra-studio) and a command line (l1ra) that fine-tune\n\
LLaMA-family language models with L1RA: LoRA whose per-rank gates are pushed to\n\
zero by an L1 penalty, pruned and reallocated under a fixed rank budget, shown\n\
live as a heatmap of rank per layer and projection. Includes a small demo model.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${L1RA_PROJECT_URL})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Not linked, needed all the same: LibTorch without OpenBLAS falls back to the reference BLAS, ~50x slower
# (DESIGN.md, trap 2); the demo's data is built from these packages' files on first start (demo/).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0, wordnet-base, bsdgames, fortunes-min | fortunes")
include(CPack)
