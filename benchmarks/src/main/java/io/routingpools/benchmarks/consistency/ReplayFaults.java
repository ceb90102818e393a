package io.routingpools.benchmarks.consistency;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.routingpools.embedded.PostgresNode;

/**
 * Pauses and resumes WAL replay on every replica at random while it runs: every 5 to 60
 * ms each replica is, with even odds, paused ({@code pg_wal_replay_pause()}) or resumed.
 * Counts how long each replica was paused, and how often the application saw a replica
 * out of rotation. Resumes every replica when stopped.
 */
final class ReplayFaults implements Runnable {

	private final List<PostgresNode> replicas;

	private final Supplier<String> states;

	private final boolean[] paused;

	private final long[] pausedSince;

	private final long[] pausedNanos;

	private volatile boolean stopped;

	private long pauses;

	private long checks;

	private long outOfRotation;

	private long started;

	private long ended;

	/**
	 * @param replicas the replicas
	 * @param states the application's replica states, as
	 * {@link RoutedApp#replicaStates()} gives them
	 */
	ReplayFaults(List<PostgresNode> replicas, Supplier<String> states) {
		this.replicas = replicas;
		this.states = states;
		this.paused = new boolean[replicas.size()];
		this.pausedSince = new long[replicas.size()];
		this.pausedNanos = new long[replicas.size()];
	}

	@Override
	public void run() {
		this.started = System.nanoTime();
		ThreadLocalRandom random = ThreadLocalRandom.current();
		try {
			while (!this.stopped) {
				for (int i = 0; i < this.replicas.size(); i++) {
					boolean pause = random.nextBoolean();
					if (pause && !this.paused[i]) {
						this.replicas.get(i).pauseReplay();
						this.paused[i] = true;
						this.pausedSince[i] = System.nanoTime();
						this.pauses++;
					}
					else if (!pause && this.paused[i]) {
						resume(i);
					}
				}
				this.checks++;
				if (!this.states.get().replace("UP", "").isBlank()) {
					this.outOfRotation++;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(5, 61)));
			}
		}
		finally {
			for (int i = 0; i < this.replicas.size(); i++) {
				if (this.paused[i]) {
					resume(i);
				}
			}
			this.ended = System.nanoTime();
		}
	}

	private void resume(int i) {
		this.replicas.get(i).resumeReplay();
		this.paused[i] = false;
		this.pausedNanos[i] += System.nanoTime() - this.pausedSince[i];
	}

	/**
	 * Stop, and wait until every replica replays again.
	 * @param thread the thread that runs this
	 */
	void stop(Thread thread) throws InterruptedException {
		this.stopped = true;
		thread.join(Duration.ofMinutes(1).toMillis());
	}

	/**
	 * What happened, for the report; call after {@link #stop(Thread)}.
	 * @return for example "replay paused 48 % / 51 % of the time, 1234 pauses"
	 */
	String describe() {
		long elapsed = Math.max(1, this.ended - this.started);
		StringBuilder shares = new StringBuilder();
		for (int i = 0; i < this.replicas.size(); i++) {
			if (i > 0) {
				shares.append(" / ");
			}
			shares.append(Math.round(100.0 * this.pausedNanos[i] / elapsed)).append(" %");
		}
		return "replay paused " + shares + " of the time (" + this.pauses + " pauses); a replica out of rotation in "
				+ this.outOfRotation + " of " + this.checks + " looks";
	}

	/**
	 * @return how often a look at the application's replica states found one not UP
	 */
	long outOfRotation() {
		return this.outOfRotation;
	}

}
