# kernel-shim: see the top-level Makefile.am
