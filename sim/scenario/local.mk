# sim/scenario: see the top-level Makefile.am
