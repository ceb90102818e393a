package io.routingpools.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which statements are plain reads that a replica may run in auto-commit mode (DESIGN
 * section 4 rule 4), and the traps of PostgreSQL's lexical rules: whatever is refused
 * goes to the primary.
 */
class PlainReadsTests {

	@ParameterizedTest
	@ValueSource(strings = { "SELECT 1", "select * from note", "WITH t AS (SELECT 1) SELECT * FROM t",
			"with recursive t(n) as (values (1) union all select n + 1 from t where n < 5) select n from t",
			"VALUES (1, 'a'), (2, 'b')", "TABLE note", "SHOW transaction_isolation", "show all" })
	void everyReadingCommandIsARead(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select*from note", "select(1)", "SELECT\"a\"FROM\"t\"", "values(1)", "table\"t\"" })
	void readsNeedNoSpaceAfterTheCommand(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT 1", "select 1", "Select 1", "sElEcT 1", "WiTh t AS (select 1) table t",
			"vAlUeS (1)", "Table note", "sHoW search_path" })
	void readsAreRecognisedInAnyCase(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select n1_0.id,n1_0.title from note n1_0 where n1_0.id=?",
			"select n1_0.id,n1_0.author_id,n1_0.created_at,n1_0.title from note n1_0 where n1_0.title like ? escape '\\' "
					+ "order by n1_0.created_at desc offset ? rows fetch first ? rows only",
			"select count(n1_0.id) from note n1_0 where lower(n1_0.title) in (?,?,?)",
			"select n1_0.id from note n1_0 join author a1_0 on a1_0.id=n1_0.author_id where a1_0.name=? "
					+ "and n1_0.id in(select t1_0.note_id from tag t1_0)",
			"select n1_0.id from note n1_0 where n1_0.body is not null and coalesce(n1_0.rank,0)>? limit ?" })
	void hibernateGeneratedQueriesAreReads(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "  \n\t SELECT 1", "-- a comment\nSELECT 1", "-- a comment\rSELECT 1",
			"/* a comment */ SELECT 1", "/* outer /* nested */ still a comment */ SELECT 1", "(SELECT 1)",
			"((select 1) union (select 2))", "( /* c */ ( -- c\n values (1)))" })
	void leadingWhitespaceCommentsAndParenthesesAreSkipped(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT 1;", "SELECT 1 ;  \n", "select 1; -- done", "select 1; /* done */" })
	void aSingleTrailingSemicolonIsAllowed(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT 1; SELECT 2", "SELECT 1; DELETE FROM note", "select 1;;", "select 1;\n(select 2)",
			"select 1; commit", "select 1; discard all", "select 1; 2" })
	void multipleStatementsAreRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "\n\t ", "-- only a comment", "/* only a comment */", ";", "()" })
	void anEmptyStatementIsRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "INSERT INTO note (title) VALUES (?)", "UPDATE note SET title = ?", "DELETE FROM note",
			"MERGE INTO note n USING src s ON n.id = s.id WHEN MATCHED THEN DELETE", "COPY note TO STDOUT",
			"SET search_path TO app", "RESET ALL", "CREATE TABLE t (id int)", "DROP TABLE t", "ALTER TABLE t ADD c int",
			"BEGIN", "START TRANSACTION", "COMMIT", "CALL p()", "DO $$ BEGIN END $$", "LOCK TABLE note",
			"LISTEN channel", "NOTIFY channel", "UNLISTEN *", "PREPARE q AS SELECT 1", "EXECUTE q", "DISCARD ALL",
			"DECLARE c CURSOR FOR SELECT 1", "FETCH c", "EXPLAIN SELECT 1", "EXPLAIN ANALYZE SELECT 1", "TRUNCATE note",
			"VACUUM note", "ANALYZE note", "REFRESH MATERIALIZED VIEW v", "GRANT SELECT ON note TO app", "CHECKPOINT",
			"SELECTx 1", "selection", "WITHOUT" })
	void everyOtherCommandIsRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{call p(?)}", "{?= call f(?)}", "{fn now()}", "$$select 1$$", "'select 1'",
			"\"select\" 1", "1" })
	void aStatementThatDoesNotBeginWithAWordIsRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT * FROM note FOR UPDATE", "select * from note for update of note nowait",
			"SELECT * FROM note FOR NO KEY UPDATE", "SELECT * FROM note FOR SHARE",
			"select * from note for share skip locked", "SELECT * FROM note FOR KEY SHARE",
			"select * from note For /* lock */ No -- really\n Key Update", "select * from note for\nshare",
			"select * from note for key share", "select * from (select * from note for update) n",
			"TABLE note FOR UPDATE" })
	void lockingClausesAreRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select substring(title for 3) from note", "select share, key, no from note",
			"select * from note where for_update = true", "select substring(title for 2), key from note",
			"select n.for, key from note n", "select overlay(title placing 'x' from 1 for 2) from note" })
	void forAndLockWordsOnTheirOwnAreReads(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT * INTO note_copy FROM note", "select * into temporary t from note",
			"WITH t AS (SELECT 1) SELECT * INTO u FROM t", "select 1 Into t" })
	void selectIntoIsRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "WITH d AS (DELETE FROM note RETURNING id) SELECT * FROM d",
			"WITH i AS (INSERT INTO note (title) VALUES ('x') RETURNING id) SELECT id FROM i",
			"with u as (update note set title = 'x' returning id) select id from u",
			"with m as (merge into note using src on true when matched then do nothing returning *) select 1",
			"WITH a AS (SELECT 1), b AS (/* c */ Delete FROM note) SELECT * FROM a",
			"with x as (select 1) insert into note select * from x" })
	void dataModifyingWithIsRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "with i as (insert note (title) values ('x') returning id) select id from i",
			"with m as (merge note n using src s on n.id = s.id when not matched then do nothing) select 1" })
	void dataModifyingWordsAreRefusedWithoutInto(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT nextval('s')", "SELECT setval('s', 1)", "SELECT currval('s')", "SELECT lastval()",
			"SELECT set_config('app.user', 'x', false)", "SELECT setseed(0.5)", "VALUES (nextval('s'))",
			"select * from nextval('s')", "with t as (select nextval('s')) select * from t" })
	void sequenceAndSessionSettingFunctionsAreRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT pg_advisory_lock(1)", "SELECT pg_try_advisory_lock(1)",
			"SELECT pg_advisory_xact_lock(1)", "SELECT pg_advisory_unlock(1)", "SELECT pg_advisory_unlock_all()",
			"SELECT pg_advisory_lock_shared(1)", "SELECT pg_try_advisory_xact_lock_shared(1)" })
	void advisoryLockFunctionsAreRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT pg_notify('c', 'x')", "SELECT lo_create(0)", "SELECT lo_import('/tmp/x')",
			"SELECT lo_unlink(1)", "SELECT lo_get(1)", "SELECT loread(0, 10)", "SELECT lowrite(0, 'x')",
			"SELECT txid_current()", "SELECT txid_current_if_assigned()", "SELECT pg_current_xact_id()",
			"SELECT pg_current_wal_lsn()", "SELECT pg_cancel_backend(1)", "SELECT pg_terminate_backend(1)",
			"SELECT dblink('c', 'select 1')", "SELECT dblink_exec('c', 'delete from t')", "SELECT pg_switch_wal()",
			"SELECT pg_create_restore_point('x')", "SELECT pg_create_logical_replication_slot('s', 'pgoutput')",
			"SELECT pg_drop_replication_slot('s')", "SELECT pg_promote()", "SELECT pg_wal_replay_pause()",
			"SELECT pg_reload_conf()", "SELECT pg_stat_reset()", "SELECT pg_stat_statements_reset()",
			"SELECT pg_export_snapshot()", "SELECT pg_backup_start('x')",
			"SELECT pg_logical_emit_message(true, 'p', 'x')", "SELECT pg_replication_origin_session_setup('o')",
			"SELECT query_to_xml('select 1', true, false, '')" })
	void functionsThatWriteOrHoldStateAreRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select NEXTVAL('s')", "select NextVal('s')", "select nextval ('s')",
			"select nextval\n\t('s')", "select nextval /* c */ ('s')", "select nextval -- c\n('s')",
			"SELECT public.nextval('s')", "SELECT pg_catalog.set_config('a.b', 'c', false)",
			"select pg_catalog . nextval('s')", "select \"pg_catalog\".nextval('s')", "select \"nextval\"('s')",
			"select pg_catalog.\"set_config\"('a.b', 'c', false)", "select 1+nextval('s')", "select -nextval('s')",
			"select x from t where id=nextval('s')" })
	void refusedFunctionsAreFoundHoweverTheCallIsSpelled(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT pg_sleep(1)", "select count(*), max(id), lower(title) from note",
			"select now(), current_setting('search_path')", "select pg_is_in_recovery()",
			"select pg_size_pretty(pg_total_relation_size('note'))", "select local_nextval(1)", "select nextval_ok(1)",
			"select pg_last_wal_replay_lsn()", "select lo from note", "select logs(1), log(2)" })
	void otherFunctionsAreReads(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select nextval from note", "select t.nextval, t.set_config from t",
			"select \"nextval\" from note", "select pg_advisory_lock from note", "select nextval + (1) from t",
			"select nextval - (1) from t", "select nextval / (2) from t" })
	void aRefusedFunctionNameThatIsNotCalledIsARead(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select \"a\"\"b\"(1)", "select U&\"\\006Eextval\"('s')", "select \"\"(1)" })
	void aQuotedFunctionNameThatCannotBeReadPlainlyIsRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT 'for update'", "select 'nextval(1)'", "select 'a; delete from note'",
			"select 'it''s; insert into t'", "select 'x' from note where title = 'into'",
			"select E'\\' nextval(1) \\''", "select e'it\\'s; delete'", "select $$ for update; nextval('s') $$",
			"select $tag$ delete $$ nextval( $tag$", "select $a$ $b$ into $b$ $a$", "select U&'d\\0061t\\+000061'",
			"select B'1001', X'1F'", "select 'a'\n'; delete'" })
	void stringLiteralsAreIgnored(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select \"for\" \"update\" from note", "select \"insert\", \"into\" from note",
			"select \"a\"\"; delete\" from note", "select \"a\"\"\" from note where \"nextval\" = 1" })
	void quotedIdentifiersAreIgnored(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select 1 -- c\nfor update", "select 1 -- c\rfor update", "select 1 -- c\r\nfor update" })
	void aLineCommentEndsAtAnyLineBreak(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select 1 -- for update", "select 1 /* ; delete from note */",
			"select 1 /* outer /* nested; */ insert */", "select 1 /* nextval( */ + 2", "select 1 --x\n-- ;delete",
			"select '--', 1", "select 1 /**/ /*/ still a comment */" })
	void commentsAreIgnored(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@Test
	void whatFollowsANestedCommentIsScanned() {
		// Were the comment to end at the first */, the quote would open a literal hiding
		// the call
		assertThat(PlainReads.isPlainRead("select 1 /* a /* b */ ' */ , nextval('s') --'")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select 'for update' for update", "select $$x$$, nextval('s')", "select $t$ $$ $t$ into u",
			"select E'\\'', nextval('s')", "select 'a''', nextval('s')", "select \"a\"\"\", nextval('s')",
			"select $1, nextval('s')", "select $$x$$a$, nextval('s') --$a$" })
	void whatFollowsALiteralIsScanned(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select 'unterminated", "select E'unterminated\\'", "select \"unterminated",
			"select $$unterminated", "select $a$unterminated$b$", "select 1 /* unterminated",
			"select 1 /* nested /* unterminated */" })
	void anUnterminatedLiteralOrCommentIsRefused(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select $Tag$ x $tag$ y $Tag$", "select $Tag$ $tag$, nextval('s') $Tag$" })
	void dollarQuoteTagsAreCaseSensitive(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select a$b$c from t where x = $1", "select $1 + $2" })
	void dollarsInWordsAndParametersAreNotQuotes(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@Test
	void aDollarInsideAWordDoesNotHideWhatFollows() {
		assertThat(PlainReads.isPlainRead("select a$b$c, nextval('s') from t where x = $b$c")).isFalse();
	}

	@Test
	void anExtendedLiteralContinuedOnTheNextLineKeepsItsBackslashEscapes() {
		// E'a' and the continuation '\' , nextval(''s'') ' are one literal: no call
		assertThat(PlainReads.isPlainRead("select E'a'\n'\\' , nextval(''s'') '")).isTrue();
		// read as a standard literal, '\' would end before the call
		assertThat(PlainReads.isPlainRead("select 'a'\n'\\' , nextval('s') --'")).isFalse();
	}

	@Test
	void aBackslashThatEndsAStandardLiteralOnlyWithConformingStringsIsRefusedIfTheOtherReadingCalls() {
		// standard_conforming_strings on: '\'' holds \' and the rest is a literal; off:
		// the
		// literal holds ' and nextval is called
		assertThat(PlainReads.isPlainRead("select '\\'', nextval('s') --'")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select 'C:\\temp\\'", "select * from note where title like ? escape '\\'",
			"select 'a\\b', 'c\\d'", "select 'a\\', '/*'", "select '\\'' e' " })
	void aBackslashInAStandardLiteralThatHidesNothingEitherWayIsARead(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select nötig, ñextval from t", "select 'é' as café from t" })
	void nonAsciiLettersArePartOfWords(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isTrue();
	}

	@Test
	void aNonAsciiLetterAdjoiningARefusedNameMakesAnotherName() {
		assertThat(PlainReads.isPlainRead("select ænextval('s')")).isTrue();
		assertThat(PlainReads.isPlainRead("select nextvalé('s')")).isTrue();
		assertThat(PlainReads.isPlainRead("select é+nextval('s')")).isFalse();
	}

	@Test
	void anELiteralMayFollowANumber() {
		// 1e'...' is 1 and an E'...' literal holding the call (PostgreSQL 15 and later
		// refuse it as a number with trailing junk)
		assertThat(PlainReads.isPlainRead("select 1e'\\' , nextval(''s'') '")).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "select 1 nextval('s')", "select 1nextval('s')" })
	void aNumberEndsBeforeTheLettersThatFollowIt(String sql) {
		assertThat(PlainReads.isPlainRead(sql)).isFalse();
	}

}
