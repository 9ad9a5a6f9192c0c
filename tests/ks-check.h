/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the Check suites.
 */
#ifndef KVMSIM_TESTS_CHECK_H
#define KVMSIM_TESTS_CHECK_H

#include <check.h>
#include <stdlib.h>

#include <kvmsim/log.h>

/* Run @s, print TAP (CK_TAP_LOG_FILE_NAME=-), exit with its status. */
static inline int ks_check_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Assert that exactly @n violations of @oracle were recorded in this run. */
#define ck_assert_violations(oracle, n)					\
	ck_assert_msg(ks_violation_count_of(oracle) == (size_t)(n),		\
		      "expected %d %s violation(s), got %zu",			\
		      (int)(n), (oracle), ks_violation_count_of(oracle))

#endif /* KVMSIM_TESTS_CHECK_H */
