# sim/kvm: see the top-level Makefile.am
