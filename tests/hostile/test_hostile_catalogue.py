"""Every case of the hostile-input report (``../shared/RELIABILITY.md``, issue 26) and the test that shows what
it does now. The report lives outside the repository: its case ids are copied here."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent

CASES = {
    # BUG
    "B-cr-formula-csv": "test_hostile_bounded::test_B_cr_formula_csv_a_carriage_return_in_a_name_is_quoted",
    "B-csv-devzero": "test_hostile_bounded::test_B_devzero_input_is_refused_before_reading",
    "B-jsonl-3GB-line": "test_hostile_bounded::test_B_3GB_line_is_its_rows_error_never_held",
    "B-jsonl-devzero": "test_hostile_bounded::test_B_devzero_input_is_refused_before_reading",
    "BSUM-errors-is-summary": "test_hostile_outputs::test_BSUM_errors_is_summary_is_refused_before_the_run",
    "DN-batch-errors-chardev-owner": "test_hostile_outputs::test_DN_batch_errors_chardev_owner_is_written_to_not_replaced",
    "DN-batch-errors-unwritable-dir": "test_hostile_outputs::test_DN_batch_errors_unwritable_dir_fails_before_the_run",
    "DN-survey-o-chardev-owner": "test_hostile_outputs::test_DN_survey_o_chardev_owner_is_written_to_not_replaced",
    "DN-survey-o-stdout-link": "test_hostile_outputs::test_DN_survey_o_stdout_link_stays_a_link",
    "DF-ulimit-stdout": "test_hostile_streams::test_DF_ulimit_stdout_is_an_error_not_a_cut",
    "DB-badjson-history": "test_hostile_history::test_DB_badjson_history_names_the_row",
    "DB-missingkey-history": "test_hostile_history::test_DB_missingkey_history_names_the_row",
    "LC-koi8r-ru": "test_hostile_streams::test_LC_koi8r_ru_keeps_cyrillic_and_replaces_the_rest",
    "LC-latin1-en": "test_hostile_streams::test_LC_latin1_en_shows_what_it_cannot_encode_as_a_question_mark",
    "LC-nonutf8-batch-folder": "test_hostile_streams::test_LC_nonutf8_batch_folder_assesses_every_file",
    "LC-nonutf8-filename-json": "test_hostile_streams::test_LC_nonutf8_filename_json_is_valid_utf8",
    "LC-nonutf8-filename-report": "test_hostile_streams::test_LC_nonutf8_filename_report_names_the_file",
    "LC-nonutf8-filename-save": "test_hostile_streams::test_LC_nonutf8_filename_save_is_saved",
    "PF-chart-overwrites-input": "test_hostile_outputs::test_PF_chart_overwrites_input_is_refused",
    "PF-devzero": "test_hostile_bounded::test_PF_devzero_is_refused_before_reading",
    "PF-report-portfolio-devzero": "test_hostile_bounded::test_PF_report_portfolio_devzero_is_refused_before_reading",
    "RM-1000-path": "test_hostile_path::test_RM_path_with_many_decisions_is_bounded_and_reaches",
    "RM-3000-path": "test_hostile_path::test_RM_path_with_many_decisions_is_bounded_and_reaches",
    "RM-6000-path": "test_hostile_path::test_RM_path_with_many_decisions_is_bounded_and_reaches",
    "RF-3GB": "test_hostile_bounded::test_RF_3GB_is_refused_by_its_size_unread",
    "RF-devzero": "test_hostile_bounded::test_RF_devzero_is_refused_before_reading",
    "RF-fifo": "test_hostile_bounded::test_RF_fifo_is_refused_without_waiting",
    "AU-profiles-50M": "test_hostile_links::test_AU_profiles_are_assessed_as_they_are_built",
    "SV-badcell.xlsx": "test_hostile_survey::test_a_number_cell_openpyxl_cannot_read_is_located",
    "SV-bomb_shared.xlsx": "test_hostile_survey::test_SV_bomb_shared_is_refused_before_unpacking",
    "SV-devzero": "test_hostile_survey::test_SV_devzero_is_refused_before_reading",
    "SV-dimension_lie.xlsx": "test_hostile_survey::test_SV_dimension_lie_reads_only_the_cells_present",
    "SV-formulas.xlsx": "test_hostile_survey::test_a_number_cell_openpyxl_cannot_read_is_located",
    "SV-names-on-tty": "test_hostile_survey::test_SV_names_on_tty_never_reach_the_terminal_raw",
    "SV-no_sheet.xlsx": "test_hostile_survey::test_SV_no_sheet_is_refused",
    "SV-one_bad_byte.csv": "test_hostile_survey::test_SV_one_bad_byte_is_the_error_of_its_row_alone",
    "SV-one_huge_cell.csv": "test_hostile_survey::test_SV_one_huge_cell_is_the_error_of_its_row_alone",
    "SV-roles-distinct-200": "test_hostile_survey::test_SV_roles_distinct_are_capped_before_the_pairs_are_built",
    "SV-roles-distinct-2000": "test_hostile_survey::test_SV_roles_distinct_are_capped_before_the_pairs_are_built",
    "SV-roles-distinct-400": "test_hostile_survey::test_SV_roles_distinct_are_capped_before_the_pairs_are_built",
    "SVI-into-json": "test_hostile_outputs::test_SVI_into_json_stays_json",
    "SL-audit-worst-link": "test_hostile_links::test_SL_audit_worst_link_is_replaced_not_followed",
    "SL-journal-link-restart": "test_hostile_links::test_SL_journal_link_restart_removes_the_link_not_its_target",
    # CONCERN (each test states the decision)
    "BSUM-all-rows-bad": "test_hostile_outputs::test_BSUM_all_rows_bad_says_the_summary_is_not_written",
    "BK-input-edited-during-run": "test_hostile_journal::test_BK_input_edited_during_run_is_said",
    "BK-resume-input-changed-same-size-mtime": "test_hostile_journal::test_BK_resume_input_changed_same_size_mtime_is_not_resumed",
    "CP-fifo-as-cache-file": "test_hostile_concerns::test_CP_fifo_as_cache_file_is_replaced_without_waiting",
    "CP-signed-wrong-object": "test_hostile_concerns::test_CP_signed_wrong_object_is_rebuilt",
    "DF-batch-journal-full": "test_hostile_journal::test_DF_batch_journal_full_names_the_journal_and_resume",
    "DB-foreign-db": "test_hostile_history::test_DB_foreign_db_is_left_alone",
    "A02-list99k-unknown": "test_hostile_concerns::test_A02_list99k_unknown_items_are_capped",
    "LC-cxmlang-garbage": "test_hostile_concerns::test_LC_cxmlang_garbage_is_a_usage_error_naming_the_variable",
    "LP-batch-250-out": "test_hostile_concerns::test_LP_batch_250_out_is_refused_before_the_run",
    "LP-report-250": "test_hostile_concerns::test_LP_report_250_a_legal_long_name_is_written",
    "LP-save-4000-path": "test_hostile_concerns::test_LP_save_4000_path_names_sqlites_limit",
    "LP-survey-250-out": "test_hostile_concerns::test_LP_survey_250_out_is_written",
    "HI-plan-why-escape": "test_hostile_history::test_HI_plan_why_escape_a_reason_is_one_line",
    "PF-dup_rows": "test_hostile_concerns::test_PF_dup_rows_a_company_counts_once",
    "PF-other_version": "test_hostile_concerns::test_PF_other_version_ids_are_refused",
    "RD-doc-hostile": "test_hostile_concerns::test_RD_doc_hostile_rule_texts_are_literal_markdown",
    "SV-dup_ids.csv": "test_hostile_survey::test_SV_dup_ids_a_repeated_respondent_counts_once",
    "SV-nul.csv": "test_hostile_survey::test_SV_nul_in_a_name_is_the_rows_error",
    "SVI-into-symlink": "test_hostile_outputs::test_SVI_into_symlink_keeps_the_link_and_merges_into_its_target",
    "SL-lock-link-empty/-digits": "test_hostile_links::test_SL_lock_link_empty_and_digits_are_left_alone",
}
ELSEWHERE = {
    "WD-stage": "what-if --do's message: issue 26, item 5 (messages that point right), another change",
}


def test_every_case_of_the_report_is_listed_once() -> None:
    assert len(CASES) + len(ELSEWHERE) == 43 + 22
    assert not set(CASES) & set(ELSEWHERE)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_case_has_its_test(case: str) -> None:
    module, name = CASES[case].split("::")
    sys.path.insert(0, str(HERE))
    try:
        found = getattr(importlib.import_module(module), name, None)
    finally:
        sys.path.remove(str(HERE))
    assert callable(found), CASES[case]
