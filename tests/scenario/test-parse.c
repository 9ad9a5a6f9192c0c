// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario parser: shipped files parse into the tree they say, every
 * class of malformed input gives its one-line "file:line:column: message",
 * unknown names get their nearest spelling, and mutated files never crash
 * the parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kvmsim/scenario.h>

#include "../ks-check.h"

static const char *srcdir(void)
{
	const char *d = getenv("KVMSIM_SRCDIR");

	return d && *d ? d : KVMSIM_SRCDIR;
}

static struct ks_scenario *load_shipped(const char *name)
{
	struct ks_scenario *s = NULL;
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s.scn", srcdir(), name);
	ck_assert_msg(ks_scenario_load(path, &s, err, sizeof(err)) == 0, "%s", err);
	return s;
}

static struct ks_scenario *parse_ok(const char *text)
{
	struct ks_scenario *s = NULL;
	char err[512];

	ck_assert_msg(ks_scenario_parse_string(text, "t.scn", &s, err, sizeof(err)) == 0,
		      "unexpected error: %s", err);
	return s;
}

/*
 *   dax0.0: pfns 0x200000..+1024, 2M aligned, mapped whole at 0x7f0000000000
 *   memslot 0: gfn 0x100000 -> that hva
 *   vcpu0 faults (write), vcpu1 faults (read), admin unbinds
 * Expect: that tree, vcpu ids 0 and 1, the admin no vCPU, hang on the old kernels.
 */
START_TEST(test_d1_tree)
{
	struct ks_scenario *s = load_shipped("d1-devdax-unbind-hang");
	const struct ks_scn_expect *e;

	ck_assert_str_eq(s->name, "d1-devdax-unbind-hang");
	ck_assert(strstr(s->header, "Adam Borowski") != NULL);
	ck_assert(strstr(s->header, "a78986aae9b2") != NULL);
	ck_assert(s->header[0] != '#' && s->header[0] != ' ');

	ck_assert_uint_eq(s->ndevdax, 1);
	ck_assert_str_eq(s->devdax[0].name, "dax0.0");
	ck_assert_uint_eq(s->devdax[0].pfn, 0x200000);
	ck_assert_uint_eq(s->devdax[0].npages, 1024);
	ck_assert_uint_eq(s->devdax[0].align, 2 << 20);

	ck_assert_uint_eq(s->nvmas, 1);
	ck_assert_int_eq(s->vmas[0].kind, KS_VMA_DEVDAX);
	ck_assert_ptr_eq(s->vmas[0].devdax, &s->devdax[0]);
	ck_assert_uint_eq(s->vmas[0].hva, 0x7f0000000000ULL);
	ck_assert_uint_eq(s->vmas[0].size, 4 << 20);
	ck_assert_uint_eq(s->vmas[0].pgoff, 0);

	ck_assert_uint_eq(s->nmemslots, 1);
	ck_assert_uint_eq(s->memslots[0].id, 0);
	ck_assert_uint_eq(s->memslots[0].base_gfn, 0x100000);
	ck_assert_uint_eq(s->memslots[0].npages, 1024);
	ck_assert_uint_eq(s->memslots[0].flags, 0);

	ck_assert_uint_eq(s->nthreads, 2);
	ck_assert_uint_eq(s->nvcpus, 1);
	ck_assert_str_eq(s->threads[0].name, "vcpu0");
	ck_assert(s->threads[0].vcpu);
	ck_assert_int_eq(s->threads[0].vcpu_id, 0);
	ck_assert_uint_eq(s->threads[0].nops, 2);
	ck_assert_int_eq(s->threads[0].ops[0].kind, KS_OP_FAULT);
	ck_assert_uint_eq(s->threads[0].ops[0].gfn, 0x100000);
	ck_assert(s->threads[0].ops[0].write);
	ck_assert_uint_eq(s->threads[0].ops[1].gfn, 0x100200);
	ck_assert(!s->threads[0].ops[1].write);
	ck_assert(!s->threads[1].vcpu);
	ck_assert_int_eq(s->threads[1].vcpu_id, -1);
	ck_assert_int_eq(s->threads[1].ops[0].kind, KS_OP_UNBIND);
	ck_assert_ptr_eq(s->threads[1].ops[0].devdax, &s->devdax[0]);

	e = ks_scenario_expect(s, "v5.4-rc7");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->nverdict, 1);
	ck_assert_str_eq(e->verdict[0], "hang");
	e = ks_scenario_expect(s, "v5.4");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->nverdict, 0);
	ck_assert_ptr_null(ks_scenario_expect(s, "v9.99"));
	ks_scenario_free(s);
}
END_TEST

/*
 * The two race scenarios: anonymous memory (THP or not), a memslot over it,
 * ok on every kernel (the mutants' expectations are the mutation matrix).
 */
START_TEST(test_race_trees)
{
	static const char *const names[] = { "fault-vs-munmap", "fault-vs-thp-split" };
	int i;

	for (i = 0; i < 2; i++) {
		struct ks_scenario *s = load_shipped(names[i]);
		size_t j;

		ck_assert_uint_eq(s->nram, 1);
		ck_assert_uint_eq(s->nvmas, 1);
		ck_assert_int_eq(s->vmas[0].kind, KS_VMA_ANON);
		ck_assert_int_eq(s->vmas[0].thp, i == 1);
		ck_assert_uint_eq(s->npopulate, 1);
		ck_assert(s->populate[0].write);
		ck_assert_uint_eq(s->nthreads, 2);
		ck_assert_uint_eq(s->nvcpus, 1);
		ck_assert_int_eq(s->threads[1].ops[0].kind,
				 i ? KS_OP_THP_SPLIT : KS_OP_MUNMAP);
		ck_assert_uint_ge(s->nexpect, 5);
		for (j = 0; j < s->nexpect; j++)
			if (strncmp(s->expect[j].variant, "mut-", 4))
				ck_assert_uint_eq(s->expect[j].nverdict, 0);
		ks_scenario_free(s);
	}
}
END_TEST

static const char every_item[] =
	"# Every keyword once.\n"
	"#\n"
	"#   indented line\n"
	"\n"
	"# not the header\n"
	"ram pfn=0x10000 pages=1K\n"
	"devdax dax1 pfn=0x40000 size=1G align=1G\n"
	"pmem pm pfn=0x80000 size=8M\n"
	"file f1 pmem=pm pages=16\n"
	"file f2 pmem=pm pages=0x10\n"
	"file f3 pmem=pm pages=4 pfn=0x80100\n"
	"anon hva=0x7f00_0000_0000 size=2M thp\n"
	"mmap dax1 hva=0x7f0040000000 size=1G\n"
	"mmap f2 hva=0x7f0080000000 size=8K offset=8K prot=r\n"
	"pfnmap hva=0x7f00c0000000 pages=2 pfn=0xfee00\n"
	"populate hva=0x7f0000000000 size=2M write\n"
	"page pfn=0x10200 order=9 thp refcount=3 owner=alloc\n"
	"page pfn=0x9f reserved owner=memmap\n"
	"memslot 3 gfn=0x1000 hva=0x7f0000001000 size=4K dirty-log readonly\n"
	"thread host\n"
	"  munmap hva=0x7f0000000000 size=4K\n"
	"  mprotect hva=0x7f0000000000 size=8K prot=r\n"
	"  thp-split hva=0x7f0000000000\n"
	"  age hva=0x7f0000000000\n"
	"  unbind dax1\n"
	"  truncate f2 pages=0\n"
	"  zap gfn=0x1000 pages=1\n"
	"  teardown\n"
	"end\n"
	"thread v\n"
	"  repeat 2 repeat 3 access gfn=1 write\n"
	"  vcpu-map gfn=0x1000\n"
	"  repeat 4\n"
	"    map-access gfn=0x1000 write\n"
	"    repeat 2\n"
	"      fault gfn=0x1000 read   # a comment\n"
	"    end\n"
	"  end\n"
	"  vcpu-unmap gfn=0x1000\n"
	"end\n"
	"expect v4.19: refcount, hang note(missed-huge)\n"
	"expect v5.4 ok\n";

START_TEST(test_every_item)
{
	struct ks_scenario *s = parse_ok(every_item);
	const struct ks_op *r;
	const struct ks_scn_expect *e;

	ck_assert_str_eq(s->name, "t");
	ck_assert_str_eq(s->header, "Every keyword once.\n\n  indented line");
	ck_assert_uint_eq(s->ram[0].npages, 1024);
	ck_assert_uint_eq(s->devdax[0].align, 1ULL << 30);
	ck_assert_uint_eq(s->devdax[0].npages, 1ULL << 18);
	ck_assert_uint_eq(s->files[0].pfn, 0x80000);
	ck_assert_uint_eq(s->files[1].pfn, 0x80010);
	ck_assert_uint_eq(s->files[2].pfn, 0x80100);
	ck_assert_ptr_eq(s->files[2].pmem, &s->pmem[0]);
	ck_assert_uint_eq(s->vmas[0].hva, 0x7f0000000000ULL);
	ck_assert(s->vmas[0].thp);
	ck_assert_int_eq(s->vmas[1].kind, KS_VMA_DEVDAX);
	ck_assert_int_eq(s->vmas[2].kind, KS_VMA_FILE);
	ck_assert_ptr_eq(s->vmas[2].file, &s->files[1]);
	ck_assert_uint_eq(s->vmas[2].pgoff, 2);
	ck_assert_uint_eq(s->vmas[0].prot, KS_PROT_READ | KS_PROT_WRITE);
	ck_assert_uint_eq(s->vmas[2].prot, KS_PROT_READ);
	ck_assert_int_eq(s->vmas[3].kind, KS_VMA_PFNMAP);
	ck_assert_uint_eq(s->vmas[3].size, 8192);
	ck_assert_uint_eq(s->vmas[3].pfn, 0xfee00);
	ck_assert(s->pages[0].compound && s->pages[0].thp);
	ck_assert_int_eq(s->pages[0].refcount, 3);
	ck_assert_int_eq(s->pages[0].own, KS_OWN_ALLOC);
	ck_assert(s->pages[1].reserved && !s->pages[1].compound);
	ck_assert_int_eq(s->pages[1].refcount, 1);
	ck_assert_int_eq(s->pages[1].own, KS_OWN_MEMMAP);
	ck_assert_str_eq(s->pages[1].owner, "memmap");
	ck_assert_uint_eq(s->memslots[0].id, 3);
	ck_assert_uint_eq(s->memslots[0].npages, 1);
	ck_assert_uint_eq(s->memslots[0].flags, KS_SLOT_DIRTY_LOG | KS_SLOT_READONLY);

	ck_assert(!s->threads[0].vcpu);
	ck_assert_uint_eq(s->threads[0].nops, 8);
	ck_assert_uint_eq(s->threads[0].ops[1].prot, KS_PROT_READ);
	ck_assert_ptr_eq(s->threads[0].ops[5].file, &s->files[1]);
	ck_assert_uint_eq(s->threads[0].ops[5].npages, 0);
	ck_assert_uint_eq(s->threads[0].ops[6].line, 27);
	ck_assert_uint_eq(s->threads[0].ops[6].column, 3);

	ck_assert(s->threads[1].vcpu);
	ck_assert_int_eq(s->threads[1].vcpu_id, 0);
	ck_assert_uint_eq(s->threads[1].nops, 4);
	r = &s->threads[1].ops[0];
	ck_assert_int_eq(r->kind, KS_OP_REPEAT);
	ck_assert_uint_eq(r->count, 2);
	ck_assert_uint_eq(r->nbody, 1);
	ck_assert_int_eq(r->body[0].kind, KS_OP_REPEAT);
	ck_assert_uint_eq(r->body[0].count, 3);
	ck_assert_int_eq(r->body[0].body[0].kind, KS_OP_ACCESS);
	ck_assert_int_eq(s->threads[1].ops[1].kind, KS_OP_VCPU_MAP);
	r = &s->threads[1].ops[2];
	ck_assert_uint_eq(r->count, 4);
	ck_assert_uint_eq(r->nbody, 2);
	ck_assert_int_eq(r->body[0].kind, KS_OP_MAP_ACCESS);
	ck_assert(r->body[0].write);
	ck_assert_int_eq(r->body[1].kind, KS_OP_REPEAT);
	ck_assert_int_eq(r->body[1].body[0].kind, KS_OP_FAULT);
	ck_assert_int_eq(s->threads[1].ops[3].kind, KS_OP_VCPU_UNMAP);

	e = ks_scenario_expect(s, "v4.19");
	ck_assert_uint_eq(e->nverdict, 3);
	ck_assert_str_eq(e->verdict[0], "hang");
	ck_assert_str_eq(e->verdict[1], "note(missed-huge)");
	ck_assert_str_eq(e->verdict[2], "refcount");
	ck_assert_uint_eq(e->columns[0], 25);
	ck_assert_uint_eq(e->columns[2], 15);
	ks_scenario_free(s);
}
END_TEST

/*
 * The canonical text parses back to itself, with the same fingerprint; comments,
 * layout, number spelling and expectations do not change the fingerprint.
 */
START_TEST(test_fingerprint)
{
	static const char a[] =
		"ram pfn=0x10000 size=4M\n"
		"anon hva=0x7f0000000000 size=2M\n"
		"memslot 0 gfn=0 hva=0x7f0000000000 pages=512\n"
		"thread vcpu0\n fault gfn=0x10 write\nend\n"
		"expect v5.4 ok\n";
	static const char b[] =
		"# another header\n"
		"ram   pfn=65536 pages=1024   # 4M\n"
		"anon size=0x200000 hva=0x7f00_0000_0000 nothp\n\n"
		"memslot 0 pages=0x200 hva=0x7f0000000000 gfn=0x0\n"
		"thread vcpu0\n\tfault write gfn=16\nend\n"
		"expect v5.4 hang\n";
	static const char c[] =
		"ram pfn=0x10000 size=4M\n"
		"anon hva=0x7f0000000000 size=2M\n"
		"memslot 0 gfn=0 hva=0x7f0000000000 pages=512\n"
		"thread vcpu0\n fault gfn=0x10 read\nend\n";
	struct ks_scenario *sa = parse_ok(a), *sb = parse_ok(b), *sc = parse_ok(c), *sr;
	char *text = ks_scenario_format(sa, true), *again;

	ck_assert_uint_eq(ks_scenario_fingerprint(sa), ks_scenario_fingerprint(sb));
	ck_assert_uint_ne(ks_scenario_fingerprint(sa), ks_scenario_fingerprint(sc));
	sr = parse_ok(text);
	again = ks_scenario_format(sr, true);
	ck_assert_str_eq(text, again);
	ck_assert_uint_eq(ks_scenario_fingerprint(sa), ks_scenario_fingerprint(sr));
	free(text);
	free(again);
	ks_scenario_free(sa);
	ks_scenario_free(sb);
	ks_scenario_free(sc);
	ks_scenario_free(sr);
}
END_TEST

/* Each class of error: its text and the exact one line it must give. */
static const struct {
	const char *text;
	const char *msg;
} errors[] = {
	/* unknown names, with the nearest spelling */
	{ "thread v\n  fualt gfn=0 read\nend\n",
	  "t.scn:2:3: unknown operation 'fualt'; did you mean 'fault'?" },
	{ "anno hva=0 size=4K\n", "t.scn:1:1: unknown keyword 'anno'; did you mean 'anon'?" },
	{ "xyzzy\n", "t.scn:1:1: unknown keyword 'xyzzy'" },
	{ "thread v\n fault gfn=0 wirte\nend\n",
	  "t.scn:2:14: unknown argument 'wirte' for 'fault'; did you mean 'write'?" },
	{ "thread v\n munmap hav=0 size=4K\nend\n",
	  "t.scn:2:9: unknown argument 'hav' for 'munmap'; did you mean 'hva'?" },
	{ "anon hva=0 size=4K colour=red\n",
	  "t.scn:1:20: unknown argument 'colour' for 'anon' (it takes hva=, size=, nothp|thp, prot=)" },
	{ "devdax dax0.0 pfn=0x200000 size=2M\nthread a\n unbind dax1.0\nend\n",
	  "t.scn:3:9: undefined device-dax device 'dax1.0'; did you mean 'dax0.0'?" },
	{ "thread a\n truncate f pages=0\nend\n",
	  "t.scn:2:11: undefined file 'f' (declare it before its use)" },
	{ "pmem p pfn=0x1000 size=1M\nthread t\n unbind p\nend\n",
	  "t.scn:3:9: 'p' is a pmem, not a device-dax device" },
	/* missing arguments */
	{ "thread v\n fault gfn=0\nend\n", "t.scn:2:13: missing 'read' or 'write' for 'fault'" },
	{ "thread v\n fault read\nend\n",
	  "t.scn:2:12: missing argument 'gfn=' for 'fault' (it takes gfn=, read|write)" },
	{ "ram pfn=0\n", "t.scn:1:10: missing argument 'pages=' (or 'size=') for 'ram'" },
	{ "devdax\n", "t.scn:1:7: missing name after 'devdax'" },
	{ "memslot gfn=0\n", "t.scn:1:9: missing id after 'memslot'" },
	{ "thread\n", "t.scn:1:7: missing name after 'thread'" },
	{ "expect\n", "t.scn:1:7: missing variant after 'expect'" },
	{ "expect v5.4\n",
	  "t.scn:1:12: missing verdict after 'expect v5.4' (ok, or finding kinds such as hang)" },
	{ "thread v\n repeat\nend\n", "t.scn:2:8: missing count after 'repeat'" },
	{ "thread v\n hva=1\nend\n", "t.scn:2:2: unknown operation 'hva'" },
	{ "anon hva size=4K\n", "t.scn:1:6: 'hva' needs a value: hva=..." },
	{ "anon hva=0 size=4K thp=1\n", "t.scn:1:20: 'thp' takes no value" },
	/* bad numbers */
	{ "thread v\n fault gfn=0x1z read\nend\n",
	  "t.scn:2:12: bad number '0x1z' for 'gfn': it is not a number (digits, 0x hex, a K/M/G suffix)" },
	{ "ram pfn=0 size=99999999999999999999\n",
	  "t.scn:1:16: bad number '99999999999999999999' for 'size': it is too large" },
	{ "ram pfn= size=4K\n", "t.scn:1:9: bad number '' for 'pfn': it is not a number" },
	{ "ram pfn=0x size=4K\n", "t.scn:1:9: bad number '0x' for 'pfn': it is not a number" },
	{ "ram pfn=1KK size=4K\n",
	  "t.scn:1:9: bad number '1KK' for 'pfn': it is not a number (digits, 0x hex, a K/M/G suffix)" },
	{ "anon hva=0x1001 size=4K\n", "t.scn:1:10: 'hva' 0x1001 is not page-aligned (4K)" },
	{ "anon hva=0 size=0\n", "t.scn:1:17: 'size' must not be 0" },
	{ "anon hva=0 size=6000\n", "t.scn:1:17: size 0x1770 is not a multiple of the page size (4K)" },
	{ "thread v\n repeat 0 teardown\nend\n", "t.scn:2:9: repeat count must be 1 to 1000" },
	{ "page pfn=0 order=19\n", "t.scn:1:18: 'order' 19 is too large (at most 18)" },
	{ "devdax d pfn=0x200000 size=4M align=3M\n",
	  "t.scn:1:37: align must be 4K, 2M or 1G, not '3M'" },
	{ "thread t\n mprotect hva=0 size=4K prot=rwx\nend\n",
	  "t.scn:2:30: prot must be none, r or rw, not 'rwx'" },
	{ "page pfn=0x1000 owner=me\n",
	  "t.scn:1:23: owner must be alloc, memmap or pagecache, not 'me'" },
	/* duplicates and conflicts */
	{ "devdax d pfn=0x200000 size=2M\npmem d pfn=0x400000 size=2M\n",
	  "t.scn:2:6: duplicate name 'd' (the device-dax device declared at line 1)" },
	{ "thread a\n teardown\nend\nthread a\n teardown\nend\n",
	  "t.scn:4:8: duplicate name 'a' (the thread declared at line 1)" },
	{ "thread v\n fault gfn=0 read write\nend\n", "t.scn:2:19: 'write' conflicts with 'read'" },
	{ "thread v\n fault gfn=0 gfn=1 read\nend\n", "t.scn:2:14: 'gfn' given twice" },
	{ "ram pfn=0 pages=5 size=4K\n", "t.scn:1:19: 'size' conflicts with 'pages'" },
	{ "expect v5.4 ok\nexpect v5.4 hang\n",
	  "t.scn:2:8: duplicate expectation for 'v5.4' (line 1)" },
	{ "expect v5.4 hang hang\n", "t.scn:1:18: 'hang' listed twice" },
	{ "expect v5.4 ok hang\n", "t.scn:1:16: 'ok' means no findings: it stands alone" },
	{ "expect v5.4 Hang!\n",
	  "t.scn:1:13: bad finding kind 'Hang!' (a name such as hang, or note(missed-huge))" },
	{ "memslot 0 gfn=0 hva=0 pages=10\nmemslot 0 gfn=100 hva=0 pages=10\n",
	  "t.scn:2:9: duplicate memslot 0 (first at line 1)" },
	/* overlaps, alignment, ranges */
	{ "ram pfn=0 pages=5\nram pfn=4 pages=5\n",
	  "t.scn:2:5: pfns 0x4-0x8 overlap those declared at line 1" },
	{ "anon hva=0x1000 size=8K\nanon hva=0x2000 size=4K\n",
	  "t.scn:2:6: mapping 0x2000-0x3000 overlaps the mapping at line 1" },
	{ "memslot 0 gfn=0 hva=0 pages=10\nmemslot 1 gfn=5 hva=0 pages=10\n",
	  "t.scn:2:11: gfns 0x5-0xe overlap memslot 0 (line 1)" },
	{ "devdax d pfn=0x200100 size=2M\n",
	  "t.scn:1:10: pfn 0x200100 is not aligned to the device's alignment (512 pages)" },
	{ "devdax d pfn=0x200000 size=2M\nmmap d hva=0x100000\n",
	  "t.scn:2:8: a mapping of device-dax 'd' must be aligned to its 2M alignment" },
	{ "devdax d pfn=0x200000 size=2M\nmmap d hva=0 size=4M\n",
	  "t.scn:2:14: the mapping is larger than 'd' (512 pages) from its offset" },
	{ "pmem p pfn=0x1000 size=1M\nfile f pmem=p pages=10\nfile g pmem=p pages=300\n",
	  "t.scn:3:15: file blocks 0x100a + 300 pages do not fit in pmem 'p' (0x1000 + 256 pages)" },
	{ "pmem p pfn=0x1000 size=1M\nfile f pmem=p pages=10\nthread t\n truncate f pages=11\nend\n",
	  "t.scn:4:13: truncate only shrinks: file 'f' has 10 pages" },
	{ "populate hva=0 size=4K read\n",
	  "t.scn:1:10: 0x0 is not mapped (populate follows the mappings it touches)" },
	{ "page pfn=0x1001 order=1 compound\n", "t.scn:1:6: pfn 0x1001 is not aligned to order 1" },
	{ "page pfn=0x1000 compound\n", "t.scn:1:17: a compound page needs order=1 or more" },
	{ "anon hva=0x7fffffffe000 size=16K\n",
	  "t.scn:1:25: range 0x7fffffffe000 + 0x4000 is beyond the user address space (0x800000000000)" },
	/* structure */
	{ "fault gfn=0 read\n",
	  "t.scn:1:1: 'fault' is an operation: it belongs in a 'thread NAME' ... 'end' block" },
	{ "end\n", "t.scn:1:1: 'end' without 'thread' or 'repeat'" },
	{ "", "t.scn:1:1: no 'thread NAME' ... 'end' block: a scenario runs at least one thread" },
	{ "# a comment\n\n", "t.scn:2:1: no 'thread NAME' ... 'end' block: a scenario runs at least one thread" },
	{ "ram pfn=0x1000 pages=4\nexpect v5.4 ok\n",
	  "t.scn:2:1: no 'thread NAME' ... 'end' block: a scenario runs at least one thread" },
	{ "pmem p pfn=0x80000 pages=1024\nfile f pmem=p pages=512 extent=1G\n",
	  "t.scn:2:32: extent must be 4K or 2M, not '1G'" },
	{ "devdax d pfn=0x80000 pages=1024 align=3M\n", "t.scn:1:39: align must be 4K, 2M or 1G, not '3M'" },
	{ "thread v\n fault gfn=0 read\n", "t.scn:1:1: thread 'v' is not closed: 'end' missing" },
	{ "thread v\n repeat 2\n  teardown\nend\n",
	  "t.scn:1:1: thread 'v' is not closed: 'end' missing" },
	{ "thread v\n teardown\n repeat 2\n  teardown\n",
	  "t.scn:3:2: 'repeat' block is not closed: 'end' missing" },
	{ "thread v\nend\n", "t.scn:2:1: empty thread 'v'" },
	/* kvm_vcpu_map() mappings: held before use, unmapped by their thread */
	{ "thread v\n map-access gfn=1 write\nend\n",
	  "t.scn:2:2: gfn 0x1 is not mapped by this thread ('vcpu-map' it first)" },
	{ "thread v\n vcpu-unmap gfn=1\nend\n",
	  "t.scn:2:2: gfn 0x1 is not mapped by this thread ('vcpu-map' it first)" },
	{ "thread v\n vcpu-map gfn=1\n vcpu-map gfn=1\nend\n",
	  "t.scn:3:2: gfn 0x1 is already mapped (vcpu-map at line 2)" },
	{ "thread v\n vcpu-map gfn=1\n fault gfn=1 read\nend\n",
	  "t.scn:2:2: gfn 0x1 is mapped and never unmapped ('vcpu-unmap' missing)" },
	{ "thread v\n repeat 2 vcpu-map gfn=1\nend\n",
	  "t.scn:2:2: a 'repeat' body must unmap what it maps (gfn 0x1)" },
	{ "thread v\n vcpu-map gfn=1\n repeat 2 vcpu-unmap gfn=1\nend\n",
	  "t.scn:3:2: a 'repeat' body must not unmap what it did not map (gfn 0x1)" },
	{ "thread v\n vcpu-map gfn=1\n vcpu-map gfn=2\n vcpu-map gfn=3\n vcpu-map gfn=4\n"
	  " vcpu-map gfn=5\nend\n",
	  "t.scn:6:2: gfn 0x5: a thread holds at most 4 mappings" },
	{ "thread v\n vcpu-map gfn=1\nend\nthread w\n vcpu-unmap gfn=1\nend\n",
	  "t.scn:2:2: gfn 0x1 is mapped and never unmapped ('vcpu-unmap' missing)" },
	{ "thread v\n repeat 3\n end\nend\n", "t.scn:3:2: empty 'repeat' block" },
	{ "thread v\n teardown\n anon hva=0 size=4K\nend\n",
	  "t.scn:3:2: 'anon' is not an operation ('end' missing before it?)" },
	{ "thread v\n teardown\nthread w\n",
	  "t.scn:3:1: 'thread' inside a thread: close thread 'v' (line 1) with 'end' first" },
	{ "thread v\n teardown\nend x\n", "t.scn:3:5: unexpected 'x' after 'end'" },
	{ "thread t x\n", "t.scn:1:10: unexpected 'x' after the thread name" },
	{ "thread v\n teardown now\nend\n",
	  "t.scn:2:11: unexpected 'now': 'teardown' takes no more arguments" },
	{ "hva=1\n", "t.scn:1:1: expected a keyword, not 'hva=1'" },
	{ "thread a/b\n", "t.scn:1:8: bad thread name 'a/b' (letters, digits, '.', '_', '-')" },
	{ "ram pfn=0 pages=5 \x01\n",
	  "t.scn:1:19: unknown argument '\\x01' for 'ram' (it takes pfn=, pages=)" },
	{ "thread v\n repeat 2 end\nend\n", "t.scn:2:11: 'end' must begin a line" },
};

START_TEST(test_errors)
{
	struct ks_scenario *s = (void *)1;
	char err[512];

	ck_assert_msg(ks_scenario_parse_string(errors[_i].text, "t.scn", &s, err,
					       sizeof(err)) == -1,
		      "case %d parsed: %s", _i, errors[_i].text);
	ck_assert_ptr_null(s);
	ck_assert_msg(!strcmp(err, errors[_i].msg), "case %d:\n  got  %s\n  want %s", _i,
		      err, errors[_i].msg);
}
END_TEST

#define NERRORS ((int)(sizeof(errors) / sizeof(errors[0])))

START_TEST(test_load_errors)
{
	struct ks_scenario *s;
	char err[512], path[] = "/tmp/kvmsim-test-parse-XXXXXX";
	FILE *f;
	int fd;

	ck_assert_int_eq(ks_scenario_load("/nonexistent/x.scn", &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/x.scn: No such file or directory");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fwrite("ram pfn=0 size=4K\nanon\0", 1, 23, f);
	fclose(f);
	ck_assert_int_eq(ks_scenario_load(path, &s, err, sizeof(err)), -1);
	ck_assert_ptr_null(s);
	ck_assert(strstr(err, ":2:5: NUL byte: not a text file") != NULL);
	unlink(path);
}
END_TEST

START_TEST(test_spelling)
{
	static const char *const variants[] = { "v4.19", "rfc-2018", "v5.4-rc7", "v5.4", "v5.6" };
	struct ks_spell sp;
	size_t i;

	ck_assert_uint_eq(ks_spell_distance("fault", "fault"), 0);
	ck_assert_uint_eq(ks_spell_distance("fualt", "fault"), 1);
	ck_assert_uint_eq(ks_spell_distance("", "abc"), 3);
	ck_assert_uint_eq(ks_spell_distance("kitten", "sitting"), 3);

	ks_spell_init(&sp, "v5.44");
	for (i = 0; i < 5; i++)
		ks_spell_add(&sp, variants[i]);
	ck_assert_str_eq(ks_spell_best(&sp), "v5.4");
	ks_spell_init(&sp, "v4.91");
	for (i = 0; i < 5; i++)
		ks_spell_add(&sp, variants[i]);
	ck_assert_str_eq(ks_spell_best(&sp), "v4.19");
	ks_spell_init(&sp, "zzzzzzz");
	for (i = 0; i < 5; i++)
		ks_spell_add(&sp, variants[i]);
	ck_assert_ptr_null(ks_spell_best(&sp));
}
END_TEST

START_TEST(test_check_names)
{
	static const char *const variants[] = { "v4.19", "v5.4-rc7", "v5.4" };
	static const char *const kinds[] = { "hang", "refcount", "missed-huge" };
	struct ks_scenario *s;
	char err[512];

	s = parse_ok("expect v5.4 hang note(missed-huge)\nexpect v4.19 ok\nthread t\n\tteardown\nend\n");
	ck_assert_int_eq(ks_scenario_check_names(s, variants, 3, kinds, 3, err, sizeof(err)), 0);
	ks_scenario_free(s);

	s = parse_ok("\nexpect v5.44 hang\nthread t\n\tteardown\nend\n");
	ck_assert_int_eq(ks_scenario_check_names(s, variants, 3, kinds, 3, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.scn:2:8: unknown variant 'v5.44'; did you mean 'v5.4'?");
	ks_scenario_free(s);

	s = parse_ok("expect v5.4 refcount hnag\nthread t\n\tteardown\nend\n");
	ck_assert_int_eq(ks_scenario_check_names(s, variants, 3, kinds, 3, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.scn:1:22: unknown finding kind 'hnag'; did you mean 'hang'?");
	ks_scenario_free(s);
}
END_TEST

/* ---- fuzzing ---------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * An outcome is fine if it is a success whose canonical text parses again to
 * the same fingerprint, or an error of one line "t.scn:L:C: message".
 */
static void check_outcome(const char *text, int seed)
{
	struct ks_scenario *s = NULL, *again = NULL;
	char err[512];
	unsigned int line, col;
	int n = 0;

	if (ks_scenario_parse_string(text, "t.scn", &s, err, sizeof(err)) == 0) {
		char *canon = ks_scenario_format(s, true);

		ck_assert_msg(ks_scenario_parse_string(canon, "t.scn", &again, err,
						       sizeof(err)) == 0,
			      "seed %d: canonical text does not parse: %s\n%s", seed, err, canon);
		ck_assert_uint_eq(ks_scenario_fingerprint(s), ks_scenario_fingerprint(again));
		free(canon);
		ks_scenario_free(s);
		ks_scenario_free(again);
		return;
	}
	ck_assert_ptr_null(s);
	ck_assert_msg(sscanf(err, "t.scn:%u:%u: %n", &line, &col, &n) == 2 && n > 0 &&
		      err[n] && line >= 1 && col >= 1 && !strchr(err, '\n'),
		      "seed %d: malformed error '%s'", seed, err);
}

static char *read_shipped(const char *name)
{
	char path[4096], *buf;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/tests/scenarios/%s.scn", srcdir(), name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static const char *const shipped[] = {
	"d1-devdax-unbind-hang", "fault-vs-munmap", "fault-vs-thp-split",
	"pfnmap-age-teardown",
};

/* Every prefix of each shipped file, and with each line dropped. */
START_TEST(test_fuzz_truncate)
{
	char *text = read_shipped(shipped[_i]);
	size_t len = strlen(text), i;

	for (i = 0; i <= len; i++) {
		char *cut = strndup(text, i);

		check_outcome(cut, (int)i);
		free(cut);
	}
	for (i = 0; i < len; i++) {
		char *nl = strchr(text + i, '\n'), *drop;

		if (!nl)
			break;
		drop = malloc(len + 1);
		memcpy(drop, text, i);
		strcpy(drop + i, nl + 1);
		check_outcome(drop, (int)i);
		free(drop);
		i = (size_t)(nl - text);
	}
	free(text);
}
END_TEST

/* Random byte edits: flips, inserts of syntax characters, deletions, duplicated words. */
START_TEST(test_fuzz_mutate)
{
	static const char alphabet[] = "=#\n \t0x9KMGz_-.()|,:ab\x01\xff";
	char *text = read_shipped(shipped[_i % 3]);
	size_t len = strlen(text);
	int iter;

	rng_state = 0x9e3779b97f4a7c15ULL * (uint64_t)(_i + 1);
	for (iter = 0; iter < 3000; iter++) {
		char *m = malloc(2 * len + 64);
		size_t mlen = len, k, edits = 1 + rng() % 4;

		memcpy(m, text, len + 1);
		for (k = 0; k < edits && mlen; k++) {
			size_t at = rng() % mlen;
			char c = alphabet[rng() % (sizeof(alphabet) - 1)];

			switch (rng() % 4) {
			case 0:
				m[at] = c ? c : 'x';
				break;
			case 1:
				memmove(m + at + 1, m + at, mlen - at + 1);
				m[at] = c;
				mlen++;
				break;
			case 2:
				memmove(m + at, m + at + 1, mlen - at);
				mlen--;
				break;
			default: {
				size_t n = 1 + rng() % 12;

				if (at + n > mlen)
					n = mlen - at;
				memmove(m + at + n, m + at, mlen - at + 1);
				mlen += n;	/* the n bytes at @at repeat */
				break;
			}
			}
		}
		check_outcome(m, iter);
		free(m);
	}
	free(text);
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("parse");
	TCase *fz = tcase_create("fuzz");

	tcase_add_test(tc, test_d1_tree);
	tcase_add_test(tc, test_race_trees);
	tcase_add_test(tc, test_every_item);
	tcase_add_test(tc, test_fingerprint);
	tcase_add_loop_test(tc, test_errors, 0, NERRORS);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_spelling);
	tcase_add_test(tc, test_check_names);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(fz, test_fuzz_truncate, 0, 3);
	tcase_add_loop_test(fz, test_fuzz_mutate, 0, 6);
	tcase_set_timeout(fz, 120);
	suite_add_tcase(s, fz);
	return s;
}

int main(void)
{
	return ks_check_main(parse_suite());
}
