package io.routingpools.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The connections borrowed from one replica pool and not yet returned, so that they can
 * be aborted when the replica goes down: a read in flight then fails at once instead of
 * at the socket timeout. HikariCP does not expose its in-use connections, hence this
 * table.
 * <p>
 * Lock-free and allocation-free: a fixed array of slots, twice the pool's maximum size,
 * claimed by compare-and-set, searched from a start that depends on the calling thread so
 * that the thread that returns a connection (usually the one that borrowed it) finds it
 * at once. If every slot is taken (the pool was resized up), the connection is not
 * tracked and a read in flight on it ends at the socket timeout instead.
 */
final class InUseConnections {

	private static final Log logger = LogFactory.getLog(InUseConnections.class);

	private final AtomicReferenceArray<@Nullable Connection> slots;

	InUseConnections(int maximumPoolSize) {
		this.slots = new AtomicReferenceArray<>(Math.max(2, maximumPoolSize * 2));
	}

	void add(Connection connection) {
		int size = this.slots.length();
		int start = start(size);
		for (int i = 0; i < size; i++) {
			int slot = (start + i) % size;
			if (this.slots.get(slot) == null && this.slots.compareAndSet(slot, null, connection)) {
				return;
			}
		}
	}

	void remove(Connection connection) {
		int size = this.slots.length();
		int start = start(size);
		for (int i = 0; i < size; i++) {
			int slot = (start + i) % size;
			if (this.slots.get(slot) == connection) {
				// Only the borrower clears its slot (or the monitor, to the same null):
				// no
				// compare-and-set needed.
				this.slots.lazySet(slot, null);
				return;
			}
		}
	}

	private static int start(int size) {
		return (int) (Thread.currentThread().getId() % size);
	}

	/**
	 * Abort every tracked connection: its socket is closed, and a thread blocked on it
	 * gets pgjdbc's I/O error (SQLSTATE 08006) or {@code 08003} at its next call.
	 * @param executor runs the aborts, as {@link Connection#abort(Executor)} requires
	 * @return how many connections were aborted
	 */
	int abortAll(Executor executor) {
		int aborted = 0;
		for (int slot = 0; slot < this.slots.length(); slot++) {
			Connection connection = this.slots.getAndSet(slot, null);
			if (connection != null) {
				try {
					connection.abort(executor);
					aborted++;
				}
				catch (SQLException ex) {
					logger.debug("Could not abort a connection in use", ex);
				}
			}
		}
		return aborted;
	}

}
