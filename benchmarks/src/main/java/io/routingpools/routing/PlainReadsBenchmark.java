package io.routingpools.routing;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of classifying a statement prepared outside a transaction ({@link PlainReads},
 * DESIGN section 4 rule 4), in nanoseconds per statement. It lives in the package of
 * {@code PlainReads}, which is not public.
 * <ul>
 * <li>{@code hibernateSelect}: a select as Hibernate generates it, about 150
 * characters.</li>
 * <li>{@code selectOne}: {@code select 1}.</li>
 * <li>{@code insert}: refused at its first word.</li>
 * <li>{@code cte}: a read-only {@code WITH} of about 300 characters, with a comment, a
 * literal and function calls.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class PlainReadsBenchmark {

	// Fields rather than constants, so that the JIT cannot fold the answers.
	private String hibernateSelect = "select n1_0.id,n1_0.author_id,n1_0.created_at,n1_0.title,n1_0.version "
			+ "from note n1_0 where n1_0.author_id=? and n1_0.created_at>? order by n1_0.created_at desc";

	private String selectOne = "select 1";

	private String insert = "insert into note (author_id,created_at,title,version,id) values (?,?,?,?,?)";

	private String cte = "with recent as (select n.id, n.author_id from note n "
			+ "where n.created_at > now() - interval '7 days' /* last week */), "
			+ "counts as (select r.author_id, count(*) as notes from recent r group by r.author_id) "
			+ "select a.id, a.name, coalesce(c.notes, 0) from author a "
			+ "left join counts c on c.author_id = a.id order by 3 desc limit 20";

	@Setup(Level.Trial)
	public void checkVerdicts() {
		check(this.hibernateSelect, true);
		check(this.selectOne, true);
		check(this.insert, false);
		check(this.cte, true);
	}

	@Benchmark
	public boolean hibernateSelect() {
		return PlainReads.isPlainRead(this.hibernateSelect);
	}

	@Benchmark
	public boolean selectOne() {
		return PlainReads.isPlainRead(this.selectOne);
	}

	@Benchmark
	public boolean insert() {
		return PlainReads.isPlainRead(this.insert);
	}

	@Benchmark
	public boolean cte() {
		return PlainReads.isPlainRead(this.cte);
	}

	// Fails the trial at once if a statement is not classified as it is meant to be.
	private static void check(String sql, boolean plainRead) {
		if (PlainReads.isPlainRead(sql) != plainRead) {
			throw new IllegalStateException("Expected " + (plainRead ? "a plain read" : "a refusal") + ": " + sql);
		}
	}

}
