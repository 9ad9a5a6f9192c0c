# sim/cli: see the top-level Makefile.am
