# kernel-shim host mm: see the top-level Makefile.am
